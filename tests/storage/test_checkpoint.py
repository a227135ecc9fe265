"""The background WAL checkpointer, on real SQLite files.

Whether a checkpoint ran is read from the database file itself: a connection
opened with ``immutable=1`` ignores the write-ahead log, so it sees a row only
once a checkpoint has copied it into the file.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from archive import Archive, WalCheckpointer, make_engine, open_archive, store_articles
from archive.checkpoint import BACKSTOP_BYTES
from newscrawl.items import Article
from newscrawl.spiders.cms import CmsSpider
from newscrawl.storage import writer as archive_writer
from newscrawl.storage.pipeline import ArchivePipeline

SITE = "www.example-news.cn"


def item(number: int) -> dict[str, Any]:
    body = f"第{number}篇：秋收以后，村里的晒场上堆满了新打的稻谷。"
    return {
        "url": f"http://{SITE}/show.php?cid=3&id={number}",
        "site": SITE,
        "cms_id": str(number),
        "title": f"晒场见闻之{number}",
        "sections": [{"heading": None, "paragraphs": [body]}],
        "body": body,
        "fetched_at": "2026-11-20T08:00:00+08:00",
    }


def urls_in_file(path: Path) -> set[str]:
    """Article URLs the database file holds, without reading its write-ahead log."""
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE name = 'articles'")
        if tables.fetchone() is None:  # even the schema is still in the log
            return set()
        return {url for (url,) in connection.execute("SELECT url FROM articles")}
    finally:
        connection.close()


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Archive]:
    """A new archive at ``tmp_path / "a.sqlite"``, disposed of after the test."""
    handle = open_archive(str(tmp_path / "a.sqlite"))
    yield handle
    handle.close()


@pytest.fixture
def checkpointer(opened: Archive) -> Iterator[WalCheckpointer]:
    """A running checkpointer for the archive's engine, closed after the test."""
    started = WalCheckpointer.start(opened.engine)
    assert started is not None
    yield started
    started.close()


def test_each_committed_batch_reaches_the_file_without_a_checkpoint_in_the_commit(
    tmp_path: Path, opened: Archive, checkpointer: WalCheckpointer
) -> None:
    for number in (1, 2):
        with opened.begin() as session:
            store_articles(session, [item(number)])
        checkpointer.wait()
        # Far below the backstop: only the thread can have copied the batch.
        assert item(number)["url"] in urls_in_file(tmp_path / "a.sqlite")
    assert checkpointer.checkpoints >= 2
    assert checkpointer.failures == 0


def test_without_the_thread_a_small_batch_stays_in_the_log(tmp_path: Path, opened: Archive) -> None:
    """The control for the test above: SQLite alone leaves it in the WAL."""
    with opened.begin() as session:
        store_articles(session, [item(1)])
    assert item(1)["url"] not in urls_in_file(tmp_path / "a.sqlite")


def test_the_writer_keeps_its_own_checkpoint_as_a_backstop(
    opened: Archive, checkpointer: WalCheckpointer
) -> None:
    with opened.engine.connect() as connection:
        page_size = connection.execute(text("PRAGMA page_size")).scalar_one()
        backstop = connection.execute(text("PRAGMA wal_autocheckpoint")).scalar_one()
    assert backstop == BACKSTOP_BYTES // page_size


def test_close_stops_the_thread_and_leaves_the_engine_alone(
    opened: Archive,
) -> None:
    engine = opened.engine
    checkpointer = WalCheckpointer.start(engine)
    assert checkpointer is not None
    with opened.begin() as session:
        store_articles(session, [item(1)])
    checkpointer.close()
    assert not checkpointer._thread.is_alive()
    assert not event.contains(engine, "checkin", checkpointer._on_checkin)
    with opened.begin() as session:  # the engine still works
        store_articles(session, [item(2)])


def test_only_sqlite_files_get_a_checkpointer() -> None:
    memory = make_engine(":memory:")
    postgres = make_engine("postgresql+psycopg://crawler@127.0.0.1:9/archive")  # never connects
    assert WalCheckpointer.start(memory) is None
    assert WalCheckpointer.start(postgres) is None


def test_a_file_the_thread_cannot_open_is_one_warning_and_nothing_waits(
    tmp_path: Path, opened: Archive, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="archive.checkpoint"):
        checkpointer = WalCheckpointer(opened.engine, tmp_path / "no-such-dir" / "a.sqlite", 1.0)
        with opened.begin() as session:
            store_articles(session, [item(1)])
        checkpointer.wait()  # returns although no checkpoint will ever run
        checkpointer.close()
    assert [r.getMessage().split(":")[0] for r in caplog.records] == [
        "WAL checkpoints stay in the writer"
    ]
    with opened.session() as session:
        assert session.execute(text("SELECT count(*) FROM articles")).scalar_one() == 1


