"""The garbage collector's young-generation threshold in every process of a crawl."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from newscrawl.config import Config
from newscrawl.pages.extraction import PageExtractor
from newscrawl.runtime.gc_extension import GcTuning
from newscrawl.runtime.gc_tuning import DEFAULT_THRESHOLD, set_young_threshold
from newscrawl.runtime.pipe_worker import PipeWorker
from newscrawl.spiders.cms import CmsSpider
from newscrawl.storage.pipeline import ArchivePipeline


@pytest.fixture(autouse=True)
def thresholds_restored() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)


def young_threshold(_: object = None) -> int:
    return gc.get_threshold()[0]


def test_the_project_raises_the_young_threshold_by_default() -> None:
    settings = get_project_settings()
    assert Config.from_settings(settings).gc_threshold == DEFAULT_THRESHOLD
    assert "newscrawl.runtime.gc_extension.GcTuning" in settings.getdict("EXTENSIONS")


@pytest.mark.parametrize("value", ["lots", "-5", "2.5", 2.5, True, "", "2147483648", 10**20])
def test_a_bad_threshold_is_one_line_naming_the_setting(value: object) -> None:
    with pytest.raises(ValueError, match=r"^NEWSCRAWL_GC_THRESHOLD must be a whole number"):
        Config.from_settings(Settings({"NEWSCRAWL_GC_THRESHOLD": value}))


def test_the_extension_sets_the_threshold_while_the_engine_runs() -> None:
    gc.set_threshold(700, 10, 10)
    crawler = get_crawler(CmsSpider, settings_dict={"NEWSCRAWL_GC_THRESHOLD": "12345"})
    extension = GcTuning.from_crawler(crawler)
    crawler.signals.send_catch_log(signals.engine_started)
    assert gc.get_threshold() == (12345, 10, 10)
    crawler.signals.send_catch_log(signals.engine_stopped)
    assert gc.get_threshold() == (700, 10, 10)
    assert extension.before is None


def test_zero_leaves_the_interpreter_alone() -> None:
    crawler = get_crawler(CmsSpider, settings_dict={"NEWSCRAWL_GC_THRESHOLD": 0})
    with pytest.raises(NotConfigured):
        GcTuning.from_crawler(crawler)


def test_a_pipe_worker_runs_its_initializer_first() -> None:
    async def scenario() -> list[int]:
        tuned = PipeWorker(young_threshold, set_young_threshold, (23456,))
        plain = PipeWorker(young_threshold)
        try:
            return [await tuned.submit(), await plain.submit()]
        finally:
            tuned.close()
            plain.close()

    assert asyncio.run(scenario()) == [23456, 700]


def test_extraction_workers_get_the_threshold() -> None:
    worker = PageExtractor(1, gc_threshold=23456)._started()[0]  # built, not started
    assert (worker.initializer, worker.initargs) == (set_young_threshold, (23456,))


def test_the_cms_spider_hands_the_setting_to_its_extractor() -> None:
    settings = {"NEWSCRAWL_GC_THRESHOLD": "23456", "NEWSCRAWL_EXTRACT_WORKERS": 1}
    crawler = get_crawler(CmsSpider, settings_dict=settings)
    spider = CmsSpider.from_crawler(crawler, start_urls="http://127.0.0.1:9/")
    assert spider.extractor.gc_threshold == 23456


def test_the_writer_process_starts_with_the_threshold(tmp_path: Path) -> None:
    settings = {
        "ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}",
        "ARCHIVE_WRITER": "process",
        "NEWSCRAWL_GC_THRESHOLD": 34567,
    }
    pipeline = ArchivePipeline.from_crawler(get_crawler(CmsSpider, settings_dict=settings))
    try:
        assert pipeline._writer().submit(young_threshold).result() == 34567
    finally:
        pipeline._writer().shutdown(wait=True)
