"""The project's stats collector: Scrapy's in-memory stats, without the per-read check."""

from __future__ import annotations

import warnings

from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.runtime.stats import PlainStatsCollector


def _exercise(stats: MemoryStatsCollector) -> dict[str, object]:
    stats.open_spider()
    stats.set_value("a", 1)
    stats.inc_value("a")
    stats.inc_value("b", 5, start=10)
    stats.max_value("c", 3)
    stats.max_value("c", 2)
    stats.min_value("d", 3)
    stats.min_value("d", 1)
    assert stats.get_value("missing", "default") == "default"
    return dict(stats.get_stats())


def test_same_stats_as_scrapys_collector() -> None:
    crawler = get_crawler(settings_dict={"STATS_DUMP": False})
    expected = _exercise(MemoryStatsCollector(crawler))
    assert expected == {"a": 2, "b": 15, "c": 3, "d": 1}
    assert _exercise(PlainStatsCollector(crawler)) == expected


def test_attribute_reads_are_plain() -> None:
    assert MemoryStatsCollector.__getattribute__ is not object.__getattribute__
    assert PlainStatsCollector.__getattribute__ is object.__getattribute__


def test_a_spider_argument_still_counts_without_a_warning() -> None:
    stats = PlainStatsCollector(get_crawler())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.inc_value("pages", spider=None)
    assert stats.get_value("pages") == 1


def test_project_settings_use_it() -> None:
    settings = get_project_settings()
    assert settings.get("STATS_CLASS") == "newscrawl.runtime.stats.PlainStatsCollector"
    crawler = get_crawler(settings_dict={"STATS_CLASS": settings.get("STATS_CLASS")})
    assert type(crawler.stats) is PlainStatsCollector
