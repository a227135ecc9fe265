"""Schema versions: new archives are stamped, older ones upgraded without losing a row."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import JSON, Connection, bindparam, create_engine, text

from archive import ArchiveError, count_articles, get_article, open_archive, store_articles
from archive.cli import main as newsarchive
from archive.models import Base
from archive.schema import (
    FIRST_REVISION,
    HEAD_REVISION,
    _config,
    current_revision,
    head_revision,
    include_name,
    scripted_revisions,
)
from archive.search import search_articles


def article(number: int) -> dict[str, Any]:
    return {
        "url": f"http://news.example.cn/show.php?cid=1&id={number}",
        "site": "news.example.cn",
        "cms_id": str(number),
        "title": f"第{number}篇：河道清淤工程完工",
        "published_at": "2025-06-01T08:00:00+08:00",
        "views": number,
        "sections": [{"heading": None, "paragraphs": ["清淤后河水明显变清。"]}],
        "body": "清淤后河水明显变清。",
        "sidebar": [],
        "fetched_at": "2025-06-02T08:00:00+08:00",
    }


def revision_of(path: Path) -> str | None:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("select version_num from alembic_version").fetchall()
    return rows[0][0] if rows else None


def revision_0001_archive(path: Path, count: int) -> None:
    """An archive at revision 0001 (Alembic's own upgrade), rows in 0001's five tables.

    Rows are inserted with plain SQL against 0001's tables: the store code
    writes today's schema. Article ``n`` has one section, one sidebar link and
    one observation; there is one crawl run.
    """
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), FIRST_REVISION)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        for n in range(1, count + 1):
            conn.execute(
                "insert into articles (id, site, cms_id, url, title, published_at, views, body,"
                " fetched_at, content_hash) values (?, 'news.example.cn', ?, ?, ?,"
                " '2025-06-01T08:00:00+08:00', ?, '清淤后河水明显变清。',"
                " '2025-06-02T08:00:00+08:00', ?)",
                (n, str(n), article(n)["url"], article(n)["title"], n, f"{n:040x}"),
            )
            conn.execute(
                "insert into sections (article_id, position, heading, paragraphs)"
                " values (?, 0, null, ?)",
                (n, '["清淤后河水明显变清。"]'),
            )
            conn.execute(
                "insert into links (article_id, position, box, title, url, date, date_raw,"
                " truncated, date_settled) values (?, 0, '新闻资讯', '河道', ?, '2025-05-30',"
                " '05-30', 0, 0)",
                (n, f"http://news.example.cn/show.php?cid=1&id={n + 1000}"),
            )
            conn.execute(
                "insert into observations (article_id, observed_at, views, views_raw, source)"
                " values (?, '2025-06-02T08:00:00+08:00', ?, ?, 'page')",
                (n, n, f"人气：{n}"),
            )
        conn.execute(
            "insert into crawl_runs (spider, started_at, finished_at, status, stats)"
            " values ('cms', '2025-06-02T00:00:00+00:00', '2025-06-02T00:01:00+00:00',"
            " 'finished', '{}')"
        )


def first_schema_archive(path: Path, count: int) -> None:
    """An archive as newscrawl wrote it before migrations: 0001's tables, no version."""
    revision_0001_archive(path, count)
    with sqlite3.connect(path) as conn:
        conn.execute("drop table alembic_version")


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("articles", "sections", "links", "observations", "crawl_runs")
        }


def test_a_new_archive_records_the_newest_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_archive(str(path)).close()
    assert revision_of(path) == head_revision()


def test_the_head_revision_the_code_writes_is_the_newest_migration() -> None:
    head, known = scripted_revisions()
    assert head == HEAD_REVISION == head_revision()
    assert FIRST_REVISION in known and HEAD_REVISION in known


