"""A full disk and killed harvests: a full disk fails the harvest in one line (exit 1) and the
archive opens and holds everything committed before; a harvest killed with SIGKILL at any
moment leaves only whole articles, and the next run completes the archive and marks the killed
runs interrupted.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from archive import open_archive
from newscrawl.demo.server import DemoServer

pytestmark = pytest.mark.e2e


from tests.faults.archive_harvests import (
    ALL_DUE,
    DEMO_ARTICLES,
    FAST,
    SLOW,
    archived,
    assert_whole,
    harvest,
    holds_open,
    one_error_line,
    process_tree,
    snapshot,
    start_harvest,
    still_running,
    wait_for,
)


@contextmanager
def small_disk(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path`` (needs root; skipped otherwise)."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Write a filler file until only ``leave`` bytes stay free on ``disk``."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    free = stat.f_bavail * stat.f_frsize
    with open(filler, "wb") as out:
        out.write(b"\0" * max(0, free - leave))
    return filler


def test_a_full_disk_fails_the_harvest_in_one_line_and_keeps_what_was_committed(
    tmp_path: Path,
) -> None:
    log = tmp_path / "harvest.log"  # the log lives elsewhere: only the archive's disk is full
    with small_disk(tmp_path / "disk", "16m") as disk, DemoServer() as server:
        db = disk / "archive.sqlite"
        first = harvest(server.base_url, str(db), *FAST)
        assert first.returncode == 0, first.stderr
        committed = snapshot(db)
        filler = fill(disk, leave=64 * 1024)
        full = harvest(server.base_url, str(db), *SLOW, ALL_DUE, log=log)
        assert full.returncode == 1, full.stdout + full.stderr[-2000:]
        line = one_error_line(full)
        assert "database or disk is full" in line, line
        assert "Traceback" not in full.stderr
        # Space again: the archive opens, is sound, and holds everything committed before.
        filler.unlink()
        opened = open_archive(str(db), create=False)
        opened.close()
        assert snapshot(db) == committed
        found = assert_whole(db, DEMO_ARTICLES)
        assert found.runs[0] == "finished"
        assert found.runs[1] in ("running", "failed"), found.runs  # it could not close its record
        again = harvest(server.base_url, str(db), *FAST, ALL_DUE)
        assert again.returncode == 0, again.stderr[-2000:]
        found = assert_whole(db, DEMO_ARTICLES)
        assert found.runs[1] in ("interrupted", "failed")
        assert found.runs[-1] == "finished"


def test_a_disk_full_from_the_start_fails_before_crawling(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "1m") as disk, DemoServer() as server:
        db = disk / "archive.sqlite"
        fill(disk, leave=0)
        result = harvest(server.base_url, str(db), *FAST, log=tmp_path / "h.log")
        assert result.returncode == 1
        line = one_error_line(result)
        assert "full" in line or "No space left" in line, line
        assert sum(server.fetch_counts.values()) == 0  # nothing fetched for nothing


# -- 4. SIGKILL at random moments, repeated ------------------------------------------

KILLS = 5


def test_repeated_sigkill_at_random_moments_never_leaves_a_broken_archive(tmp_path: Path) -> None:
    rng = random.Random(20260107)
    db = tmp_path / "archive.sqlite"
    killed = 0
    with DemoServer() as server:

        def fetched() -> int:
            return sum(server.fetch_counts.values())

        for _ in range(KILLS):
            # Kill after 1..30 more requests: during robots/list pages, mid-batch or
            # between commits, depending on where that lands.
            target = fetched() + rng.randint(1, 30)
            run = start_harvest(server.base_url, str(db), *SLOW)
            wait_for(lambda run=run, target=target: fetched() >= target or run.poll() is not None)
            if run.poll() is None:
                run.send_signal(signal.SIGKILL)
                killed += 1
            run.communicate(timeout=60)
            assert run.returncode in (-signal.SIGKILL, 0)
            if db.exists() and archived(db):
                assert_whole(db)
        final = harvest(server.base_url, str(db), *FAST)
    assert killed >= KILLS - 1, "the kills must land while the harvest runs"
    assert final.returncode == 0, final.stderr[-2000:]
    found = assert_whole(db, DEMO_ARTICLES)
    assert found.runs[-1] == "finished"
    assert "running" not in found.runs, "a killed run was not marked interrupted"
    assert found.runs.count("interrupted") >= killed - 1  # a kill before start_run leaves no record


#: Two-process mode (a worker and a writer process), set whatever the cores this test may use.
TWO_PROCESS = ("NEWSCRAWL_EXTRACT_WORKERS=1", "ARCHIVE_WRITER=process")

needs_proc = pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/fd").exists(), reason="needs Linux /proc"
)


@needs_proc
def test_a_harvest_killed_in_two_process_mode_takes_its_processes_along(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with DemoServer() as server:
        run = start_harvest(server.base_url, str(db), *SLOW, *TWO_PROCESS)
        wait_for(lambda: archived(db) >= 3 or run.poll() is not None)  # the writer committed
        tree = process_tree(run.pid)
        assert run.poll() is None, "the harvest ended before it could be killed"
        helpers = [pid for pid in tree if pid != run.pid]
        # The forkserver, the extraction worker and the writer (which has the archive open).
        assert len(helpers) >= 3, tree
        assert any(holds_open(pid, db) for pid in helpers), "no writer process holds the archive"
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=60)  # nothing of it holds its stdout and stderr any more
        assert run.returncode == -signal.SIGKILL
        wait_for(lambda: not still_running(tree), timeout=30)
        final = harvest(server.base_url, str(db), *FAST, *TWO_PROCESS)
    assert final.returncode == 0, final.stderr[-2000:]
    found = assert_whole(db, DEMO_ARTICLES)
    assert found.runs == ["interrupted", "finished"]


def test_unstored_articles_counts_what_passed_normalization_but_was_not_stored() -> None:
    from newscrawl.storage.signals import unstored_articles

    assert unstored_articles({}) == 0
    stored = {"newscrawl/items": 33, "newscrawl/archive/new": 30, "newscrawl/archive/updated": 3}
    assert unstored_articles(stored) == 0
    assert unstored_articles({**stored, "newscrawl/archive/new": 21}) == 9
    assert unstored_articles({**stored, "newscrawl/archive/unchanged": 5}) == 0  # never negative
