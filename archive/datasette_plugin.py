"""Datasette plugin: Chinese search on the archive's ``articles`` table.

``datasette archive.sqlite`` finds ``articles_fts`` by itself (an FTS5 table
with ``content="articles"``) and offers a search box on ``articles``. Its
search runs ``articles_fts MATCH escape_fts(:search)``, and Datasette's own
``escape_fts`` would send ``裁员`` as one token, which an index of single
characters (:mod:`archive.fts`) never holds. This plugin, installed with
newscrawl (entry point ``datasette``), replaces ``escape_fts`` on connections
to databases that have ``articles_fts`` with the query syntax of
``newsarchive search``: terms ANDed, Chinese split into characters and
matched as phrases, ``"double quotes"`` for a phrase. Other databases keep
Datasette's own function.

Three things only ``newsarchive search`` does: snippets, the literal check
of terms with punctuation (``C++``; in Datasette those match by their
words), and finding articles still queued for the index (stored moments ago
by a running crawl, whose pipeline indexes them after each batch).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl

from archive import fts
from archive.fts import FTS_TABLE
from archive.search import SearchError, match_expression, parse_query

#: The empty phrase, which matches no row: what a query without any word becomes.
_NOTHING = '""'


def escape_fts(query: str) -> str:
    """A Datasette search box query as an FTS5 MATCH expression for the archive."""
    if query.count('"') % 2:
        query += '"'  # as Datasette does: close an unbalanced quote
    try:
        expression = match_expression(parse_query(query))
    except SearchError:
        return _NOTHING
    return expression if expression is not None else _NOTHING


def _has_archive_index(conn: sqlite3.Connection) -> bool:
    try:
        found = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (FTS_TABLE,)
        ).fetchone()
    except sqlite3.Error:
        return False
    return found is not None


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, which defines escape_fts
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    """Give archive databases our ``escape_fts``, and the index triggers' function
    (so that a write made through Datasette keeps the index in step)."""
    if _has_archive_index(conn):
        conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
        fts.register(conn)
