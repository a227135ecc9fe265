"""Section text stored once, as spans of the body: what is stored and what every reader gets."""

from __future__ import annotations

import hashlib
import io
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from archive import Archive, get_article, open_archive, store_articles
from archive.body_spans import section_paragraphs, spans
from archive.export import iter_export, write_export
from archive.schema import _config
from archive.store.content_hash import encode as _encode
from archive.store.content_hash import hash_content as _hash

#: Text that JSON and SQL treat specially: quotes, a tab, a control character, a
#: line separator, an astral ideograph, an emoji, a full-width space.
TRICKY = '他说："试点"\t已开始\x01，\u2028范围扩大到𠀀村。🌾\u3000'


def section(heading: str | None, *paragraphs: str) -> dict[str, Any]:
    return {"heading": heading, "paragraphs": list(paragraphs)}


def item(number: int, sections: list[dict[str, Any]], body: str | None = None) -> dict[str, Any]:
    return {
        "url": f"http://news.example.cn/show.php?cid=2&id={number}",
        "site": "news.example.cn",
        "cms_id": str(number),
        "title": f"乡村道路改造第{number}期",
        "published_at": "2026-03-01T09:00:00+08:00",
        "sections": sections,
        "body": "\n".join(p for s in sections for p in s["paragraphs"]) if body is None else body,
        "sidebar": [],
        "fetched_at": "2026-03-02T09:00:00+08:00",
    }


SECTIONS = [
    section(None, "今年春天，全镇的乡村道路改造正式开工。", TRICKY),
    section("一、资金", "改造资金由县里和镇里共同承担。"),
    section('二、进度（标题里有"引号"）'),
    section("三、空段落", ""),
    section("四、工期", "第一段路面已经铺好。", "第二段月底完工。"),
]


def reference_hash(title: str | None, body: str, sections: list[dict[str, Any]]) -> str:
    """The content hash's definition (archive.store.content_hash), spelled out with json.dumps."""
    if spans(body, sections) is None:
        return json_hash(title, body, sections)
    head = [title, [[s["heading"], len(s["paragraphs"])] for s in sections]]
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":")) + "\n" + body
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def json_hash(title: str | None, body: str, sections: list[dict[str, Any]]) -> str:
    """The content hash before revision 0007, for every article."""
    payload = {"title": title, "body": body, "sections": sections}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def test_spans_cover_each_sections_paragraphs_and_the_newlines_between() -> None:
    body = "甲乙\n丙\n丁戊己"
    found = spans(body, [section(None, "甲乙", "丙"), section("小标题"), section("二", "丁戊己")])
    assert found == [(0, 4), None, (5, 3)]


@pytest.mark.parametrize(
    ("body", "sections"),
    [
        ("甲\n乙", [section(None, "甲", "丙")]),  # the body is not the paragraphs
        ("甲\n乙\n丙", [section(None, "甲\n乙", "丙")]),  # a paragraph holds a newline
        ("路径 C:\\data", [section(None, "路径 C:\\data")]),  # a backslash
        ("空\x00字符", [section(None, "空\x00字符")]),  # a NUL
        ("", [section("只有标题")]),  # no paragraph at all
    ],
)
def test_no_spans_where_they_would_not_give_back_the_paragraphs(
    body: str, sections: list[dict[str, Any]]
) -> None:
    assert spans(body, sections) is None


def test_a_span_gives_back_a_single_empty_paragraph() -> None:
    (span,) = spans("", [section(None, "")]) or [None]
    assert span == (0, 0)
    assert section_paragraphs(None, *span, "") == [""]


#: Characters JSON, SQL or the spans treat specially, among any others.
_SPECIAL = st.sampled_from(list('甲乙"\\\n\t\x01\u2028𠀀 '))
paragraph = st.text(_SPECIAL | st.characters(blacklist_categories=["Cs"]), max_size=12)
sections_strategy = st.lists(
    st.fixed_dictionaries(
        {"heading": st.none() | paragraph, "paragraphs": st.lists(paragraph, max_size=4)}
    ),
    max_size=5,
)


