"""The full-text index catching up on a thread of its own, beside the crawl's writes.

Indexing a stored article (:mod:`archive.fts`) is mostly SQLite's work in C:
FTS5 splits and files about 5,000 tokens for a 5,000-character body, about
a third of what storing the article costs all told. The ``sqlite3`` module
releases the GIL while SQLite works, so that part can run on the machine's
other core while the crawl's own thread goes on, if it is one long call:
``executemany`` releases and takes back the GIL once per row, and a thread
that must win the GIL back from a busy event loop for every row waits up to
the interpreter's switch interval (5 ms) each time. So each chunk of queued
articles is indexed by one ``INSERT … VALUES (…), (…), …`` statement:
Python prepares the text (:func:`archive.fts.prepare`), SQLite does the rest
in one step.

:class:`BackgroundIndexer` is used where one process both crawls and writes
a SQLite archive (``ARCHIVE_WRITER = "inline"``, ``ARCHIVE_INDEX = "batch"``):
after each stored batch the pipeline calls :meth:`~BackgroundIndexer.request`
and goes on; the thread indexes the queue on a connection of its own. The
invariant of :mod:`archive.fts` holds: each chunk is read, indexed and taken
off the queue in one ``BEGIN IMMEDIATE`` transaction, so no write of the
crawl can slip between reading an article's text and dequeuing it. A chunk
holds the write lock for some tens of milliseconds; a batch the crawl stores
meanwhile waits for it (SQLite's busy timeout), which happens only when
batches come faster than the index keeps up.

A failure on the thread never loses anything: the articles stay queued,
:mod:`archive.search` scans the queue meanwhile, and the pipeline catches
the index up on its own connection once the crawl closes (as it does anyway,
for whatever came after the thread's last chunk).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

from sqlalchemy import Engine

from archive import fts
from archive.checkpoint import busy_timeout_seconds
from archive.db import sqlite_file

logger = logging.getLogger(__name__)

#: Articles a transaction indexes: three bound values each, under the 999 that
#: SQLite before 3.32 allows a statement, and a lock held for tens of milliseconds.
CHUNK = 300


class BackgroundIndexer:
    """Catches the full-text index of one SQLite file up on a thread, when asked.

    Use :meth:`start` (None for an archive that is not a SQLite file) and
    :meth:`close` before the engine is disposed. ``indexed``, ``seconds`` and
    ``cpu_seconds`` add up what the thread did, for the crawl's stats.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._wake = threading.Condition()
        self._requested = 0
        self._done = 0
        self._stopping = False
        self.indexed = 0
        self.seconds = 0.0
        self.cpu_seconds = 0.0
        self.failures = 0
        self._thread = threading.Thread(
            target=self._run, name=f"fts-index {path.name}", daemon=True
        )
        self._thread.start()

    @classmethod
    def start(cls, engine: Engine) -> BackgroundIndexer | None:
        """A running indexer for ``engine``'s SQLite file, or None for other databases."""
        path = sqlite_file(engine.url)
        return None if path is None else cls(path, busy_timeout_seconds(engine))

    def request(self) -> None:
        """A batch was committed: index what is queued (the call does not wait)."""
        with self._wake:
            self._requested += 1
            self._wake.notify()

    def wait(self) -> None:
        """Block until every catch-up requested so far has run (or failed)."""
        with self._wake:
            while self._done < self._requested and self._thread.is_alive():
                self._wake.wait(timeout=1.0)

    def close(self) -> None:
        """Run the catch-up asked for last, then stop the thread."""
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._thread.join()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            logger.warning("the full-text index waits for the crawl's end: %s", exc)
            self._finish()
            return
        try:
            fts.register(connection)  # the index's triggers may call it
            while True:
                with self._wake:
                    while self._requested == self._done and not self._stopping:
                        self._wake.wait()
                    if self._requested == self._done:  # stopping, nothing left
                        return
                    target = self._requested
                self._catch_up(connection)
                with self._wake:
                    self._done = target
                    self._wake.notify_all()
        finally:
            connection.close()
            self._finish()

    def _finish(self) -> None:
        with self._wake:
            self._done = self._requested
            self._wake.notify_all()

    def _catch_up(self, connection: sqlite3.Connection) -> None:
        started, cpu_started = time.perf_counter(), time.thread_time()
        try:
            while (count := index_chunk(connection)) > 0:
                self.indexed += count
        except sqlite3.Error as exc:
            # The articles stay queued; the crawl's close catches them up. Warn once,
            # and not for a lock another writer holds: the crawl's own next write
            # meets that lock too, and that is the error its user must see.
            self.failures += 1
            busy = isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)
            level = logging.WARNING if self.failures == 1 and not busy else logging.DEBUG
            logger.log(level, "background full-text indexing of %s failed: %s", self.path, exc)
        finally:
            self.seconds += time.perf_counter() - started
            self.cpu_seconds += time.thread_time() - cpu_started


def index_chunk(connection: sqlite3.Connection, size: int = CHUNK) -> int:
    """Index up to ``size`` queued articles and dequeue them, in one transaction.

    Returns how many it indexed (0: the queue is empty). ``connection`` is a
    ``sqlite3`` connection in autocommit mode (``isolation_level=None``).
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        rows = connection.execute(
            f"SELECT a.id, a.title, a.body FROM {fts.PENDING_TABLE} AS p "
            "JOIN articles AS a ON a.id = p.article_id ORDER BY p.article_id LIMIT ?",
            (size,),
        ).fetchall()
        if rows:
            values: list[object] = []
            for article_id, title, body in rows:
                values += (article_id, fts.prepare(title), fts.prepare(body))
            placeholders = ",".join(["(?,?,?)"] * len(rows))
            connection.execute(
                f"INSERT INTO {fts.FTS_TABLE}(rowid, title, body) VALUES {placeholders}", values
            )
            connection.execute(
                f"DELETE FROM {fts.PENDING_TABLE} WHERE article_id <= ?", (rows[-1][0],)
            )
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return len(rows)
