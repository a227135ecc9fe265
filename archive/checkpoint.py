"""Checkpointing a SQLite archive's write-ahead log on a thread, off the writer's path.

In WAL mode every page is written twice: into the WAL at commit, and back
into the database file by a checkpoint. SQLite's automatic checkpoint runs
inside the commit that pushes the WAL past ``wal_autocheckpoint`` pages, so
the writer waits for it: with 32 KB pages and 30 KB articles that copy was
up to a fifth of storing a batch. Measured in one spell, best of 4
(``benchmarks.micro``'s storage rate, the index catching up between
batches): 3,120 articles/s with SQLite's own checkpoint, 3,354 with it on
a thread; a crawl in one process 3-5% faster.

:class:`WalCheckpointer` runs ``PRAGMA wal_checkpoint(PASSIVE)`` on a
connection of its own, on a thread of its own, after each transaction of
the engine ends. The ``sqlite3`` module releases the GIL while SQLite works,
so the copy runs on the machine's other core while the writer goes on.
A passive checkpoint never blocks the writer or readers; when it has copied
every frame before the writer's next transaction starts, SQLite starts the
WAL over from its beginning, so the file stays about one batch long.

The writer's own automatic checkpoint stays on, raised to
:data:`BACKSTOP_BYTES` of WAL, as a backstop: if the thread falls behind
(a long batch) or fails, the writer checkpoints as before. No checkpoint,
SQLite's own included, can copy frames past the snapshot of a reader that
is still open: a long read (an export, a Datasette page left mid-query)
lets the WAL grow until it ends, with or without the thread. Durability is
unchanged: commits are what make data durable, and a checkpoint only moves
committed pages; a crash mid-checkpoint is recovered from the WAL on the
next open.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from archive.db import BUSY_TIMEOUT_MS, sqlite_file

logger = logging.getLogger(__name__)

#: WAL size at which the writer checkpoints by itself (the thread normally keeps
#: the WAL well below: about one batch of articles, 20 MB for 500 of them).
BACKSTOP_BYTES = 64 << 20


class WalCheckpointer:
    """Background WAL checkpoints for the SQLite file behind ``engine``.

    Use :meth:`start`, which returns None for an engine that is not a SQLite
    file (PostgreSQL, ``:memory:``), and call :meth:`close` before the engine
    is disposed, so the last connection's close can fold the WAL back in.
    """

    def __init__(self, engine: Engine, path: Path, timeout: float) -> None:
        self.engine = engine
        self.path = path
        self.timeout = timeout
        with engine.connect() as connection:
            page_size = int(connection.exec_driver_sql("PRAGMA page_size").scalar_one())
        self.backstop_pages = max(1000, BACKSTOP_BYTES // page_size)
        self._wake = threading.Condition()
        self._requested = 0  # transactions ended so far
        self._done = 0  # of those, how many a finished checkpoint has covered
        self._stopping = False
        self._finished = False  # the thread has ended
        self.checkpoints = 0  # checkpoints run, for tests and stats
        self.failures = 0
        event.listen(engine, "checkout", self._on_checkout)
        event.listen(engine, "checkin", self._on_checkin)
        self._thread = threading.Thread(
            target=self._run, name=f"wal-checkpoint {path.name}", daemon=True
        )
        self._thread.start()

    @classmethod
    def start(cls, engine: Engine) -> WalCheckpointer | None:
        """A running checkpointer for ``engine``'s SQLite file, or None for other databases."""
        path = sqlite_file(engine.url)
        return None if path is None else cls(engine, path, busy_timeout_seconds(engine))

    def _on_checkout(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        # Per checkout, not per connect: connections the pool already held get it too.
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint={self.backstop_pages}")

    def _on_checkin(self, _dbapi_connection: Any, _record: Any) -> None:
        """A transaction of the engine ended (committed or not): copy what it wrote."""
        with self._wake:
            self._requested += 1
            self._wake.notify()

    def _run(self) -> None:
        try:
            connection = sqlite3.connect(
                self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as exc:
            logger.warning("WAL checkpoints stay in the writer: cannot open %s: %s", self.path, exc)
            self._finish()
            return
        try:
            while True:
                with self._wake:
                    while self._requested == self._done and not self._stopping:
                        self._wake.wait()
                    if self._requested == self._done:  # stopping, nothing left
                        return
                    target = self._requested
                self._checkpoint(connection)
                with self._wake:
                    self._done = target
                    self._wake.notify_all()
        finally:
            connection.close()
            self._finish()

    def _finish(self) -> None:
        with self._wake:
            self._finished = True
            self._wake.notify_all()

    def _checkpoint(self, connection: sqlite3.Connection) -> None:
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.Error as exc:
            # The writer's backstop checkpoint still bounds the WAL: warn once, not per batch.
            self.failures += 1
            level = logging.WARNING if self.failures == 1 else logging.DEBUG
            logger.log(level, "background WAL checkpoint of %s failed: %s", self.path, exc)

    def wait(self) -> None:
        """Block until every transaction ended so far is covered by a finished checkpoint."""
        with self._wake:
            while self._done < self._requested and not self._finished:
                self._wake.wait()

    def close(self) -> None:
        """Finish the checkpoint asked for last, stop the thread and detach from the engine.

        Connections the pool holds keep the raised ``wal_autocheckpoint`` until they
        close: call this before disposing of the engine.
        """
        event.remove(self.engine, "checkout", self._on_checkout)
        event.remove(self.engine, "checkin", self._on_checkin)
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._thread.join()


def busy_timeout_seconds(engine: Engine) -> float:
    """Seconds to wait for a lock: the URL's ``?timeout=`` as for the engine, else the default."""
    value = engine.url.query.get("timeout")
    try:
        return float(value) if isinstance(value, str) else BUSY_TIMEOUT_MS / 1000
    except ValueError:
        return BUSY_TIMEOUT_MS / 1000
