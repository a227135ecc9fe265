"""The archive library on real SQLite files: upsert rules, settlement, queries."""

from __future__ import annotations

import copy
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive import (
    ARTICLE_KEYS,
    Archive,
    ArchiveError,
    ArchiveNotFound,
    ArticleState,
    VersionRow,
    article_state,
    article_versions,
    count_articles,
    find_article_id,
    finish_run,
    get_article,
    iter_articles,
    list_articles,
    make_engine,
    mark_gone,
    mark_interrupted,
    mask_url,
    open_archive,
    start_run,
    store_articles,
)
from archive.crawl_history import list_runs
from archive.models import Article, ArticleVersion, CrawlRun, Link, Observation

SITE = "www.example-news.cn"


def item(number: int, **overrides: Any) -> dict[str, Any]:
    """A complete Article-contract dict with our own Chinese sample text."""
    data: dict[str, Any] = {
        "url": f"http://{SITE}/show.php?cid=29&id={number}",
        "site": SITE,
        "cms_id": str(number),
        "channel": "29",
        "title": f"春耕时节话农事：第{number}篇",
        "published_at": "2026-01-08T09:30:00+08:00",
        "published_raw": "2026-01-08 09:30:00",
        "author": "李明",
        "source": "本站原创",
        "editor": "赵磊",
        "views": 6,
        "views_raw": "人气：6",
        "views_source": "page",
        "sections": [
            {"heading": None, "paragraphs": ["清晨的田野里，农民们已经开始忙碌。"]},
            {"heading": "育苗", "paragraphs": ["温室里的秧苗长势喜人。", "技术员每天记录温度。"]},
        ],
        "body": "清晨的田野里，农民们已经开始忙碌。\n温室里的秧苗长势喜人。\n技术员每天记录温度。",
        "sidebar": [],
        "fetched_at": "2026-01-09T10:00:00+08:00",
    }
    data.update(overrides)
    return data


def link(number: int, date: str | None = "2025-01-05", box: str = "新闻资讯") -> dict[str, Any]:
    return {
        "box": box,
        "title": f"春耕时节话农事：第{number}篇",
        "url": f"http://{SITE}/show.php?cid=29&id={number}",
        "date": date,
        "date_raw": "01-05",
        "truncated": False,
    }


@pytest.fixture
def opened(tmp_path: Path) -> Archive:
    return open_archive(str(tmp_path / "archive.sqlite"))


def store(opened: Archive, *items: dict[str, Any]) -> tuple[int, int, int]:
    with opened.begin() as session:
        result = store_articles(session, list(items))
    return result.new, result.updated, result.unchanged


def fetch(opened: Archive, key: str) -> dict[str, Any]:
    with opened.begin() as session:
        found = get_article(session, key)
    assert found is not None
    return found


def links_of(opened: Archive, url: str) -> list[tuple[str | None, bool]]:
    with opened.begin() as session:
        rows = session.execute(select(Link.date, Link.date_settled).where(Link.url == url))
        return [(row.date, row.date_settled) for row in rows]


def test_archive_keys_equal_the_newscrawl_contract() -> None:
    from newscrawl.items import ARTICLE_KEYS as NEWSCRAWL_KEYS
    from newscrawl.items import Article as ArticleItem

    assert ARTICLE_KEYS == NEWSCRAWL_KEYS
    stored_shape = ArticleItem.from_dict(item(1)).to_dict()
    assert tuple(stored_shape) == ARTICLE_KEYS


