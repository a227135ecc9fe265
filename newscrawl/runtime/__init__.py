"""Runtime tuning, apart from the data path: how the crawl's work is spread over
processes and cores, and the interpreter settings it changes while it runs.

- :mod:`~newscrawl.runtime.cores`: two-process mode where a second core exists;
- :mod:`~newscrawl.runtime.pipe_worker`: a worker process fed through pipes the
  event loop watches (the storage stage hands it the archive's batches too:
  :mod:`newscrawl.storage.worker_storage`); :mod:`~newscrawl.runtime.lifeline`: child
  processes that end with the crawl process;
- :mod:`~newscrawl.runtime.gc_tuning` and :mod:`~newscrawl.runtime.gc_extension`:
  fewer garbage collections; :mod:`~newscrawl.runtime.log_gate`: Scrapy's debug
  lines not even built; :mod:`~newscrawl.runtime.engine_scoped`: settings held
  only while the engine runs.

Each module's docstring states the rule it keeps; the figures behind the rules
are in ``benchmarks/*.md``. The data path (pages, normalization, storage) calls
these through a function or a class each, and works the same without them.
"""
