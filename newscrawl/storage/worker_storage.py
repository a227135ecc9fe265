"""The archive's batches stored by the extraction worker: two processes, not three.

With extraction in a worker process (``NEWSCRAWL_EXTRACT_WORKERS``) and
``ARCHIVE_WRITER = "process"`` given explicitly, a separate writer process
would make three Python processes for a machine that is usually given two
cores, each with its own interpreter, modules and heap. So the first
extraction worker stores the batches too
(:meth:`newscrawl.pages.extraction.PageExtractor.storage_worker`): a batch is one
more task on its pipe, run between pages, in order, and the full-text index
catches up after it in the same process. (The default, ``auto``, stores in the
crawl process when a worker extracts: :mod:`newscrawl.runtime.cores` says why.)

:class:`WorkerStorage` is the pipeline's side: it hands batches over
without waiting and gives back a Deferred per batch, and at the close waits
for every batch before it finishes the index and closes the worker's
connections. Failures reach the pipeline as the batch's exception; a worker
that dies fails the batches it held (:class:`~newscrawl.runtime.pipe_worker.WorkerDied`)
and the next batch starts a fresh one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from twisted.internet.defer import Deferred

from newscrawl.runtime.pipe_worker import PipeWorker
from newscrawl.storage.writer import (
    Stored,
    close_in_writer,
    index_in_writer,
    store_in_writer,
)


class WorkerStorage:
    """Stores batches through ``worker``; ``on_stored`` counts each committed one."""

    def __init__(
        self,
        worker: PipeWorker,
        url: str,
        *,
        index_each_batch: bool,
        checkpoint_thread: bool,
        on_stored: Callable[[Stored], None],
    ) -> None:
        self.worker = worker
        self.url = url
        self.index_each_batch = index_each_batch
        self.checkpoint_thread = checkpoint_thread
        self.on_stored = on_stored
        self.pending: list[asyncio.Future[Any]] = []

    def submit(
        self, batch: list[dict[str, Any]], gone: list[tuple[str, str, str]]
    ) -> Deferred[None]:
        """Hand a batch over; the Deferred fires once it is committed (or fails with why)."""
        future = self.worker.submit(
            store_in_writer, self.url, batch, gone, self.index_each_batch, self.checkpoint_thread
        )
        future.add_done_callback(self._done)
        self.pending = [f for f in self.pending if not f.done()] + [future]
        return Deferred.fromFuture(future).addCallback(lambda _stored: None)

    def _done(self, future: asyncio.Future[Any]) -> None:
        if not future.cancelled() and future.exception() is None:
            self.on_stored(future.result())

    async def close(self) -> int | None:
        """Wait for every batch handed over, finish the index, close the worker's archive.

        Raises the last batch's error (the earlier ones reached their items); the
        archive is closed in the worker either way. Returns how many WAL checkpoints
        the worker's thread ran (None: it had none).
        """
        pending, self.pending = self.pending, []
        outcomes = await asyncio.gather(*pending, return_exceptions=True)
        try:
            if outcomes and isinstance(outcomes[-1], BaseException):
                raise outcomes[-1]
            if not self.index_each_batch:
                self.on_stored(
                    await self.worker.submit(index_in_writer, self.url, self.checkpoint_thread)
                )
        finally:
            checkpoints: int | None = await self.worker.submit(close_in_writer, self.url)
        return checkpoints
