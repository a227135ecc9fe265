"""The index's C half on a thread (ARCHIVE_INDEX = "thread"): prepared in one thread,
indexed in another, with the invariant of archive.fts kept whatever runs in between."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from archive import Archive, fts, open_archive, store_articles
from archive.background_index import BackgroundIndexer
from archive.fts import PreparedArticle
from archive.models import Article
from newscrawl.config import Config, SettingError
from newscrawl.spiders.cms import CmsSpider
from newscrawl.storage.pipeline import ArchivePipeline
from tests.support.search_corpus import CORPUS, found


def _queued_ids(session: Session) -> set[int]:
    return set(session.scalars(text("SELECT article_id FROM articles_fts_pending")))


def _indexed_ids(session: Session) -> set[int]:
    return set(session.scalars(text("SELECT id FROM articles_fts_docsize")))


def _instances(path: Path) -> list[tuple[object, ...]]:
    """Every token the index holds, with its article, column and position."""
    connection = sqlite3.connect(path)
    try:
        connection.execute(
            "CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(main, 'articles_fts', 'instance')"
        )
        return connection.execute("SELECT * FROM temp.tokens ORDER BY 1, 2, 3, 4").fetchall()
    finally:
        connection.close()


def _stored(tmp_path: Path) -> tuple[Archive, Path]:
    path = tmp_path / "a.sqlite"
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(session, CORPUS)
    return opened, path


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_prepared_on_one_connection_indexed_on_another_is_what_a_rebuild_gives(
    tmp_path: Path,
) -> None:
    opened, path = _stored(tmp_path)
    with opened.session() as session:
        prepared = fts.read_queued(session.connection())
    assert [article.article_id for article in prepared] == sorted(a.article_id for a in prepared)
    assert len(prepared) == len(CORPUS)
    raw = _raw(path)
    assert fts.index_prepared(raw, prepared) == len(CORPUS)
    raw.close()
    with opened.session() as session:
        assert _queued_ids(session) == set()
        assert found(session, "裁员") == {2}
    opened.close()
    rebuilt = tmp_path / "rebuilt.sqlite"
    shutil.copy(path, rebuilt)
    with open_archive(str(rebuilt)) as copy, copy.begin() as session:
        fts.rebuild(session.connection())
    assert _instances(path) == _instances(rebuilt)


def test_an_article_changed_after_its_read_stays_queued_with_its_new_text(
    tmp_path: Path,
) -> None:
    opened, path = _stored(tmp_path)
    with opened.session() as session:
        prepared = fts.read_queued(session.connection())
    edited = {**CORPUS[1], "title": "科技公司宣布招聘计划", "body": "今年将招聘两百名工程师。"}
    with opened.begin() as session:
        store_articles(session, [edited])
        changed = session.scalar(select(Article.id).where(Article.cms_id == "2"))
    raw = _raw(path)
    assert fts.index_prepared(raw, prepared) == len(CORPUS) - 1
    with opened.session() as session:
        # The old text was not indexed; the new one waits in the queue.
        assert _queued_ids(session) == {changed}
        assert changed not in _indexed_ids(session)
        assert found(session, "裁员") == set()
        assert found(session, "招聘") == {2}  # the queue is scanned meanwhile
        prepared = fts.read_queued(session.connection())
    assert fts.index_prepared(raw, prepared) == 1
    raw.close()
    with opened.session() as session:
        assert _queued_ids(session) == set()
        assert found(session, "招聘") == {2}
    opened.close()


def test_an_article_indexed_by_another_catch_up_is_not_indexed_twice(tmp_path: Path) -> None:
    opened, path = _stored(tmp_path)
    with opened.session() as session:
        prepared = fts.read_queued(session.connection())
    with opened.begin() as session:
        assert fts.index_pending(session) == len(CORPUS)
    before = _instances(path)
    raw = _raw(path)
    assert fts.index_prepared(raw, prepared) == 0
    raw.close()
    assert _instances(path) == before
    opened.close()


def test_read_queued_reads_at_most_its_limit_lowest_ids_first(tmp_path: Path) -> None:
    opened, _path = _stored(tmp_path)
    with opened.session() as session:
        first = fts.read_queued(session.connection(), limit=2)
        ids = sorted(_queued_ids(session))
        article = session.get_one(Article, first[0].article_id)
        assert first[0].title == fts.prepare(article.title)
        assert first[0].body == fts.prepare(article.body)
        assert first[0].content_hash == article.content_hash
    assert [prepared.article_id for prepared in first] == ids[:2]
    opened.close()


def _indexer_for(tmp_path: Path) -> tuple[Archive, Path, BackgroundIndexer, list[PreparedArticle]]:
    """The corpus stored, an indexer for its file, and the corpus prepared."""
    opened, path = _stored(tmp_path)
    indexer = BackgroundIndexer.start(opened.engine)
    assert indexer is not None
    with opened.session() as session:
        prepared = fts.read_queued(session.connection())
    return opened, path, indexer, prepared


def test_the_indexer_indexes_in_order_and_counts_what_it_did(tmp_path: Path) -> None:
    opened, _path, indexer, prepared = _indexer_for(tmp_path)
    indexer.submit(prepared[:2])
    indexer.submit(prepared[2:])
    indexer.wait()
    assert indexer.indexed == len(CORPUS) and indexer.failures == 0
    assert indexer.seconds > 0
    with opened.session() as session:
        assert _queued_ids(session) == set()
    indexer.close()
    opened.close()


def test_a_chunk_the_thread_cannot_index_stays_queued(tmp_path: Path) -> None:
    opened, path, indexer, prepared = _indexer_for(tmp_path)
    # Another connection holds the write lock past the thread's wait for it.
    indexer.timeout = 0.05
    blocker = _raw(path)
    blocker.execute("BEGIN IMMEDIATE")
    indexer.submit(prepared)
    indexer.wait()
    blocker.execute("ROLLBACK")
    blocker.close()
    assert indexer.failures == 1 and indexer.indexed == 0
    with opened.session() as session:
        assert len(_queued_ids(session)) == len(CORPUS)
        assert found(session, "裁员") == {2}  # found by scanning the queue
    indexer.close()
    with opened.begin() as session:  # what the pipeline does at the close
        assert fts.index_pending(session) == len(CORPUS)
    opened.close()


def test_no_indexer_for_an_archive_that_is_not_a_sqlite_file() -> None:
    with open_archive(":memory:") as opened:
        assert BackgroundIndexer.start(opened.engine) is None


def pipeline_for(tmp_path: Path, **settings: object) -> ArchivePipeline:
    url = f"sqlite:///{tmp_path / 'p.sqlite'}"
    crawler = get_crawler(CmsSpider, settings_dict={"ARCHIVE_URL": url, **settings})
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    return ArchivePipeline.from_crawler(crawler)


def test_the_inline_pipeline_indexes_each_batch_on_its_thread(tmp_path: Path) -> None:
    pipeline = pipeline_for(
        tmp_path, NEWSCRAWL_EXTRACT_WORKERS=0, ARCHIVE_WRITER="inline", ARCHIVE_INDEX="thread"
    )
    pipeline.open_spider()
    assert pipeline.indexer is not None and pipeline.archive is not None
    pipeline.buffer.extend(CORPUS[:3])
    pipeline.flush()
    pipeline.indexer.wait()
    with pipeline.archive.session() as session:
        assert _queued_ids(session) == set() and len(_indexed_ids(session)) == 3
    pipeline.buffer.extend(CORPUS[3:])
    pipeline.close_spider()  # the last batch, through the thread too
    assert pipeline.indexer is None
    with pipeline.archive.session() as session:
        assert _queued_ids(session) == set() and len(_indexed_ids(session)) == len(CORPUS)
        assert found(session, "裁员") == {2}
    stats = pipeline.stats
    pipeline.spider_closed(None, reason="finished")  # type: ignore[arg-type]  # unused
    assert stats.get_value("newscrawl/archive/indexed_on_thread") == len(CORPUS)
    assert stats.get_value("newscrawl/archive/indexed") == len(CORPUS)


@pytest.mark.parametrize(
    ("settings", "mode"),
    [
        ({"NEWSCRAWL_EXTRACT_WORKERS": 0, "ARCHIVE_WRITER": "inline"}, "thread"),
        ({"NEWSCRAWL_EXTRACT_WORKERS": 1, "ARCHIVE_WRITER": "inline"}, "batch"),
        ({"NEWSCRAWL_EXTRACT_WORKERS": 0, "ARCHIVE_WRITER": "process"}, "batch"),
        ({"NEWSCRAWL_EXTRACT_WORKERS": 0, "ARCHIVE_INDEX": "close"}, "close"),
        ({"NEWSCRAWL_EXTRACT_WORKERS": 1, "ARCHIVE_INDEX": "THREAD"}, "thread"),
    ],
)
def test_auto_is_the_thread_when_the_crawl_is_one_process(
    settings: dict[str, object], mode: str
) -> None:
    assert Config.from_settings(settings).archive_index == mode


def test_a_bad_index_mode_is_one_line() -> None:
    with pytest.raises(SettingError, match="ARCHIVE_INDEX must be auto, batch, thread or close"):
        Config.from_settings({"ARCHIVE_INDEX": "later"})
