"""``WarcCapture``: the downloader middleware that writes every exchange of a crawl.

It sits at the downloader's edge (order 950, after every other downloader
middleware), so it sees each request as sent (with the user agent, cookies
and ``Accept-Encoding`` the others add) and each response as received,
before decompression, redirects or retries: robots.txt, lists, articles,
their later pages, counter endpoints, redirects and error answers all get
their records. Where the response's payload lies goes into the request's
meta (:data:`CAPTURE_META`, a future of its :class:`~archive.captures.Capture`:
the records are compressed and written on a thread of their own, see
:meth:`~newscrawl.capture.warc.WarcFiles.submit`),
which the spider copies onto the Article (``Article.captures``) and the
archive stores with it.

Settings (through ``from_crawler``):

- ``NEWSCRAWL_CAPTURE``: on or off (off in ``settings.py`` for ``scrapy crawl``;
  ``newscrawl harvest`` and ``newscrawl demo`` turn it on unless ``-s`` says 0);
- ``NEWSCRAWL_CAPTURE_DIR``: the folder; empty means ``<archive file>.captures/``
  beside a SQLite archive (:func:`archive.captures.default_folder`);
- ``NEWSCRAWL_CAPTURE_MAX_SIZE``: bytes after which a file is closed and the next begun.

The run's record lists the files (``newscrawl/capture/files``) and counts the
records, revisit records and bytes (``newscrawl/capture/records|revisits|bytes``).
A capture that cannot be written (a full disk) is logged once with its URL and
counted (``newscrawl/capture/failed``); the crawl goes on.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Self
from urllib.parse import urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.statscollectors import StatsCollector

from archive.captures import Capture, base_folder, default_folder
from newscrawl.capture.warc import Exchange, WarcFiles, recover

logger = logging.getLogger(__name__)

#: Request meta key: where the response's payload is captured (Capture.to_json()).
CAPTURE_META = "newscrawl_capture"

#: NEWSCRAWL_CAPTURE_MAX_SIZE's default: the WARC standard's suggested 1 GB.
DEFAULT_MAX_SIZE = 1_000_000_000


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


def resolved(value: Any) -> dict[str, Any] | None:
    """A response's capture as JSON (:data:`CAPTURE_META` holds a future of it), or None
    when it could not be written."""
    if isinstance(value, Future):
        if value.exception() is not None:  # waits for the write: almost always done
            return None
        value = value.result()
    return value.to_json() if isinstance(value, Capture) else None


class WarcCapture:
    """Write each request and response as WARC records (see the module docstring)."""

    def __init__(self, files: WarcFiles, stats: StatsCollector) -> None:
        self.files = files
        self.stats = stats
        self._failed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_CAPTURE", False):
            raise NotConfigured("NEWSCRAWL_CAPTURE is off")
        archive_url = str(settings.get("ARCHIVE_URL") or "")
        folder = capture_folder(str(settings.get("NEWSCRAWL_CAPTURE_DIR") or ""), archive_url)
        max_size = settings.getint("NEWSCRAWL_CAPTURE_MAX_SIZE", DEFAULT_MAX_SIZE)
        assert crawler.stats is not None
        files = WarcFiles(folder, base=base_folder(archive_url), max_size=max_size)
        middleware = cls(files, crawler.stats)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        recover(self.files.folder)  # files a killed crawl left open; logs one line each
        logger.info("capturing requests and responses as WARC in %s", self.files.folder)

    def spider_closed(self, spider: Spider) -> None:
        self.files.close()

    def _written(self, future: Future[Capture]) -> None:
        """Count a written capture in the stats, or report one that failed (once)."""
        error = future.exception()
        stats = self.stats
        if error is not None:
            stats.inc_value("newscrawl/capture/failed")
            if not self._failed:  # once: a full disk would say it for every page
                logger.error("cannot write captures: %s", error)
                self._failed = True
            return
        stats.set_value("newscrawl/capture/records", self.files.records)
        stats.set_value("newscrawl/capture/revisits", self.files.revisits)
        stats.set_value("newscrawl/capture/bytes", self.files.bytes)
        if len(self.files.files) != len(stats.get_value("newscrawl/capture/files", ())):
            stats.set_value("newscrawl/capture/files", list(self.files.files))

    def process_response(
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Response:
        headers = [(name, value) for name, values in response.headers.items() for value in values]
        exchange = Exchange(
            url=response.url,
            method=request.method,
            request_headers=_request_headers(request),
            request_body=request.body,
            status=response.status,
            protocol=response.protocol or "HTTP/1.1",
            response_headers=headers,
            body=response.body,
            ip_address=str(response.ip_address) if response.ip_address else None,
        )
        future = self.files.submit(exchange)
        future.add_done_callback(self._written)  # on the files' thread
        request.meta[CAPTURE_META] = future
        return response
