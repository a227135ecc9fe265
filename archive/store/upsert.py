"""Writing to the archive: batched upsert of Article-contract dicts.

Rules that protect what is already archived (``docs/archive.md``, "Archive
rules"): a re-crawl that yields null never erases a stored value, and an empty
body, section list or sidebar keeps the stored ones. Every fetch still leaves
one observation, so the popularity series has no silent gaps.

:func:`store_articles` takes the caller's Session and never commits: the
pipeline and the CLI own transactions (``with Session.begin()``). Lookups are
done in bulk, a few SELECTs per batch of up to
:data:`archive.store.batch_rows.CHUNK` items, never one per link. On SQLite,
triggers on ``articles`` queue new and retitled or rewritten articles for the
full-text index (:mod:`archive.fts`), in the same transaction; indexing
itself happens outside the write path.

The rows go through :class:`archive.store.bulk_writer.BulkWriter`, not the
ORM unit of work (see there for the rule it keeps). So the session is
flushed first, and afterwards the ORM objects of the rows written that the
session already held are expired (or, for deleted child rows, expunged), so
a caller that queries through the ORM in the same session sees what was
stored.

A body that changes under stored sections gets them written again, so no
span (:mod:`archive.body_spans`) ever points into a body it was not cut from.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, delete, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from archive.links import LINK_COLUMNS, archived_targets, link_rows, settle_links_to, target_of
from archive.models import Article, Link, Section
from archive.store.batch_rows import (
    CHUNK,
    BatchIndex,
    BatchRow,
    chunks,
    load_existing,
    merge,
    new_row,
    stored_sections,
)
from archive.store.bulk_writer import BulkWriter
from archive.store.content_hash import EncodedSections, encode, hash_content
from archive.store.tables import (
    ARTICLE_COLUMNS,
    ARTICLES,
    LINKS,
    OBSERVATION_COLUMNS,
    OBSERVATIONS,
    SECTION_COLUMNS,
    SECTIONS,
    article_row,
)
from archive.versions import insert_versions, snapshot


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


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _check(item: Mapping[str, Any]) -> None:
    for key in ("url", "site"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise ValueError(f"article item without {key}: {item.get('url')!r}")


class _Changes:
    """What one call changed, so stale ORM objects in the session can be expired."""

    def __init__(self) -> None:
        self.articles: set[int] = set()
        self.sections_of: set[int] = set()
        self.links_of: set[int] = set()
        self.links_settled = False


class _Job(NamedTuple):
    """One item applied to its row: the content after it, and the row's before it."""

    row: BatchRow
    title: str | None
    body: str | None
    sections: list[dict[str, Any]] | None  # None: the stored sections stand
    encoded: EncodedSections | None  # of ``sections``, when they are the item's
    before: dict[str, Any] | None  # the content it replaces (None: a new article)
    fetched: str


def _hash_and_count(
    session: Session, jobs: list[_Job], result: StoreResult, replaced_at: str | None
) -> tuple[list[tuple[BatchRow, dict[str, Any]]], dict[int, list[dict[str, Any]]]]:
    """Content hash after each item, in item order; counts new/updated/unchanged.

    Returns the contents replaced by a changed one (oldest first), to be kept
    as versions, and the stored sections it loaded, by article id. Stored
    sections are loaded in bulk: those a hash needs, then those of replaced
    contents that still held them.
    """
    need = {job.row.id for job in jobs if job.sections is None and job.row.id is not None}
    stored = stored_sections(session, sorted(need)) if need else {}
    replaced: list[tuple[BatchRow, dict[str, Any]]] = []
    for job in jobs:
        row = job.row
        if job.sections is not None:
            digest = hash_content(job.title, job.body, job.sections, job.encoded)
        else:
            digest = hash_content(job.title, job.body, stored[row.id or 0])
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
        stored.update(stored_sections(session, sorted(more)))
    for row, old in replaced:
        if old["sections"] is None:
            old["sections"] = stored[row.id or 0]
    return replaced, stored


