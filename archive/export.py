"""Streaming export of articles as Article-contract JSON lines or CSV.

An export may cover the whole archive, so it never holds more than one batch:
articles are read by keyset (``id > last``, in id order) with plain Core
SELECTs, and each batch's sections and sidebar links come in one query each.
No ORM objects are built (they cost several times the JSON encoding).

On SQLite, :func:`write_export` goes further: SQLite's JSON functions build
each article's JSON line (or its sections and sidebar cells) inside the
query, in C, so Python only writes strings out; that doubles the rate. Other
databases use :func:`iter_export`'s dicts. Both give the same objects as
:func:`archive.contract.article_to_dict` (tests hold them equal).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import IO, Any, cast

from sqlalchemy import Table, Text, literal_column, select, type_coerce
from sqlalchemy.orm import Session

from archive.body_spans import SQLITE_PARAGRAPHS_JSON, paragraphs_of, span_text
from archive.contract import ARTICLE_KEYS
from archive.filters import ArticleFilters
from archive.models import Article, Link, Section

_ARTICLES = cast(Table, Article.__table__)
_SECTIONS = cast(Table, Section.__table__)
_LINKS = cast(Table, Link.__table__)
#: Contract keys held in JSON (lists) in a CSV cell.
_JSON_KEYS = frozenset({"sections", "sidebar"})
FORMATS = ("jsonl", "csv")
_decode = json.JSONDecoder().decode
#: Compact JSON, as SQLite's json_object writes it, so both paths print the same.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def iter_export(
    session: Session,
    filters: ArticleFilters | None = None,
    *,
    batch_size: int = 1000,
    captured: bool = False,
) -> Iterator[dict[str, Any]]:
    """Every matching article as a contract dict, in id order, a batch at a time.

    ``captured``: only articles with captures, each dict with ``id`` and
    ``captures`` besides the contract's keys (``newsarchive reextract``).
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    a = _ARTICLES.c
    columns = [a[key] for key in ARTICLE_KEYS if key not in _JSON_KEYS]
    if captured:
        columns.append(a.captures)
        filters = replace(filters or ArticleFilters(), captured=True)
    for rows in _batches(session, columns, filters, batch_size):
        ids = [row.id for row in rows]
        sections = _sections_of(session, ids)
        links = _links_of(session, ids)
        for row in rows:
            values = row._mapping
            article = {key: values[key] for key in ARTICLE_KEYS if key not in _JSON_KEYS}
            article["body"] = article["body"] or ""
            article["sections"] = sections.get(row.id, [])
            article["sidebar"] = links.get(row.id, [])
            if captured:
                yield {"id": row.id, **article, "captures": values["captures"]}
            else:
                yield {key: article[key] for key in ARTICLE_KEYS}


def _paragraphs(value: str | list[str] | None, span: str | None) -> list[str]:
    """Stored paragraphs: a span's text, JSON text from SQLite, a list from psycopg."""
    return paragraphs_of(_decode(value) if isinstance(value, str) else value, span)


