"""A worker process fed through two pipes that the crawl's event loop watches itself.

``concurrent.futures.ProcessPoolExecutor`` costs the submitting process CPU
on every task: a feeder thread pickles and writes, a management thread
reads, and both wake the reactor's thread through the GIL, which gave back
half of what moving the extraction away saved. Here the event loop writes
each task to a pipe and reads each result from another as soon as the pipe
is readable, with no thread in between, so a task costs the crawl little
more than unpickling its result (``benchmarks/TUNING.md`` has both costs).

Messages are pickles behind an 8-byte length (a task's also behind a flag:
run it first). Neither side blocks: the loop's tasks wait in a queue until
the pipe takes them (``add_writer``) and its results are read as they come
(``add_reader``); the worker takes in every task the pipe holds before it
runs the next one, and keeps the answers the pipe does not take yet. So
neither waits for the other while it has work, and neither can wait for the
other forever.

A worker that dies (killed, out of memory, a crash in C code) fails the tasks
it held with :class:`WorkerDied`; the next task starts a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import multiprocessing
import os
import pickle
import select
import struct
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct("!Q")
#: A task's header: its length, and whether it goes before the tasks already waiting.
_TASK = struct.Struct("!Q?")
#: Linux's F_SETPIPE_SZ (not in every Python's fcntl module).
_F_SETPIPE_SZ = getattr(fcntl, "F_SETPIPE_SZ", 1031)
#: Pipe buffer asked for: room for a few dozen pages each way (Linux's default is 64 KB).
PIPE_SIZE = 1 << 20
#: Answers the worker holds at most before writing them (it writes them sooner when
#: no further task is waiting).
ANSWERS_AT_ONCE = 32


class WorkerDied(RuntimeError):
    """The worker process ended while it held this task."""


def _grow(fd: int) -> None:
    # Not Linux, or above /proc/sys/fs/pipe-max-size: the default size will do.
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, _F_SETPIPE_SZ, PIPE_SIZE)


def _write_some(fd: int, data: bytearray) -> None:
    """Write what a non-blocking ``fd`` takes now; drop that much from the front of ``data``."""
    with contextlib.suppress(BlockingIOError):
        del data[: os.write(fd, data)]


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _take(fd: int, inbox: bytearray, ready: deque[bytes], first: deque[bytes]) -> bool:
    """Read what a non-blocking ``fd`` holds into ``inbox``; move its whole tasks to
    ``first`` or ``ready``. False once the other end is closed and everything is read."""
    open_ = True
    while True:
        try:
            chunk = os.read(fd, PIPE_SIZE)
        except BlockingIOError:
            break
        if not chunk:
            open_ = False
            break
        inbox += chunk
        if len(chunk) < PIPE_SIZE:
            break
    start = 0
    while len(inbox) - start >= _TASK.size:
        size, urgent = _TASK.unpack_from(inbox, start)
        end = start + _TASK.size + size
        if len(inbox) < end:
            break
        # (One copy: a bytearray slice would be a copy of its own before bytes().)
        (first if urgent else ready).append(bytes(memoryview(inbox)[start + _TASK.size : end]))
        start = end
    del inbox[:start]
    return open_


def _run(function: Callable[..., Any], message: bytes) -> bytes:
    """One task's answer, pickled: its result, or the exception it raised."""
    key, args, kwargs = pickle.loads(message)
    try:
        return pickle.dumps(
            (key, True, function(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL
        )
    except Exception as exc:  # noqa: BLE001 - any failure goes back to the task's future
        try:
            return pickle.dumps((key, False, exc), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an exception that does not pickle: its text does
            error = RuntimeError(f"{type(exc).__name__}: {exc}")
            return pickle.dumps((key, False, error), protocol=pickle.HIGHEST_PROTOCOL)


def _serve(
    function: Callable[..., Any],
    task_pipe: Connection,
    result_pipe: Connection,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> None:
    """The worker's loop: take the tasks sent, run ``function`` on each, write the outcomes.

    The pipes come as multiprocessing Connections (that is how forkserver
    hands a child its file descriptors); they are read and written raw, with
    this module's framing. ``initializer(*initargs)`` runs first, once.

    Neither pipe is waited on while there is work. Before each task the worker
    takes in every task the pipe holds, so the crawl's loop can hand over more
    the moment it runs: when it is busy for a while (storing a batch of
    articles inline takes the length of many pages) the worker has the tasks
    sent before, not just the pipe's 1 MB of them. Tasks sent with
    :meth:`PipeWorker.submit_first` run before the others waiting here (a list
    page's links, which the crawl waits for to have anything to download).
    Answers the result pipe does not take stay here while the next task runs.
    It waits only when it has no task: for a task, or for room to write its
    answers.
    """
    if initializer is not None:
        initializer(*initargs)
    tasks, results = task_pipe.fileno(), result_pipe.fileno()
    os.set_blocking(tasks, False)
    os.set_blocking(results, False)
    waiting = select.poll()
    waiting.register(tasks, select.POLLIN)
    both = select.poll()
    both.register(tasks, select.POLLIN)
    both.register(results, select.POLLOUT)
    inbox = bytearray()  # the start of a task the pipe has not given whole yet
    ready: deque[bytes] = deque()
    first: deque[bytes] = deque()  # tasks that go before those in ready
    # Answers are written when no further task is there yet, or when ANSWERS_AT_ONCE
    # of them wait: one wake-up of the loop's side for several.
    answers = bytearray()
    held = 0
    behind = False  # answers are left over from a write the pipe did not take whole
    sending = True  # the crawl's end of the task pipe is open
    while True:
        if sending:
            sending = _take(tasks, inbox, ready, first)
        if answers and (behind or held >= ANSWERS_AT_ONCE or not (first or ready)):
            _write_some(results, answers)
            held = 0
            behind = bool(answers)
        if first or ready:
            answer = _run(function, (first or ready).popleft())
            answers += _LENGTH.pack(len(answer))
            answers += answer
            held += 1
        elif not sending:  # the crawl closed its end and every task is answered: done
            with contextlib.suppress(OSError):  # unless it is gone: nobody to answer
                os.set_blocking(results, True)
                _write_all(results, answers)
            return
        elif behind:
            both.poll()  # a task came, or the pipe has room again
        else:
            waiting.poll()  # a task came (or the end of file)


def call(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """A worker's function that runs the function each task names: one worker for
    several kinds of task (a function pickles as its module and name)."""
    return function(*args, **kwargs)


class PipeWorker:
    """One worker process running ``function``; :meth:`submit` returns an asyncio Future.

    Start it from the running event loop's thread, and submit from it only.
    The worker starts from a clean interpreter (forkserver), not a fork of the
    reactor's threads, and imports ``function``'s module once.

    ``batch``: tasks wait in this process until this many bytes of them are
    buffered, or ``batch_delay`` seconds passed, then go in one write (one
    wake-up of the worker for many tasks: for work whose answer is not awaited
    at once). 0: each task is written at once.
    """

    def __init__(
        self,
        function: Callable[..., Any],
        initializer: Callable[..., object] | None = None,
        initargs: tuple[Any, ...] = (),
        *,
        batch: int = 0,
        batch_delay: float = 0.05,
    ) -> None:
        self.function = function
        self.initializer = initializer  # run once in the worker, before its first task
        self.initargs = initargs
        self.loop: asyncio.AbstractEventLoop | None = None
        self.process: Any = None
        self._pipes: list[Connection] = []
        self._tasks_fd = -1
        self._results_fd = -1
        # Tasks not written yet: the rest of a write the pipe took in part, then the queue.
        self._partial = memoryview(b"")
        self._queue: deque[bytes] = deque()
        self._queued = 0  # their bytes
        self._incoming = bytearray()
        self._futures: dict[int, asyncio.Future[Any]] = {}
        self._next_key = 0
        self.batch = batch
        self.batch_delay = batch_delay
        self._flush_later: asyncio.TimerHandle | None = None
        self._writing = False  # waiting for the pipe to drain (add_writer)

    @property
    def in_flight(self) -> int:
        """Tasks handed over and not answered yet."""
        return len(self._futures)

    def _start(self) -> None:
        self.loop = asyncio.get_running_loop()
        context = multiprocessing.get_context("forkserver")
        task_read, task_write = context.Pipe(duplex=False)
        result_read, result_write = context.Pipe(duplex=False)
        for end in (task_write, result_write):
            _grow(end.fileno())
        self.process = context.Process(
            target=_serve,
            args=(self.function, task_read, result_write, self.initializer, self.initargs),
            daemon=True,
            name="newscrawl-worker",
        )
        self.process.start()
        task_read.close()  # the child's ends, now that it holds its copies
        result_write.close()
        self._pipes = [task_write, result_read]
        self._tasks_fd, self._results_fd = task_write.fileno(), result_read.fileno()
        os.set_blocking(self._tasks_fd, False)
        os.set_blocking(self._results_fd, False)
        self.loop.add_reader(self._results_fd, self._readable)

    def submit(self, *args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        """Hand ``function(*args, **kwargs)`` to the worker; its Future resolves in the loop."""
        return self._submit(False, args, kwargs)

    def submit_first(self, *args: Any, **kwargs: Any) -> asyncio.Future[Any]:
        """:meth:`submit`, to run before every task that waits (here or in the worker),
        written at once whatever ``batch`` says: work the crawl waits for to go on."""
        return self._submit(True, args, kwargs)

    def _submit(
        self, first: bool, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> asyncio.Future[Any]:
        if self.process is None:
            self._start()
        assert self.loop is not None
        key = self._next_key
        self._next_key += 1
        future: asyncio.Future[Any] = self.loop.create_future()
        self._futures[key] = future
        data = pickle.dumps((key, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        message = _TASK.pack(len(data), first) + data
        if first:
            self._queue.appendleft(message)
        else:
            self._queue.append(message)
        self._queued += len(message)
        if not self._writing:
            if first or self._queued >= self.batch:
                self._writable()
            elif self._flush_later is None:
                self._flush_later = self.loop.call_later(self.batch_delay, self._writable)
        return future

    def flush(self) -> None:
        """Write the tasks a batch holds now (see ``batch``)."""
        if self._queued and not self._writing and self.process is not None:
            self._writable()

    def _writable(self) -> None:
        """Write what the pipe takes; wait for it to drain when it is full.

        Whole tasks are joined into writes of up to the pipe's size; a task
        :meth:`submit_first` queues goes after the write in progress only."""
        assert self.loop is not None
        if self._flush_later is not None:
            self._flush_later.cancel()
            self._flush_later = None
        while self._partial or self._queue:
            if not self._partial:
                parts = [self._queue.popleft()]
                size = len(parts[0])
                while self._queue and size < PIPE_SIZE:
                    parts.append(self._queue.popleft())
                    size += len(parts[-1])
                self._partial = memoryview(parts[0] if len(parts) == 1 else b"".join(parts))
            try:
                written = os.write(self._tasks_fd, self._partial)
            except BlockingIOError:
                break
            except OSError:  # the worker is gone: the reader sees its end of file
                self._drop_queued()
                break
            self._queued -= written
            self._partial = self._partial[written:]
            if self._partial:  # the pipe is full
                break
        if self._partial or self._queue:
            if not self._writing:
                self.loop.add_writer(self._tasks_fd, self._writable)
                self._writing = True
        elif self._writing:
            self.loop.remove_writer(self._tasks_fd)
            self._writing = False

    def _drop_queued(self) -> None:
        self._partial = memoryview(b"")
        self._queue.clear()
        self._queued = 0

    def _readable(self) -> None:
        """Read the results there are; settle their futures."""
        try:
            while True:
                chunk = os.read(self._results_fd, PIPE_SIZE)
                if not chunk:
                    self._died()
                    return
                self._incoming += chunk
                if len(chunk) < PIPE_SIZE:
                    break
        except BlockingIOError:
            pass
        while len(self._incoming) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self._incoming)
            end = _LENGTH.size + size
            if len(self._incoming) < end:
                break
            key, ok, value = pickle.loads(self._incoming[_LENGTH.size : end])
            del self._incoming[:end]
            future = self._futures.pop(key, None)
            if future is None or future.done():
                continue
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def _died(self) -> None:
        """The worker ended: fail what it held; the next task starts another."""
        code = self.process.exitcode if self.process is not None else None
        if self.process is not None:
            self.process.join(timeout=5)
            code = self.process.exitcode
        logger.error("worker process ended (exit code %s) holding %d tasks", code, self.in_flight)
        self._teardown(WorkerDied(f"the worker process ended (exit code {code})"))

    def _teardown(self, error: BaseException | None) -> None:
        if self._flush_later is not None:
            self._flush_later.cancel()
            self._flush_later = None
        self._writing = False
        if self.loop is not None and self._results_fd >= 0:
            self.loop.remove_reader(self._results_fd)
            self.loop.remove_writer(self._tasks_fd)
        for pipe in self._pipes:
            pipe.close()
        self._pipes = []
        self._tasks_fd = self._results_fd = -1
        futures, self._futures = self._futures, {}
        for future in futures.values():
            if not future.done():
                if error is None:
                    future.cancel()
                else:
                    future.set_exception(error)
        self._drop_queued()
        self._incoming.clear()
        self.process = None

    def close(self, *, finish: bool = True) -> None:
        """Stop the worker: it finishes its task, reads end of file and exits.

        ``finish=False``: it is terminated at once instead, whatever it is doing
        (for a worker whose only task is of no use any more).
        """
        process = self.process
        if process is None:
            return
        self._teardown(None)  # closing the task pipe is the worker's signal to exit
        if finish:
            process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
