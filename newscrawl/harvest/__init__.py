"""``newscrawl harvest``: one scheduled run of the ``cms`` spider, meant for crontab.

A harvest takes an OS file lock on (archive, site) so two runs never overlap
(the lock dies with its process: a killed run never blocks the next), marks
the records of earlier runs that were killed as "interrupted", crawls in
process with the project settings, then checks the run's health from its
final stats and the previous runs' stats, writes the verdict into the run
record and prints one summary line. Exit codes are
:data:`newscrawl.harvest.verdict.EXIT_CODES`.

In the order a harvest goes:

- :mod:`~newscrawl.harvest.command`: the ``newscrawl harvest`` command (click);
- :mod:`~newscrawl.harvest.plan`: arguments and settings checked before anything runs;
- :mod:`~newscrawl.harvest.locks`: one harvest of an (archive, site) at a time, and the
  killed runs marked interrupted;
- :mod:`~newscrawl.harvest.one_site` and :mod:`~newscrawl.harvest.all_sites`: one site,
  or every due site of the registry side by side in one process;
- :mod:`~newscrawl.harvest.watch`: what the crawl's signals said, and the verdict recorded;
- :mod:`~newscrawl.harvest.verdict`: exit codes, the health check, the summary line.

Nothing is imported here: ``newscrawl --help`` does not load Scrapy through it.
"""
