"""Readers and writers beside a harvest: an ``newsarchive export`` streaming never blocks it
(WAL) and sees one consistent snapshot; a second writer holding the write lock makes it wait
(busy timeout, 30 s by default) and then finish with everything; held past the timeout, the
harvest stores what it can, fails with one ``Error:`` line and exit 1 naming how many articles
were not stored, and the next harvest completes the archive.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from newscrawl.demo.server import DemoServer

pytestmark = pytest.mark.e2e


from tests.faults.archive_harvests import (
    ALL_DUE,
    BIN,
    DEMO_ARTICLES,
    FAST,
    SLEEP_SYSCALLS,
    SLOW,
    archived,
    assert_whole,
    connect,
    harvest,
    health,
    one_error_line,
    snapshot,
    start_harvest,
    wait_for,
    waiting_on_a_lock,
)


def journal_mode(db: Path) -> str:
    with connect(db) as conn:
        return str(conn.execute("pragma journal_mode").fetchone()[0])


def small_pipe() -> tuple[int, int]:
    """A pipe holding one page (4 KiB): a writer into it blocks as soon as it is full."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, 1031, 4096)  # F_SETPIPE_SZ
    return read_end, write_end


def test_export_streaming_during_a_harvest_neither_blocks_nor_sees_half_a_run(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.sqlite"
    with DemoServer() as server:
        first = harvest(server.base_url, str(db), *FAST)
        assert first.returncode == 0, first.stderr
        assert journal_mode(db) == "wal"
        with connect(db) as conn:
            views_before = dict(conn.execute("select url, views from articles").fetchall())
        # The export writes into a pipe nobody reads: it stops mid-stream, inside its
        # read transaction, for as long as the harvest runs.
        read_end, write_end = small_pipe()
        export = subprocess.Popen(
            [str(BIN / "newsarchive"), "--db", str(db), "export"],
            stdout=write_end, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        os.close(write_end)
        reader = os.fdopen(read_end, "r", encoding="utf-8")
        first_line = reader.readline()  # it is streaming, its snapshot is taken
        assert json.loads(first_line)["url"]
        second = harvest(server.base_url, str(db), *FAST, ALL_DUE)
        assert export.poll() is None, "the export was meant to be still streaming"
        rest = reader.read()
        reader.close()
        assert export.wait(timeout=60) == 0, export.stderr.read() if export.stderr else ""
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout.strip().endswith("-> ok")
    exported = [json.loads(line) for line in [first_line, *rest.splitlines()]]
    # One consistent snapshot: every article once, with the counts of before the harvest.
    assert len(exported) == DEMO_ARTICLES
    assert {a["url"]: a["views"] for a in exported} == views_before
    found = assert_whole(db, DEMO_ARTICLES)
    assert found.observations == 2 * DEMO_ARTICLES
    assert found.runs == ["finished", "finished"]


needs_proc_syscall = pytest.mark.skipif(
    not SLEEP_SYSCALLS or not Path(f"/proc/{os.getpid()}/syscall").exists(),
    reason="needs Linux /proc/PID/syscall on x86_64 or aarch64",
)


@contextmanager
def write_lock(db: Path) -> Iterator[sqlite3.Connection]:
    """A second writer: ``BEGIN IMMEDIATE`` holds the archive's write lock until the block ends."""
    conn = sqlite3.connect(db, timeout=30, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")  # in WAL mode: the one write lock
        yield conn
        conn.execute("ROLLBACK")
    finally:
        conn.close()


@needs_proc_syscall
def test_a_second_writer_within_the_busy_timeout_makes_the_harvest_wait(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with DemoServer() as server:
        run = start_harvest(server.base_url, str(db), *SLOW)
        wait_for(lambda: archived(db) >= 3)  # a first batch is committed
        with write_lock(db):
            # Hold the lock until the harvest is seen waiting for it (SQLite's busy handler).
            wait_for(lambda: waiting_on_a_lock(run.pid) or run.poll() is not None)
            assert run.poll() is None, "the harvest ended before it met the lock"
        out, err = run.communicate(timeout=300)
    assert run.returncode == 0, err[-2000:]
    assert out.strip().endswith("-> ok")
    found = assert_whole(db, DEMO_ARTICLES)
    assert found.runs[-1] == "finished"


def test_a_second_writer_past_the_busy_timeout_fails_the_harvest_and_loses_nothing(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.sqlite"
    log = tmp_path / "harvest.log"
    url = f"sqlite:///{db}?timeout=0.3"  # wait 0.3 s for a lock, not the default 30 s
    with DemoServer() as server:
        run = start_harvest(server.base_url, url, *SLOW, log=log)
        wait_for(lambda: archived(db) >= 3)
        committed = snapshot(db)
        with write_lock(db):
            # Hold it until the harvest has failed to store a batch (it says so in its log).
            wait_for(lambda: "database is locked" in log.read_text() or run.poll() is not None)
        out, err = run.communicate(timeout=300)
        result = subprocess.CompletedProcess(run.args, run.returncode, out, err)
        assert run.returncode == 1, err[-2000:]
        line = one_error_line(result)
        assert "articles could not be stored in the archive (database is locked)" in line
        # What was committed before the lock is still there, unchanged.
        after = snapshot(db)
        assert {url: after[url] for url in committed} == committed
        assert_whole(db)
        assert health(db).runs == ["failed"]
        # The next harvest completes the archive.
        rerun = harvest(server.base_url, str(db), *FAST)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    found = assert_whole(db, DEMO_ARTICLES)
    assert found.runs == ["failed", "finished"]


def test_a_writer_holding_the_lock_for_the_whole_run_fails_it_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with DemoServer() as server:
        first = harvest(server.base_url, str(db), *FAST)
        assert first.returncode == 0, first.stderr
        before = snapshot(db)
        with write_lock(db):
            result = harvest(
                server.base_url, f"sqlite:///{db}?timeout=0.3", *FAST, log=tmp_path / "h.log"
            )
    assert result.returncode == 1
    line = one_error_line(result)
    assert "could not start: database is locked" in line or "database is locked" in line
    assert snapshot(db) == before
    assert assert_whole(db, DEMO_ARTICLES).runs == ["finished"]


# -- 3. the disk is full ---------------------------------------------------------
