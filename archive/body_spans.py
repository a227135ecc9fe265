"""Section paragraphs stored once: as a span of the article's body.

An article's ``body`` is all its paragraphs, one per line (the Article
contract). Storing each section's paragraphs again, as JSON, kept every
article's text twice in the archive file and in the bytes SQLite writes,
and cost the JSON encoding of every paragraph on the way in (the benchmark's
5,000-article archive, its search index included, took 237 MB; 158 MB with
spans). So a section row
holds, where it can, only where its paragraphs lie in the body:
``body_offset`` and ``body_length``, in characters (code points, as both
Python and SQL's ``substr`` count them), with ``paragraphs`` NULL. Its
paragraphs are then ``body[offset:offset + length].split("\\n")``
(:func:`section_paragraphs`); in SQL, ``substr(body, offset + 1, length)``
is the section's text, a paragraph a line.

Spans are used only when they give back exactly the paragraphs stored
(:func:`spans`): the body is the article's paragraphs joined by newlines, so
that no paragraph holds a newline itself, and it has no backslash and no NUL
character, so that SQLite's export can cut the JSON of a span into
paragraphs by its newline escapes (:data:`SQLITE_PARAGRAPHS_JSON`) and
SQLite's ``substr`` never stops early. A section without paragraphs, and
every section of an article that does not qualify (say, a contract dict
from elsewhere whose body is not its paragraphs), keeps its paragraphs as
JSON in ``paragraphs``, as every section of an archive written before
revision 0006 does. A span points into the body as it was stored with it:
:mod:`archive.store` rewrites an article's sections whenever its body
changes, also when the item brought no sections.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, TableClause, func

#: Where one section's paragraphs lie in the body: (offset, length) in characters.
Span = tuple[int, int]


def spans(body: str, sections: Sequence[Mapping[str, Any]]) -> list[Span | None] | None:
    """Each section's span of ``body`` (None for a section without paragraphs).

    None when the paragraphs cannot be stored as spans: ``body`` is not
    exactly the paragraphs joined by newlines (or there are none), a
    paragraph is not a string or holds a newline, or ``body`` holds a
    backslash or a NUL (see the module docstring).
    """
    if "\\" in body or "\x00" in body:
        return None
    try:
        lines = [paragraph for section in sections for paragraph in section["paragraphs"]]
        if not lines or "\n".join(lines) != body:
            return None
    except TypeError:  # a paragraph that is not a string
        return None
    if body.count("\n") != len(lines) - 1:  # a paragraph holds a newline
        return None
    found: list[Span | None] = []
    offset = 0
    for section in sections:
        paragraphs = section["paragraphs"]
        if not paragraphs:
            found.append(None)
            continue
        length = sum(map(len, paragraphs)) + len(paragraphs) - 1
        found.append((offset, length))
        offset += length + 1
    return found


def section_paragraphs(
    stored: Sequence[str] | None, offset: int | None, length: int | None, body: str | None
) -> list[str]:
    """A stored section's paragraphs: its ``paragraphs`` JSON, or its span of ``body``."""
    if offset is None or length is None:
        return paragraphs_of(stored, None)
    return paragraphs_of(stored, (body or "")[offset : offset + length])


def span_text(body: ColumnElement[str], sections: TableClause) -> ColumnElement[str | None]:
    """SQL for a section's span of its article's ``body``: its text, or NULL for JSON."""
    return func.substr(body, sections.c.body_offset + 1, sections.c.body_length)


def paragraphs_of(stored: Sequence[str] | None, text: str | None) -> list[str]:
    """A section's paragraphs: its span's ``text`` when it has one (a query selected
    :func:`span_text` beside them), else its stored ``paragraphs``."""
    if text is None:
        return list(stored or [])
    return text.split("\n")


#: SQLite: a section's paragraphs as a JSON array, inside a query where ``s`` is the
#: section row and ``articles`` its article. ``json_quote`` writes each newline of the
#: span as the two characters ``\n``, and no other character as a backslash followed
#: by ``n`` when the body holds no backslash (which :func:`spans` makes sure of).
SQLITE_PARAGRAPHS_JSON = (
    "CASE WHEN s.body_offset IS NULL THEN json(coalesce(s.paragraphs, '[]'))"
    " ELSE json('[' || replace(json_quote(substr(articles.body, s.body_offset + 1,"
    " s.body_length)), '\\n', '\",\"') || ']') END"
)
