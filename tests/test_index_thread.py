"""The full-text index catching up on its own thread (archive.index_thread)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import text

from archive import Archive, fts, index_pending, open_archive, store_articles
from archive.index_thread import BackgroundIndexer, index_chunk
from newscrawl.items import Article
from newscrawl.pipelines import ArchivePipeline
from newscrawl.spiders.cms import CmsSpider

SITE = "www.example-news.cn"
WORDS = ("稻谷", "晒场", "秋收", "果园", "渔船", "茶山", "竹林", "盐田", "花市", "灯会")
#: Words an article is rewritten with: no character of theirs is in WORDS or the template.
REWORDS = ("松涛", "溪流", "雪峰", "鹤影", "琴声", "墨香", "风铃", "云海", "石桥", "月湖")


def item(number: int, word: str | None = None) -> dict[str, Any]:
    """Article ``number``, its body naming ``word`` (a marker a search can find)."""
    word = word or WORDS[number % len(WORDS)]
    body = f"第{number}篇：村里的{word}今年格外热闹，编号{number:04d}。Harvest note {number}."
    return {
        "url": f"http://{SITE}/show.php?cid=3&id={number}",
        "site": SITE,
        "cms_id": str(number),
        "title": f"乡村见闻之{number}",
        "sections": [{"heading": None, "paragraphs": [body]}],
        "body": body,
        "fetched_at": "2026-11-20T08:00:00+08:00",
    }


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Archive]:
    handle = open_archive(str(tmp_path / "a.sqlite"))
    yield handle
    handle.close()


def vocabulary(opened: Archive) -> list[tuple[Any, ...]]:
    """Every (term, article, column, offset) the index holds."""
    with opened.begin() as session:
        session.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, articles_fts, 'instance')"
            )
        )
        rows = session.execute(
            text("SELECT term, doc, col, offset FROM temp.vocab ORDER BY 1, 2, 3, 4")
        )
        return [tuple(row) for row in rows]


def pending(opened: Archive) -> int:
    with opened.session() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {fts.PENDING_TABLE}")).scalar_one())


def matching(opened: Archive, term: str) -> set[int]:
    """Ids of the articles the index finds ``term`` in."""
    with opened.session() as session:
        rows = session.execute(
            text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q"),
            {"q": fts.query_text(term)},
        )
        return {int(rowid) for (rowid,) in rows}


def test_the_thread_indexes_exactly_what_the_crawls_own_catch_up_would(tmp_path: Path) -> None:
    items = [item(n) for n in range(1, 701)]  # more than one chunk
    here = open_archive(str(tmp_path / "here.sqlite"))
    threaded = open_archive(str(tmp_path / "threaded.sqlite"))
    try:
        for opened in (here, threaded):
            with opened.begin() as session:
                store_articles(session, items)
        with here.begin() as session:
            assert index_pending(session) == len(items)
        indexer = BackgroundIndexer.start(threaded.engine)
        assert indexer is not None
        indexer.request()
        indexer.close()
        assert indexer.indexed == len(items) and indexer.failures == 0
        assert pending(threaded) == 0
        assert vocabulary(threaded) == vocabulary(here)
        assert len(vocabulary(here)) > 10 * len(items)
    finally:
        here.close()
        threaded.close()


def test_writes_while_the_thread_indexes_leave_each_article_indexed_as_it_now_reads(
    opened: Archive,
) -> None:
    """Batches stored (and earlier articles rewritten) while the thread works:
    afterwards the index finds each article by its current words only."""
    indexer = BackgroundIndexer.start(opened.engine)
    assert indexer is not None
    current: dict[int, str] = {}
    try:
        for batch in range(12):
            numbers = range(batch * 50 + 1, batch * 50 + 51)
            rewritten = [(n, REWORDS[(n + batch) % len(REWORDS)]) for n in range(1, batch * 50, 7)]
            with opened.begin() as session:
                store_articles(session, [item(n) for n in numbers])
                store_articles(session, [item(n, word) for n, word in rewritten])
            current.update({n: WORDS[n % len(WORDS)] for n in numbers})
            current.update(rewritten)
            indexer.request()
    finally:
        indexer.close()
    with opened.begin() as session:
        index_pending(session)  # what the thread had not reached (the pipeline does this)
    assert pending(opened) == 0
    for word in (*WORDS, *REWORDS):
        assert matching(opened, word) == {n for n, now in current.items() if now == word}, word


def test_a_locked_archive_is_no_warning_and_the_articles_stay_queued(
    tmp_path: Path, opened: Archive, caplog: pytest.LogCaptureFixture
) -> None:
    """Another writer's lock: the crawl's own next write meets it and says so; the
    thread only notes it (DEBUG), and the close catches the index up."""
    with opened.begin() as session:
        store_articles(session, [item(n) for n in range(1, 11)])
    blocker = sqlite3.connect(tmp_path / "a.sqlite", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock past the timeout
    indexer = BackgroundIndexer(tmp_path / "a.sqlite", timeout=0.05)
    try:
        with caplog.at_level(logging.DEBUG, logger="archive.index_thread"):
            indexer.request()
            indexer.wait()
            indexer.request()
            indexer.wait()
        assert indexer.failures == 2 and indexer.indexed == 0
        noted = [r for r in caplog.records if "full-text indexing" in r.getMessage()]
        assert [r.levelno for r in noted] == [logging.DEBUG, logging.DEBUG]
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        indexer.close()
    assert pending(opened) == 10
    with opened.begin() as session:
        assert index_pending(session) == 10
    assert matching(opened, "编号0003") == {3}


def test_another_failure_is_one_warning_however_often_it_recurs(
    tmp_path: Path, opened: Archive, caplog: pytest.LogCaptureFixture
) -> None:
    with opened.begin() as session:
        store_articles(session, [item(n) for n in range(1, 4)])
    broken = sqlite3.connect(tmp_path / "a.sqlite", isolation_level=None)
    broken.execute(f"ALTER TABLE {fts.PENDING_TABLE} RENAME TO elsewhere")  # the queue is gone
    broken.close()
    indexer = BackgroundIndexer(tmp_path / "a.sqlite", timeout=1.0)
    try:
        with caplog.at_level(logging.DEBUG, logger="archive.index_thread"):
            for _ in range(3):
                indexer.request()
                indexer.wait()
    finally:
        indexer.close()
    noted = [r for r in caplog.records if "full-text indexing" in r.getMessage()]
    assert [r.levelno for r in noted] == [logging.WARNING, logging.DEBUG, logging.DEBUG]
    assert "no such table" in noted[0].getMessage()


def test_a_chunk_indexes_in_id_order_and_dequeues_only_what_it_indexed(tmp_path: Path) -> None:
    opened = open_archive(str(tmp_path / "a.sqlite"))
    with opened.begin() as session:
        store_articles(opened_session := session, [item(n) for n in range(1, 8)])
    del opened_session
    opened.close()
    connection = sqlite3.connect(tmp_path / "a.sqlite", isolation_level=None)
    try:
        assert index_chunk(connection, size=3) == 3
        left = [row[0] for row in connection.execute(f"SELECT article_id FROM {fts.PENDING_TABLE}")]
        assert left == [4, 5, 6, 7]
        assert index_chunk(connection, size=10) == 4
        assert index_chunk(connection, size=10) == 0
        assert not connection.in_transaction
    finally:
        connection.close()


def pipeline_for(tmp_path: Path, **settings: object) -> ArchivePipeline:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    defaults = {"ARCHIVE_URL": url, "ARCHIVE_WRITER": "inline", "ARCHIVE_BATCH_SIZE": 4}
    crawler = get_crawler(CmsSpider, settings_dict={**defaults, **settings})
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    return ArchivePipeline.from_crawler(crawler)


def feed(pipeline: ArchivePipeline, numbers: range) -> None:
    for number in numbers:
        process = pipeline.process_item(Article.from_dict(item(number)))
        with pytest.raises(StopIteration):
            process.send(None)


@pytest.mark.parametrize(("index", "threaded"), [("batch", True), ("close", False)])
def test_the_inline_pipeline_indexes_on_the_thread_and_everything_by_its_close(
    tmp_path: Path, index: str, threaded: bool
) -> None:
    pipeline = pipeline_for(tmp_path, ARCHIVE_INDEX=index)
    pipeline.open_spider()
    assert (pipeline.indexer is not None) is threaded
    feed(pipeline, range(1, 11))  # two full batches and two left for the close
    pipeline.close_spider()
    assert pipeline.indexer is None
    stats = pipeline.stats.get_stats()
    pipeline.spider_closed(None, reason="finished")  # type: ignore[arg-type]  # unused
    assert stats["newscrawl/archive/indexed"] == 10
    assert stats["newscrawl/archive/new"] == 10
    reopened = open_archive(str(tmp_path / "a.sqlite"), create=False)
    try:
        assert pending(reopened) == 0
        assert matching(reopened, "编号0010") == {10}
    finally:
        reopened.close()
