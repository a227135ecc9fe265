"""The storage stage as a Scrapy item pipeline: each Article stored in the archive in batches.

Configuration comes from Scrapy settings through ``from_crawler`` (Scrapy's
MongoPipeline convention); the pipeline owns the archive's transactions, the
``archive`` library functions only take a Session. Scrapy names it in
``ITEM_PIPELINES`` as ``newscrawl.storage.pipeline.ArchivePipeline``. Where the
transactions run (the crawl process, a writer process or the extraction
worker) is :mod:`newscrawl.storage.writer` and :mod:`newscrawl.storage.worker_storage`.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections.abc import Coroutine
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred, succeed

from archive import Archive, WalCheckpointer, finish_run, mask_url, open_archive, start_run
from archive.background_index import BackgroundIndexer
from archive.fts import read_queued
from newscrawl.capture.warc import settle
from newscrawl.config import Config
from newscrawl.items import Article, Gone
from newscrawl.pages.extraction import PageExtractor
from newscrawl.runtime.lifeline import Lifeline
from newscrawl.storage.signals import (
    BATCHES_STARTED,
    BATCHES_STORED,
    RUN_ID,
    STORED_IN,
    run_opened,
    unstored_articles,
)
from newscrawl.storage.worker_storage import WorkerStorage
from newscrawl.storage.writer import (
    Stored,
    close_in_writer,
    index_in_writer,
    index_queued,
    start_writer,
    store_batch,
    store_in_writer,
)

logger = logging.getLogger(__name__)


def _as_deferred(future: Future[Stored]) -> Deferred[None]:
    """A Deferred that fires in the reactor's thread when ``future`` is done."""
    from twisted.internet import reactor  # imported late: Scrapy installs the reactor

    deferred: Deferred[None] = Deferred()

    def done(finished: Future[Stored]) -> None:
        error = None if finished.cancelled() else finished.exception()
        if error is None:
            reactor.callFromThread(deferred.callback, None)
        else:
            reactor.callFromThread(deferred.errback, error)

    future.add_done_callback(done)
    return deferred


