"""Reading the archive back, run records, opening rules, SQLite pragmas and deletes."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text

from archive import (
    ARTICLE_KEYS,
    Archive,
    ArchiveError,
    ArchiveNotFound,
    count_articles,
    finish_run,
    get_article,
    iter_articles,
    list_articles,
    make_engine,
    mark_interrupted,
    mask_url,
    open_archive,
    start_run,
    store_articles,
)
from archive.crawl_history import list_runs
from archive.models import Article, CrawlRun, Link, Observation
from tests.support.archive_samples import fetch, item, link, links_of, store


def test_iter_articles_round_trips_the_contract(opened: Archive) -> None:
    items = [item(n, sidebar=[link(900 + n)]) for n in range(1, 8)]
    items[2] = item(3, cms_id=None, published_at=None, views=None, sections=[], body="")
    items.append(item(50, site="news.other.cn", url="http://news.other.cn/50.html"))
    store(opened, *copy.deepcopy(items))
    with opened.begin() as session:
        streamed = list(iter_articles(session, batch_size=3))
        other = list(iter_articles(session, site="news.other.cn"))
    assert streamed == items
    assert all(tuple(entry) == ARTICLE_KEYS for entry in streamed)
    assert other == items[-1:]


def test_list_articles_newest_first_undated_last(opened: Archive) -> None:
    store(
        opened,
        item(1, published_at="2026-01-08T09:30:00+08:00"),
        item(2, published_at=None),
        # Earlier in local digits but later in UTC than item 1.
        item(3, published_at="2026-01-08T02:00:00Z"),
        item(4, published_at="2025-12-31T23:00:00+08:00"),
    )
    with opened.begin() as session:
        listed = list_articles(session)
        assert [row.id for row in listed] == [3, 1, 4, 2]
        assert [row.id for row in list_articles(session, limit=2, offset=1)] == [1, 4]
        assert list_articles(session, site="nowhere.cn") == []
        stored = session.scalars(select(Article).where(Article.id == 3)).one()
        assert stored.published_utc == datetime(2026, 1, 8, 2, 0)


def test_get_article_by_id_or_url(opened: Archive) -> None:
    store(opened, item(7))
    by_id = fetch(opened, "1")
    assert list(by_id) == ["id", *ARTICLE_KEYS]
    assert fetch(opened, item(7)["url"]) == by_id
    with opened.begin() as session:
        assert get_article(session, "99") is None
        assert get_article(session, "http://nowhere.cn/") is None


def test_missing_url_is_rejected_before_writing(opened: Archive) -> None:
    with pytest.raises(ValueError, match="url"), opened.begin() as session:
        store_articles(session, [item(1), item(2, url=None)])
    with opened.begin() as session:
        assert count_articles(session) == 0


def test_runs_are_recorded_with_json_safe_stats(opened: Archive) -> None:
    url = "postgresql://crawler:s3cret@db.example.cn/news"
    with opened.begin() as session:
        run_id = start_run(session, "xingyu", url, "2026-01-09T10:00:00+08:00")
    stats = {"start_time": datetime(2026, 1, 9, 2, 0), "item_scraped_count": 12, "x": (1, 2)}
    with opened.begin() as session:
        finish_run(
            session, run_id, status="finished", finished_at="2026-01-09T10:05:00+08:00", stats=stats
        )
    with opened.begin() as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None
        assert run.status == "finished"
        assert run.archive_url == "postgresql://crawler:***@db.example.cn/news"
        assert run.stats == {
            "start_time": "2026-01-09T02:00:00",
            "item_scraped_count": 12,
            "x": [1, 2],
        }
        assert [r.id for r in list_runs(session)] == [run_id]
        with pytest.raises(ValueError):
            finish_run(session, run_id, status="done", finished_at="x", stats={})


def test_a_killed_run_is_marked_interrupted_even_in_the_second_the_next_began(
    opened: Archive,
) -> None:
    at = "2026-01-09T02:00:00+00:00"
    with opened.begin() as session:
        same_second = start_run(session, "cms", "sqlite://", at, site="news.example.cn")
        later = start_run(
            session, "cms", "sqlite://", "2026-01-09T02:00:01+00:00", site="news.example.cn"
        )
        other_site = start_run(session, "cms", "sqlite://", at, site="other.example.cn")
    with opened.begin() as session:
        assert mark_interrupted(session, site="news.example.cn", before=at) == 1
    with opened.begin() as session:
        status = {run.id: run.status for run in session.scalars(select(CrawlRun))}
    assert status == {same_second: "interrupted", later: "running", other_site: "running"}


def test_mask_url() -> None:
    assert mask_url("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
    assert mask_url("postgresql://h/db") == "postgresql://h/db"
    assert mask_url("archive.sqlite") == "archive.sqlite"


def test_open_without_create_never_creates_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    with pytest.raises(ArchiveNotFound, match="no archive at"):
        open_archive(str(missing), create=False)
    with pytest.raises(ArchiveNotFound):
        open_archive(f"sqlite:///{missing}", create=False)
    assert not missing.exists()


def test_open_without_create_rejects_a_foreign_database(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite"
    make_engine(str(other)).connect().close()
    with pytest.raises(ArchiveError, match="not a newscrawl archive"):
        open_archive(str(other), create=False)


@pytest.fixture
def pragmas(opened: Archive) -> Iterator[dict[str, Any]]:
    with opened.begin() as session:
        yield {
            name: session.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }


def test_sqlite_pragmas(pragmas: dict[str, Any]) -> None:
    assert pragmas == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "synchronous": 1,
        "busy_timeout": 30000,
    }


def test_deleting_an_article_deletes_its_rows(opened: Archive) -> None:
    store(opened, item(1, sidebar=[link(2)]))
    with opened.begin() as session:
        session.delete(session.scalars(select(Article)).one())
    with opened.begin() as session:
        for model in (Link, Observation):
            assert session.scalars(select(model)).all() == []


def test_links_shown_without_a_date_stay_undated(opened: Archive) -> None:
    undated = {**link(2, date=None), "date_raw": None, "box": "热点文章"}
    store(opened, item(1, sidebar=[undated]))
    store(opened, item(2, published_at="2026-01-05T07:00:00+08:00"))
    store(opened, item(3, sidebar=[undated]))
    assert links_of(opened, undated["url"]) == [(None, False), (None, False)]
