"""The ``newsarchive`` commands, one module per kind of question (:mod:`archive.cli`
gathers them into the command group).

- :mod:`~archive.commands.articles`: ``list``, ``show``, ``history``;
- :mod:`~archive.commands.search`: ``search``;
- :mod:`~archive.commands.reports`: ``top``, ``stats``, ``runs``;
- :mod:`~archive.commands.sites`: ``sites``;
- :mod:`~archive.commands.export`: ``export``;
- :mod:`~archive.commands.captures`: ``raw``, ``reextract``;
- :mod:`~archive.commands.maintenance`: ``upgrade``, ``reindex``, ``identity``;
- :mod:`~archive.commands.common`: the reading session and options they share.
"""
