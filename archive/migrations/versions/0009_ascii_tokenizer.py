"""The full-text index takes FTS5's ``ascii`` tokenizer: the same tokens, indexed faster.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29

:func:`archive.fts.prepare` now hands FTS5 text in which every token is
already what ``unicode61 remove_diacritics 2`` would make of it (separators
outside ASCII are spaces, other characters folded as ``unicode61`` folds
them), so the ``ascii`` tokenizer gives the index the tokens and positions it
had, in about half the instructions per Chinese body. A tokenizer is part of
the table's definition: the table is made again and every article indexed
(as ``newsarchive reindex`` does: at the benchmark's index rate, 1,250-1,500
articles/s on a slow day here, a minute or so per 100,000 articles).
Searches, snippets and the queue behave as before.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from archive import fts

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _remake(tokenizer: str) -> None:
    bind = op.get_bind()
    if not fts.has_index(bind):
        return  # PostgreSQL: no full-text table
    bind.execute(text(f"DROP TABLE {fts.FTS_TABLE}"))
    bind.execute(text(fts.create_statement(tokenizer)))
    fts.rebuild(bind)


def upgrade() -> None:
    _remake(fts.TOKENIZER)


def downgrade() -> None:
    """``unicode61`` again; the prepared text gives it the same tokens."""
    _remake(fts.TOKENS_OF)
