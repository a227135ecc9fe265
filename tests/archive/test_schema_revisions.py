"""What each later migration (0008 to 0013) does to the rows of an archive written before it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from alembic import command
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from archive import get_article, open_archive, store_articles
from archive.cli import main as newsarchive
from archive.schema import (
    _config,
    head_revision,
)
from archive.search import search_articles
from tests.support.schema_archives import (
    SHOP,
    article,
    check_mixed_rows_split,
    mixed_revision_0010_archive,
    revision_of,
)


def trigger_sql(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        return dict(rows.fetchall())


def test_revision_0008_queues_rewritten_articles_without_a_conflict_clause(
    tmp_path: Path,
) -> None:
    """0008's triggers queue with an INSERT that cannot conflict, so the store's OR
    ROLLBACK cannot turn a second queueing of an article into a failed batch."""
    fresh, path = tmp_path / "fresh.sqlite", tmp_path / "down.sqlite"
    for target in (fresh, path):
        opened = open_archive(str(target))
        with opened.begin() as session:
            store_articles(session, [article(1)])  # queued, not indexed
        opened.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0007")
    engine.dispose()
    old = trigger_sql(path)
    assert "INSERT OR IGNORE INTO articles_fts_pending" in old["articles_fts_update"]
    opened = open_archive(str(path))  # upgrades to the head again
    assert trigger_sql(path) == trigger_sql(fresh) != old
    with opened.begin() as session:  # article 1 is still queued: rewritten all the same
        result = store_articles(session, [{**article(1), "title": "改过的标题"}])
        pending = session.execute(text("SELECT article_id FROM articles_fts_pending")).all()
    opened.close()
    assert (result.new, result.updated) == (0, 1)
    assert [tuple(row) for row in pending] == [(1,)]
    assert revision_of(path) == head_revision()


def _fts_sql(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'articles_fts'").fetchone()
    return str(row[0])


def _index_tokens(path: Path) -> list[tuple[str, int, str, int]]:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, articles_fts, 'instance')")
        return [tuple(row) for row in conn.execute("SELECT * FROM v ORDER BY doc, col, offset")]


def test_revision_0009_indexes_the_same_tokens_with_the_ascii_tokenizer(tmp_path: Path) -> None:
    """0009 makes the index again with ``ascii``: every article has the tokens
    ``unicode61`` gave it, and searches find what they found."""
    path = tmp_path / "down.sqlite"
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(
            session,
            [
                article(1),
                {**article(2), "title": "Café，新闻《标题》", "body": "ÉCLAIR 上市：价格…"},
            ],
        )
    opened.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0008")
    engine.dispose()
    assert "unicode61" in _fts_sql(path)
    before = _index_tokens(path)
    assert ("cafe", 2, "title", 0) in before and ("eclair", 2, "body", 0) in before
    opened = open_archive(str(path))  # upgrades to the head again
    with opened.session() as session:
        found = {
            q: {h.id for h in search_articles(session, q).hits} for q in ("cafe", "上市", "河水")
        }
    opened.close()
    assert revision_of(path) == head_revision()
    assert "tokenize='ascii'" in _fts_sql(path)
    assert _index_tokens(path) == before
    assert found == {"cafe": {2}, "上市": {2}, "河水": {1}}


def test_revision_0011_splits_rows_that_mixed_two_pages(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'mixed.sqlite'}"
    mixed_revision_0010_archive(url)
    check_mixed_rows_split(url)


def test_identity_command_reports_and_repairs_what_later_links_reveal(tmp_path: Path) -> None:
    path = tmp_path / "mixed.sqlite"
    mixed_revision_0010_archive(f"sqlite:///{path}")
    db = ["--db", str(path)]
    clean = CliRunner().invoke(newsarchive, [*db, "identity"])  # upgrades (0011 splits row 1)
    assert clean.exit_code == 0, clean.output
    assert clean.output == "no article mixes two pages\n"
    # A later crawl archives a page whose sidebar names article 3's news page.
    other_news = f"http://{SHOP}/newsshow-4-3-1.html"
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(
            session,
            [
                {
                    **article(9),
                    "url": f"http://{SHOP}/newsshow-4-9-1.html",
                    "site": SHOP,
                    "cms_id": "9",
                    "sidebar": [
                        {"box": "新闻资讯", "title": "新闻：育苗", "url": other_news,
                         "date": None, "date_raw": None, "truncated": False}
                    ],
                }
            ],
        )  # fmt: skip
    opened.close()
    report = CliRunner().invoke(newsarchive, [*db, "identity", "--json"])
    assert report.exit_code == 0, report.output
    assert json.loads(report.output) == [
        {
            "id": 3,
            "site": SHOP,
            "url": f"http://{SHOP}/productshow-7-3-1.html",
            "key": "/productshow.php?cid={n}&id={id=3}",
            "other_pages": [
                {
                    "key": "/newsshow.php?cid={n}&id={id=3}",
                    "url": other_news,
                    "versions": [1],
                    "evidence": ["link title"],
                    "moved_to": None,
                }
            ],
        }
    ]
    fixed = CliRunner().invoke(newsarchive, [*db, "identity", "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert fixed.output.splitlines() == [
        f"3  http://{SHOP}/productshow-7-3-1.html",
        f"  versions 1 from {other_news} (link title) -> article 6",
        "split 1 article",
    ]
    again = CliRunner().invoke(newsarchive, [*db, "identity"])
    assert again.output == "no article mixes two pages\n"
    opened = open_archive(str(path), create=False)
    with opened.session() as session:
        moved = get_article(session, other_news)
    opened.close()
    assert moved is not None and (moved["id"], moved["title"]) == (6, "新闻：育苗")


def test_revision_0012_gives_back_days_stored_as_midnights(tmp_path: Path) -> None:
    """A midnight whose raw text shows only the day becomes the day; a real time,
    a raw text with a time and a relative one stay as they were."""
    url = f"sqlite:///{tmp_path / 'days.sqlite'}"
    engine = create_engine(url)
    cases = {
        1: ("2019-05-22T00:00:00+08:00", "2019-05-22", "2019-05-22"),
        2: ("2013-11-01T00:00:00+08:00", "日期:[2013年11月01日]", "2013-11-01"),
        3: ("2019-05-22T00:00:00+08:00", "2019-05-22 00:00", "2019-05-22T00:00:00+08:00"),
        4: ("2019-05-22T14:30:00+08:00", "2019-05-22", "2019-05-22T14:30:00+08:00"),
        5: ("2019-05-22T00:00:00+08:00", "3小时前", "2019-05-22T00:00:00+08:00"),
        6: ("2019-05-22T00:00:00+08:00", None, "2019-05-22T00:00:00+08:00"),
    }
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0011")
        for number, (at, raw, _) in cases.items():
            conn.execute(
                text(
                    "insert into articles (id, site, url, page_key, published_at, published_raw,"
                    " body, content_hash) values (:id, 'a.cn', :url, :url, :at, :raw, '', '0')"
                ),
                {"id": number, "url": f"http://a.cn/{number}", "at": at, "raw": raw},
            )
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0012")
        stored = dict(conn.execute(text("select id, published_at from articles")).all())
        day_utc = conn.execute(text("select published_utc from articles where id = 1")).scalar()
    engine.dispose()
    assert stored == {number: want for number, (_, _, want) in cases.items()}
    assert str(day_utc).startswith("2019-05-21 16:00:00")


def test_revision_0013_completes_cut_titles_of_links_already_archived(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'links.sqlite'}"
    engine = create_engine(url)
    full = "北塘镇博物馆推广稻渔综合种养模式"
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0012")
        for number, title in ((1, "镇里的新鲜事"), (2, full)):
            conn.execute(
                text(
                    "insert into articles (id, site, url, page_key, title, body, content_hash)"
                    " values (:id, 'a.cn', :url, :url, :title, '', '0')"
                ),
                {"id": number, "url": f"http://a.cn/{number}.html", "title": title},
            )
        for position, (title, truncated, target) in enumerate(
            [
                ("北塘镇博物馆推广稻渔综", False, 2),
                ("北塘镇博物馆推广…", True, 2),
                (full, False, 2),
                ("北塘镇博物馆", False, 9),  # not archived: nothing to compare with
            ]
        ):
            conn.execute(
                text(
                    "insert into links (article_id, position, title, url, truncated,"
                    " date_settled) values (1, :position, :title, :url, :truncated, :no)"
                ),
                {"position": position, "title": title, "truncated": truncated,
                 "url": f"http://a.cn/{target}.html", "no": False},
            )  # fmt: skip
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0013")
        links = conn.execute(text("select title, truncated from links order by position")).all()
    engine.dispose()
    assert [(title, bool(cut)) for title, cut in links] == [
        (full, True),
        (full, True),
        (full, False),
        ("北塘镇博物馆", False),
    ]
