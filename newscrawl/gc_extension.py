"""The crawl process's garbage-collector threshold, as a Scrapy extension.

See :mod:`newscrawl.gc_tuning` for why and what was measured.
"""

from __future__ import annotations

import gc
from typing import Self

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.gc_tuning import gc_threshold, set_young_threshold


class GcTuning:
    """A Scrapy extension (EXTENSIONS): :func:`set_young_threshold` while the engine runs."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold
        self.before: tuple[int, int, int] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = gc_threshold(crawler.settings)
        if not threshold:
            raise NotConfigured("NEWSCRAWL_GC_THRESHOLD is 0: the interpreter's setting stands")
        extension = cls(threshold)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        self.before = set_young_threshold(self.threshold)

    def engine_stopped(self) -> None:
        """Give the process back its thresholds (a script may run more than one crawl)."""
        if self.before is not None:
            gc.set_threshold(*self.before)
            self.before = None