def test_archive_imports_neither_scrapy_nor_newscrawl() -> None:
    code = (
        "import sys, archive, archive.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('scrapy', 'newscrawl')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_new_then_unchanged_then_updated(opened: Archive) -> None:
    assert store(opened, item(1)) == (1, 0, 0)
    assert store(opened, item(1, views=7, views_raw="人气：7")) == (0, 0, 1)
    assert store(opened, item(1, title="春耕时节话农事（修订）", views=8)) == (0, 1, 0)
    stored = fetch(opened, "1")
    assert stored["title"] == "春耕时节话农事（修订）"
    assert stored["views"] == 8


def test_none_never_replaces_a_stored_value(opened: Archive) -> None:
    store(opened, item(1))
    blanks = dict.fromkeys(
        (
            "cms_id",
            "channel",
            "title",
            "published_at",
            "published_raw",
            "author",
            "source",
            "editor",
        ),
    )
    blanks |= {"views": None, "views_raw": None, "views_source": None, "fetched_at": None}
    store(opened, item(1, **blanks))
    stored = fetch(opened, item(1)["url"])
    for key in ("cms_id", "title", "published_at", "author", "source", "editor", "views"):
        assert stored[key] == item(1)[key], key


def test_empty_sections_body_and_sidebar_keep_the_stored_ones(
    opened: Archive,
) -> None:
    store(opened, item(1, sidebar=[link(2)]))
    store(opened, item(1, sections=[], body="", sidebar=[]))
    stored = fetch(opened, "1")
    assert stored["sections"] == item(1)["sections"]
    assert stored["body"] == item(1)["body"]
    assert [entry["url"] for entry in stored["sidebar"]] == [link(2)["url"]]

    new_sections = [{"heading": "收获", "paragraphs": ["秋天的稻田一片金黄。"]}]
    store(opened, item(1, sections=new_sections, sidebar=[link(3), link(4)]))
    stored = fetch(opened, "1")
    assert stored["sections"] == new_sections
    assert [entry["url"] for entry in stored["sidebar"]] == [link(3)["url"], link(4)["url"]]


def test_one_observation_per_store_even_without_views(opened: Archive) -> None:
    store(opened, item(1))
    store(opened, item(1, views=None, views_raw=None, fetched_at="2026-01-09T11:00:00+08:00"))
    store(opened, item(1, views=8, fetched_at="2026-01-09T12:00:00+08:00"))
    with opened.begin() as session:
        rows = session.execute(
            select(Observation.observed_at, Observation.views).order_by(Observation.id)
        ).all()
        article = session.scalars(select(Article)).one()
        assert article.first_seen_at == "2026-01-09T10:00:00+08:00"
        assert article.fetched_at == "2026-01-09T12:00:00+08:00"
    assert [tuple(row) for row in rows] == [
        ("2026-01-09T10:00:00+08:00", 6),
        ("2026-01-09T11:00:00+08:00", None),
        ("2026-01-09T12:00:00+08:00", 8),
    ]


def test_one_page_under_several_urls_is_one_row(opened: Archive) -> None:
    """The same id under the same URL template is one page, whatever the channel,
    argument order or page number; the row follows the newest URL."""
    store(opened, item(613))
    same_page = [
        f"http://{SITE}/show.php?id=613&cid=29&page=2",
        f"http://{SITE}/show.php?cid=30&id=613",
    ]
    for url in same_page:
        assert store(opened, item(613, url=url)) == (0, 0, 1)
    other_site = item(613, site="news.other.cn", url="http://news.other.cn/show.php?cid=29&id=613")
    assert store(opened, other_site) == (1, 0, 0)
    with opened.begin() as session:
        assert count_articles(session) == 2
    assert fetch(opened, same_page[-1])["cms_id"] == "613"


def test_two_pages_with_one_cms_id_are_two_rows(opened: Archive) -> None:
    """PHPMyWind numbers news and products each from 1: two pages, two rows, in
    either fetch order, and neither becomes a version of the other."""
    news = item(1, url=f"http://{SITE}/newsshow-4-1-1.html", title="新闻：春耕开始")
    product = item(1, url=f"http://{SITE}/productshow-7-1-1.html", title="产品：育秧盘")
    static = item(1, url=f"http://{SITE}/a/news/2019/0113/1.html", title="动态：插秧")
    assert store(opened, news, product) == (2, 0, 0)
    assert store(opened, product, news, static) == (1, 0, 2)
    assert store(opened, item(1, url=f"http://{SITE}/newsshow-5-1-1.html")) == (0, 1, 0)
    with opened.begin() as session:
        rows = session.execute(select(Article.url, Article.title).order_by(Article.id)).all()
        versions = session.execute(select(ArticleVersion.article_id, ArticleVersion.url)).all()
    assert [tuple(row) for row in rows] == [
        (f"http://{SITE}/newsshow-5-1-1.html", item(1)["title"]),
        (product["url"], "产品：育秧盘"),
        (static["url"], "动态：插秧"),
    ]
    # The version keeps the URL its content came from.
    assert [tuple(row) for row in versions] == [(1, news["url"])]


def test_without_cms_id_matches_by_url(opened: Archive) -> None:
    assert store(opened, item(5, cms_id=None)) == (1, 0, 0)
    assert store(opened, item(5, cms_id=None)) == (0, 0, 1)
    # A later fetch that learns the CMS id completes the same row.
    assert store(opened, item(5)) == (0, 0, 1)
    assert fetch(opened, "1")["cms_id"] == "5"


def test_link_stored_before_its_target_is_settled_later(opened: Archive) -> None:
    store(opened, item(1, sidebar=[link(2, date="2025-01-05")]))
    target = link(2)["url"]
    assert links_of(opened, target) == [("2025-01-05", False)]
    # 07:00 in Beijing is the previous day in UTC: the sidebar shows the local date.
    store(opened, item(2, published_at="2026-01-05T07:00:00+08:00"))
    assert links_of(opened, target) == [("2026-01-05", True)]
    assert fetch(opened, "1")["sidebar"][0]["date"] == "2026-01-05"


def test_link_to_an_archived_target_is_settled_when_stored(
    opened: Archive,
) -> None:
    store(opened, item(2, published_at="2026-01-05T07:00:00+08:00"))
    store(opened, item(1, sidebar=[link(2, date="2025-01-05"), link(9, date="2025-12-30")]))
    assert links_of(opened, link(2)["url"]) == [("2026-01-05", True)]
    # No archived target: the estimate stays, unsettled.
    assert links_of(opened, link(9)["url"]) == [("2025-12-30", False)]


def test_links_settle_within_one_batch_in_any_order(opened: Archive) -> None:
    store(
        opened,
        item(1, sidebar=[link(2, date=None)]),
        item(2, published_at="2026-01-05T20:00:00+08:00", sidebar=[link(1, date="2025-01-08")]),
    )
    assert links_of(opened, link(2)["url"]) == [("2026-01-05", True)]
    assert links_of(opened, link(1)["url"]) == [("2026-01-08", True)]


def test_a_target_without_published_date_settles_nothing(opened: Archive) -> None:
    store(opened, item(1, sidebar=[link(2)]))
    store(opened, item(2, published_at=None))
    assert links_of(opened, link(2)["url"]) == [("2025-01-05", False)]


def count_statements(session: Session, *items: dict[str, Any]) -> list[tuple[str, bool]]:
    """Store ``items`` in ``session``; every statement sent to the driver, with executemany."""
    statements: list[tuple[str, bool]] = []
    engine = session.get_bind()

    def record(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _ctx: Any, many: bool
    ) -> None:
        statements.append((statement.lstrip().split()[0].upper(), many))

    event.listen(engine, "before_cursor_execute", record)
    try:
        store_articles(session, list(items))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return statements


def test_store_uses_a_few_bulk_statements_per_batch(opened: Archive) -> None:
    store(opened, *(item(n) for n in range(100, 140)))
    batch = [item(n, sidebar=[link(100 + k) for k in range(10)]) for n in range(1, 41)]
    with opened.begin() as session:
        statements = count_statements(session, *batch)
    # 40 articles, 80 sections, 400 links, 40 observations and their full-text
    # entries: a constant number of statements, not one per row. SELECTs: the
    # full-text table's presence, the matching articles, the archived link targets.
    assert [kind for kind, _ in statements].count("SELECT") <= 3, statements
    assert len(statements) <= 9, statements
    assert links_of(opened, link(100)["url"]) == [("2026-01-08", True)] * 40


def test_restoring_existing_articles_is_bulk_too(opened: Archive) -> None:
    store(opened, *(item(n, sidebar=[link(n + 1)]) for n in range(1, 41)))
    again = [item(n, views=n, sidebar=[link(n + 2)]) for n in range(1, 41)]
    # Two without sections: their hash needs the stored sections (one more SELECT).
    again[0] = item(1, title="春耕时节话农事（修订）", sections=[])
    again[1] = item(2, sections=[])
    with opened.begin() as session:
        statements = count_statements(session, *again)
    assert [kind for kind, _ in statements].count("SELECT") <= 3, statements
    # One UPDATE per set of changed columns (here 2), not one per article.
    assert len(statements) <= 12, statements


def archive_rows(opened: Archive) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a store writes, the search index's queue included."""
    tables = (
        "articles",
        "sections",
        "links",
        "observations",
        "article_versions",
        "articles_fts_pending",
    )
    with opened.session() as session:
        return {
            table: [tuple(row) for row in session.execute(text(f"SELECT * FROM {table}"))]
            for table in tables
        }


def test_a_bulk_write_that_fails_leaves_the_archive_as_it_was(
    opened: Archive,
) -> None:
    """On SQLite the bulk writes say OR ROLLBACK (no statement journal, see
    ``archive.store.bulk_writer``): a constraint failing in the middle of a batch ends
    its transaction with nothing of the batch stored, and the next one stores."""
    store(opened, item(1, sidebar=[link(2)]))
    before = archive_rows(opened)
    with opened.begin() as session:
        session.execute(text("CREATE UNIQUE INDEX test_one_title ON articles (title)"))
    # Article 1's update and article 3's insert give two articles one title.
    batch = [item(1, title="同名的文章", views=8), item(2), item(3, title="同名的文章")]
    with pytest.raises(IntegrityError), opened.begin() as session:
        statements: list[str] = []
        event.listen(
            session.get_bind(),
            "before_cursor_execute",
            lambda _c, _k, statement, *_rest: statements.append(statement),
        )
        store_articles(session, batch)
    article_writes = [
        statement.split(" articles ")[0]
        for statement in statements
        if statement.startswith(("INSERT", "UPDATE")) and " articles " in statement
    ]
    assert article_writes and set(article_writes) <= {
        "INSERT OR ROLLBACK INTO",
        "UPDATE OR ROLLBACK",
    }
    assert archive_rows(opened) == before
    with opened.begin() as session:
        session.execute(text("DROP INDEX test_one_title"))
    assert store(opened, *batch) == (2, 1, 0)
    assert fetch(opened, "3")["title"] == "同名的文章"


def test_a_batch_mixing_new_and_archived_articles(opened: Archive) -> None:
    store(opened, item(1), item(2, sidebar=[link(1)]))
    batch = [
        item(3, sidebar=[link(2)]),
        item(1, views=9),  # archived, content unchanged
        item(4, published_at=None),
        item(2, title="春耕时节话农事（修订）", sidebar=[link(3), link(4)]),
        item(5, cms_id=None),
    ]
    assert store(opened, *batch) == (3, 1, 1)
    with opened.begin() as session:
        assert count_articles(session) == 5
        observed = session.execute(
            select(Article.cms_id, Observation.views)
            .join(Observation.article)
            .order_by(Observation.id)
        ).all()
    assert [tuple(row) for row in observed] == [
        ("1", 6),
        ("2", 6),
        ("3", 6),
        ("1", 9),
        ("4", 6),
        ("2", 6),
        (None, 6),
    ]
    assert fetch(opened, "1")["views"] == 9
    second = fetch(opened, item(2)["url"])
    assert second["title"] == "春耕时节话农事（修订）"
    assert [entry["url"] for entry in second["sidebar"]] == [link(3)["url"], link(4)["url"]]
    # Article 2's new link to 3 (stored in this batch) settles; 4 has no date.
    assert links_of(opened, link(3)["url"]) == [("2026-01-08", True)]
    assert links_of(opened, link(4)["url"]) == [("2025-01-05", False)]
    # Article 3's link to the archived article 2 settles from the archive.
    assert links_of(opened, link(2)["url"]) == [("2026-01-08", True)]
    # Article 2's former sidebar (its link to 1) was replaced as a whole.
    assert links_of(opened, link(1)["url"]) == []
    with opened.begin() as session:
        ids = session.execute(select(Article.cms_id).order_by(Article.id)).scalars().all()
    assert ids == ["1", "2", "3", "4", None]


def test_the_same_article_twice_in_a_batch_last_wins(opened: Archive) -> None:
    first = item(1, sidebar=[link(2)], fetched_at="2026-01-09T10:00:00+08:00")
    second = item(
        1,
        title="春耕时节话农事（修订）",
        views=7,
        sections=[{"heading": "收获", "paragraphs": ["秋天的稻田一片金黄。"]}],
        sidebar=[],
        fetched_at="2026-01-09T11:00:00+08:00",
    )
    assert store(opened, first, second) == (1, 1, 0)
    stored = fetch(opened, "1")
    assert stored["title"] == "春耕时节话农事（修订）"
    assert stored["views"] == 7
    assert stored["sections"] == second["sections"]
    # The second's empty sidebar keeps the first's.
    assert [entry["url"] for entry in stored["sidebar"]] == [link(2)["url"]]
    with opened.begin() as session:
        rows = session.execute(
            select(Observation.observed_at, Observation.views).order_by(Observation.id)
        ).all()
        article = session.scalars(select(Article)).one()
        assert article.first_seen_at == "2026-01-09T10:00:00+08:00"
        assert article.fetched_at == "2026-01-09T11:00:00+08:00"
    assert [tuple(row) for row in rows] == [
        ("2026-01-09T10:00:00+08:00", 6),
        ("2026-01-09T11:00:00+08:00", 7),
    ]
    # Twice the same content in one batch: new, then unchanged.
    assert store(opened, item(2), item(2, views=8)) == (1, 0, 1)
    # Once archived: both count against what came before them.
    assert store(opened, item(2, title="改"), item(2, title="改")) == (0, 1, 1)


def test_a_batch_larger_than_the_internal_chunk(opened: Archive) -> None:
    from archive.store.batch_rows import CHUNK

    count = 2 * CHUNK + 200
    # Each article links to the next one and to the first; the first and the
    # last items are the same article (stored in different chunks).
    items = [item(n, views=n, sidebar=[link(n % count + 1), link(1)]) for n in range(1, count + 1)]
    items[-1] = item(1, views=99, published_at="2026-01-03T12:00:00+08:00")
    # A new published date is not a change of content.
    assert store(opened, *items) == (count - 1, 0, 1)
    with opened.begin() as session:
        assert count_articles(session) == count - 1
        assert session.scalar(select(func.count()).select_from(Observation)) == count
        assert session.scalar(select(func.count()).select_from(Link)) == 2 * (count - 1)
        unsettled = session.scalars(select(Link).where(Link.date_settled.is_(False))).all()
        assert [(entry.article_id, entry.url) for entry in unsettled] == [
            (count - 1, link(count)["url"])  # item(count) was replaced by item(1)
        ]
    # Links stored in the first chunk to articles of the third settled both ways.
    assert links_of(opened, link(CHUNK * 2 + 1)["url"]) == [("2026-01-08", True)]
    # Every link to article 1, early or late, carries its final date.
    assert set(links_of(opened, link(1)["url"])) == {("2026-01-03", True)}
    assert fetch(opened, "1")["views"] == 99
    assert fetch(opened, str(CHUNK + 7))["views"] == CHUNK + 7


def test_sections_kept_by_an_item_count_in_the_content_hash(
    opened: Archive,
) -> None:
    store(opened, item(1))
    # Title changed, sections kept: hashed with the stored sections.
    assert store(opened, item(1, title="新标题", sections=[], body="")) == (0, 1, 0)
    # The same content with the sections given again is no change.
    assert store(opened, item(1, title="新标题")) == (0, 0, 1)
    stored = fetch(opened, "1")
    assert stored["sections"] == item(1)["sections"]
    assert stored["body"] == item(1)["body"]


def test_content_hash_formula_is_stable(opened: Archive) -> None:
    """Archived hashes must stay comparable: a new formula would flag every article
    (unless a migration computes every hash again, as revision 0007 did)."""
    import hashlib
    import json

    store(opened, item(1))
    sections = item(1)["sections"]
    head = [item(1)["title"], [[s["heading"], len(s["paragraphs"])] for s in sections]]
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":")) + "\n" + item(1)["body"]
    with opened.begin() as session:
        stored = session.scalars(select(Article.content_hash)).one()
    assert stored == hashlib.sha1(text.encode("utf-8")).hexdigest()


