"""The crawl process's garbage-collector threshold, as a Scrapy extension.

See :mod:`newscrawl.runtime.gc_tuning` for why and what was measured.
"""

from __future__ import annotations

import gc
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.config import Config
from newscrawl.runtime.engine_scoped import WhileEngineRuns
from newscrawl.runtime.gc_tuning import set_young_threshold


class GcTuning(WhileEngineRuns[tuple[int, int, int]]):
    """A Scrapy extension (EXTENSIONS): :func:`set_young_threshold` while the engine runs."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        threshold = Config.from_settings(crawler.settings).gc_threshold
        if not threshold:
            raise NotConfigured("NEWSCRAWL_GC_THRESHOLD is 0: the interpreter's setting stands")
        extension = cls(threshold)
        extension.connect(crawler)
        return extension

    def apply(self) -> tuple[int, int, int]:
        return set_young_threshold(self.threshold)

    def restore(self, before: tuple[int, int, int]) -> None:
        """Give the process back its thresholds (a script may run more than one crawl)."""
        gc.set_threshold(*before)
