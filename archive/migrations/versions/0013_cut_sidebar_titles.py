"""Sidebar titles cut without a marker, completed from the archived articles they link to.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06

Since this version the store completes a link title that is a strict prefix
of the linked article's title (DedeCMS's ``北塘镇博物馆推广稻渔综``, see
:mod:`archive.links`) when either is stored. Links and targets both archived
before would wait for a fetch of the target; this revision completes them at
once: one UPDATE, each link looking its target up by the unique
``articles.url``. Nothing to undo on downgrade: the full titles stay.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from archive.links import ELLIPSIS

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ARTICLES = sa.table("articles", sa.column("url", sa.Text()), sa.column("title", sa.Text()))
_LINKS = sa.table(
    "links",
    sa.column("url", sa.Text()),
    sa.column("title", sa.Text()),
    sa.column("truncated", sa.Boolean()),
)


def upgrade() -> None:
    a, link = _ARTICLES.c, _LINKS.c
    prefix = sa.case(
        (link.truncated == sa.true(), sa.func.rtrim(sa.func.rtrim(link.title, ELLIPSIS))),
        else_=link.title,
    )
    full = (
        sa.select(a.title)
        .where(
            a.url == link.url,
            sa.func.length(prefix) > 0,
            sa.func.length(prefix) < sa.func.length(a.title),
            sa.func.substr(a.title, 1, sa.func.length(prefix)) == prefix,
        )
        .scalar_subquery()
    )
    op.get_bind().execute(
        sa.update(_LINKS).where(full.is_not(None)).values(title=full, truncated=True)
    )


def downgrade() -> None:
    pass