def test_a_new_article_may_take_the_url_another_moved_away_from(
    opened: Archive,
) -> None:
    store(opened, item(1))
    moved = f"http://{SITE}/show.php?cid=30&id=1"
    assert store(opened, item(1, url=moved), item(2, url=item(1)["url"], cms_id=None)) == (
        1,
        0,
        1,
    )
    assert fetch(opened, moved)["cms_id"] == "1"
    assert fetch(opened, item(1)["url"])["cms_id"] is None


def test_orm_objects_in_the_session_see_what_was_stored(opened: Archive) -> None:
    store(opened, item(1, sidebar=[link(2)]), item(3, sidebar=[link(2)]))
    new_sections = [{"heading": "收获", "paragraphs": ["秋天的稻田一片金黄。"]}]
    with opened.begin() as session:
        article = session.scalars(select(Article).where(Article.cms_id == "1")).one()
        other_link = session.scalars(select(Link).where(Link.article_id == 2)).one()
        assert [s.heading for s in article.sections] == [None, "育苗"]
        assert [entry.url for entry in article.links] == [link(2)["url"]]
        store_articles(
            session,
            [
                item(1, title="修订", sections=new_sections, sidebar=[link(4)]),
                item(2, published_at="2026-01-05T07:00:00+08:00"),
            ],
        )
        assert article.title == "修订"
        assert [s.heading for s in article.sections] == ["收获"]
        assert [entry.url for entry in article.links] == [link(4)["url"]]
        assert (other_link.date, other_link.date_settled) == ("2026-01-05", True)
        again = session.scalars(select(Article).where(Article.cms_id == "1")).one()
        assert again is article


