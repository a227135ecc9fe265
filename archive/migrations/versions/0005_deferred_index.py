"""Deferred full-text indexing: triggers queue changed articles instead of indexing them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27

Indexing an article costs about four times storing it, so storing only
queues its id in ``articles_fts_pending`` and :func:`archive.fts.catch_up`
indexes the queue in bulk (see archive/fts.py). The index of 0004 is in step
with the articles, so the queue starts empty. Downgrade indexes whatever is
queued and puts back the triggers that index on every write.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from archive import fts

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: 0004's triggers, which indexed in the writing statement itself.
_INDEX_NEW = (
    "INSERT INTO articles_fts(rowid, title, body) "
    "VALUES (new.id, newscrawl_fts_text(new.title), newscrawl_fts_text(new.body));"
)
_UNINDEX_OLD = (
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "VALUES ('delete', old.id, newscrawl_fts_text(old.title), newscrawl_fts_text(old.body));"
)
_OLD_TRIGGERS = (
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_INDEX_NEW} END",
    f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_UNINDEX_OLD} END",
    (
        "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles "
        "WHEN old.title IS NOT new.title OR old.body IS NOT new.body "
        f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END"
    ),
)


def upgrade() -> None:
    bind = op.get_bind()
    if not fts.has_index(bind):
        return
    for name in fts.TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"CREATE TABLE IF NOT EXISTS {fts.PENDING_TABLE} (article_id INTEGER PRIMARY KEY)")
    fts.create_triggers(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if not fts.has_index(bind):
        return
    fts.catch_up(bind)
    for name in fts.TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {fts.PENDING_TABLE}")
    for statement in _OLD_TRIGGERS:
        op.execute(statement)
