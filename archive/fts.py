"""The SQLite full-text index of articles: Chinese split into characters.

SQLite's ``unicode61`` tokenizer keeps a run of Chinese characters together as
one token (a whole clause), so ``裁员`` would never match; its ``trigram``
tokenizer cannot match terms shorter than three characters (``裁员``, ``人气``).
So the text we hand to FTS5 is prepared in Python: every CJK character stands
alone between spaces, while Latin words and numbers stay whole. ``unicode61``
then indexes each Chinese character as a token with its position, and a term
of any length is a phrase query over consecutive characters (``"裁 员"``).
A one-character term is a one-token query; an English word is its own token,
matched case-insensitively.

``articles_fts`` is an *external content* table (``content="articles"``):
it stores only the index, not a second copy of the text (the index stays
under twice the size of the body text), and Datasette recognizes it as the
full-text table of ``articles``. Triggers on ``articles`` keep it in step
with every insert, update of a title or body, and delete, whoever writes: the
store's bulk statements, the ORM, a migration. They prepare the text with the
SQL function ``newscrawl_fts_text`` (this module's :func:`prepare`), which
:mod:`archive.db` registers on every connection it opens. A tool that writes
to ``articles`` without it (the ``sqlite3`` shell) fails with "no such
function" instead of leaving the index behind; reading needs nothing.

FTS5 removes an external-content row only when given the tokens it indexed,
which the delete and update triggers recompute from the old values: so
:func:`prepare` must not change without a migration that rebuilds the index
(:func:`rebuild`, also ``newsarchive reindex``), and a migration that
rebuilds ``articles`` itself (Alembic's batch mode) must call
:func:`create_triggers` again.

PostgreSQL has no FTS5; :mod:`archive.search` searches it with substring
matching instead (see there), so this module is SQLite only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text

#: The full-text table; Datasette finds it by its ``content="articles"``.
FTS_TABLE = "articles_fts"

#: Characters written without spaces between words: CJK ideographs (with
#: extensions and compatibility forms), kana, bopomofo. Each is its own token.
_CJK_RUN = re.compile(
    "[\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+"
)

#: ``rowid`` is ``articles.id``; two columns so a title hit can weigh more.
#: ``content="articles"`` in double quotes: the form Datasette's detection
#: looks for (``content='articles'`` would not be found).
_CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    'title, body, content="articles", content_rowid="id", '
    "tokenize='unicode61 remove_diacritics 2')"
)


#: Full-width digits and Latin letters, and their ASCII forms (U+FF10 → "0", …).
_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_TO_HALFWIDTH = {
    code: code - 0xFEE0
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(first, last + 1)
}


def is_index_table(name: str | None) -> bool:
    """True for the full-text table and its shadow tables (``articles_fts_data`` …)."""
    return name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


def _space_run(match: re.Match[str]) -> str:
    return " " + " ".join(match.group()) + " "


def prepare(value: str | None) -> str:
    """Text as it is indexed (and as queries are split): CJK spaced out.

    Full-width letters and digits (``ＡＩ２０２６``) become their ASCII forms,
    which a query types. Not NFKC: it costs twice the rest on a 5,000-character
    body, and punctuation, its main other effect, separates tokens anyway.
    """
    if not value:
        return ""
    if _FULLWIDTH_ALNUM.search(value):
        value = value.translate(_TO_HALFWIDTH)
    return _CJK_RUN.sub(_space_run, value)


#: The SQL function the triggers call to prepare text for the index.
FUNCTION = "newscrawl_fts_text"

_INDEX_NEW = (
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) "
    f"VALUES (new.id, {FUNCTION}(new.title), {FUNCTION}(new.body));"
)
_UNINDEX_OLD = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    f"VALUES ('delete', old.id, {FUNCTION}(old.title), {FUNCTION}(old.body));"
)
_TRIGGERS = (
    (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON articles "
        f"BEGIN {_INDEX_NEW} END"
    ),
    (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON articles "
        f"BEGIN {_UNINDEX_OLD} END"
    ),
    (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF title, body "
        "ON articles WHEN old.title IS NOT new.title OR old.body IS NOT new.body "
        f"BEGIN {_UNINDEX_OLD} {_INDEX_NEW} END"
    ),
)


def register(dbapi_connection: Any, _record: Any = None) -> None:
    """Define the triggers' SQL function on a DB-API sqlite3 connection."""
    dbapi_connection.create_function(FUNCTION, 1, prepare, deterministic=True)


def has_index(connection: Connection) -> bool:
    """True when this database has the full-text table (SQLite archives do)."""
    if connection.dialect.name != "sqlite":
        return False
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": FTS_TABLE},
    ).first()
    return found is not None


def create(connection: Connection) -> None:
    """Create the full-text table and its triggers; index every article already stored."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text(_CREATE))
    create_triggers(connection)
    rebuild(connection)


def create_triggers(connection: Connection) -> None:
    """The triggers that keep the index in step with ``articles`` (idempotent)."""
    for statement in _TRIGGERS:
        connection.execute(text(statement))


def rebuild(connection: Connection, batch_size: int = 1000) -> int:
    """Empty the index and index every article again; returns how many.

    FTS5's own ``'rebuild'`` command would read ``articles`` unprepared, so
    the rows are read here and prepared in batches (memory stays flat).
    """
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"))
    count = 0
    last_id = 0
    select_batch = text(
        "SELECT id, title, body FROM articles WHERE id > :last ORDER BY id LIMIT :size"
    )
    while True:
        rows = connection.execute(select_batch, {"last": last_id, "size": batch_size}).all()
        if not rows:
            return count
        index_rows(connection, [(row.id, row.title, row.body) for row in rows])
        count += len(rows)
        last_id = rows[-1].id


def _params(rows: Iterable[tuple[int, str | None, str | None]]) -> list[dict[str, object]]:
    return [
        {"rowid": article_id, "title": prepare(title), "body": prepare(body)}
        for article_id, title, body in rows
    ]


def index_rows(connection: Connection, rows: Sequence[tuple[int, str | None, str | None]]) -> None:
    """Add ``(id, title, body)`` rows to the index (used by :func:`rebuild`)."""
    if rows:
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (:rowid, :title, :body)"),
            _params(rows),
        )
