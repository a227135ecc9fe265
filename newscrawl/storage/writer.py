"""The archive pipeline's transactions, run in the crawl process or in a writer process.

Storing a batch and then indexing it for search (:mod:`archive.fts`) is
mostly Python holding the GIL: a thread does not take it off the reactor,
a process does. Only SQLite's share of indexing runs on a thread of the
crawl process, and only when the crawl is one process
(:mod:`archive.background_index`, ``ARCHIVE_INDEX = "thread"``): with an
extraction worker that thread took its core from the worker, and the crawl
was slower (``benchmarks/TUNING.md``). With ``ARCHIVE_WRITER = "process"`` the extraction
worker (:mod:`newscrawl.storage.worker_storage`) or, without one, a writer
process started from a clean interpreter (forkserver) stores the batches in
the order they were handed over; with ``"inline"`` the crawl process stores
them itself, waiting.

Where the batches are stored, a :class:`~archive.WalCheckpointer` copies the
write-ahead log back into the SQLite file on a thread, after each
transaction (``ARCHIVE_CHECKPOINT = "thread"``, the default), instead of
inside the commit that fills it (``"commit"``, SQLite's own way).

The batch is committed first, then the full-text index catches up in a
second transaction: a failure to index never loses stored articles (they
stay queued, and the next catch-up indexes them). Each batch first checks
that the archive still records the schema revision this code writes
(:func:`archive.schema.check_unchanged`).
"""

from __future__ import annotations

import time
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

from sqlalchemy.orm import Session, sessionmaker

from archive import Archive, WalCheckpointer, index_pending, mark_gone, open_archive, store_articles
from archive.schema import check_unchanged
from newscrawl.runtime.gc_tuning import set_young_threshold
from newscrawl.runtime.lifeline import hold

#: Per writer process: the archive, opened on the first batch.
_opened: dict[str, Archive] = {}
#: Per writer process: the archive's background checkpointer, if it has one.
_checkpointers: dict[str, WalCheckpointer] = {}


class Stored(NamedTuple):
    """What one batch did to the archive (the pipeline adds it to the stats)."""

    new: int
    updated: int
    unchanged: int
    gone: int
    indexed: int = 0
    index_seconds: float = 0.0
    #: CPU seconds the batch took on the thread that stored it (storage and index).
    cpu_seconds: float = 0.0


def index_queued(sessions: sessionmaker[Session]) -> Stored:
    """Catch the full-text index up with the stored articles, in its own transaction."""
    started = time.perf_counter()
    cpu_started = time.thread_time()
    with sessions.begin() as session:
        indexed = index_pending(session)
    cpu = time.thread_time() - cpu_started
    return Stored(0, 0, 0, 0, indexed, time.perf_counter() - started, cpu)


def store_batch(
    sessions: sessionmaker[Session],
    batch: list[dict[str, Any]],
    gone: list[tuple[str, str, str]],
    *,
    index: bool = True,
) -> Stored:
    """Store ``batch`` and mark the ``gone`` (url, reason, at) reports in one transaction;
    then, with ``index``, catch the full-text index up in another."""
    started = time.thread_time()
    by_time: dict[str, dict[str, str]] = {}
    for url, reason, at in gone:
        by_time.setdefault(at, {})[url] = reason
    with sessions.begin() as session:
        check_unchanged(session.connection())
        result = store_articles(session, batch)
        marked = sum(mark_gone(session, urls, at=at) for at, urls in sorted(by_time.items()))
    stored = Stored(result.new, result.updated, result.unchanged, marked)
    if index:
        caught_up = index_queued(sessions)
        stored = stored._replace(indexed=caught_up.indexed, index_seconds=caught_up.index_seconds)
    return stored._replace(cpu_seconds=time.thread_time() - started)


def start_writer(threshold: int, lifeline: Connection) -> None:
    """The writer process's initializer: the garbage collector's young threshold
    (:mod:`newscrawl.runtime.gc_tuning`), and an end to the crawl process's
    :class:`~newscrawl.runtime.lifeline.Lifeline`, so that the writer ends with it."""
    set_young_threshold(threshold)
    hold(lifeline)


def _archive(url: str, checkpoint_thread: bool = True) -> Archive:
    """The writer process's archive at ``url``, opened on the first call; it stays
    open (in :data:`_opened`) until :func:`close_in_writer`."""
    opened = _opened.get(url)
    if opened is None:
        opened = _opened[url] = open_archive(url)
        checkpointer = WalCheckpointer.start(opened.engine) if checkpoint_thread else None
        if checkpointer is not None:
            _checkpointers[url] = checkpointer
    return opened


def store_in_writer(
    url: str,
    batch: list[dict[str, Any]],
    gone: list[tuple[str, str, str]],
    index: bool = True,
    checkpoint_thread: bool = True,
) -> Stored:
    """:func:`store_batch` in the writer process, on its own connection to ``url``."""
    return store_batch(_archive(url, checkpoint_thread).sessions, batch, gone, index=index)


def index_in_writer(url: str, checkpoint_thread: bool = True) -> Stored:
    """:func:`index_queued` in the writer process."""
    return index_queued(_archive(url, checkpoint_thread).sessions)


def close_in_writer(url: str) -> int | None:
    """Finish the writer process's checkpoints and close its connections to ``url``
    (the last one to close folds the write-ahead log into the file).

    Returns how many checkpoints its thread ran, None when it had none.
    """
    checkpointer = _checkpointers.pop(url, None)
    if checkpointer is not None:
        checkpointer.close()
    opened = _opened.pop(url, None)
    if opened is not None:
        opened.close()
    return checkpointer.checkpoints if checkpointer is not None else None
