"""The archive pipeline's transactions, run in the crawl process or in a writer process.

Storing a batch costs about a millisecond per article (SQL, the full-text
index), almost all of it Python holding the GIL: a thread does not take it
off the reactor (measured: no gain), a process does. With
``ARCHIVE_WRITER = "process"`` one writer process, started from a clean
interpreter (forkserver), stores the batches in the order they were handed
over; with ``"inline"`` the crawl process stores them itself, waiting.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from archive import mark_gone, open_archive, store_articles

#: Per writer process: the archive's sessionmaker, opened on the first batch.
_opened: dict[str, sessionmaker[Session]] = {}


class Stored(NamedTuple):
    """What one batch did to the archive (the pipeline adds it to the stats)."""

    new: int
    updated: int
    unchanged: int
    gone: int


def store_batch(
    sessions: sessionmaker[Session], batch: list[dict[str, Any]], gone: list[tuple[str, str, str]]
) -> Stored:
    """Store ``batch`` and mark the ``gone`` (url, reason, at) reports in one transaction."""
    by_time: dict[str, dict[str, str]] = {}
    for url, reason, at in gone:
        by_time.setdefault(at, {})[url] = reason
    with sessions.begin() as session:
        result = store_articles(session, batch)
        marked = sum(mark_gone(session, urls, at=at) for at, urls in sorted(by_time.items()))
    return Stored(result.new, result.updated, result.unchanged, marked)


def store_in_writer(
    url: str, batch: list[dict[str, Any]], gone: list[tuple[str, str, str]]
) -> Stored:
    """:func:`store_batch` in the writer process, on its own connection to ``url``."""
    sessions = _opened.get(url)
    if sessions is None:
        sessions = _opened[url] = open_archive(url)
    return store_batch(sessions, batch, gone)
