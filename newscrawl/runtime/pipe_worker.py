"""A worker process fed through two pipes that the crawl's event loop watches itself.

``concurrent.futures.ProcessPoolExecutor`` costs the submitting process CPU
on every task: a feeder thread pickles and writes, a management thread
reads, and both wake the reactor's thread through the GIL, which gave back
half of what moving the extraction away saved. Here the event loop writes
each task to a pipe and reads each result from another as soon as the pipe
is readable, with no thread in between, so a task costs the crawl little
more than unpickling its result (``benchmarks/TUNING.md`` has both costs).

Messages are pickles behind an 8-byte length. The loop's side never blocks:
tasks wait in a buffer until the pipe takes them (``add_writer``), results
are read as they come (``add_reader``). So the worker, which writes its
results with blocking writes, can always finish a write, and neither side
can wait for the other forever.

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
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct("!Q")
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


def _read_exactly(fd: int, size: int) -> bytes | None:
    """``size`` bytes from a blocking fd; None at end of file."""
    chunks: list[bytes] = []
    while size:
        chunk = os.read(fd, min(size, PIPE_SIZE))
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _write_some(fd: int, data: bytearray) -> None:
    """Write what a non-blocking ``fd`` takes now; drop that much from the front of ``data``."""
    with contextlib.suppress(BlockingIOError):
        del data[: os.write(fd, data)]


def _write_all(fd: int, data: bytes | bytearray) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _serve(
    function: Callable[..., Any],
    task_pipe: Connection,
    result_pipe: Connection,
    initializer: Callable[..., object] | None = None,
    initargs: tuple[Any, ...] = (),
) -> None:
    """The worker's loop: read a task, run ``function`` on it, write the outcome.

    The pipes come as multiprocessing Connections (that is how forkserver
    hands a child its file descriptors); they are read and written raw, with
    this module's framing. ``initializer(*initargs)`` runs first, once.

    Answers are written without waiting: what the result pipe does not take
    stays here while the next task runs. When the crawl's loop is busy for a
    while (storing a batch of articles inline takes the length of many pages)
    the pipe fills up, and a worker that waited for it to drain would sit idle
    with pages queued. It waits only when it has no task: for a task, or for
    room to write its answers.
    """
    if initializer is not None:
        initializer(*initargs)
    tasks, results = task_pipe.fileno(), result_pipe.fileno()
    os.set_blocking(results, False)
    waiting = select.poll()
    waiting.register(tasks, select.POLLIN)
    both = select.poll()
    both.register(tasks, select.POLLIN)
    both.register(results, select.POLLOUT)
    # Answers are written when no further task is there yet, or when ANSWERS_AT_ONCE
    # of them wait: one wake-up of the loop's side for several.
    answers = bytearray()
    held = 0
    behind = False  # answers are left over from a write the pipe did not take whole
    while True:
        task_ready = bool(waiting.poll(0))
        if answers and (behind or held >= ANSWERS_AT_ONCE or not task_ready):
            _write_some(results, answers)
            held = 0
            behind = bool(answers)
            if behind and not task_ready:
                both.poll()  # a task came, or the pipe has room again
                continue
        header = _read_exactly(tasks, _LENGTH.size)
        body = None if header is None else _read_exactly(tasks, _LENGTH.unpack(header)[0])
        if header is None or body is None:  # the crawl closed its end: done
            with contextlib.suppress(OSError):  # unless it is gone: nobody to answer
                os.set_blocking(results, True)
                _write_all(results, answers)
            return
        key, args, kwargs = pickle.loads(body)
        try:
            outcome = (key, True, function(*args, **kwargs))
            data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - any failure goes back to the task's future
            try:
                data = pickle.dumps((key, False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its text does
                error = RuntimeError(f"{type(exc).__name__}: {exc}")
                data = pickle.dumps((key, False, error), protocol=pickle.HIGHEST_PROTOCOL)
        answers += _LENGTH.pack(len(data))
        answers += data
        held += 1


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
        self._outgoing = bytearray()
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
        if self.process is None:
            self._start()
        assert self.loop is not None
        key = self._next_key
        self._next_key += 1
        future: asyncio.Future[Any] = self.loop.create_future()
        self._futures[key] = future
        data = pickle.dumps((key, args, kwargs), protocol=pickle.HIGHEST_PROTOCOL)
        self._outgoing += _LENGTH.pack(len(data))
        self._outgoing += data
        if not self._writing:
            if len(self._outgoing) >= self.batch:
                self._writable()
            elif self._flush_later is None:
                self._flush_later = self.loop.call_later(self.batch_delay, self._writable)
        return future

    def flush(self) -> None:
        """Write the tasks a batch holds now (see ``batch``)."""
        if self._outgoing and not self._writing and self.process is not None:
            self._writable()

    def _writable(self) -> None:
        """Write what the pipe takes; wait for it to drain when it is full."""
        assert self.loop is not None
        if self._flush_later is not None:
            self._flush_later.cancel()
            self._flush_later = None
        try:
            written = os.write(self._tasks_fd, self._outgoing)
        except BlockingIOError:
            written = 0
        except OSError:  # the worker is gone: the reader sees its end of file
            written = len(self._outgoing)
        del self._outgoing[:written]
        if self._outgoing:
            self.loop.add_writer(self._tasks_fd, self._writable)
            self._writing = True
        elif self._writing:
            self.loop.remove_writer(self._tasks_fd)
            self._writing = False

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
        self._outgoing.clear()
        self._incoming.clear()
        self.process = None

    def close(self) -> None:
        """Stop the worker: it finishes its task, reads end of file and exits."""
        process = self.process
        if process is None:
            return
        self._teardown(None)  # closing the task pipe is the worker's signal to exit
        process.join(timeout=10)
        if process.is_alive():
            process.terminate()
            process.join(timeout=5)