def test_opening_an_archive_at_the_head_does_not_import_alembic(tmp_path: Path) -> None:
    """A crawl's processes open archives at the head: Alembic's memory is for upgrades."""
    path = tmp_path / "a.sqlite"
    open_archive(str(path)).close()  # created and stamped (Alembic, here)
    script = (
        "import sys\n"
        "from archive import open_archive\n"
        "from newscrawl.storage.writer import store_in_writer, close_in_writer\n"
        f"url = 'sqlite:///{path}'\n"
        "store_in_writer(url, [], [], True, True)\n"
        "close_in_writer(url)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako', 'pygments'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_first_schema_archive_is_upgraded_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    first_schema_archive(path, 250)
    opened = open_archive(str(path), create=False)
    with opened.session() as session:
        assert count_articles(session) == 250
        stored = get_article(session, "http://news.example.cn/show.php?cid=1&id=250")
        observations = session.execute(text("select count(*) from observations")).scalar()
    opened.close()
    assert stored is not None and stored["views"] == 250
    assert observations == 250
    assert revision_of(path) == head_revision()


def test_an_archive_newer_than_the_code_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_archive(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("update alembic_version set version_num = '9999'")
    with pytest.raises(ArchiveError, match="newer than this newscrawl knows"):
        open_archive(str(path), create=False)


def test_upgrade_command_reports_the_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    first_schema_archive(path, 3)
    first = CliRunner().invoke(newsarchive, ["--db", str(path), "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"-> {head_revision()}" in first.output
    again = CliRunner().invoke(newsarchive, ["--db", str(path), "upgrade"])
    assert again.exit_code == 0
    assert "already the newest" in again.output


def test_upgrade_command_on_a_missing_archive_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(newsarchive, ["--db", str(tmp_path / "none.sqlite"), "upgrade"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no archive at {tmp_path / 'none.sqlite'}"
    ]
    assert not (tmp_path / "none.sqlite").exists()


def test_revision_0001_is_upgraded_to_the_head_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "0001.sqlite"
    revision_0001_archive(path, 30)
    assert revision_of(path) == "0001"
    before = table_counts(path)
    opened = open_archive(str(path), create=False)
    with opened.session() as session:
        stored = get_article(session, "http://news.example.cn/show.php?cid=1&id=30")
    opened.close()
    assert revision_of(path) == "0014" == head_revision()
    assert table_counts(path) == before == {
        "articles": 30, "sections": 30, "links": 30, "observations": 30, "crawl_runs": 1
    }  # fmt: skip
    assert stored is not None and stored["views"] == 30
    assert stored["sections"] == [{"heading": None, "paragraphs": ["清淤后河水明显变清。"]}]
    with sqlite3.connect(path) as conn:
        gone = conn.execute("select count(*) from articles where gone_at is not null"
                            " or gone_reason is not null").fetchone()[0]  # fmt: skip
        versions = conn.execute("select count(*) from article_versions").fetchone()[0]
    assert (gone, versions) == (0, 0)
    # The upgraded archive takes changes like a new one.
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(session, [{**article(30), "body": "改写后的正文。", "sections": []}])
    opened.close()
    with sqlite3.connect(path) as conn:
        kept = conn.execute("select version, body from article_versions").fetchall()
    assert kept == [(1, "清淤后河水明显变清。")]
    # 0003 indexed the rows it found, and the index follows the edit.
    opened = open_archive(str(path), create=False)
    with opened.session() as session:
        before_edit = {hit.id for hit in search_articles(session, "河水", limit=100).hits}
        edited = {hit.id for hit in search_articles(session, "改写", limit=100).hits}
    opened.close()
    assert before_edit == set(range(1, 30))
    assert edited == {30}


def test_migrations_build_what_the_models_declare(tmp_path: Path) -> None:
    """The revisions build what ``Base.metadata`` declares (no autogenerate difference)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
    with engine.begin() as connection:  # and 0002 goes down again
        command.downgrade(_config(connection), FIRST_REVISION)
    engine.dispose()
    assert revision_of(tmp_path / "migrated.sqlite") == FIRST_REVISION


def test_new_archives_get_large_pages_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    """32 KB pages for a new file; a file made with SQLite's default still opens and stores."""
    new = tmp_path / "new.sqlite"
    opened = open_archive(str(new))
    with opened.begin() as session:
        store_articles(session, [article(1)])
    opened.close()
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as raw:
        raw.execute("CREATE TABLE made_elsewhere (x)")  # fixes the page size at 4096
    opened = open_archive(str(old))
    with opened.begin() as session:
        store_articles(session, [article(2)])
    with opened.session() as session:
        assert count_articles(session) == 1
    opened.close()
    page_sizes = {}
    for path in (new, old):
        with sqlite3.connect(path) as raw:
            page_sizes[path.name] = raw.execute("PRAGMA page_size").fetchone()[0]
    assert page_sizes == {"new.sqlite": 32768, "old.sqlite": 4096}


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


SHOP = "www.example-shop.cn"
NEWS_URL = f"http://{SHOP}/newsshow-4-1-1.html"
PRODUCT_URL = f"http://{SHOP}/productshow-7-1-1.html"
NEWS_TITLE, PRODUCT_TITLE = "新闻：春耕开始", "产品：育秧盘"


def _insert_article_0010(
    conn: Connection, article_id: int, cms_id: str, url: str, title: str
) -> None:
    conn.execute(
        text(
            "insert into articles (id, site, cms_id, url, title, published_at, body,"
            " first_seen_at, fetched_at, content_hash) values (:id, :site, :cms_id, :url,"
            " :title, '2025-06-01T08:00:00+08:00', :body, '2025-06-01T01:00:00+00:00',"
            " '2025-06-04T01:00:00+00:00', :hash)"
        ),
        {"id": article_id, "site": SHOP, "cms_id": cms_id, "url": url, "title": title,
         "body": f"{title}的正文。", "hash": f"{article_id:040x}"},
    )  # fmt: skip


def _insert_version_0010(
    conn: Connection, article_id: int, version: int, title: str, day: int
) -> None:
    """Version ``version``: fetched on June ``day``, replaced the next day at 01:00 UTC."""
    statement = text(
        "insert into article_versions (article_id, version, stored_at, fetched_at, title,"
        " published_at, body, sections, content_hash) values (:article_id, :version,"
        " :stored_at, :fetched_at, :title, '2025-06-01T08:00:00+08:00', :body, :sections,"
        " :hash)"
    ).bindparams(bindparam("sections", type_=JSON()))
    conn.execute(
        statement,
        {"article_id": article_id, "version": version,
         "stored_at": f"2025-06-{day + 1:02d}T01:00:00+00:00",
         "fetched_at": f"2025-06-{day:02d}T01:00:00+00:00", "title": title,
         "body": f"{title}的正文。",
         "sections": [{"heading": None, "paragraphs": [f"{title}的正文。"]}],
         "hash": f"{version:040x}"},
    )  # fmt: skip


def mixed_revision_0010_archive(url: str) -> None:
    """An archive at 0010 where PHPMyWind's news 1 and product 1 share row 1.

    Fetched alternately on June 1-4 (news, product, news, product), each fetch
    stored the other page's content as a version: versions 1 and 3 are the
    news page, 2 the product page, whose URL and content the row holds now.
    Article 2's sidebar links to the news page under its full title: the
    evidence. Article 3 also mixes two pages, but nothing in the archive says
    where its version came from. ``url``: an empty SQLite file or PostgreSQL
    database.
    """
    engine = create_engine(url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0010")
        _insert_article_0010(conn, 1, "1", PRODUCT_URL, PRODUCT_TITLE)
        for version, title in enumerate((NEWS_TITLE, PRODUCT_TITLE, NEWS_TITLE), 1):
            _insert_version_0010(conn, 1, version, title, day=version)
        for day, views in enumerate((10, 20, 11, 21), 1):
            conn.execute(
                text(
                    "insert into observations (article_id, observed_at, views, views_raw,"
                    " source) values (1, :at, :views, :raw, 'page')"
                ),
                {
                    "at": f"2025-06-{day:02d}T01:00:00+00:00",
                    "views": views,
                    "raw": f"人气：{views}",
                },
            )
        _insert_article_0010(conn, 2, "2", f"http://{SHOP}/newsshow-4-2-1.html", "新闻：插秧")
        conn.execute(
            text(
                "insert into links (article_id, position, box, title, url, date, date_raw,"
                " truncated, date_settled) values (2, 0, '新闻资讯', :title, :url,"
                " '2025-06-01', '06-01', :no, :no)"
            ),
            {"title": NEWS_TITLE, "url": NEWS_URL, "no": False},
        )
        _insert_article_0010(conn, 3, "3", f"http://{SHOP}/productshow-7-3-1.html", "产品：秧苗")
        _insert_version_0010(conn, 3, 1, "新闻：育苗", day=1)
        if conn.dialect.name == "postgresql":  # rows inserted with their ids: move the sequence on
            conn.execute(text("select setval('articles_id_seq', 3)"))
    engine.dispose()


def check_mixed_rows_split(url: str) -> None:
    """What revision 0011 made of :func:`mixed_revision_0010_archive`'s rows."""
    opened = open_archive(url, create=False)
    with opened.session() as session:
        news = get_article(session, NEWS_URL)
        product = get_article(session, PRODUCT_URL)
        found = {h.id for h in search_articles(session, "春耕").hits}
        conn = session.connection()
        revision = current_revision(conn)
        keys = {row[0]: row[1] for row in conn.execute(text("select id, page_key from articles"))}
        versions = conn.execute(
            text(
                "select article_id, version, title, stored_at from article_versions"
                " order by article_id, version"
            )
        ).all()
        views = conn.execute(
            text("select article_id, views from observations order by observed_at")
        ).all()
        first_seen = conn.execute(text("select first_seen_at from articles where id = 4")).one()
    opened.close()
    assert revision == head_revision()
    assert news is not None and product is not None
    assert (news["id"], news["cms_id"], news["title"]) == (4, "1", NEWS_TITLE)
    assert news["sections"] == [{"heading": None, "paragraphs": [f"{NEWS_TITLE}的正文。"]}]
    assert news["views"] == 11  # its own last fetch (June 3)
    assert (product["id"], product["title"]) == (1, PRODUCT_TITLE)
    assert found == {4}
    assert keys == {
        1: "/productshow.php?cid={n}&id={id=1}",
        2: "/newsshow.php?cid={n}&id={id=2}",
        3: "/productshow.php?cid={n}&id={id=3}",
        4: "/newsshow.php?cid={n}&id={id=1}",
    }
    # Each row's versions are its own page's, numbered again from 1; article 3
    # keeps its version: no evidence says where it came from.
    assert [tuple(row) for row in versions] == [
        (1, 1, PRODUCT_TITLE, "2025-06-03T01:00:00+00:00"),
        (3, 1, "新闻：育苗", "2025-06-02T01:00:00+00:00"),
        (4, 1, NEWS_TITLE, "2025-06-02T01:00:00+00:00"),
    ]
    # Each fetch's observation went with the page it fetched.
    assert [tuple(row) for row in views] == [(4, 10), (1, 20), (4, 11), (1, 21)]
    assert tuple(first_seen) == ("2025-06-01T01:00:00+00:00",)


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