def _sections_of(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    s = _SECTIONS.c
    # The JSON text as stored, decoded here: SQLAlchemy's JSON result processor
    # costs more per row than the decoding itself.
    stmt = (
        select(
            s.article_id,
            s.heading,
            type_coerce(s.paragraphs, Text),
            span_text(_ARTICLES.c.body, _SECTIONS),
        )
        .join_from(_SECTIONS, _ARTICLES, _ARTICLES.c.id == s.article_id)
        .where(s.article_id.between(ids[0], ids[-1]), s.article_id.in_(ids))
        .order_by(s.article_id, s.position)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for article_id, heading, paragraphs, span in session.execute(stmt).all():
        found.setdefault(article_id, []).append(
            {"heading": heading, "paragraphs": _paragraphs(paragraphs, span)}
        )
    return found


def _links_of(session: Session, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    c = _LINKS.c
    stmt = (
        select(c.article_id, c.box, c.title, c.url, c.date, c.date_raw, c.truncated)
        .where(c.article_id.between(ids[0], ids[-1]), c.article_id.in_(ids))
        .order_by(c.article_id, c.position)
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for article_id, box, title, url, day, date_raw, truncated in session.execute(stmt).all():
        found.setdefault(article_id, []).append(
            {
                "box": box,
                "title": title,
                "url": url,
                "date": day,
                "date_raw": date_raw,
                "truncated": bool(truncated),
            }
        )
    return found


#: Correlated subqueries building a SQLite article's JSON lists, in position order
#: (the inner ORDER BY feeds json_group_array in order; SQLite 3.44's
#: ``json_group_array(x ORDER BY y)`` would say so explicitly).
_SECTIONS_JSON = (
    "(SELECT json_group_array(json_object('heading', s.heading, 'paragraphs',"
    f" {SQLITE_PARAGRAPHS_JSON})) FROM (SELECT heading, paragraphs, body_offset, body_length"
    " FROM sections WHERE sections.article_id = articles.id ORDER BY position) AS s)"
)
_SIDEBAR_JSON = (
    "(SELECT json_group_array(json_object('box', l.box, 'title', l.title, 'url', l.url,"
    " 'date', l.date, 'date_raw', l.date_raw,"
    " 'truncated', json(CASE WHEN l.truncated THEN 'true' ELSE 'false' END)))"
    " FROM (SELECT box, title, url, date, date_raw, truncated FROM links"
    " WHERE links.article_id = articles.id ORDER BY position) AS l)"
)


def _json_value(key: str) -> str:
    if key == "sections":
        return _SECTIONS_JSON
    if key == "sidebar":
        return _SIDEBAR_JSON
    if key == "body":
        return "coalesce(articles.body, '')"
    return f"articles.{key}"


#: One article as its JSON line, keys in ``ARTICLE_KEYS`` order.
_ARTICLE_JSON = (
    "json_object(" + ", ".join(f"'{key}', {_json_value(key)}" for key in ARTICLE_KEYS) + ")"
)


def _batches(
    session: Session, columns: list[Any], filters: ArticleFilters | None, batch_size: int
) -> Iterator[list[Any]]:
    """Rows of ``id`` and ``columns`` for the matching articles, in id order, a batch
    at a time (keyset pagination: each query stays cheap however large the archive)."""
    a = _ARTICLES.c
    conditions = (filters or ArticleFilters()).conditions()
    last_id = 0
    while True:
        stmt = (
            select(a.id, *columns)
            .where(a.id > last_id, *conditions)
            .order_by(a.id)
            .limit(batch_size)
        )
        rows = list(session.execute(stmt).all())
        if rows:
            yield rows
        if len(rows) < batch_size:
            return
        last_id = rows[-1][0]


def _write_sqlite(
    session: Session, out: IO[str], fmt: str, filters: ArticleFilters | None, batch_size: int
) -> int:
    count = 0
    if fmt == "jsonl":
        for rows in _batches(session, [literal_column(_ARTICLE_JSON)], filters, batch_size):
            out.writelines(row[1] + "\n" for row in rows)
            count += len(rows)
        return count
    columns = [
        literal_column(_json_value(key)) if key in _JSON_KEYS else _ARTICLES.c[key]
        for key in ARTICLE_KEYS
    ]
    out.write(csv_line(ARTICLE_KEYS))
    for rows in _batches(session, columns, filters, batch_size):
        out.writelines(csv_line(row[1:]) for row in rows)
        count += len(rows)
    return count


def _csv_field(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_line(values: Sequence[object]) -> str:
    """One CSV record as :mod:`csv`'s default writer makes it (minimal quoting, CRLF).

    Written out because ``csv.writer`` walks each character in Python-object
    terms: on article rows (long bodies, JSON cells full of quotes) it took
    70 µs a row, several times the rest of the export.
    """
    return ",".join(_csv_field(value) for value in values) + "\r\n"


def csv_row(article: dict[str, Any]) -> list[object]:
    """One CSV row in ``ARTICLE_KEYS`` order; sections and sidebar as JSON text."""
    return [_compact(article[key]) if key in _JSON_KEYS else article[key] for key in ARTICLE_KEYS]


def write_export(
    session: Session,
    out: IO[str],
    fmt: str,
    filters: ArticleFilters | None = None,
    *,
    batch_size: int = 1000,
) -> int:
    """Write the matching articles to ``out`` as ``jsonl`` or ``csv``; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if session.get_bind().dialect.name == "sqlite":
        count = _write_sqlite(session, out, fmt, filters, batch_size)
        out.flush()
        return count
    count = 0
    if fmt == "csv":
        out.write(csv_line(ARTICLE_KEYS))
    for article in iter_export(session, filters):
        out.write(csv_line(csv_row(article)) if fmt == "csv" else _compact(article) + "\n")
        count += 1
    out.flush()
    return count
