"""Pipelines with a real Scrapy crawler object and a real SQLite archive."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy.exc import OperationalError
from twisted.internet.defer import Deferred

from archive import (
    article_state,
    find_article_id,
    get_article,
    list_runs,
    observations,
    open_archive,
)
from newscrawl.items import ARTICLE_KEYS, Gone, RawArticle, Section, SidebarLink
from newscrawl.normalize.article import normalize_article
from newscrawl.normalize.pipeline import NormalizePipeline
from newscrawl.spiders.cms import CmsSpider
from newscrawl.storage.pipeline import ArchivePipeline
from newscrawl.storage.signals import run_opened

FETCHED = "2026-11-27T02:00:00+00:00"


def raw_article(**overrides: object) -> RawArticle:
    article = RawArticle(
        url="http://news.example.cn/show.php?cid=29&id=613",
        site="news.example.cn",
        cms_id="613",
        channel="29",
        title="　测试\u200b标题 ",
        published_raw="2026-01-08 09:30:00",
        views_raw="人气：1.2万",
        views_source="page",
        author="星澜编辑部",
        sections=[Section(None, ["导语。"]), Section("一、概况", ["正文\u3000一段。"])],
        sidebar=[
            SidebarLink("新闻资讯", "旧闻", "http://news.example.cn/show.php?id=1", None, "12-28")
        ],
        fetched_at=FETCHED,
    )
    for key, value in overrides.items():
        setattr(article, key, value)
    return article


def archived(pipeline: ArchivePipeline, item: object) -> object:
    """Run ``process_item`` to its end: inline, or an item that does not fill a batch,
    never waits for anything."""
    waiting = pipeline.process_item(item)
    try:
        waiting.send(None)
    except StopIteration as finished:
        return finished.value
    waiting.close()
    raise AssertionError("the archive pipeline waited for something")


def normalize_pipeline(**settings: object) -> tuple[NormalizePipeline, object]:
    crawler = get_crawler(CmsSpider, settings_dict=dict(settings))
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    return NormalizePipeline.from_crawler(crawler), crawler


def test_normalize_types_and_cleans() -> None:
    pipeline, _ = normalize_pipeline()
    item = pipeline.process_item(raw_article())
    assert item.title == "测试标题"
    assert item.published_at == "2026-01-08T09:30:00+08:00"
    assert item.views == 12000
    assert item.body == "导语。\n正文 一段。"
    assert item.sidebar[0].date == "2025-12-28"


def test_normalize_reads_naive_times_in_the_site_zone() -> None:
    pipeline, _ = normalize_pipeline(NEWSCRAWL_TZ="Europe/Berlin")
    item = pipeline.process_item(raw_article())
    assert item.published_at == "2026-01-08T09:30:00+01:00"


def test_a_normalized_article_passes_as_it_is() -> None:
    """The spider's items come normalized (their type says so): not normalized again."""
    pipeline, _ = normalize_pipeline()
    article = normalize_article(raw_article())
    assert pipeline.process_item(article) is article


def test_fill_rates_are_per_contract_key() -> None:
    pipeline, crawler = normalize_pipeline()
    pipeline.process_item(raw_article())
    pipeline.spider_closed(crawler.spider)  # type: ignore[attr-defined]  # no spider object needed
    stats = crawler.stats.get_stats()  # type: ignore[attr-defined]
    rates = {key.removeprefix("newscrawl/fill_rate/") for key in stats if "/fill_rate/" in key}
    untracked = {"url", "site", "fetched_at", "views_source"}
    assert rates == set(ARTICLE_KEYS) - untracked


def test_page_without_title_is_dropped_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    pipeline, crawler = normalize_pipeline()
    with caplog.at_level(logging.WARNING), pytest.raises(DropItem):
        pipeline.process_item(raw_article(title="  "))
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "id=613" in warnings[0].getMessage()
    assert crawler.stats.get_value("newscrawl/dropped/no_title") == 1  # type: ignore[attr-defined]


def test_missing_fields_are_counted() -> None:
    pipeline, crawler = normalize_pipeline()
    pipeline.process_item(raw_article(author=None, views_raw=None))
    stats = crawler.stats  # type: ignore[attr-defined]
    assert stats.get_value("newscrawl/missing/author") == 1
    assert stats.get_value("newscrawl/missing/views") == 1
    assert stats.get_value("newscrawl/missing/title") is None


