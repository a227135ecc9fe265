"""The fast path of the archive's writes: bulk INSERTs and UPDATEs around the ORM.

:func:`archive.store.upsert.store_articles` writes a batch's articles,
sections, links and observations as plain tuples through :class:`BulkWriter`,
not through the ORM unit of work (which costs many objects and statements per
article). Its interface is narrow: :meth:`BulkWriter.insert` and
:meth:`BulkWriter.update` of rows given as tuples of column values, and
:meth:`BulkWriter.paragraphs` for the one JSON column written from text
encoded once (:mod:`archive.store.content_hash`).

The rule it keeps: **the rows it writes are the rows Core would write.** The
ORM models (:mod:`archive.models`) are the schema's source of truth: the
writer takes tables, column names and types from them
(:mod:`archive.store.tables`), never a list of its own, and applies each
column's bind processor for the dialect, so the same code writes the same
rows on SQLite and PostgreSQL. A driver whose paramstyle it does not know
gets the same rows through Core. The caller flushes the session before and
expires the ORM objects of the rows written after (see
:func:`archive.store.upsert.store_articles`).

Why it exists at all: storage speed, which the crawl waits on. The figures
are in ``benchmarks/STAGES.md`` (its "storage" row, measured by
``benchmarks/micro.py``), not here: the row to compare before and after a
change to this module.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from json.encoder import encode_basestring
from typing import Any

from sqlalchemy import Boolean, Connection, Table, bindparam, insert, update
from sqlalchemy.orm import Session

from archive.models import Article
from archive.store.content_hash import column_json
from archive.store.tables import SECTIONS

#: Strings that tell how a JSON serializer writes a list of strings: whether it keeps
#: non-ASCII as is, how it escapes, which separator it puts between items.
_JSON_PROBE = ['中"\\\n\x1f', "b"]

#: The DB-API placeholder for one positional parameter, by the driver's paramstyle.
#: sqlite3 is "qmark"; psycopg (named "pyformat" by SQLAlchemy) also takes ``%s``.
_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


class BulkWriter:
    """Bulk INSERTs and UPDATEs of plain tuples, straight to the driver's executemany.

    Core statements with dict parameters cost SQLAlchemy a cache-key
    computation per call and a ``construct_params`` plus type processing per
    row, more than SQLite takes to write the row. Here the SQL text is built
    once per call and rows go to ``Connection.exec_driver_sql`` as they are,
    which keeps SQLAlchemy's connection, events and error wrapping. Each
    column's bind processor for the dialect is still applied (see
    :meth:`_processors`), so the stored values are the ones Core would have
    written. A driver whose paramstyle is not positional ``?``/``%s`` gets
    the same rows through Core.

    On SQLite the statements are ``INSERT OR ROLLBACK`` and ``UPDATE OR
    ROLLBACK``. ``articles`` has triggers (the search index's queue,
    :mod:`archive.fts`), and a statement that can fire a trigger and may
    fail with the default ``ABORT`` must be undoable on its own: SQLite then
    copies every page the statement touches to a statement journal first, for
    each row of an ``executemany``, a visible part of storing an article
    (``benchmarks/STAGES.md``). ``ROLLBACK`` needs no
    statement journal, and loses nothing here: a failed bulk write already
    ends the caller's transaction (nothing catches the error to go on in it,
    and the archive uses no savepoints), so SQLite rolling the transaction
    back itself leaves the same archive as the caller's rollback does.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.connection: Connection = session.connection(bind_arguments={"mapper": Article})
        self.dialect = self.connection.dialect
        self.marker = _MARKERS.get(self.dialect.paramstyle)
        # No statement journal (see the class docstring); other dialects have no such clause.
        self.on_conflict = " OR ROLLBACK" if self.dialect.name == "sqlite" else ""
        paragraphs = SECTIONS.c.paragraphs.type.dialect_impl(self.dialect)
        # Through Core (the fallback) values stay plain: Core processes them.
        self._paragraphs = None if self.marker is None else paragraphs.bind_processor(self.dialect)
        # Whether this dialect binds a JSON list of strings as exactly the text
        # archive.store.content_hash writes (``json.dumps(value, ensure_ascii=False)``:
        # SQLite with the archive's serializer, see archive.db), so that text
        # can be bound as it is. The serializer is the engine's to choose, so
        # a probe decides: its strings show each choice a JSON serializer
        # makes for a list of strings (non-ASCII kept or escaped, the escapes,
        # the separator). Elsewhere (PostgreSQL, whose driver adapts JSON
        # itself; another serializer) each list goes through the dialect's
        # processor, as Core would send it.
        self.json_text = self._paragraphs is not None and self._paragraphs(
            _JSON_PROBE
        ) == column_json([encode_basestring(text) for text in _JSON_PROBE])

    def paragraphs(self, paragraphs: list[str], text: str | None) -> Any:
        """A ``sections.paragraphs`` value ready to bind; ``text`` its JSON, if encodable.

        Rows of :data:`SECTIONS` carry such values, so :meth:`insert` leaves
        that column's processor out.
        """
        if text is not None and self.json_text:
            return text
        return paragraphs if self._paragraphs is None else self._paragraphs(paragraphs)

    def _processors(
        self, table: Table, columns: Sequence[str], ready: Sequence[str]
    ) -> list[tuple[int, Callable[[Any], Any]]]:
        """(position, bind processor) of the columns the dialect converts values of.

        Columns in ``ready`` hold values processed already (see :meth:`paragraphs`).
        Boolean columns are left out too: the rows carry real bools, and the
        processor only turns a bool into ``int(value)`` (SQLite), which
        sqlite3 stores as the same integer 1 or 0, or into ``bool(value)``
        (PostgreSQL). Two calls per link row were a visible cost.
        """
        found: list[tuple[int, Callable[[Any], Any]]] = []
        for position, key in enumerate(columns):
            kind = table.c[key].type
            if key in ready or isinstance(kind, Boolean):
                continue
            process = kind.dialect_impl(self.dialect).bind_processor(self.dialect)
            if process is not None:
                found.append((position, process))
        return found

    def _execute(
        self,
        sql: str,
        table: Table,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        ready: Sequence[str] = (),
    ) -> None:
        processors = self._processors(table, columns, ready)
        if processors:
            processed = []
            for row in rows:
                values = list(row)
                for position, process in processors:
                    values[position] = process(values[position])
                processed.append(tuple(values))
            rows = processed
        self.connection.exec_driver_sql(sql, rows)

    def _name(self, table: Table, key: str) -> str:
        return self.dialect.identifier_preparer.quote(table.c[key].name)

    def insert(
        self,
        table: Table,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        ready: Sequence[str] = (),
    ) -> None:
        """INSERT ``rows``, each a tuple of values for ``columns`` (column keys).

        Values of the columns in ``ready`` are bound as they are.
        """
        if not rows:
            return
        if self.marker is None:
            self.session.execute(
                insert(table), [dict(zip(columns, row, strict=True)) for row in rows]
            )
            return
        sql = "INSERT{} INTO {} ({}) VALUES ({})".format(
            self.on_conflict,
            self.dialect.identifier_preparer.format_table(table),
            ", ".join(self._name(table, key) for key in columns),
            ", ".join([self.marker] * len(columns)),
        )
        self._execute(sql, table, columns, rows, ready)

    def update(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """UPDATE by primary key ``id``: each row holds values for ``columns``, then the id."""
        if not rows:
            return
        if self.marker is None:
            stmt = update(table).where(table.c.id == bindparam("pk"))
            self.session.execute(
                stmt, [{"pk": row[-1], **dict(zip(columns, row[:-1], strict=True))} for row in rows]
            )
            return
        sql = "UPDATE{} {} SET {} WHERE {} = {}".format(
            self.on_conflict,
            self.dialect.identifier_preparer.format_table(table),
            ", ".join(f"{self._name(table, key)} = {self.marker}" for key in columns),
            self._name(table, "id"),
            self.marker,
        )
        self._execute(sql, table, (*columns, "id"), rows)
