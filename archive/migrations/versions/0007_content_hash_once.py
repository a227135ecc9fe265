"""The content hash reads the text once: articles whose sections are spans of the body.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

The content hash was sha1 of the JSON of title, body and sections, which
holds every paragraph twice (in the body and in the sections). For an
article whose sections are spans of its body (archive/body_spans.py) it is
now sha1 of its title, headings and paragraph counts, a newline, and the
body (``archive.store.content_hash``). So that a re-crawl of unchanged content is
not taken for a change, every archived article's hash is computed again
here, from its stored content; articles whose sections are not spans keep
the JSON form, and the same hash. Hashes kept with earlier versions in
``article_versions`` are left as they were recorded. Downgrade computes the
JSON form for every article.

The upgrade calls the store's own hash function rather than a frozen copy:
what it must produce is the hash the running code compares with. A later
change of that function needs a revision that computes every hash again
after this one, which makes this one's result moot either way.
``tests/archive/test_archive_bulk_writes.py`` pins the formula, so such a change cannot slip in.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from archive.body_spans import paragraphs_of, span_text
from archive.store.content_hash import content_hash

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Articles hashed per statement, so memory stays bounded on a large archive.
_BATCH = 500

_ARTICLES = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("title", sa.Text()),
    sa.column("body", sa.Text()),
    sa.column("content_hash", sa.String()),
)
_SECTIONS = sa.table(
    "sections",
    sa.column("article_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("heading", sa.Text()),
    sa.column("paragraphs", sa.JSON()),
    sa.column("body_offset", sa.Integer()),
    sa.column("body_length", sa.Integer()),
)


def _json_hash(title: str | None, body: str, sections: Sequence[Mapping[str, Any]]) -> str:
    """The hash before this revision: sha1 of the canonical JSON."""
    payload = {"title": title, "body": body, "sections": sections}
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _rehash(digest: Callable[[str | None, str, Sequence[Mapping[str, Any]]], str]) -> None:
    """Set every article's ``content_hash`` to ``digest`` of its stored content."""
    bind = op.get_bind()
    a, s = _ARTICLES.c, _SECTIONS.c
    span = span_text(a.body, _SECTIONS)
    write = (
        sa.update(_ARTICLES)
        .where(a.id == sa.bindparam("article_id"))
        .values(content_hash=sa.bindparam("digest"))
    )
    last = 0
    while True:
        articles = bind.execute(
            sa.select(a.id, a.title, a.body).where(a.id > last).order_by(a.id).limit(_BATCH)
        ).all()
        if not articles:
            return
        ids = [row.id for row in articles]
        sections: dict[int, list[dict[str, Any]]] = {article_id: [] for article_id in ids}
        rows = bind.execute(
            sa.select(s.article_id, s.heading, s.paragraphs, span)
            .join_from(_SECTIONS, _ARTICLES, a.id == s.article_id)
            .where(s.article_id.in_(ids))
            .order_by(s.article_id, s.position)
        )
        for article_id, heading, paragraphs, text in rows:
            sections[article_id].append(
                {"heading": heading, "paragraphs": paragraphs_of(paragraphs, text)}
            )
        bind.execute(
            write,
            [
                {
                    "article_id": row.id,
                    "digest": digest(row.title, row.body or "", sections[row.id]),
                }
                for row in articles
            ],
        )
        last = ids[-1]


def upgrade() -> None:
    _rehash(content_hash)


def downgrade() -> None:
    _rehash(_json_hash)