def test_store_flushes_pending_orm_changes_first(opened: Archive) -> None:
    with opened.begin() as session:
        session.add(Article(url=item(1)["url"], site=SITE, body="", content_hash=""))
        assert store_articles(session, [item(1)]).unchanged + 0 == 0
    with opened.begin() as session:
        assert count_articles(session) == 1
        assert session.scalars(select(Article.title)).one() == item(1)["title"]


def test_empty_batch_writes_nothing(opened: Archive) -> None:
    with opened.begin() as session:
        assert count_statements(session) == []


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


# -- change tracking: versions and gone articles --------------------------------


def versions_of(opened: Archive, number: int) -> list[VersionRow]:
    with opened.begin() as session:
        article_id = find_article_id(session, item(number)["url"])
        assert article_id is not None
        return article_versions(session, article_id)


def state_of(opened: Archive, number: int) -> ArticleState:
    with opened.begin() as session:
        article_id = find_article_id(session, item(number)["url"])
        assert article_id is not None
        state = article_state(session, article_id)
    assert state is not None
    return state


def edited(number: int, text: str, fetched: str, **overrides: Any) -> dict[str, Any]:
    sections = [{"heading": None, "paragraphs": [text]}]
    return item(number, body=text, sections=sections, fetched_at=fetched, **overrides)


