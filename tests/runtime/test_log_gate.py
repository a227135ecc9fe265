"""The root and scrapy loggers at LOG_LEVEL while a crawl runs: DEBUG records are never built."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.log import DEFAULT_LOGGING
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.runtime.log_gate import LogLevelGate, log_level
from newscrawl.spiders.cms import CmsSpider


@pytest.fixture(autouse=True)
def levels_as_scrapy_sets_them() -> Iterator[None]:
    """Root at NOTSET, ``scrapy`` at DEBUG: as ``scrapy crawl`` leaves them."""
    scrapy_logger = logging.getLogger("scrapy")
    before = logging.root.level, scrapy_logger.level
    logging.root.setLevel(logging.NOTSET)  # Scrapy's root handler
    scrapy_logger.setLevel(DEFAULT_LOGGING["loggers"]["scrapy"]["level"])  # configure_logging
    assert scrapy_logger.level == logging.DEBUG
    yield
    logging.root.setLevel(before[0])
    scrapy_logger.setLevel(before[1])


class Built(logging.Filter):
    """Counts the records that reach a logger's handlers, i.e. the ones built."""

    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []

    def filter(self, record: logging.LogRecord) -> bool:
        self.levels.append(record.levelno)
        return False


@pytest.fixture
def scrapy_records() -> Iterator[Built]:
    logger = logging.getLogger("scrapy.core.scraper")
    built = Built()
    logger.addFilter(built)
    yield built
    logger.removeFilter(built)


def log_like_scrapy() -> None:
    logger = logging.getLogger("scrapy.core.scraper")
    logger.debug("Scraped from %s", "<200 http://127.0.0.1/show.php?id=1>")
    logger.info("Crawled %d pages", 1)
    logger.warning("one warning")


def test_the_project_enables_the_gate() -> None:
    assert "newscrawl.runtime.log_gate.LogLevelGate" in get_project_settings().getdict("EXTENSIONS")


@pytest.mark.parametrize(
    ("value", "level"),
    [("INFO", 20), ("warning", 30), (40, 40), ("LOUD", None), (None, None), (True, None)],
)
def test_log_level_reads_names_and_numbers(value: object, level: int | None) -> None:
    assert log_level(value) == level


def test_without_the_gate_scrapy_builds_debug_records(scrapy_records: Built) -> None:
    log_like_scrapy()
    assert scrapy_records.levels == [logging.DEBUG, logging.INFO, logging.WARNING]


def test_while_the_engine_runs_records_below_the_level_are_not_built(
    scrapy_records: Built,
) -> None:
    crawler = get_crawler(CmsSpider, settings_dict={"LOG_LEVEL": "INFO"})
    extension = LogLevelGate.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.engine_started)
    log_like_scrapy()
    assert scrapy_records.levels == [logging.INFO, logging.WARNING]
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert logging.root.level == logging.NOTSET
    assert logging.getLogger("scrapy").level == logging.DEBUG
    assert extension.before is None
    log_like_scrapy()
    assert scrapy_records.levels[2:] == [logging.DEBUG, logging.INFO, logging.WARNING]


def test_a_root_level_set_higher_already_is_kept() -> None:
    logging.root.setLevel(logging.ERROR)
    crawler = get_crawler(CmsSpider, settings_dict={"LOG_LEVEL": "INFO"})
    LogLevelGate.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.engine_started)
    assert logging.root.level == logging.ERROR
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert logging.root.level == logging.ERROR


def test_a_logger_quieter_by_inheritance_is_not_made_more_verbose() -> None:
    scrapy_logger = logging.getLogger("scrapy")
    scrapy_logger.setLevel(logging.NOTSET)
    logging.root.setLevel(logging.ERROR)
    crawler = get_crawler(CmsSpider, settings_dict={"LOG_LEVEL": "INFO"})
    LogLevelGate.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.engine_started)
    assert scrapy_logger.getEffectiveLevel() == logging.ERROR
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert scrapy_logger.level == logging.NOTSET


@pytest.mark.parametrize("value", ["DEBUG", 10, "LOUD"])
def test_debug_or_an_unknown_level_leaves_logging_alone(value: object) -> None:
    crawler = get_crawler(CmsSpider, settings_dict={"LOG_LEVEL": value})
    with pytest.raises(NotConfigured):
        LogLevelGate.from_crawler(crawler)
