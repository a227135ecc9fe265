"""A date shown to the day is stored as the day, not as an invented midnight.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06

The contract's ``published_at`` is a datetime with offset when the page shows
a time, and a plain ``YYYY-MM-DD`` when it shows only the day
(:mod:`archive.published`). Earlier versions stored a day as its midnight
(``2019-05-22T00:00:00+08:00``), a time nobody published. This revision gives
back the day where the archive shows the midnight was invented: the time is
00:00 and ``published_raw``, the text as the page showed it, is a date with
no time (``2019-05-22``, ``2019年5月22日``, ``日期:[2013年11月01日]``). A raw
text with a time, a relative one (``3小时前``) or none leaves the row as it
is. ``published_utc`` follows (the day's start in Asia/Shanghai). Earlier
versions in ``article_versions`` keep what they recorded. Downgrade writes
the midnight back, in +08:00 as the crawler did by default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from archive.published import to_utc

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 1000

_ARTICLES = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("published_at", sa.String()),
    sa.column("published_raw", sa.Text()),
    sa.column("published_utc", sa.DateTime()),
)

#: An invented midnight: 00:00 (seconds optional) and an offset.
_MIDNIGHT = re.compile(r"T00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:?\d{2})$")
#: A date and nothing else but a short label and brackets.
_DAY_ONLY_RAW = re.compile(
    r"^[^\d]{0,12}?[\[【(（]?\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"\s*[\]】)）]?\s*$"
)


def _shown_day(published_at: str, raw: str | None) -> str | None:
    """The day ``published_at`` should be, when its midnight was invented."""
    if raw is None or not _MIDNIGHT.search(published_at):
        return None
    match = _DAY_ONLY_RAW.match(raw)
    if match is None:
        return None
    year, month, day = (int(part) for part in match.groups())
    shown = f"{year:04d}-{month:02d}-{day:02d}"
    return shown if published_at.startswith(shown) else None


def _rewrite(pick: str) -> None:
    bind = op.get_bind()
    a = _ARTICLES.c
    write = (
        sa.update(_ARTICLES)
        .where(a.id == sa.bindparam("article_id"))
        .values(published_at=sa.bindparam("at"), published_utc=sa.bindparam("utc"))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(a.id, a.published_at, a.published_raw)
            .where(a.id > last, a.published_at.is_not(None))
            .order_by(a.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        changes = []
        for row in rows:
            if pick == "day":
                new = _shown_day(row.published_at, row.published_raw)
            else:
                new = f"{row.published_at}T00:00:00+08:00" if len(row.published_at) == 10 else None
            if new is not None:
                changes.append({"article_id": row.id, "at": new, "utc": to_utc(new)})
        if changes:
            bind.execute(write, changes)
        last = rows[-1].id


def upgrade() -> None:
    _rewrite("day")


def downgrade() -> None:
    _rewrite("midnight")