def test_a_changed_article_keeps_its_previous_content(opened: Archive) -> None:
    first = item(1)
    store(opened, first)
    assert store(opened, edited(1, "更正：秧苗长势良好。", "2026-01-10T10:00:00+08:00")) == (
        0,
        1,
        0,
    )
    [old] = versions_of(opened, 1)
    assert old.version == 1
    assert (old.title, old.body, old.sections) == (first["title"], first["body"], first["sections"])
    assert (old.published_at, old.author, old.source) == (
        first["published_at"], first["author"], first["source"]
    )  # fmt: skip
    assert old.fetched_at == "2026-01-09T10:00:00+08:00"  # when the old content was fetched
    assert old.stored_at == "2026-01-10T10:00:00+08:00"  # when it was replaced
    with opened.begin() as session:
        stored_hash = session.scalar(select(Article.content_hash))
    assert old.content_hash != stored_hash
    assert fetch(opened, "1")["body"] == "更正：秧苗长势良好。"


def test_unchanged_content_adds_no_version(opened: Archive) -> None:
    store(opened, item(1))
    assert store(opened, item(1, views=99, fetched_at="2026-01-11T10:00:00+08:00")) == (0, 0, 1)
    # Nulls and empty lists keep the stored content: no change either.
    assert store(opened, item(1, title=None, body="", sections=[])) == (0, 0, 1)
    assert versions_of(opened, 1) == []
    assert state_of(opened, 1).versions == 0