@settings(max_examples=300, deadline=None)
@given(sections=sections_strategy, title=st.none() | paragraph, joined=st.booleans())
def test_the_content_hash_is_its_definition_for_spans_and_json_alike(
    sections: list[dict[str, Any]], title: str | None, joined: bool
) -> None:
    body = "\n".join(p for s in sections for p in s["paragraphs"]) if joined else "别的正文"
    encoded = _encode(body, sections)
    assert _hash(title, body, sections, encoded) == reference_hash(title, body, sections)
    found = spans(body, sections)
    if found is not None:
        for span, part in zip(found, sections, strict=True):
            if span is not None:
                assert section_paragraphs(None, *span, body) == part["paragraphs"]


@pytest.fixture
def opened(tmp_path: Path) -> Iterator[Archive]:
    handle = open_archive(f"sqlite:///{tmp_path / 'spans.sqlite'}")
    yield handle
    handle.close()


def stored_rows(opened: Archive) -> list[tuple[Any, ...]]:
    path = opened.engine.url.database
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT article_id, position, paragraphs, body_offset, body_length FROM sections"
            " ORDER BY article_id, position"
        ).fetchall()


def readers(opened: Archive, url: str) -> dict[str, list[dict[str, Any]]]:
    """The sections of ``url`` as each reader gives them: ORM, export by Python, by SQL."""
    with opened.session() as session:
        shown = get_article(session, url)
        exported = [a for a in iter_export(session) if a["url"] == url]
        out = io.StringIO()
        write_export(session, out, "jsonl")
    by_sql = [json.loads(line) for line in out.getvalue().split("\n") if line]
    assert shown is not None
    return {
        "orm": shown["sections"],
        "export": exported[0]["sections"],
        "export (SQL)": next(a for a in by_sql if a["url"] == url)["sections"],
    }


def test_sections_are_stored_as_spans_and_read_back_by_every_reader(
    opened: Archive,
) -> None:
    with opened.begin() as session:
        store_articles(session, [item(1, SECTIONS)])
    rows = stored_rows(opened)
    # The heading-only section keeps an empty JSON list; every other is a span.
    assert [(paragraphs, offset is None) for _, _, paragraphs, offset, _ in rows] == [
        (None, False), (None, False), ("[]", True), (None, False), (None, False),
    ]  # fmt: skip
    for reader, got in readers(opened, item(1, SECTIONS)["url"]).items():
        assert got == SECTIONS, reader


def test_an_article_whose_body_is_not_its_paragraphs_keeps_them_as_json(
    opened: Archive,
) -> None:
    sections = [section(None, "正文里有反斜杠 C:\\data。", TRICKY)]
    with opened.begin() as session:
        store_articles(session, [item(2, sections)])
    rows = stored_rows(opened)
    assert [json.loads(paragraphs) for _, _, paragraphs, _, _ in rows] == [
        sections[0]["paragraphs"]
    ]
    for reader, got in readers(opened, item(2, sections)["url"]).items():
        assert got == sections, reader


@pytest.mark.parametrize("same_batch", [False, True])
def test_a_new_body_without_sections_keeps_the_stored_sections_text(
    opened: Archive, same_batch: bool
) -> None:
    first = item(3, SECTIONS)
    rewritten = {**item(3, []), "body": "编辑只改了正文。\n没有给出分节。"}
    batches = [[first, rewritten]] if same_batch else [[first], [rewritten]]
    for batch in batches:
        with opened.begin() as session:
            store_articles(session, batch)
    for reader, got in readers(opened, first["url"]).items():
        assert got == SECTIONS, reader
    with opened.session() as session:
        shown = get_article(session, first["url"])
    assert shown is not None and shown["body"] == rewritten["body"]


def test_a_replaced_content_keeps_its_sections_in_the_version(
    opened: Archive,
) -> None:
    changed = [section(None, "改造方案有了调整。"), section("一、资金", "资金增加了一成。")]
    for batch in ([item(4, SECTIONS)], [item(4, changed)]):
        with opened.begin() as session:
            store_articles(session, batch)
    path = opened.engine.url.database
    with sqlite3.connect(path) as conn:
        (old,) = conn.execute("SELECT sections FROM article_versions").fetchone()
    assert json.loads(old) == SECTIONS
    for reader, got in readers(opened, item(4, changed)["url"]).items():
        assert got == changed, reader