def pipeline_for(tmp_path: Path, **settings: object) -> ArchivePipeline:
    """The archive pipeline, inline unless ``ARCHIVE_WRITER`` says otherwise (its default,
    ``auto``, depends on the machine's cores)."""
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    defaults = {"ARCHIVE_URL": url, "ARCHIVE_WRITER": "inline"}
    crawler = get_crawler(CmsSpider, settings_dict={**defaults, **settings})
    crawler.stats.open_spider()  # type: ignore[union-attr]  # stats exist on a test crawler
    return ArchivePipeline.from_crawler(crawler)


def test_the_inline_pipeline_checkpoints_on_a_thread_unless_told_commit(tmp_path: Path) -> None:
    (tmp_path / "t").mkdir()
    threaded = pipeline_for(tmp_path / "t", ARCHIVE_BATCH_SIZE=1)
    threaded.open_spider()
    assert threaded.checkpointer is not None
    article = Article.from_dict(item(1))
    process = threaded.process_item(article)
    with pytest.raises(StopIteration):
        process.send(None)
    threaded.checkpointer.wait()
    assert item(1)["url"] in urls_in_file(tmp_path / "t" / "a.sqlite")
    threaded.close_spider()
    threaded.spider_closed(None, reason="finished")  # type: ignore[arg-type]  # unused
    assert threaded.checkpointer is None

    (tmp_path / "c").mkdir()
    committing = pipeline_for(tmp_path / "c", ARCHIVE_CHECKPOINT="commit")
    committing.open_spider()
    assert committing.checkpointer is None
    committing.spider_closed(None, reason="finished")  # type: ignore[arg-type]  # unused


def test_the_writer_process_side_opens_and_closes_its_checkpointer(tmp_path: Path) -> None:
    """``store_in_writer`` and ``close_in_writer``, called here in the test's process."""
    path = tmp_path / "a.sqlite"
    url = f"sqlite:///{path}"
    archive_writer.store_in_writer(url, [item(1)], [], True, True)
    checkpointer = archive_writer._checkpointers[url]
    checkpointer.wait()
    assert item(1)["url"] in urls_in_file(path)
    archive_writer.close_in_writer(url)
    assert url not in archive_writer._checkpointers and url not in archive_writer._opened
    assert not checkpointer._thread.is_alive()

    archive_writer.store_in_writer(url, [item(2)], [], True, False)  # ARCHIVE_CHECKPOINT=commit
    assert url not in archive_writer._checkpointers
    archive_writer.close_in_writer(url)


@pytest.mark.parametrize(("mode", "counted"), [("thread", True), ("commit", False)])
@pytest.mark.parametrize("writer", ["inline", "process"])
def test_the_pipeline_counts_the_threads_checkpoints_in_either_writer(
    tmp_path: Path, writer: str, mode: str, counted: bool
) -> None:
    pipeline = pipeline_for(
        tmp_path, ARCHIVE_BATCH_SIZE=1, ARCHIVE_WRITER=writer, ARCHIVE_CHECKPOINT=mode
    )
    pipeline.open_spider()
    pipeline.buffer.append(item(1))
    pipeline.flush()
    pipeline.close_spider()
    pipeline.spider_closed(None, reason="finished")  # type: ignore[arg-type]  # unused
    checkpoints = pipeline.stats.get_value("newscrawl/archive/wal_checkpoints")
    if counted:
        assert checkpoints >= 1
    else:
        assert checkpoints is None
    assert pipeline.checkpointer is None and pipeline.writer is None


def test_a_run_record_that_cannot_be_closed_still_stops_the_thread(tmp_path: Path) -> None:
    pipeline = pipeline_for(tmp_path)
    pipeline.open_spider()
    checkpointer = pipeline.checkpointer
    assert checkpointer is not None
    with sqlite3.connect(tmp_path / "a.sqlite") as connection:
        connection.execute("DROP TABLE crawl_runs")
    pipeline.close_spider()
    with pytest.raises(OperationalError):
        pipeline.spider_closed(None, reason="finished")  # type: ignore[arg-type]  # unused
    assert pipeline.checkpointer is None
    assert not checkpointer._thread.is_alive()
