"""The extraction worker process behind pipes (newscrawl.runtime.pipe_worker): results,
errors, big payloads both ways, a worker that dies, and closing.

Real processes, real pipes, a real asyncio loop; nothing is mocked.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import select
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from newscrawl.runtime.pipe_worker import PipeWorker, WorkerDied

#: Linux's F_GETPIPE_SZ (not in every Python's fcntl module).
F_GETPIPE_SZ = getattr(fcntl, "F_GETPIPE_SZ", 1032)


def echo_length(payload: bytes, *, times: int = 1) -> tuple[int, bytes]:
    """The payload's length, and the payload repeated: a task with a big answer."""
    return len(payload), payload * times


def fail(message: str) -> None:
    raise ValueError(message)


class Unpicklable(Exception):
    def __init__(self) -> None:
        super().__init__("cannot travel")
        self.handle = lambda: None  # a lambda does not pickle

    def __reduce__(self) -> Any:
        raise TypeError("no pickling")


def fail_unpicklably() -> None:
    raise Unpicklable


def my_pid(_: int = 0) -> int:
    return os.getpid()


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def test_results_come_back_in_their_futures() -> None:
    async def scenario() -> list[tuple[int, bytes]]:
        worker = PipeWorker(echo_length)
        try:
            futures = [worker.submit(bytes([n]) * n, times=2) for n in range(1, 40)]
            assert worker.in_flight == len(futures)
            return list(await asyncio.gather(*futures))
        finally:
            worker.close()

    results = run(scenario())
    assert results == [(n, bytes([n]) * n * 2) for n in range(1, 40)]


def test_a_batching_worker_answers_what_waits_for_the_delay_or_a_flush() -> None:
    async def scenario() -> list[tuple[int, bytes]]:
        # Nothing is written until 1 MB of tasks is there: the delay sends them.
        worker = PipeWorker(echo_length, batch=1 << 20, batch_delay=0.01)
        try:
            futures = [worker.submit(bytes([n]) * n) for n in range(1, 100)]
            answers = list(await asyncio.gather(*futures))
            # A flush sends at once (a delay of an hour would never come).
            worker.batch_delay = 3600.0
            last = worker.submit(b"last")
            worker.flush()
            answers.append(await asyncio.wait_for(last, timeout=60))
            # The task that fills the batch sends them all, in order.
            many = [worker.submit(os.urandom(300_000)) for _ in range(4)]
            assert [answer[0] for answer in await asyncio.gather(*many)] == [300_000] * 4
            return answers
        finally:
            worker.close()

    answers = run(scenario())
    assert answers == [(n, bytes([n]) * n) for n in range(1, 100)] + [(4, b"last")]


def test_big_payloads_both_ways_do_not_stall() -> None:
    """20 MB out and 40 MB back, many at once: far beyond the pipes' buffers."""
    big = os.urandom(20 * 1024 * 1024)

    async def scenario() -> list[int]:
        worker = PipeWorker(echo_length)
        try:
            futures = [worker.submit(big, times=2) for _ in range(3)]
            small = worker.submit(b"x")
            answers = await asyncio.wait_for(asyncio.gather(*futures, small), timeout=120)
            assert all(answer[1] == big * 2 for answer in answers[:3])
            return [answer[0] for answer in answers]
        finally:
            worker.close()

    assert run(scenario()) == [len(big)] * 3 + [1]


def test_an_error_in_the_task_fails_its_future_only() -> None:
    async def scenario() -> None:
        worker = PipeWorker(fail)
        odd = PipeWorker(fail_unpicklably)
        other = PipeWorker(echo_length)
        try:
            with pytest.raises(ValueError, match="bad page"):
                await worker.submit("bad page")
            pid = worker.process.pid
            with pytest.raises(ValueError, match="again"):
                await worker.submit("again")
            assert worker.process.pid == pid  # the same worker goes on
            with pytest.raises(RuntimeError, match="Unpicklable: cannot travel"):
                await odd.submit()
            assert await other.submit(b"abc") == (3, b"abc")
        finally:
            for each in (worker, odd, other):
                each.close()

    run(scenario())


def test_a_dead_worker_fails_its_tasks_and_a_new_one_takes_the_next() -> None:
    async def scenario() -> tuple[int, int]:
        worker = PipeWorker(my_pid)
        try:
            first = await worker.submit()
            os.kill(first, signal.SIGKILL)
            with pytest.raises(WorkerDied, match="exit code -9"):
                await asyncio.wait_for(worker.submit(), timeout=30)
            assert worker.in_flight == 0
            second = await asyncio.wait_for(worker.submit(), timeout=30)
            return first, second
        finally:
            worker.close()

    first, second = run(scenario())
    assert first != second


def test_close_stops_the_process_and_cancels_what_is_left() -> None:
    async def scenario() -> None:
        worker = PipeWorker(my_pid)
        pid = await worker.submit()
        process = worker.process
        pending = worker.submit()
        worker.close()
        assert pending.cancelled()
        assert not process.is_alive()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)

    run(scenario())


def answer_and_report(number: int, fifo: str, size: int) -> bytes:
    """A big answer; the task's number is told on a FIFO as soon as it has run."""
    with open(fifo, "w", encoding="ascii") as told:
        told.write(f"{number}\n")
    return bytes([number]) * size