def test_two_changes_give_versions_1_and_2(opened: Archive) -> None:
    store(opened, item(1))
    store(opened, edited(1, "第二稿。", "2026-01-10T10:00:00+08:00", author="王芳"))
    store(opened, edited(1, "第三稿。", "2026-01-11T10:00:00+08:00"))
    old = versions_of(opened, 1)
    assert [v.version for v in old] == [1, 2]
    assert old[0].body == item(1)["body"] and old[0].author == "李明"
    assert old[1].body == "第二稿。" and old[1].author == "王芳"
    assert old[1].sections == [{"heading": None, "paragraphs": ["第二稿。"]}]
    assert old[1].fetched_at == "2026-01-10T10:00:00+08:00"
    assert old[1].stored_at == "2026-01-11T10:00:00+08:00"
    assert fetch(opened, "1")["body"] == "第三稿。"
    assert state_of(opened, 1).versions == 2


def test_changes_within_one_batch_are_versioned_in_order(opened: Archive) -> None:
    store(opened, item(1), item(2))
    result = store(
        opened,
        edited(1, "第二稿。", "2026-01-10T10:00:00+08:00"),
        item(2, views=7),  # unchanged
        edited(1, "第三稿。", "2026-01-10T11:00:00+08:00"),
        item(3),
        edited(3, "新文章当即修改。", "2026-01-10T12:00:00+08:00"),  # new, then changed
    )
    assert result == (1, 3, 1)
    assert [(v.version, v.body) for v in versions_of(opened, 1)] == [
        (1, item(1)["body"]), (2, "第二稿。")
    ]  # fmt: skip
    assert versions_of(opened, 2) == []
    assert [(v.version, v.body) for v in versions_of(opened, 3)] == [(1, item(3)["body"])]


