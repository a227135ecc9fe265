"""Change tracking: versions of changed articles, gone articles and page keys."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, text

from archive import (
    Archive,
    ArticleState,
    VersionRow,
    article_state,
    article_versions,
    count_articles,
    find_article_id,
    mark_gone,
)
from archive.models import Article, ArticleVersion, Observation
from tests.support.archive_samples import SITE, fetch, item, store


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
