"""The full-text index's C half on a thread of its own, beside a crawl that stores inline.

Catching the index up (:mod:`archive.fts`) has two halves. Preparing the text (CJK
spaced out) is Python. Handing it to FTS5, which splits it into tokens, files them and
merges its segments, is SQLite's C, and in a one-process crawl it was about a tenth of
the crawl thread's CPU. The ``sqlite3`` module releases the GIL for as long as one call
into SQLite runs, so that half can run on another core while the crawl goes on, provided
it is a few long calls: ``executemany`` takes the GIL back after every row, and a thread
that must win it back from a busy event loop waits up to the interpreter's switch interval
(5 ms) each time. An earlier index thread prepared the text itself too, and competed
with the crawl for the GIL: it measured slower (``benchmarks/TUNING.md``).

So the thread that stores prepares (:func:`archive.fts.read_queued`, right after its
batch is committed) and :class:`BackgroundIndexer` indexes (:func:`archive.fts.index_prepared`:
one ``BEGIN IMMEDIATE`` transaction, an ``INSERT … SELECT`` over bound values per chunk).
The invariant of :mod:`archive.fts` holds whatever runs in between: an article is indexed
only if it is still queued and its content is still the one prepared, else it stays
queued for the next catch-up. A failure on the thread loses nothing either: the articles
stay queued, :mod:`archive.search` scans them meanwhile, and the next catch-up (or the
one at the crawl's close) indexes them.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import Engine

from archive.checkpoint import busy_timeout_seconds
from archive.db import sqlite_file
from archive.fts import PreparedArticle, index_prepared

logger = logging.getLogger(__name__)


class BackgroundIndexer:
    """Indexes prepared articles of one SQLite file on a thread, in the order handed over.

    Use :meth:`start` (None for an archive that is not a SQLite file), :meth:`submit`
    after each catch-up's read, :meth:`wait` before the next one, and :meth:`close`
    before the engine is disposed. ``indexed`` and ``seconds`` add up what the thread
    did, for the crawl's stats; ``failures`` counts chunks it could not
    index (their articles stay queued).
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self.indexed = 0
        self.seconds = 0.0
        self.failures = 0
        self._connection: sqlite3.Connection | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fts-index")
        self._last: Future[None] | None = None

    @classmethod
    def start(cls, engine: Engine) -> BackgroundIndexer | None:
        """An indexer for ``engine``'s SQLite file, or None for other databases."""
        path = sqlite_file(engine.url)
        return None if path is None else cls(path, busy_timeout_seconds(engine))

    def submit(self, articles: Sequence[PreparedArticle]) -> None:
        """Index ``articles`` on the thread, after what was handed over before (no wait)."""
        if articles:
            self._last = self._executor.submit(self._index, list(articles))

    def wait(self) -> None:
        """Block until everything handed over is indexed (or has failed, and stays queued)."""
        if self._last is not None:
            self._last.result()  # _index never raises

    def close(self) -> None:
        """Index what was handed over, then close the thread's connection and stop it."""
        self.wait()
        self._executor.submit(self._disconnect).result()
        self._executor.shutdown(wait=True)

    def _index(self, articles: list[PreparedArticle]) -> None:
        started = time.perf_counter()
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(
                    self.path, timeout=self.timeout, isolation_level=None
                )
            self.indexed += index_prepared(self._connection, articles)
        except sqlite3.Error as exc:
            # The articles stay queued: the next catch-up indexes them. Warn once.
            self.failures += 1
            level = logging.WARNING if self.failures == 1 else logging.DEBUG
            logger.log(level, "indexing on a thread failed, the articles stay queued: %s", exc)
        finally:
            self.seconds += time.perf_counter() - started

    def _disconnect(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