def test_downgrade_writes_the_spans_back_as_json(tmp_path: Path) -> None:
    path = tmp_path / "down.sqlite"
    opened = open_archive(f"sqlite:///{path}")
    with opened.begin() as session:
        store_articles(session, [item(5, SECTIONS), item(6, SECTIONS[:2])])
    opened.close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0005")
    engine.dispose()
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(sections)")]
        rows = conn.execute(
            "SELECT article_id, heading, paragraphs FROM sections ORDER BY article_id, position"
        ).fetchall()
    assert "body_offset" not in columns and "body_length" not in columns
    assert [
        {"heading": heading, "paragraphs": json.loads(paragraphs)}
        for article_id, heading, paragraphs in rows
        if article_id == 1
    ] == SECTIONS
    assert len(rows) == len(SECTIONS) + 2


def stored_hashes(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [row[0] for row in conn.execute("SELECT content_hash FROM articles ORDER BY id")]


def test_hashes_are_computed_again_on_upgrade_and_downgrade(tmp_path: Path) -> None:
    """Re-crawling unchanged content after the hash's form changed must not read as a change."""
    path = tmp_path / "rehash.sqlite"
    odd = [section(None, "正文里有反斜杠 C:\\data。")]  # not spans: the JSON form either way
    items = [item(7, SECTIONS), item(8, odd)]
    opened = open_archive(f"sqlite:///{path}")
    with opened.begin() as session:
        store_articles(session, items)
    opened.close()
    current = stored_hashes(path)
    assert current == [reference_hash(i["title"], i["body"], i["sections"]) for i in items]

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0006")
    engine.dispose()
    assert stored_hashes(path) == [json_hash(i["title"], i["body"], i["sections"]) for i in items]
    assert stored_hashes(path)[1] == current[1] and stored_hashes(path)[0] != current[0]

    opened = open_archive(f"sqlite:///{path}")  # upgrades to the head again
    with opened.begin() as session:
        result = store_articles(
            session, [{**i, "fetched_at": "2026-03-03T09:00:00+08:00"} for i in items]
        )
    opened.close()
    assert stored_hashes(path) == current
    assert (result.new, result.updated, result.unchanged) == (0, 0, 2)


def test_a_section_row_without_its_text_is_refused(opened: Archive) -> None:
    with opened.begin() as session:
        store_articles(session, [item(9, SECTIONS)])
    path = opened.engine.url.database
    with sqlite3.connect(path) as conn:
        with pytest.raises(sqlite3.IntegrityError, match="ck_sections_text"):
            conn.execute("UPDATE sections SET body_offset = NULL, body_length = NULL")
        with pytest.raises(sqlite3.IntegrityError, match="ck_sections_text"):
            conn.execute("UPDATE sections SET paragraphs = '[]' WHERE paragraphs IS NULL")


def test_spans_downgrade_and_upgrade_on_postgresql(postgres_url: str) -> None:
    """The same round trip on a real PostgreSQL server: text and hashes survive both ways."""
    items = [item(10, SECTIONS), item(11, [section(None, "反斜杠 C:\\data。")])]
    opened = open_archive(postgres_url)
    with opened.begin() as session:
        store_articles(session, items)
    opened.close()
    engine = create_engine(postgres_url)
    with engine.begin() as connection:
        command.downgrade(_config(connection), "0005")
        rows = connection.exec_driver_sql(
            "SELECT paragraphs FROM sections ORDER BY article_id, position"
        ).all()
    engine.dispose()
    assert [row[0] for row in rows] == [s["paragraphs"] for i in items for s in i["sections"]]
    opened = open_archive(postgres_url)  # upgrades to the head again
    with opened.begin() as session:
        result = store_articles(session, items)
    with opened.session() as session:
        shown = [get_article(session, i["url"]) for i in items]
    opened.close()
    assert (result.new, result.updated, result.unchanged) == (0, 0, 2)
    assert [s["sections"] for s in shown if s is not None] == [i["sections"] for i in items]
