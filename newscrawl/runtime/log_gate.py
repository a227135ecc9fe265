"""Log records below ``LOG_LEVEL`` are not made at all, as a Scrapy extension.

Scrapy sets the root logger to ``NOTSET`` and its own ``scrapy`` logger to
``DEBUG`` (``scrapy.utils.log.DEFAULT_LOGGING``), and lets its handler drop
what is below ``LOG_LEVEL``. So every ``Crawled (200)`` and ``Scraped from`` DEBUG
line of a crawl at INFO is still built in full (the caller's frame looked up,
a ``LogRecord`` made and passed to the handlers) and then thrown away: two
per article page, a measurable share of the crawl process's time
(``benchmarks/TUNING.md``).

While the engine runs, :class:`LogLevelGate` raises the level of those two
loggers to ``LOG_LEVEL``, so ``logger.debug`` returns at its first test. (The
first version raised the root logger's alone, which the ``scrapy`` logger's
own ``DEBUG`` overrides: the records were still built, as counting
``makeRecord`` calls in a benchmark crawl showed.) What Scrapy's
handler prints does not change: it dropped these records anyway. A handler
of the user's own with a lower level than ``LOG_LEVEL`` sees less; set
``LOG_LEVEL`` to what the most verbose handler needs (``-L DEBUG`` turns the
gate off). Both loggers get their levels back when the engine stops.
"""

from __future__ import annotations

import logging
from typing import Self

from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured

from newscrawl.runtime.engine_scoped import WhileEngineRuns


def log_level(value: object) -> int | None:
    """``LOG_LEVEL`` as a number (``"INFO"``, ``20``), or None if it is none Python knows."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        return logging.getLevelNamesMapping().get(value.upper())
    return None


#: The loggers whose levels decide whether Scrapy's records are built: the root
#: and the one Scrapy's logging configuration sets to DEBUG.
GATED_LOGGERS = ("", "scrapy")

_Levels = list[tuple[logging.Logger, int]]


class LogLevelGate(WhileEngineRuns[_Levels]):
    """A Scrapy extension (EXTENSIONS): the root and ``scrapy`` loggers at ``LOG_LEVEL``
    while the engine runs."""

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

    def apply(self) -> _Levels:
        """Raise each gated logger that lets records below ``LOG_LEVEL`` through.

        A logger that is quieter already (its own level or the one it
        inherits) is left alone: the gate never makes a logger more verbose.
        """
        loggers = [logging.getLogger(name or None) for name in GATED_LOGGERS]
        raised = [
            (logger, logger.level) for logger in loggers if logger.getEffectiveLevel() < self.level
        ]
        for logger, _level in raised:
            logger.setLevel(self.level)
        return raised

    def restore(self, before: _Levels) -> None:
        """Give the loggers their levels back (a script may run more than one crawl)."""
        for logger, level in before:
            logger.setLevel(level)
