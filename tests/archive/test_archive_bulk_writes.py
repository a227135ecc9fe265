"""The store's bulk writes: few statements per batch, all or nothing, batches and content hashes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive import (
    Archive,
    count_articles,
    store_articles,
)
from archive.models import Article, Link, Observation
from tests.support.archive_samples import SITE, fetch, item, link, links_of, store


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