def test_a_title_only_change_keeps_the_stored_sections(opened: Archive) -> None:
    store(opened, item(1))
    store(opened, item(1, title="春耕时节话农事（修订）", sections=[], body=""))
    [old] = versions_of(opened, 1)
    assert old.title == item(1)["title"]
    assert old.sections == item(1)["sections"]


def test_mark_gone_marks_keeps_the_first_date_ignores_unknown_and_deletes_nothing(
    opened: Archive,
) -> None:
    store(opened, item(1), item(2))
    with opened.begin() as session:
        marked = mark_gone(
            session,
            {item(1)["url"]: "404", "http://elsewhere.example/show.php?id=5": "404"},
            at="2026-02-01T00:00:00+00:00",
        )
    assert marked == 1
    with opened.begin() as session:  # again later, other reason: the first stays
        again = mark_gone(session, {item(1)["url"]: "soft 404"}, at="2026-03-01T00:00:00+00:00")
    assert again == 0
    assert state_of(opened, 1) == ArticleState(0, "2026-02-01T00:00:00+00:00", "404")
    assert state_of(opened, 2) == ArticleState(0, None, None)
    with opened.begin() as session:
        assert count_articles(session) == 2
        assert session.scalar(select(func.count()).select_from(Observation)) == 2
    assert fetch(opened, "1")["body"] == item(1)["body"]


