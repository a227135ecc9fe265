"""Writing to the archive: batched upsert of Article-contract dicts, run records.

Rules that protect what is already archived (``docs/archive.md``, "Archive
rules"): a re-crawl that yields null never erases a stored value, and an empty
body, section list or sidebar keeps the stored ones. Every fetch still leaves
one observation, so the popularity series has no silent gaps.

Functions take the caller's Session and never commit: the pipeline and the
CLI own transactions (``with Session.begin()``). Lookups are done in bulk, a
few SELECTs per batch of up to :data:`CHUNK` items, never one per link.
On SQLite, triggers on ``articles`` queue new and retitled or rewritten
articles for the full-text index (:mod:`archive.fts`), in the same
transaction; indexing itself happens outside the write path.

:func:`store_articles` does not go through the ORM unit of work: per
article that would cost ~20 ORM objects and ~20 statements. The bulk INSERTs
and UPDATEs of articles, sections, links and observations go as plain tuples
to the driver's ``executemany`` (:class:`_Writer`): with Core statements and
dict parameters SQLAlchemy spent more time per row than SQLite spends writing
it. Values still get the encodings SQLAlchemy would give them (each column's
bind processor for the dialect), so the same code writes the same rows on
SQLite and PostgreSQL. It flushes the session first, and afterwards expires
(or, for deleted child rows, expunges) whatever ORM objects of the rows it
changed the session already held, so a caller that queries through the ORM
in the same session sees what was stored.

An article's text is stored, encoded and hashed once: its sections are kept
as spans of its body where they can be (:mod:`archive.body_spans`), and the
content hash of such an article reads the body, not the paragraphs again
(:func:`_hash`). A body that changes under stored sections gets them written
again, so no span ever points into a body it was not cut from.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Connection,
    Table,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from archive.body_spans import Span, paragraphs_of, span_text, spans
from archive.contract import SCALAR_KEYS
from archive.identity import page_key
from archive.links import LINK_COLUMNS, archived_targets, link_rows, settle_links_to, target_of
from archive.models import Article, Link, Observation, Section
from archive.published import to_utc
from archive.versions import insert_versions, snapshot

#: Items per internal batch; keeps every IN list well under bind-parameter limits.
CHUNK = 500

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_T = TypeVar("_T")

# The ORM models double as Core table definitions for the bulk writes.
_ARTICLES = cast(Table, Article.__table__)
_SECTIONS = cast(Table, Section.__table__)
_LINKS = cast(Table, Link.__table__)
_OBSERVATIONS = cast(Table, Observation.__table__)

#: Every article column but the primary key, as Core column keys.
_ARTICLE_COLUMNS: tuple[str, ...] = tuple(c.key for c in _ARTICLES.c if c.key != "id")
#: An article's values as a row of :data:`_ARTICLE_COLUMNS`.
_article_row = itemgetter(*_ARTICLE_COLUMNS)
_SECTION_COLUMNS = ("article_id", "position", "heading", "paragraphs", "body_offset", "body_length")
_OBSERVATION_COLUMNS = ("article_id", "observed_at", "views", "views_raw", "source")

#: Strings that tell how a JSON serializer writes a list of strings: whether it keeps
#: non-ASCII as is, how it escapes, which separator it puts between items.
_JSON_PROBE = ['中"\\\n\x1f', "b"]

#: The DB-API placeholder for one positional parameter, by the driver's paramstyle.
#: sqlite3 is "qmark"; psycopg (named "pyformat" by SQLAlchemy) also takes ``%s``.
_MARKERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@dataclass
class StoreResult:
    """How a batch changed the archive; ``updated`` means the content changed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Items stored, which is also the number of observations added."""
        return self.new + self.updated + self.unchanged


def _chunks(seq: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _json_text(value: str | None) -> str:
    """JSON for a string or None, as ``json.dumps(value, ensure_ascii=False)`` writes it.

    ``encode_basestring`` is the json module's own (C) string encoder, the one
    ``dumps`` uses; it raises TypeError for anything but a str.
    """
    return "null" if value is None else encode_basestring(value)


class _Encoded(NamedTuple):
    """Sections encoded once, for the content hash and the ``sections`` rows.

    Most articles' sections are spans of the body (:mod:`archive.body_spans`):
    ``spans`` holds them, and no paragraph is encoded at all. Otherwise each
    paragraph is encoded to JSON once: the content hash wants the paragraphs
    compact (``["a","b"]``), the ``paragraphs`` column as the archive's JSON
    serializer writes them (``["a", "b"]``, see :attr:`_Writer.json_text`),
    and both are joins of the same encoded strings.
    """

    spans: list[Span | None] | None  # each section's span of the body (None: JSON)
    hashed: str | None = None  # JSON: the "sections" value of the hash's JSON text
    columns: list[str] | None = None  # JSON: each section's paragraphs, as json.dumps writes


def _column_json(encoded: list[str]) -> str:
    """A list of JSON-encoded strings as ``json.dumps(..., ensure_ascii=False)`` writes it."""
    return "[" + ", ".join(encoded) + "]"


def _encode_sections(sections: Sequence[Mapping[str, Any]]) -> _Encoded | None:
    """Sections (exactly "heading" and "paragraphs") encoded; None if a value is no string.

    A value that is not a string is left to ``json.dumps``, which decides how
    it is written (see :func:`_hash`).
    """
    hashed: list[str] = []
    columns: list[str] = []
    try:
        for section in sections:
            texts = [encode_basestring(text) for text in section["paragraphs"]]
            columns.append(_column_json(texts))
            hashed.append(
                '{"heading":'
                + _json_text(section["heading"])
                + ',"paragraphs":['
                + ",".join(texts)
                + "]}"
            )
    except TypeError:
        return None
    return _Encoded(None, "[" + ",".join(hashed) + "]", columns)


def _encode(body: str, sections: Sequence[Mapping[str, Any]]) -> _Encoded | None:
    """Sections encoded for the hash and the rows: as spans of ``body`` where they are.

    None when a paragraph is not a string (see :func:`_hash`).
    """
    found = spans(body, sections)
    return _Encoded(found) if found is not None else _encode_sections(sections)


#: The head of the span form's hashed text, as ``json.dumps`` writes it compactly.
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _hash(
    title: str | None,
    body: str | None,
    sections: Sequence[Mapping[str, Any]],
    encoded: _Encoded | None = None,
) -> str:
    """The content hash: sha1 of title, body and sections (exactly "heading" and "paragraphs").

    Two forms, chosen by the content itself, so equal contents always get
    equal hashes (revision 0007):

    - sections that are spans of the body (:func:`archive.body_spans.spans`;
      every article our spiders store): the UTF-8 of ``json.dumps([title,
      [[heading, number of paragraphs], ...]], ensure_ascii=False,
      separators=(",", ":"))``, a newline, and the body. The body and the
      counts give back every paragraph, so this names the content exactly,
      and the text is hashed once, not again as paragraphs;
    - any other: the UTF-8 of the canonical JSON ``json.dumps({"title",
      "body", "sections"}, ensure_ascii=False, sort_keys=True,
      separators=(",", ":"))``. When every value is a string (or None), the
      same text is joined here from its pieces, keys in sorted order, around
      ``encoded`` (computed when not given), whose paragraphs are encoded
      once for the hash and the ``paragraphs`` column (:class:`_Encoded`).

    The first starts with ``[``, the second with ``{``: the two never meet.
    """
    body = body or ""
    if encoded is None:
        encoded = _encode(body, sections)
    if encoded is not None and encoded.spans is not None:
        head = _compact([title, [[s["heading"], len(s["paragraphs"])] for s in sections]])
        digest = hashlib.sha1(head.encode("utf-8"))
        digest.update(b"\n")
        digest.update(body.encode("utf-8"))
        return digest.hexdigest()
    try:
        if encoded is None or encoded.hashed is None:
            raise TypeError("sections hold a value that is not a string")
        text = (
            '{"body":'
            + encode_basestring(body)
            + ',"sections":'
            + encoded.hashed
            + ',"title":'
            + _json_text(title)
            + "}"
        )
    except TypeError:  # a value that is not a string: json.dumps knows how it is written
        payload = {"title": title, "body": body, "sections": sections}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def content_hash(title: str | None, body: str | None, sections: Sequence[Mapping[str, Any]]) -> str:
    """What counts as a change of content: sha1 of title, body and sections (see :func:`_hash`).

    ``sections`` as the Article contract has them (``heading``, ``paragraphs``).
    """
    return _hash(
        title, body, [{"heading": s["heading"], "paragraphs": s["paragraphs"]} for s in sections]
    )


def _check(item: Mapping[str, Any]) -> None:
    for key in ("url", "site"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise ValueError(f"article item without {key}: {item.get('url')!r}")


class _Writer:
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
    each row of an ``executemany``. With 32 KB pages that copying cost about
    25 µs an article, a seventh of storing it. ``ROLLBACK`` needs no
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
        paragraphs = _SECTIONS.c.paragraphs.type.dialect_impl(self.dialect)
        # Through Core (the fallback) values stay plain: Core processes them.
        self._paragraphs = None if self.marker is None else paragraphs.bind_processor(self.dialect)
        # Whether this dialect binds a JSON list of strings as exactly the text
        # _encode_sections writes (``json.dumps(value, ensure_ascii=False)``:
        # SQLite with the archive's serializer, see archive.db), so that text
        # can be bound as it is. The serializer is the engine's to choose, so
        # a probe decides: its strings show each choice a JSON serializer
        # makes for a list of strings (non-ASCII kept or escaped, the escapes,
        # the separator). Elsewhere (PostgreSQL, whose driver adapts JSON
        # itself; another serializer) each list goes through the dialect's
        # processor, as Core would send it.
        self.json_text = self._paragraphs is not None and self._paragraphs(
            _JSON_PROBE
        ) == _column_json([encode_basestring(text) for text in _JSON_PROBE])

    def paragraphs(self, paragraphs: list[str], text: str | None) -> Any:
        """A ``sections.paragraphs`` value ready to bind; ``text`` its JSON, if encodable.

        Rows of :data:`_SECTIONS` carry such values, so :meth:`insert` leaves
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


class _Row:
    """One article as the batch sees it: stored values, new values, children to write.

    ``sections`` is None while the stored sections stand (not loaded); a list
    once an item brought sections (or ``[]`` for a new article without any).
    """

    __slots__ = ("encoded", "hash", "id", "sections", "sidebar", "stored", "values")

    def __init__(self, values: dict[str, Any], stored: bool) -> None:
        self.id: int | None = values.pop("id", None)
        self.values = values
        self.stored: dict[str, Any] | None = dict(values) if stored else None
        self.hash: str | None = values["content_hash"] if stored else None
        self.sections: list[dict[str, Any]] | None = None if stored else []
        self.encoded: _Encoded | None = None  # of ``sections`` (None: not encodable)
        self.sidebar: Sequence[Mapping[str, Any]] | None = None


def _item_key(item: Mapping[str, Any]) -> str:
    cms_id = item.get("cms_id")
    return page_key(item["url"], None if cms_id is None else str(cms_id))


def _load_existing(session: Session, items: Sequence[Mapping[str, Any]]) -> list[_Row]:
    """One SELECT for every article the batch may match (columns only, no children)."""
    conditions: list[ColumnElement[bool]] = [_ARTICLES.c.url.in_({item["url"] for item in items})]
    keys_by_site: dict[str, set[str]] = {}
    for item in items:
        if item.get("cms_id") is not None:
            keys_by_site.setdefault(item["site"], set()).add(_item_key(item))
    for site, keys in keys_by_site.items():
        conditions.append(and_(_ARTICLES.c.site == site, _ARTICLES.c.page_key.in_(keys)))
    stmt = select(_ARTICLES).where(or_(*conditions)).order_by(_ARTICLES.c.id)
    return [_Row(dict(row._mapping), stored=True) for row in session.execute(stmt)]


def _stored_sections(session: Session, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored sections of these articles, in position order, in bulk.

    Spans are cut from the stored body by the query (:func:`span_text`), so
    this must run before the batch writes a new body.
    """
    found: dict[int, list[dict[str, Any]]] = {article_id: [] for article_id in ids}
    s = _SECTIONS.c
    for chunk in _chunks(sorted(ids), CHUNK):
        stmt = (
            select(s.article_id, s.heading, s.paragraphs, span_text(_ARTICLES.c.body, _SECTIONS))
            .join_from(_SECTIONS, _ARTICLES, _ARTICLES.c.id == s.article_id)
            .where(s.article_id.in_(chunk))
            .order_by(s.article_id, s.position)
        )
        for article_id, heading, paragraphs, text in session.execute(stmt):
            found[article_id].append(
                {"heading": heading, "paragraphs": paragraphs_of(paragraphs, text)}
            )
    return found


class _Index:
    """The batch's view of matching articles, kept current as items are stored.

    Keyed as the archive is: by URL, and by ``(site, page_key)``
    (:func:`archive.identity.page_key`), so an item of this batch finds the
    row an earlier item of it created.
    """

    def __init__(self, rows: list[_Row]) -> None:
        self.by_url = {r.values["url"]: r for r in rows}
        self.by_key = {
            (r.values["site"], r.values["page_key"]): r
            for r in rows
            if r.values["page_key"] is not None
        }

    def match(self, item: Mapping[str, Any]) -> _Row | None:
        if item.get("cms_id") is not None:
            found = self.by_key.get((item["site"], _item_key(item)))
            if found is not None:
                return found
        return self.by_url.get(item["url"])

    def add(self, row: _Row) -> None:
        self.by_url[row.values["url"]] = row
        self.by_key[(row.values["site"], row.values["page_key"])] = row

    def move_url(self, row: _Row, url: str) -> None:
        """Follow a changed canonical URL, unless another article holds it."""
        if url == row.values["url"] or url in self.by_url:
            return
        del self.by_url[row.values["url"]]
        row.values["url"] = url
        self.by_url[url] = row

    def rekey(self, row: _Row, cms_id: str | None) -> None:
        """Give ``row`` the key of its URL and ``cms_id`` (None: the stored id).

        Unless another article holds that key: then the row keeps its id
        and key, as a URL another article holds is not taken either.
        """
        values = row.values
        cms_id = values["cms_id"] if cms_id is None else cms_id
        key = page_key(values["url"], cms_id)
        if key == values["page_key"]:
            values["cms_id"] = cms_id
            return
        site = values["site"]
        if (site, key) in self.by_key:
            return
        self.by_key.pop((site, values["page_key"]), None)
        values["cms_id"], values["page_key"] = cms_id, key
        self.by_key[(site, key)] = row


def _new_row(item: Mapping[str, Any]) -> _Row:
    values: dict[str, Any] = dict.fromkeys(_ARTICLE_COLUMNS)
    values.update(url=item["url"], site=item["site"], body="", content_hash="")
    values["page_key"] = _item_key(item)
    return _Row(values, stored=False)


def _merge(
    row: _Row, item: Mapping[str, Any], index: _Index, fetched: str, refetch: bool = True
) -> None:
    """Apply one item to ``row``: nulls and empties never erase stored values.

    ``refetch`` False: the item was read again from captured pages, not
    fetched (``newsarchive reextract``): the gone state stands.
    """
    index.move_url(row, item["url"])
    cms_id = item.get("cms_id")
    index.rekey(row, None if cms_id is None else str(cms_id))
    values = row.values
    for key in SCALAR_KEYS:
        value = item.get(key)
        if value is not None and key != "cms_id":
            values[key] = value
    values["published_utc"] = to_utc(values["published_at"])
    if item.get("body"):
        values["body"] = item["body"]
    sections = item.get("sections") or []
    if sections:
        row.sections = [
            {"heading": section.get("heading"), "paragraphs": list(section.get("paragraphs") or [])}
            for section in sections
        ]
    if row.sections is not None and (sections or item.get("body")):
        # Spans are of the body written with them: encoded again when either changes.
        row.encoded = _encode(values["body"], row.sections)
    values["fetched_at"] = fetched
    if item.get("captures"):
        values["captures"] = item["captures"]
    if refetch:
        # Fetched again with an article in it: no longer gone.
        values["gone_at"] = None
        values["gone_reason"] = None
    if values["first_seen_at"] is None:
        values["first_seen_at"] = fetched
    if item.get("sidebar"):
        row.sidebar = item["sidebar"]


class _Changes:
    """What one call changed, so stale ORM objects in the session can be expired."""

    def __init__(self) -> None:
        self.articles: set[int] = set()
        self.sections_of: set[int] = set()
        self.links_of: set[int] = set()
        self.links_settled = False


class _Job(NamedTuple):
    """One item applied to its row: the content after it, and the row's before it."""

    row: _Row
    title: str | None
    body: str | None
    sections: list[dict[str, Any]] | None  # None: the stored sections stand
    encoded: _Encoded | None  # of ``sections``, when they are the item's
    before: dict[str, Any] | None  # the content it replaces (None: a new article)
    fetched: str


def _hash_and_count(
    session: Session, jobs: list[_Job], result: StoreResult, replaced_at: str | None
) -> tuple[list[tuple[_Row, dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
    """Content hash after each item, in item order; counts new/updated/unchanged.

    Returns the contents replaced by a changed one (oldest first), to be kept
    as versions, and the stored sections it loaded, by article id. Stored
    sections are loaded in bulk: those a hash needs, then those of replaced
    contents that still held them.
    """
    need = {job.row.id for job in jobs if job.sections is None and job.row.id is not None}
    stored = _stored_sections(session, sorted(need)) if need else {}
    replaced: list[tuple[_Row, dict[str, Any]]] = []
    for job in jobs:
        row = job.row
        if job.sections is not None:
            digest = _hash(job.title, job.body, job.sections, job.encoded)
        else:
            digest = _hash(job.title, job.body, stored[row.id or 0])
        if row.hash is None:
            result.new += 1
        elif row.hash == digest:
            result.unchanged += 1
        else:
            result.updated += 1
            if job.before is not None:
                replaced.append(
                    (
                        row,
                        {
                            **job.before,
                            "content_hash": row.hash,
                            "stored_at": replaced_at or job.fetched,
                        },
                    )
                )
        row.hash = digest
        row.values["content_hash"] = digest
    more = {row.id or 0 for row, old in replaced if old["sections"] is None} - stored.keys()
    if more:
        stored.update(_stored_sections(session, sorted(more)))
    for row, old in replaced:
        if old["sections"] is None:
            old["sections"] = stored[row.id or 0]
    return replaced, stored


def _section_rows(writer: _Writer, row: _Row) -> Iterator[tuple[Any, ...]]:
    """The ``sections`` rows of an article: spans of its body where it has them."""
    encoded = row.encoded
    spans_ = encoded.spans if encoded is not None else None
    columns = encoded.columns if encoded is not None else None
    for position, section in enumerate(row.sections or ()):
        span = spans_[position] if spans_ is not None else None
        if span is not None:
            yield (row.id, position, section["heading"], None, *span)
        else:
            text = columns[position] if columns is not None else None
            paragraphs = writer.paragraphs(section["paragraphs"], text)
            yield (row.id, position, section["heading"], paragraphs, None, None)


def _update_existing(writer: _Writer, rows: Sequence[_Row]) -> None:
    """One executemany UPDATE per set of changed columns, keyed by id."""
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        assert row.stored is not None
        changed = {key: value for key, value in row.values.items() if row.stored.get(key) != value}
        if changed:
            groups.setdefault(tuple(changed), []).append((*changed.values(), row.id))
    for columns, params in groups.items():
        writer.update(_ARTICLES, columns, params)


def _insert_new(session: Session, writer: _Writer, rows: Sequence[_Row]) -> None:
    """INSERT the new articles with executemany and learn their ids by (unique) URL.

    One SELECT per :data:`CHUNK` URLs instead of RETURNING: a driver-level
    ``executemany`` returns no rows, and the lookup by the unique URL index
    costs far less than SQLAlchemy's multi-row VALUES for RETURNING did.
    """
    writer.insert(_ARTICLES, _ARTICLE_COLUMNS, [_article_row(row.values) for row in rows])
    by_url = {row.values["url"]: row for row in rows}
    for chunk in _chunks(sorted(by_url), CHUNK):
        stmt = select(_ARTICLES.c.id, _ARTICLES.c.url).where(_ARTICLES.c.url.in_(chunk))
        for article_id, url in session.execute(stmt):
            by_url[url].id = article_id


def _delete_children(session: Session, table: Table, article_ids: set[int]) -> None:
    for chunk in _chunks(sorted(article_ids), CHUNK):
        session.execute(delete(table).where(table.c.article_id.in_(chunk)))


def _store_chunk(
    session: Session,
    items: Sequence[Mapping[str, Any]],
    result: StoreResult,
    changes: _Changes,
    refetch: bool,
) -> None:
    writer = _Writer(session)
    existing = _load_existing(session, items)
    index = _Index(existing)
    new_rows: list[_Row] = []
    touched: dict[_Row, None] = {}
    jobs: list[_Job] = []
    observations: list[tuple[_Row, tuple[Any, ...]]] = []
    for item in items:
        fetched = item.get("fetched_at") or _now_iso()
        row = index.match(item)
        before = None
        if row is None:
            row = _new_row(item)
            index.add(row)
            new_rows.append(row)
        else:  # stored, or stored earlier in this batch
            before = snapshot(row.values, row.sections)
        _merge(row, item, index, fetched, refetch)
        jobs.append(
            _Job(
                row,
                row.values["title"],
                row.values["body"],
                row.sections,
                row.encoded,
                before,
                fetched,
            )
        )
        if refetch:
            observations.append(
                (row, (fetched, item.get("views"), item.get("views_raw"), item.get("views_source")))
            )
        touched[row] = None
    # Articles of this batch settle links of this batch too, whatever the order;
    # other links look their target up among archived articles (read before
    # this batch writes anything): its day, and its title for cut link titles.
    targets = {
        row.values["url"]: target
        for row in touched
        if (target := target_of(row.values["published_at"], row.values["title"])) != (None, None)
    }
    link_urls = {
        entry["url"]
        for row in touched
        for entry in row.sidebar or ()
        if entry["url"] not in targets
    }
    known = archived_targets(session, link_urls) if link_urls else {}
    known.update(targets)
    replaced, stored_sections = _hash_and_count(
        session, jobs, result, None if refetch else _now_iso()
    )
    # A new body under the stored sections: they may be spans of the old
    # body, so they are written again, from the text they had.
    for row in touched:
        stored = row.stored
        if row.sections is None and stored is not None and row.values["body"] != stored["body"]:
            row.sections = stored_sections[cast(int, row.id)]
            row.encoded = _encode(row.values["body"], row.sections)

    # UPDATEs before INSERTs (as the ORM flushes): a new article may take a
    # URL an archived one moved away from in this batch.
    updated = [row for row in existing if row in touched]
    _update_existing(writer, updated)
    if new_rows:
        _insert_new(session, writer, new_rows)
    # The replaced contents, read before any write, kept before children change.
    insert_versions(session, [(cast(int, row.id), old) for row, old in replaced])

    # Children: replaced only where an item brought them. Sections whose
    # content hash did not move are the stored ones already: left alone.
    section_rows = [
        row
        for row in touched
        if row.sections and (row.stored is None or row.hash != row.stored["content_hash"])
    ]
    sidebar_rows = [row for row in touched if row.sidebar]
    replaced_sections = {row.id for row in section_rows if row.stored is not None and row.id}
    replaced_links = {row.id for row in sidebar_rows if row.stored is not None and row.id}
    _delete_children(session, _SECTIONS, replaced_sections)
    _delete_children(session, _LINKS, replaced_links)
    writer.insert(
        _SECTIONS,
        _SECTION_COLUMNS,
        [section for row in section_rows for section in _section_rows(writer, row)],
        ready=("paragraphs",),
    )
    writer.insert(
        _LINKS,
        LINK_COLUMNS,
        [
            link
            for row in sidebar_rows
            for link in link_rows(cast(int, row.id), row.sidebar or (), known)
        ],
    )
    writer.insert(
        _OBSERVATIONS, _OBSERVATION_COLUMNS, [(row.id, *obs) for row, obs in observations]
    )
    if targets:
        settle_links_to(session, targets)
    changes.articles.update(row.id for row in updated if row.id is not None)
    changes.sections_of |= replaced_sections
    changes.links_of |= replaced_links
    changes.links_settled = changes.links_settled or bool(targets)


def _expire_stale(session: Session, changes: _Changes) -> None:
    """Make ORM objects the session held for rows written around the ORM reload.

    Articles that changed are expired (their ``sections`` and ``links`` too);
    section and link objects whose rows were deleted and replaced are
    expunged; other links are expired when settlement may have dated them.
    """
    for obj in list(session.identity_map.values()):
        state = sa_inspect(obj)
        if isinstance(obj, Article):
            if state.identity is not None and state.identity[0] in changes.articles:
                session.expire(obj)
        elif isinstance(obj, Section | Link):
            replaced = changes.sections_of if isinstance(obj, Section) else changes.links_of
            if state.dict.get("article_id") in replaced:
                session.expunge(obj)
            elif isinstance(obj, Link) and changes.links_settled:
                session.expire(obj)


def store_articles(
    session: Session, items: Sequence[Mapping[str, Any]], *, refetch: bool = True
) -> StoreResult:
    """Upsert Article-contract dicts; one observation per item; no commit.

    An item may carry ``captures`` besides the contract's keys (where its
    pages are captured, :mod:`archive.captures`): they replace the stored
    ones, and go with the replaced content into its version. ``refetch``
    False stores items read again from captured pages (``newsarchive
    reextract``): no observation (nothing was fetched), the gone state
    stands, and a replaced content's version is stamped now.

    An item matches a stored article by ``(site, page_key)`` when it has a
    CMS id (the page: its URL template with the id, see
    :mod:`archive.identity`), else by URL (and by URL when the key is not
    archived yet). The same
    article twice in ``items`` is stored in order: the later item's values
    win and each leaves its observation. Raises ValueError for an item
    without ``url`` or ``site``, before writing any.

    Writes go as bulk ``executemany`` statements through the session's
    connection (see the module docstring); pending ORM changes are flushed
    first and ORM objects of changed rows already in the session are expired.
    """
    for item in items:
        _check(item)
    result = StoreResult()
    if not items:
        return result
    session.flush()
    changes = _Changes()
    for chunk in _chunks(items, CHUNK):
        _store_chunk(session, chunk, result, changes, refetch)
    if session.identity_map:
        _expire_stale(session, changes)
    return result
