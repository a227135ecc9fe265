"""Where an article's pages are captured: ``captures`` on articles and their versions.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

A crawl with captures on (``NEWSCRAWL_CAPTURE``) writes every request and
response to WARC files; each stored article, and each version kept of it,
records where its pages' response records are: a JSON list, one entry per
page in page order, ``{"url", "file", "offset", "length", "date"}``
(:mod:`archive.captures`). ``newsarchive raw`` and ``newsarchive reextract``
read them. Articles stored before have none (NULL): their pages were not
kept. Plain ``ADD COLUMN``s (no table copy: the full-text triggers on
``articles`` stay as they are).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("captures", sa.JSON(none_as_null=True), nullable=True))
    op.add_column(
        "article_versions", sa.Column("captures", sa.JSON(none_as_null=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("article_versions", "captures")
    op.drop_column("articles", "captures")