def _section_rows(writer: BulkWriter, row: BatchRow) -> Iterator[tuple[Any, ...]]:
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


def _update_existing(writer: BulkWriter, rows: Sequence[BatchRow]) -> None:
    """One executemany UPDATE per set of changed columns, keyed by id."""
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for row in rows:
        assert row.stored is not None
        changed = {key: value for key, value in row.values.items() if row.stored.get(key) != value}
        if changed:
            groups.setdefault(tuple(changed), []).append((*changed.values(), row.id))
    for columns, params in groups.items():
        writer.update(ARTICLES, columns, params)


def _insert_new(session: Session, writer: BulkWriter, rows: Sequence[BatchRow]) -> None:
    """INSERT the new articles with executemany and learn their ids by (unique) URL.

    One SELECT per :data:`CHUNK` URLs instead of RETURNING: a driver-level
    ``executemany`` returns no rows, and the lookup by the unique URL index
    costs far less than SQLAlchemy's multi-row VALUES for RETURNING did.
    """
    writer.insert(ARTICLES, ARTICLE_COLUMNS, [article_row(row.values) for row in rows])
    by_url = {row.values["url"]: row for row in rows}
    for chunk in chunks(sorted(by_url), CHUNK):
        stmt = select(ARTICLES.c.id, ARTICLES.c.url).where(ARTICLES.c.url.in_(chunk))
        for article_id, url in session.execute(stmt):
            by_url[url].id = article_id


def _delete_children(session: Session, table: Table, article_ids: set[int]) -> None:
    for chunk in chunks(sorted(article_ids), CHUNK):
        session.execute(delete(table).where(table.c.article_id.in_(chunk)))


def _store_chunk(
    session: Session,
    items: Sequence[Mapping[str, Any]],
    result: StoreResult,
    changes: _Changes,
    refetch: bool,
) -> None:
    writer = BulkWriter(session)
    existing = load_existing(session, items)
    index = BatchIndex(existing)
    new_rows: list[BatchRow] = []
    touched: dict[BatchRow, None] = {}
    jobs: list[_Job] = []
    observations: list[tuple[BatchRow, tuple[Any, ...]]] = []
    for item in items:
        fetched = item.get("fetched_at") or _now_iso()
        row = index.match(item)
        before = None
        if row is None:
            row = new_row(item)
            index.add(row)
            new_rows.append(row)
        else:  # stored, or stored earlier in this batch
            before = snapshot(row.values, row.sections)
        merge(row, item, index, fetched, refetch)
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
    replaced, loaded_sections = _hash_and_count(
        session, jobs, result, None if refetch else _now_iso()
    )
    # A new body under the stored sections: they may be spans of the old
    # body, so they are written again, from the text they had.
    for row in touched:
        stored = row.stored
        if row.sections is None and stored is not None and row.values["body"] != stored["body"]:
            row.sections = loaded_sections[cast(int, row.id)]
            row.encoded = encode(row.values["body"], row.sections)

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
    _delete_children(session, SECTIONS, replaced_sections)
    _delete_children(session, LINKS, replaced_links)
    writer.insert(
        SECTIONS,
        SECTION_COLUMNS,
        [section for row in section_rows for section in _section_rows(writer, row)],
        ready=("paragraphs",),
    )
    writer.insert(
        LINKS,
        LINK_COLUMNS,
        [
            link
            for row in sidebar_rows
            for link in link_rows(cast(int, row.id), row.sidebar or (), known)
        ],
    )
    writer.insert(OBSERVATIONS, OBSERVATION_COLUMNS, [(row.id, *obs) for row, obs in observations])
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
    for chunk in chunks(items, CHUNK):
        _store_chunk(session, chunk, result, changes, refetch)
    if session.identity_map:
        _expire_stale(session, changes)
    return result
