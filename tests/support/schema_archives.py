"""Archives at old schema revisions, written by hand, for the migration tests (SQLite and PostgreSQL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import JSON, Connection, bindparam, create_engine, text

from archive import get_article, open_archive
from archive.schema import (
    FIRST_REVISION,
    _config,
    current_revision,
    head_revision,
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