def test_archive_pipeline_stores_in_batches_and_records_the_run(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    settings = {"ARCHIVE_URL": url, "ARCHIVE_BATCH_SIZE": 2, "ARCHIVE_WRITER": "inline"}
    crawler = get_crawler(CmsSpider, settings_dict=settings)
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    normalize = NormalizePipeline.from_crawler(crawler)
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for i in range(3):
        item = normalize.process_item(
            raw_article(cms_id=str(i), url=f"http://news.example.cn/{i}.html")
        )
        assert archived(pipeline, item) is item
    opened = open_archive(url, create=False)
    with opened.session() as session:
        assert get_article(session, "http://news.example.cn/1.html") is not None  # first batch
        assert get_article(session, "http://news.example.cn/2.html") is None  # still buffered
    pipeline.close_spider()
    pipeline.spider_closed(crawler.spider, reason="finished")  # type: ignore[arg-type]  # no spider object needed
    with opened.session() as session:
        stored = get_article(session, "http://news.example.cn/2.html")
        runs = list_runs(session)
    assert stored is not None and stored["views"] == 12000
    assert [r.status for r in runs] == ["finished"]


def test_the_run_id_is_handed_to_the_spider_and_listeners(tmp_path: Path) -> None:
    """The spider and the harvest get the run's record id as a signal argument."""
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    crawler = get_crawler(CmsSpider, settings_dict={"ARCHIVE_URL": url, "ARCHIVE_WRITER": "inline"})
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    spider = CmsSpider.from_crawler(crawler, start_urls="http://news.example.cn/")
    heard: list[int] = []

    def listener(run_id: int) -> None:
        heard.append(run_id)

    crawler.signals.connect(listener, signal=run_opened)
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    pipeline.close_spider()
    pipeline.spider_closed(spider, reason="finished")
    with open_archive(url, create=False) as opened, opened.session() as session:
        runs = list_runs(session)
    assert [run.id for run in runs] == heard == [spider.run_id]


def test_gone_reports_are_applied_in_the_same_flush_and_dropped_quietly(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    settings = {"ARCHIVE_URL": url, "ARCHIVE_BATCH_SIZE": 50, "ARCHIVE_WRITER": "inline"}
    crawler = get_crawler(CmsSpider, settings_dict=settings)
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    normalize = NormalizePipeline.from_crawler(crawler)
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    archived(pipeline, normalize.process_item(raw_article()))
    pipeline.flush()
    for report in (
        Gone(raw_article().url, "410", FETCHED),
        Gone("http://news.example.cn/show.php?cid=29&id=999", "404", FETCHED),  # not archived
    ):
        assert normalize.process_item(report) is report  # not an Article: passes through
        with pytest.raises(DropItem) as dropped:
            archived(pipeline, report)
        assert dropped.value.log_level == "DEBUG"
    assert crawler.stats.get_value("newscrawl/gone") == 0  # type: ignore[union-attr]  # buffered
    pipeline.close_spider()
    assert crawler.stats.get_value("newscrawl/gone") == 1  # type: ignore[union-attr]
    opened = open_archive(url, create=False)
    with opened.session() as session:
        state = article_state(session, find_article_id(session, raw_article().url) or 0)
    opened.close()
    assert state is not None and (state.gone_at, state.gone_reason) == (FETCHED, "410")


def test_a_writer_process_stores_the_batches_in_order(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    settings = {"ARCHIVE_URL": url, "ARCHIVE_BATCH_SIZE": 1, "ARCHIVE_WRITER": "process"}
    crawler = get_crawler(CmsSpider, settings_dict=settings)
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    normalize = NormalizePipeline.from_crawler(crawler)
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    for views in range(1, 6):  # the same article fetched five times, one batch each
        item = normalize.process_item(raw_article(views_raw=f"人气：{views}"))
        # The item waits for its batch without blocking the crawl: the
        # coroutine suspends on the batch instead of finishing.
        waiting = pipeline.process_item(item)
        assert isinstance(waiting.send(None), Deferred)
        waiting.close()
    assert pipeline.writer is not None and pipeline.lifeline is not None
    pipeline.close_spider()
    assert pipeline.writer is None and pipeline.lifeline is None
    opened = open_archive(url, create=False)
    with opened.session() as session:
        article_id = find_article_id(session, raw_article().url) or 0
        series = [o.views for o in observations(session, article_id)]
    opened.close()
    assert series == [1, 2, 3, 4, 5]
    stats = crawler.stats.get_stats()  # type: ignore[union-attr]
    assert (stats["newscrawl/archive/new"], stats["newscrawl/archive/unchanged"]) == (1, 4)


def test_a_batch_the_writer_process_cannot_store_fails_the_close(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    settings = {"ARCHIVE_URL": f"sqlite:///{path}", "ARCHIVE_WRITER": "process"}
    crawler = get_crawler(CmsSpider, settings_dict=settings)
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    normalize = NormalizePipeline.from_crawler(crawler)
    pipeline = ArchivePipeline.from_crawler(crawler)
    pipeline.open_spider()
    with sqlite3.connect(path) as conn:
        conn.execute("DROP TABLE observations")  # every store now fails
    archived(pipeline, normalize.process_item(raw_article()))  # buffered, not stored yet
    with pytest.raises(OperationalError):
        pipeline.close_spider()  # the last batch has no item to carry its failure
    assert crawler.stats.get_value("newscrawl/archive/new") is None  # type: ignore[union-attr]


def test_archive_writer_setting_is_checked(tmp_path: Path) -> None:
    crawler = get_crawler(
        CmsSpider, settings_dict={"ARCHIVE_URL": f"sqlite:///{tmp_path}/a", "ARCHIVE_WRITER": "x"}
    )
    with pytest.raises(ValueError, match="ARCHIVE_WRITER must be auto, inline or process"):
        ArchivePipeline.from_crawler(crawler)


def test_the_earlier_pipeline_paths_still_load() -> None:
    """Settings written before the pipelines moved to their stages name ``newscrawl.pipelines``."""
    from scrapy.utils.misc import load_object

    from newscrawl.commands.crawl import ARCHIVE_PIPELINES

    assert load_object("newscrawl.pipelines.NormalizePipeline") is NormalizePipeline
    assert load_object("newscrawl.pipelines.ArchivePipeline") is ArchivePipeline
    assert all(load_object(path) is ArchivePipeline for path in ARCHIVE_PIPELINES)