def read_reports(fd: int, count: int, timeout: float) -> list[int]:
    """The task numbers told on the FIFO, until ``count`` came or nothing came for ``timeout``."""
    text = b""
    while text.count(b"\n") < count:
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            break
        text += os.read(fd, 4096)
    return [int(line) for line in text.split()]


def test_the_worker_goes_on_while_nobody_reads_its_answers(tmp_path: Path) -> None:
    """The crawl's loop may be busy for a while (storing a batch inline): the worker
    keeps running the tasks it has instead of waiting for the full pipe to drain."""
    fifo = str(tmp_path / "reports")
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keeper = os.open(fifo, os.O_WRONLY)  # a writer always: the reader never sees end of file
    tasks = 48  # past ANSWERS_AT_ONCE, 100 KB answers: far more than the pipe holds
    size = 100_000

    async def scenario() -> tuple[list[int], list[bytes]]:
        worker = PipeWorker(answer_and_report)
        try:
            futures = [worker.submit(n, fifo, size) for n in range(tasks)]
            # The loop does not run meanwhile: no answer is read.
            reported = read_reports(reader, tasks, timeout=30)
            answers = list(await asyncio.gather(*futures))
            return reported, answers
        finally:
            worker.close()

    try:
        reported, answers = run(scenario())
    finally:
        os.close(keeper)
        os.close(reader)
    assert reported == list(range(tasks))
    assert answers == [bytes([n]) * size for n in range(tasks)]


def report_then_wait(number: int, reports: str, tokens: str, payload: bytes = b"") -> int:
    """Tell ``number`` on the reports FIFO, then wait for one byte on the tokens FIFO
    (``payload``: only to make the task big)."""
    with open(reports, "w", encoding="ascii") as told:
        told.write(f"{number}\n")
    fd = os.open(tokens, os.O_RDONLY)
    try:
        os.read(fd, 1)
    finally:
        os.close(fd)
    return number


def make_fifos(tmp_path: Path) -> tuple[str, str, int, int, int]:
    """A reports FIFO (read here) and a tokens FIFO (written here), opened so no open blocks."""
    reports, tokens = str(tmp_path / "reports"), str(tmp_path / "tokens")
    os.mkfifo(reports)
    os.mkfifo(tokens)
    reader = os.open(reports, os.O_RDONLY | os.O_NONBLOCK)
    keeper = os.open(reports, os.O_WRONLY)  # the reader never sees end of file
    giver = os.open(tokens, os.O_RDWR)  # tasks open it for reading without waiting
    return reports, tokens, reader, keeper, giver


def test_a_task_submitted_first_runs_before_those_waiting(tmp_path: Path) -> None:
    """A list page's links go before the article pages queued ahead of them."""
    reports, tokens, reader, keeper, giver = make_fifos(tmp_path)

    async def scenario() -> list[int]:
        worker = PipeWorker(report_then_wait)
        try:
            blocker = worker.submit(0, reports, tokens)
            assert read_reports(reader, 1, timeout=30) == [0]  # the worker is in task 0
            rest = [worker.submit(n, reports, tokens) for n in range(1, 11)]
            urgent = worker.submit_first(99, reports, tokens)
            os.write(giver, b"x" * 12)
            await asyncio.gather(blocker, urgent, *rest)
            return read_reports(reader, 11, timeout=30)
        finally:
            worker.close()

    try:
        order = run(scenario())
    finally:
        for fd in (reader, keeper, giver):
            os.close(fd)
    assert order == [99, *range(1, 11)]


def test_the_worker_takes_in_what_the_pipe_holds_before_its_next_task(tmp_path: Path) -> None:
    """So the crawl's loop can hand over another pipe-full while the worker runs a task:
    a loop that is then busy for a while leaves the worker more than one pipe-full."""
    reports, tokens, reader, keeper, giver = make_fifos(tmp_path)
    size = 100_000

    async def scenario() -> tuple[int, int, int]:
        worker = PipeWorker(report_then_wait)
        try:
            futures = [worker.submit(0, reports, tokens)]
            assert read_reports(reader, 1, timeout=30) == [0]  # the worker is in task 0
            pipe = fcntl.fcntl(worker._tasks_fd, F_GETPIPE_SZ)
            count = 3 * pipe // size + 3  # three pipe-fulls and more
            futures += [worker.submit(n, reports, tokens, b"-" * size) for n in range(1, count)]
            total = worker._queued + pipe  # about: the pipe took one pipe-full
            os.write(giver, b"x")  # task 0 ends; task 1 waits for the next token
            assert read_reports(reader, 1, timeout=30) == [1]
            deadline = time.monotonic() + 30
            # The loop runs (its writer hands over what the pipe takes) until the worker,
            # held in task 1, has taken what it will.
            while total - worker._queued < 2 * pipe - size and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            handed_over = total - worker._queued
            os.write(giver, b"x" * count)
            await asyncio.gather(*futures)
            return pipe, handed_over, len(read_reports(reader, count - 2, timeout=30))
        finally:
            worker.close()

    try:
        pipe, handed_over, later = run(scenario())
    finally:
        for fd in (reader, keeper, giver):
            os.close(fd)
    # One task at a time would have taken one pipe-full and one task by now.
    assert handed_over >= 2 * pipe - size
    assert later == 3 * pipe // size + 1
