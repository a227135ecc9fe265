"""Storage, the last stage: normalized Articles into the archive, in batches.

- :mod:`~newscrawl.storage.pipeline`: ``ArchivePipeline``, the Scrapy item pipeline
  (buffers items, opens and closes the run's record, counts what was stored);
- :mod:`~newscrawl.storage.writer`: a batch's transactions, run in the crawl process
  or in a writer process;
- :mod:`~newscrawl.storage.worker_storage`: the batches handed to the extraction
  worker instead (two processes, not three);
- :mod:`~newscrawl.storage.signals`: the run-opened signal and the stats keys the
  spider, the shared queue and ``newscrawl harvest`` read.

The transactions themselves are the ``archive`` library's; nothing is imported here.
"""
