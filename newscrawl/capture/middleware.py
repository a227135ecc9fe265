"""``WarcCapture``: the downloader middleware that writes every exchange of a crawl.

It sits at the downloader's edge (order 950, after every other downloader
middleware), so it sees each request as sent (with the user agent, cookies
and ``Accept-Encoding`` the others add) and each response as received,
before decompression, redirects or retries: robots.txt, lists, articles,
their later pages, counter endpoints, redirects and error answers all get
their records.

The crawl's thread only hands each exchange (URL, headers, bytes) to a capture
process of its own (:class:`~newscrawl.runtime.pipe_worker.PipeWorker` running
:func:`~newscrawl.capture.warc.in_process`, exchanges sent in batches of
:data:`BATCH` bytes), which builds the records
(warcio), digests, compresses and writes them: none of that takes the
crawl's GIL. At most ``NEWSCRAWL_CAPTURE_QUEUE`` exchanges wait for it; a crawl
that gets ahead of it waits (without blocking the event loop) until half of
them are written, so memory stays bounded. ``spider_closed`` waits for every
capture, then has the files flushed and closed. A crawl killed meanwhile
leaves its capture process to write what was in the pipe (it reads the end of
its pipe after them) and exit, the file still ``.open`` for the next crawl to
recover; what the crawl had not yet sent (at most a batch, 50 ms) is lost,
as are the items that would have pointed at it (the archive pipeline stores an
item only once its captures are written). Where the response's payload
lies goes into the request's meta (:data:`CAPTURE_META`, the process's
future answer), which the spider copies onto the Article
(``Article.captures``, as a :class:`~newscrawl.capture.warc.PendingCapture`)
and the archive pipeline stores once written
(:func:`~newscrawl.capture.warc.settle`).

Revisits. A payload already captured in this run, or one the archive holds a
capture of from an earlier harvest (same host, same payload digest, see
:class:`~archive.captures.PriorCaptures`), is written as a WARC revisit record
pointing at that earlier record (``WARC-Refers-To-Target-URI`` and
``-Date``); the article's capture points at the record that holds the bytes.

Settings (through ``from_crawler``):

- ``NEWSCRAWL_CAPTURE``: on or off (off in ``settings.py`` for ``scrapy crawl``;
  ``newscrawl harvest`` and ``newscrawl demo`` turn it on unless ``-s`` says 0);
- ``NEWSCRAWL_CAPTURE_DIR``: the folder; empty means ``<archive file>.captures/``
  beside a SQLite archive (:func:`archive.captures.default_folder`);
- ``NEWSCRAWL_CAPTURE_MAX_SIZE``: bytes after which a file is closed and the next begun;
- ``NEWSCRAWL_CAPTURE_QUEUE``: exchanges handed over and not yet written, at most.

The run's record lists the files (``newscrawl/capture/files``) and counts the
records, revisit records and bytes (``newscrawl/capture/records|revisits|bytes``).
A capture that cannot be written (a full disk) is logged once with its URL and
counted (``newscrawl/capture/failed``); the crawl goes on.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from archive.captures import base_folder, default_folder
from newscrawl.capture.recovery import recover
from newscrawl.capture.warc import (
    Exchange,
    PendingCapture,
    Written,
    in_process,
    start_process,
)
from newscrawl.config import Config
from newscrawl.runtime.pipe_worker import PipeWorker

logger = logging.getLogger(__name__)

#: Request meta key: the capture process's future answer for the response.
CAPTURE_META = "newscrawl_capture"

#: Exchanges go to the capture process in writes of about this many bytes (or every
#: 50 ms): one wake-up of it, and one of the crawl for its answers, per several pages.
BATCH = 256 * 1024


def capture_folder(settings_dir: str, archive_url: str) -> Path:
    """``NEWSCRAWL_CAPTURE_DIR``, else the default folder of the archive."""
    if settings_dir:
        return Path(settings_dir).expanduser().resolve()
    return default_folder(archive_url)


def _request_headers(request: Request) -> list[tuple[bytes, bytes]]:
    """The request's headers, with the ``Host`` the HTTP client adds when it sends it."""
    pairs = [(name, value) for name, values in request.headers.items() for value in values]
    if b"Host" not in request.headers:
        pairs.insert(0, (b"Host", urlsplit(request.url).netloc.encode("ascii", "replace")))
    return pairs


