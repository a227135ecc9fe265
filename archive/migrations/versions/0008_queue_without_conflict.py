"""The search index's queue triggers cannot conflict: storing needs no statement journal.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

The store now writes articles with ``INSERT OR ROLLBACK`` and ``UPDATE OR
ROLLBACK`` on SQLite (``archive.store.bulk_writer``): with the default ``ABORT``,
a statement that fires a trigger makes SQLite copy every page it touches to
a statement journal first, row by row, which cost about a seventh of storing
an article. Inside a trigger the writing statement's conflict clause
overrides the trigger's own, so 0005's ``INSERT OR IGNORE`` into
``articles_fts_pending`` would turn into ``OR ROLLBACK`` and fail a batch that
rewrites an article still queued. The triggers now queue with an INSERT that
cannot conflict (``archive.fts._QUEUE_NEW``). Nothing else changes: the
queue and the index stay as they are. Downgrade puts 0005's triggers back.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from archive import fts

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: 0005's queue triggers (as 0007 left them).
_QUEUE_OR_IGNORE = "INSERT OR IGNORE INTO articles_fts_pending(article_id) VALUES (new.id);"
_UNINDEX_OLD = (
    "INSERT INTO articles_fts(articles_fts, rowid, title, body) "
    "SELECT 'delete', old.id, newscrawl_fts_text(old.title), newscrawl_fts_text(old.body) "
    "WHERE NOT EXISTS (SELECT 1 FROM articles_fts_pending WHERE article_id = old.id);"
)
_OLD_TRIGGERS = (
    f"CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN {_QUEUE_OR_IGNORE} END",
    (
        f"CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN {_UNINDEX_OLD} "
        "DELETE FROM articles_fts_pending WHERE article_id = old.id; END"
    ),
    (
        "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles "
        "WHEN old.title IS NOT new.title OR old.body IS NOT new.body "
        f"BEGIN {_UNINDEX_OLD} {_QUEUE_OR_IGNORE} END"
    ),
)


def _drop_triggers() -> None:
    for name in fts.TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")


def upgrade() -> None:
    bind = op.get_bind()
    if not fts.has_index(bind):
        return
    _drop_triggers()
    fts.create_triggers(bind)


def downgrade() -> None:
    if not fts.has_index(op.get_bind()):
        return
    _drop_triggers()
    for statement in _OLD_TRIGGERS:
        op.execute(statement)