def test_a_later_successful_fetch_clears_gone(opened: Archive) -> None:
    store(opened, item(1))
    with opened.begin() as session:
        mark_gone(session, {item(1)["url"]: "410"}, at="2026-02-01T00:00:00+00:00")
    assert state_of(opened, 1).gone_reason == "410"
    assert store(opened, item(1, fetched_at="2026-02-02T00:00:00+00:00")) == (0, 0, 1)
    assert state_of(opened, 1) == ArticleState(0, None, None)


def test_versions_go_with_their_article(opened: Archive) -> None:
    store(opened, item(1))
    store(opened, edited(1, "第二稿。", "2026-01-10T10:00:00+08:00"))
    with opened.begin() as session:
        session.execute(text("delete from articles"))
        assert session.scalar(select(func.count()).select_from(ArticleVersion)) == 0


def test_a_row_another_tool_inserted_gets_its_key_on_the_next_fetch(
    opened: Archive,
) -> None:
    """Rows written in plain SQL have no page key (NULL never collides); the
    next fetch of the page finds the row by URL and gives it one."""
    with opened.begin() as session:
        for number in (1, 2):
            session.execute(
                text(
                    "INSERT INTO articles (site, url, body, content_hash)"
                    " VALUES (:site, :url, '', '0')"
                ),
                {"site": SITE, "url": item(number)["url"]},
            )
    assert store(opened, item(1)) == (0, 1, 0)
    assert store(opened, item(1, url=f"http://{SITE}/show.php?id=1&cid=29&page=2")) == (0, 0, 1)
    with opened.begin() as session:
        keys = session.execute(select(Article.page_key).order_by(Article.id)).scalars().all()
    assert keys == ["/show.php?cid={n}&id={id=1}", None]


def sidebar_of(opened: Archive, url: str) -> list[tuple[str, bool]]:
    return [(entry["title"], entry["truncated"]) for entry in fetch(opened, url)["sidebar"]]


FULL = "北塘镇博物馆推广稻渔综合种养模式"


def cut_links() -> list[dict[str, Any]]:
    """DedeCMS cuts sidebar titles with no marker; other boxes mark the cut."""
    return [
        {**link(2), "title": "北塘镇博物馆推广稻渔综", "truncated": False},  # no marker
        {**link(2), "title": "北塘镇博物馆推广...", "truncated": True},  # marked, no a/@title
        {**link(2), "title": FULL, "truncated": False},  # the whole title
        {**link(2), "title": "北塘镇新闻", "truncated": False},  # another text: left alone
    ]


EXPECTED_CUT = [(FULL, True), (FULL, True), (FULL, False), ("北塘镇新闻", False)]


def test_a_title_cut_without_a_marker_is_completed_by_its_archived_target(
    opened: Archive,
) -> None:
    store(opened, item(2, title=FULL))
    store(opened, item(1, sidebar=cut_links()))
    assert sidebar_of(opened, item(1)["url"]) == EXPECTED_CUT


def test_cut_titles_stored_before_their_target_are_completed_later(
    opened: Archive,
) -> None:
    store(opened, item(1, sidebar=cut_links()), item(3, sidebar=cut_links()[:1]))
    assert sidebar_of(opened, item(1)["url"])[0] == ("北塘镇博物馆推广稻渔综", False)
    store(opened, item(2, title=FULL))
    assert sidebar_of(opened, item(1)["url"]) == EXPECTED_CUT
    assert sidebar_of(opened, item(3)["url"]) == EXPECTED_CUT[:1]
    # In one batch, the target after the link, as well.
    cut = {**link(7), "title": "秋收时节的", "truncated": False}
    store(opened, item(6, sidebar=[cut]), item(7, title="秋收时节的田野"))
    assert sidebar_of(opened, item(6)["url"]) == [("秋收时节的田野", True)]
