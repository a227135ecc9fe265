"""Full-text search: the ``articles_fts`` index (SQLite), filled from the articles.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

On PostgreSQL there is nothing to create: :mod:`archive.search` searches it by
substring. Downgrade drops the index table; no article data lives in it.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from archive import fts

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    fts.create(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TABLE IF EXISTS {fts.FTS_TABLE}")
