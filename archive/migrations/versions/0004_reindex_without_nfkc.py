"""Rebuild the full-text index: its text preparation no longer applies NFKC.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

The index's delete and update triggers recompute the tokens of the old text
with :func:`archive.fts.prepare`; entries made by 0003's preparation must be
replaced by ones the current preparation reproduces (see archive/fts.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from archive import fts

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if fts.has_index(bind):
        fts.rebuild(bind)


def downgrade() -> None:
    """The index of 0003 differs only for full-width and compatibility characters."""
