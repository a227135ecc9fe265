"""Scrapy's in-memory stats, without a deprecation check on every attribute read.

Since Scrapy 2.13 ``StatsCollector.__getattribute__`` wraps its methods to warn
when a caller passes the deprecated ``spider`` argument, and runs on every
attribute read of the collector, its own ``self._stats`` inside each method
included, where it raises and catches an ``AttributeError`` each time. A crawl
counts a dozen stats or more per page (Scrapy's downloader and scheduler, our
spider and pipelines), so that check costs about as much as the counting
(scrapy/scrapy#7045 and #7842 speed it up in later releases; 2.19 still has it).

:class:`PlainStatsCollector` is Scrapy's ``MemoryStatsCollector`` with the plain
attribute lookup of ``object``: the same methods, the same stats, dumped and
kept as Scrapy keeps them. The one difference: a caller that still passes
``spider`` is not warned (the argument was never used). ``STATS_CLASS`` names
it in the project settings; a user's own ``STATS_CLASS`` replaces it.
``benchmarks/TUNING.md`` has what it saves.
"""

from __future__ import annotations

from scrapy.statscollectors import MemoryStatsCollector


class PlainStatsCollector(MemoryStatsCollector):
    """``MemoryStatsCollector`` without the per-read deprecation wrapper."""

    # object's own lookup: type slots make it the C function again, not a Python call.
    __getattribute__ = object.__getattribute__
