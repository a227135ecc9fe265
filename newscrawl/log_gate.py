"""Log records below ``LOG_LEVEL`` are not made at all, as a Scrapy extension.

Scrapy sets the root logger to ``NOTSET`` and lets its own handler drop what
is below ``LOG_LEVEL``. So every ``Crawled (200)`` and ``Scraped from`` DEBUG
line of a crawl at INFO is still built in full (the caller's frame looked up,
a ``LogRecord`` made and passed to the handlers) and then thrown away: two
per article page. On the benchmark's 5,000-article crawl (``benchmarks.run``,
py-spy) that was 1.3% of the crawl process's time at ``LOG_LEVEL =
"WARNING"``.

While the engine runs, :class:`LogLevelGate` raises the root logger's level to
``LOG_LEVEL``, so ``logger.debug`` returns at its first test. What Scrapy's
handler prints does not change: it dropped these records anyway. A handler
of the user's own with a lower level than ``LOG_LEVEL`` sees less; set
``LOG_LEVEL`` to what the most verbose handler needs (``-L DEBUG`` turns the
gate off). The root logger gets its level back when the engine stops.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.engine_scoped import WhileEngineRuns


def log_level(value: object) -> int | None:
    """``LOG_LEVEL`` as a number (``"INFO"``, ``20``), or None if it is none Python knows."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return logging.getLevelNamesMapping().get(value.upper())
    return None


class LogLevelGate(WhileEngineRuns[int]):
    """A Scrapy extension (EXTENSIONS): the root logger at ``LOG_LEVEL`` while the engine runs."""

    def __init__(self, level: int) -> None:
        self.level = level

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        level = log_level(crawler.settings.get("LOG_LEVEL"))
        if level is None or level <= logging.DEBUG:
            raise NotConfigured("LOG_LEVEL keeps DEBUG records: nothing to leave out")
        extension = cls(level)
        extension.connect(crawler)
        return extension

    def apply(self) -> int:
        before = logging.root.level
        if self.level > before:
            logging.root.setLevel(self.level)
        return before

    def restore(self, before: int) -> None:
        """Give the root logger its level back (a script may run more than one crawl)."""
        logging.root.setLevel(before)