class ArchivePipeline:
    """Upsert articles with sections, links and one popularity observation per fetch.

    Items are buffered and stored ``batch_size`` at a time in one transaction,
    so a crash loses at most one batch of work (which the next run refetches).
    :class:`~newscrawl.items.Gone` reports are buffered alongside and applied
    in the same transaction (``mark_gone``; ``newscrawl/gone`` counts the
    articles newly marked), then dropped quietly: they are not articles.
    The run is recorded in ``crawl_runs`` with its final stats.

    The full-text index catches up after each committed batch
    (``ARCHIVE_INDEX = "batch"``: search in Datasette sees a running crawl's
    articles within a batch), the same with SQLite's share of it on a thread
    when this process stores a SQLite file (``"thread"``: the text is prepared
    here, :mod:`archive.background_index` indexes it while the crawl goes on;
    ``"auto"`` picks it when the crawl is one process), or once, when the
    crawl closes (``"close"``: a fast crawl does not wait for the index;
    ``newsarchive search`` finds queued articles meanwhile).
    ``newscrawl/archive/indexed`` and ``newscrawl/archive/index_ms`` count
    that work.
    """

    def __init__(self, url: str, batch_size: int, stats: StatsCollector, spider_name: str) -> None:
        self.url = url
        self.spider_name = spider_name
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.buffer: list[dict[str, Any]] = []
        self.gone: list[Gone] = []
        self.archive: Archive | None = None
        self.run_id: int | None = None
        self.crawler: Crawler | None = None
        self.writer_mode = "inline"
        self.index_each_batch = True
        self.index_on_thread = False  # ARCHIVE_INDEX = "thread" (inline, a SQLite file)
        self.indexer: BackgroundIndexer | None = None
        self.checkpoint_thread = True
        self.checkpointer: WalCheckpointer | None = None
        self.shared: WorkerStorage | None = None  # in the extraction worker (see open_spider)
        self.gc_threshold = 0  # for the writer process (newscrawl.runtime.gc_tuning)
        self.writer: ProcessPoolExecutor | None = None
        self.lifeline: Lifeline | None = None  # the writer process ends with this one
        self.pending: list[Future[Stored]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = Config.from_settings(crawler.settings)
        if not config.archive_url:
            raise NotConfigured("ARCHIVE_URL is empty: items are not archived")
        assert crawler.stats is not None
        pipeline = cls(
            config.archive_url, config.archive_batch_size, crawler.stats, crawler.spidercls.name
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        pipeline.crawler = crawler
        pipeline.writer_mode = config.archive_writer
        pipeline.index_each_batch = config.archive_index in ("batch", "thread")
        pipeline.index_on_thread = config.archive_index == "thread"
        pipeline.checkpoint_thread = config.archive_checkpoint == "thread"
        pipeline.gc_threshold = config.gc_threshold
        return pipeline

    def open_spider(self) -> None:
        self.archive = open_archive(self.url)
        logger.info("archiving into %s", mask_url(self.url))
        spider = self.crawler.spider if self.crawler is not None else None
        site = getattr(spider, "site_key", None)
        with self.archive.begin() as session:
            self.run_id = start_run(
                session,
                spider=self.spider_name,
                archive_url=mask_url(self.url),
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
                site=site if isinstance(site, str) else None,
            )
        # The run's site and record id go into the run record's stats.
        if isinstance(site, str):
            self.stats.set_value("newscrawl/site", site)
        self.stats.set_value(RUN_ID, self.run_id)
        self.stats.set_value("newscrawl/gone", 0)  # in every run record, also when 0
        if self.writer_mode == "inline" and self.checkpoint_thread:
            self.checkpointer = WalCheckpointer.start(self.archive.engine)
        if self.writer_mode == "inline" and self.index_on_thread:
            self.indexer = BackgroundIndexer.start(self.archive.engine)
        extractor = getattr(spider, "extractor", None)
        if self.writer_mode == "process" and isinstance(extractor, PageExtractor):
            worker = extractor.storage_worker()
            if worker is not None:  # the extraction worker stores too: two processes
                self.shared = WorkerStorage(
                    worker,
                    self.url,
                    index_each_batch=self.index_each_batch,
                    checkpoint_thread=self.checkpoint_thread,
                    on_stored=self._count_stored,
                )
        # Where this run's batches are stored, for the run record.
        stored_in = {"inline": "crawl process", "process": "writer process"}[self.writer_mode]
        self.stats.set_value(STORED_IN, "extraction worker" if self.shared else stored_in)
        if self.crawler is not None:
            self.crawler.signals.send_catch_log(signal=run_opened, run_id=self.run_id)

    async def process_item(self, item: Any) -> Any:
        """Buffer the item; the one that fills a batch waits for the batch to be stored
        (with a writer process the crawl goes on meanwhile)."""
        if isinstance(item, Gone):
            self.gone.append(item)
            await self._store_if_full()
            raise DropItem(f"gone ({item.reason}): {item.url}", log_level="DEBUG")
        if isinstance(item, Article):
            data = item.to_dict()
            if item.captures:
                # Where its pages are (archive.captures), once the capture process wrote them.
                data["captures"] = await settle(item.captures)
            self.buffer.append(data)
            await self._store_if_full()
        return item

    async def _store_if_full(self) -> None:
        """:meth:`flush` a full batch; with a writer process wait (not block) until it is
        committed: the batch's failure reaches Scrapy through the item that filled it."""
        if len(self.buffer) + len(self.gone) < self.batch_size:
            return
        stored = self.flush()
        if self.writer_mode == "process":
            await maybe_deferred_to_future(stored)

    def flush(self) -> Deferred[None]:
        """Store the buffered items and mark the gone ones in one transaction.

        Inline, the Deferred has fired when this returns; with a writer process
        it fires (in the reactor's thread) once the batch is committed, or
        fails with the archive's error.
        """
        if (not self.buffer and not self.gone) or self.archive is None:
            return succeed(None)
        batch, self.buffer = self.buffer, []
        gone = [(report.url, report.reason, report.at) for report in self.gone]
        self.gone = []
        self.stats.inc_value(BATCHES_STARTED)
        if self.writer_mode != "process":
            index = self.index_each_batch and self.indexer is None
            self._count(store_batch(self.archive.sessions, batch, gone, index=index))
            self.stats.inc_value(BATCHES_STORED)
            if self.indexer is not None:
                self._index_on_thread(self.indexer)
            return succeed(None)
        if self.shared is not None:
            return self.shared.submit(batch, gone)
        future = self._writer().submit(
            store_in_writer, self.url, batch, gone, self.index_each_batch, self.checkpoint_thread
        )
        # Counted on the executor's thread as soon as the batch is committed:
        # only that thread writes these stats keys during the crawl.
        future.add_done_callback(self._count_future)
        self.pending = [f for f in self.pending if not f.done()] + [future]
        return _as_deferred(future)

    def _index_on_thread(self, indexer: BackgroundIndexer) -> None:
        """Hand the queued articles to the index thread, their text prepared here
        (:mod:`archive.background_index`); the previous hand-over is indexed first,
        so no article is prepared twice."""
        assert self.archive is not None
        indexer.wait()
        started = time.thread_time()
        with self.archive.session() as session:
            prepared = read_queued(session.connection())
        self.stats.inc_value("newscrawl/cpu_us/store", round((time.thread_time() - started) * 1e6))
        indexer.submit(prepared)

    def _close_indexer(self) -> None:
        """Let the index thread finish and stop, and count what it did."""
        indexer, self.indexer = self.indexer, None
        if indexer is None:
            return
        indexer.close()
        self.stats.set_value("newscrawl/archive/indexed_on_thread", indexer.indexed)
        self.stats.inc_value("newscrawl/archive/indexed", indexer.indexed)
        self.stats.inc_value("newscrawl/archive/index_ms", round(indexer.seconds * 1000))

    def _writer(self) -> ProcessPoolExecutor:
        if self.writer is None:
            context = multiprocessing.get_context("forkserver")
            self.lifeline = Lifeline()
            self.writer = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=start_writer,
                initargs=(self.gc_threshold, self.lifeline.end),
            )
        return self.writer

    def _count_future(self, future: Future[Stored]) -> None:
        if not future.cancelled() and future.exception() is None:
            self._count_stored(future.result())

    def _count_stored(self, stored: Stored) -> None:
        """A batch handed to another process is committed."""
        self._count(stored)
        self.stats.inc_value(BATCHES_STORED)

    def _count(self, stored: Stored) -> None:
        self.stats.inc_value("newscrawl/archive/new", stored.new)
        self.stats.inc_value("newscrawl/archive/updated", stored.updated)
        self.stats.inc_value("newscrawl/archive/unchanged", stored.unchanged)
        self.stats.inc_value("newscrawl/gone", stored.gone)
        self.stats.inc_value("newscrawl/archive/indexed", stored.indexed)
        self.stats.inc_value("newscrawl/archive/index_ms", round(stored.index_seconds * 1000))
        self.stats.inc_value("newscrawl/cpu_us/store", round(stored.cpu_seconds * 1e6))

    def drain(self) -> None:
        """Block until every batch handed to the writer process is stored or failed
        (failures were reported through their items)."""
        pending, self.pending = self.pending, []
        wait(pending)

    def close_spider(self) -> Coroutine[Any, Any, None] | None:
        """Store what is left and stop the writer process, before the run is closed.

        The last batch's failure has no item to carry it, so it is raised
        (Scrapy logs it; ``newscrawl harvest`` sees the articles missing).
        With the extraction worker storing, the returned coroutine ends when
        the worker has stored and indexed everything and closed the archive.
        """
        last = self.flush()
        if self.shared is not None:
            last.addErrback(lambda _failure: None)  # raised by close() instead
            return self._close_shared()  # Scrapy awaits it on the asyncio loop
        if self.writer is None:
            if self.indexer is not None:
                self._close_indexer()
                # What the thread could not index, or did not get (more than one
                # read holds), is indexed here, as ARCHIVE_INDEX = "close" does.
                assert self.archive is not None
                self._count(index_queued(self.archive.sessions))
            elif not self.index_each_batch and self.archive is not None:
                self._count(index_queued(self.archive.sessions))
            return None
        tail = self.pending[-1] if self.pending else None
        last.addErrback(lambda _failure: None)  # raised below instead
        try:
            self.drain()
            if tail is not None:
                tail.result()
            if not self.index_each_batch:
                self._count(
                    self.writer.submit(index_in_writer, self.url, self.checkpoint_thread).result()
                )
        finally:
            self._close_writer()
        return None

    async def _close_shared(self) -> None:
        shared, self.shared = self.shared, None
        assert shared is not None
        checkpoints = await shared.close()
        if checkpoints is not None:
            self.stats.set_value("newscrawl/archive/wal_checkpoints", checkpoints)

    def _close_checkpointer(self) -> None:
        """Finish the crawl process's background WAL checkpoints (inline writes)."""
        if self.checkpointer is not None:
            self.checkpointer.close()
            self._count_checkpoints()
            self.checkpointer = None

    def _count_checkpoints(self) -> None:
        if self.checkpointer is not None:
            self.stats.set_value("newscrawl/archive/wal_checkpoints", self.checkpointer.checkpoints)

    def _close_writer(self) -> None:
        """Let the writer process finish its WAL checkpoint and close the archive, then
        stop it. A writer that died has nothing left to close: its error was raised."""
        assert self.writer is not None
        try:
            checkpoints = self.writer.submit(close_in_writer, self.url).result()
            if checkpoints is not None:
                self.stats.set_value("newscrawl/archive/wal_checkpoints", checkpoints)
        except BrokenProcessPool as exc:  # the batch's own error is the one raised
            logger.debug("writer process ended before closing the archive: %s", exc)
        except Exception as exc:  # noqa: BLE001 - closing must not hide the batch's error
            logger.warning("writer process could not close the archive: %s", exc)
        finally:
            self.writer.shutdown(wait=True)
            self.writer = None
            if self.lifeline is not None:
                self.lifeline.close()
                self.lifeline = None

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close the run record with its status and stats (after the last flush), then
        the archive: its checkpoint thread and connections, whatever failed before."""
        if self.archive is None:
            return
        self._count_checkpoints()  # so far, for the run record; the thread stops after it
        try:
            self._finish_run(reason)
        finally:
            if self.indexer is not None:  # close_spider did not run to its end
                self.indexer.close()
                self.indexer = None
            self._close_checkpointer()
            self.archive.close()

    def _finish_run(self, reason: str) -> None:
        if self.archive is None or self.run_id is None:
            return
        lost = unstored_articles(self.stats.get_stats())
        if lost:  # each batch's error was logged with its item; this is the total
            logger.error(
                "%d of %d articles could not be stored in the archive (errors above); "
                "the next run fetches them again",
                lost,
                self.stats.get_value("newscrawl/items", 0),
            )
        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, "failed")
        if lost and status == "finished":
            # The crawl ended, but not with everything it fetched in the archive. Said
            # here, in the one write that closes the record, so it cannot read
            # "finished" when a later write (the harvest's health verdict) fails too,
            # as on a full disk.
            status = "failed"
        with self.archive.begin() as session:
            finish_run(
                session,
                self.run_id,
                status=status,
                finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
                stats={**self.stats.get_stats(), "finish_reason": reason},
            )
