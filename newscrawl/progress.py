"""Harvest progress: a live line on a terminal, plain log lines otherwise.

On a terminal (stderr is a TTY) the line ``pages 120 done / 35 queued,
items 98, errors 0, 41.2 pages/s`` is rewritten in place every
``NEWSCRAWL_PROGRESS_INTERVAL`` seconds; under cron (no TTY) the same
figures go to the log as an INFO line every
``NEWSCRAWL_PROGRESS_LOG_INTERVAL`` seconds, so a log file shows how a long
run went. ``NEWSCRAWL_PROGRESS`` chooses: ``auto`` (default), ``line``,
``log`` or ``off``.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import IO, Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from newscrawl.config import Config

logger = logging.getLogger(__name__)


def progress_text(stats: dict[str, Any], queued: int, seconds: float) -> str:
    """The progress figures as one line (pure, for tests and both outputs)."""
    pages = int(stats.get("downloader/response_count", 0))
    items = int(stats.get("item_scraped_count", 0))
    errors = int(stats.get("newscrawl/request_failed", 0)) + int(
        stats.get("spider_exceptions/count", 0)
    )
    rate = pages / seconds if seconds > 0 else 0.0
    return (
        f"pages {pages} done / {queued} queued, items {items}, errors {errors}, {rate:.1f} pages/s"
    )


class Progress:
    """A Scrapy extension (EXTENSIONS) that reports a crawl's progress as it runs."""

    def __init__(self, crawler: Crawler, mode: str, interval: float, stream: IO[str]) -> None:
        self.crawler = crawler
        self.mode = mode
        self.interval = interval
        self.stream = stream
        self.started = time.monotonic()
        self.task: task.LoopingCall | None = None
        self.width = 0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        config = Config.from_settings(crawler.settings)
        mode = config.progress
        if mode == "auto":
            mode = "line" if sys.stderr.isatty() else "log"
        if mode == "off":
            raise NotConfigured("progress reports are off")
        interval = config.progress_interval if mode == "line" else config.progress_log_interval
        extension = cls(crawler, mode, interval, sys.stderr)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def _queued(self) -> int:
        """Requests waiting in the scheduler (Scrapy's own scheduler has a length)."""
        scheduler = self.crawler.engine.scheduler if self.crawler.engine is not None else None
        length = getattr(scheduler, "__len__", None)
        return int(length()) if callable(length) else 0

    def report(self) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        text = progress_text(stats, self._queued(), time.monotonic() - self.started)
        if self.mode == "line":
            padding = " " * max(0, self.width - len(text))
            self.stream.write(f"\r{text}{padding}")
            self.stream.flush()
            self.width = len(text)
        else:
            logger.info("progress: %s", text)

    def spider_opened(self, spider: Spider) -> None:
        self.started = time.monotonic()
        self.task = task.LoopingCall(self.report)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.mode == "line" and self.width:
            self.report()
            self.stream.write("\n")
            self.stream.flush()