def pending_capture(response: Response, role: str = "page") -> PendingCapture | None:
    """The response's capture being written, for ``Article.captures`` (None when
    captures are off)."""
    written = response.meta.get(CAPTURE_META)
    return PendingCapture(written, role) if isinstance(written, asyncio.Future) else None


class WarcCapture:
    """Write each request and response as WARC records (see the module docstring)."""

    def __init__(self, folder: Path, worker: PipeWorker, stats: StatsCollector, queue: int) -> None:
        self.folder = folder
        self.worker = worker
        self.stats = stats
        self.queue = max(2, queue)
        self.files: tuple[str, ...] = ()
        self._pending: deque[asyncio.Future[Written]] = deque()  # in order of hand-over
        self._failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = Config.from_settings(crawler.settings)
        if not config.capture:
            raise NotConfigured("NEWSCRAWL_CAPTURE is off")
        archive_url = config.archive_url
        folder = capture_folder(config.capture_dir, archive_url)
        max_size = config.capture_max_size
        queue = config.capture_queue
        base = base_folder(archive_url)
        worker = PipeWorker(
            in_process,
            start_process,
            (str(folder), str(base), max(1, max_size), archive_url),
            batch=BATCH,
        )
        assert crawler.stats is not None
        middleware = cls(folder, worker, crawler.stats, queue)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        """Recover what a killed crawl left; start the capture process and its first
        file. The crawl does not wait for it (about 0.7 s to start): the first
        exchanges wait in the pipe meanwhile."""
        recover(self.folder)  # files a killed crawl left open; logs one line each
        logger.info("capturing requests and responses as WARC in %s", self.folder)
        self._hand_over(self.worker.submit("open"))
        self.worker.flush()

    async def spider_closed(self, spider: Spider) -> None:
        """Wait for every capture, then have the files flushed and closed."""
        self.worker.flush()
        if self._pending:
            await asyncio.wait(list(self._pending))
        self._pending.clear()
        closed = self.worker.submit("close")
        self.worker.flush()
        closed.add_done_callback(self._written)
        await asyncio.wait([closed])
        self.worker.close()

    def _hand_over(self, written: asyncio.Future[Written]) -> None:
        written.add_done_callback(self._written)
        pending = self._pending
        pending.append(written)
        while pending and pending[0].done():
            pending.popleft()

    def _written(self, written: asyncio.Future[Written]) -> None:
        """Count a written capture in the stats, or report one that failed (once)."""
        stats = self.stats
        error = written.exception() if not written.cancelled() else None
        if written.cancelled() or error is not None:
            stats.inc_value("newscrawl/capture/failed")
            if not self._failed:  # once: a full disk would say it for every page
                logger.error("cannot write captures: %s", error or "the capture process stopped")
                self._failed = True
            return
        result = written.result()
        stats.set_value("newscrawl/capture/records", result.records)
        stats.set_value("newscrawl/capture/revisits", result.revisits)
        stats.set_value("newscrawl/capture/bytes", result.bytes)
        if len(result.files) != len(self.files):
            self.files = result.files
            stats.set_value("newscrawl/capture/files", list(result.files))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response | Any:
        headers = [(name, value) for name, values in response.headers.items() for value in values]
        exchange = Exchange(
            response.url,
            request.method,
            _request_headers(request),
            request.body,
            response.status,
            response.protocol or "HTTP/1.1",
            headers,
            response.body,
            str(response.ip_address) if response.ip_address else None,
        )
        written = self.worker.submit("write", exchange)
        request.meta[CAPTURE_META] = written
        self._hand_over(written)
        if len(self._pending) >= self.queue:
            return self._caught_up(response)  # an awaitable: Scrapy waits for it
        return response

    async def _caught_up(self, response: Response) -> Response:
        """``response``, once at most half the queue's captures wait to be written."""
        pending = self._pending
        self.worker.flush()
        while len(pending) > self.queue // 2:
            await asyncio.wait([pending[0]])
            while pending and pending[0].done():
                pending.popleft()
        return response
