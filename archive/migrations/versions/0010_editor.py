"""The Article's ``editor`` (编辑 / 责任编辑) gets its own column.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06

PHPMyWind prints ``(编辑：admin)`` and news sites ``责任编辑：…``: a credit apart
from the author, which was dropped before. Articles stored earlier have none
(NULL): their pages are not at hand to read it again; the next fetch fills it.
A plain ``ADD COLUMN`` (no table copy, so the full-text triggers on
``articles`` stay as they are).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("editor", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "editor")
