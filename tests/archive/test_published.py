"""Day-only publication dates: stored, ordered, filtered, shown and exported as days."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from archive import get_article, list_articles, open_archive, period_bound, store_articles
from archive import top_articles as top
from archive.cli import main
from archive.filters import ArticleFilters
from archive.models import Article, Link
from archive.published import is_day, to_utc

SITE = "www.example-town.cn"


def item(number: int, published_at: str | None, **overrides: Any) -> dict[str, Any]:
    return {
        "url": f"http://{SITE}/a/news/2019/0522/{number}.html",
        "site": SITE,
        "cms_id": str(number),
        "title": f"镇里的新鲜事（{number}）",
        "published_at": published_at,
        "published_raw": published_at[:10] if published_at else None,
        "views": number,
        "sections": [{"heading": None, "paragraphs": ["老街的石板路修好了。"]}],
        "body": "老街的石板路修好了。",
        "sidebar": [],
        "fetched_at": "2019-06-01T08:00:00+08:00",
        **overrides,
    }


ITEMS = [
    item(1, "2019-05-22"),  # the page shows the day only
    item(2, "2019-05-22T14:30:00+08:00"),
    item(3, "2019-05-21T23:59:00+08:00"),
    item(4, "2019-05-23"),
]


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "archive.sqlite")
    opened = open_archive(path)
    with opened.begin() as session:
        store_articles(session, ITEMS)
    opened.close()
    return path


def test_a_day_is_not_a_midnight() -> None:
    assert is_day("2019-05-22") and not is_day("2019-05-22T00:00:00+08:00")
    assert not is_day("2019-13-40") and not is_day(None)
    # Ordered at the start of its day in Asia/Shanghai: the CLI's bare dates meet it.
    assert to_utc("2019-05-22") == datetime(2019, 5, 21, 16, 0) == period_bound("2019-05-22")


def test_stored_shown_and_exported_as_the_page_shows_it(db: str) -> None:
    opened = open_archive(db, create=False)
    with opened.session() as session:
        stored = get_article(session, ITEMS[0]["url"])
        utc = session.scalars(select(Article.published_utc).where(Article.id == 1)).one()
    opened.close()
    assert stored is not None and stored["published_at"] == "2019-05-22"
    assert utc == datetime(2019, 5, 21, 16, 0)
    shown = CliRunner().invoke(main, ["--db", db, "show", "1"])
    assert "date:   2019-05-22 (2019-05-22)\n" in shown.output
    exported = CliRunner().invoke(main, ["--db", db, "export", "--format", "jsonl"])
    assert [json.loads(line)["published_at"] for line in exported.output.splitlines()] == [
        entry["published_at"] for entry in ITEMS
    ]


def test_newest_first_puts_a_day_after_that_days_times(db: str) -> None:
    opened = open_archive(db, create=False)
    with opened.session() as session:
        assert [row.id for row in list_articles(session)] == [4, 2, 1, 3]
    opened.close()


@pytest.mark.parametrize(
    ("since", "until", "ids"),
    [
        ("2019-05-22", "2019-05-22", {1, 2}),
        ("2019-05-22T10:00", None, {1, 2, 4}),  # the day overlaps the period
        ("2019-05-22T15:00", None, {1, 4}),
        ("2019-05-23", None, {4}),
        (None, "2019-05-21", {3}),
        (None, "2019-05-22T08:00", {1, 3}),
    ],
)
def test_periods_take_a_day_when_they_overlap_it(
    db: str, since: str | None, until: str | None, ids: set[int]
) -> None:
    low = period_bound(since) if since else None
    high = period_bound(until, end=True) if until else None
    opened = open_archive(db, create=False)
    with opened.session() as session:
        listed = {
            row.id for row in list_articles(session, filters=ArticleFilters(since=low, until=high))
        }
        ranked = {row.id for row in top(session, since=low, until=high)}
    opened.close()
    assert listed == ranked == ids
    args = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    exported = CliRunner().invoke(main, ["--db", db, "export", *args])
    assert {json.loads(line)["cms_id"] for line in exported.output.splitlines()} == {
        str(i) for i in ids
    }


def test_a_day_settles_sidebar_links_to_it(tmp_path: Path) -> None:
    opened = open_archive(str(tmp_path / "archive.sqlite"))
    target = ITEMS[0]["url"]
    linking = item(9, "2019-05-30", sidebar=[{"box": "新闻资讯", "title": "镇里的新鲜事（1）",
               "url": target, "date": "2018-05-22", "date_raw": "05-22", "truncated": False}])  # fmt: skip
    with opened.begin() as session:
        store_articles(session, [linking])
        store_articles(session, [ITEMS[0]])
    with opened.session() as session:
        settled = session.execute(select(Link.date, Link.date_settled)).one()
    opened.close()
    assert tuple(settled) == ("2019-05-22", True)
