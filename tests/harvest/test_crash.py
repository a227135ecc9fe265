"""Crash safety and overlap: a harvest killed with SIGKILL mid-run, one started during another.

The first harvest is killed once the archive holds its first committed
batch (the test waits for that state, not for a time). The next harvest
must finish the work: every article archived once, no half-written article
(sections and links belong to archived articles), and the killed run's
record says "interrupted".
"""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newscrawl.cli_common import archive_url
from newscrawl.demo.expected import expected_articles
from newscrawl.demo.server import DemoServer
from newscrawl.harvest.locks import lock_path

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
# Slow and small batches, so that a kill lands between commits with work left.
SLOW = ("DOWNLOAD_DELAY=0.1", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "ARCHIVE_BATCH_SIZE=3")


def harvest(base: str, db: Path, *settings: str) -> subprocess.Popen[str]:
    command = [str(BIN / "newscrawl"), "harvest", "--url", base + "/", "--db", str(db)]
    for setting in settings:
        command += ["-s", setting]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def archived(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll an observable condition (not a fixed sleep) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


def test_a_harvest_killed_mid_run_is_completed_by_the_next(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    with DemoServer() as server:
        expected = len(expected_articles(server.base_url))
        first = harvest(server.base_url, db, *SLOW)
        wait_for(lambda: archived(db) >= 3)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        killed_with = archived(db)
        second = harvest(server.base_url, db, "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0")
        _out, err = second.communicate(timeout=300)
    assert first.returncode == -signal.SIGKILL
    assert 3 <= killed_with < expected, "the kill must leave work for the next run"
    assert second.returncode == 0, err
    with sqlite3.connect(db) as conn:
        urls = [row[0] for row in conn.execute("select url from articles")]
        orphans = conn.execute(
            "select (select count(*) from sections where article_id not in (select id from articles))"
            " + (select count(*) from links where article_id not in (select id from articles))"
            " + (select count(*) from observations where article_id not in (select id from articles))"
        ).fetchone()[0]
        empty = conn.execute(
            "select count(*) from articles a where not exists"
            " (select 1 from sections s where s.article_id = a.id)"
        ).fetchone()[0]
        statuses = [row[0] for row in conn.execute("select status from crawl_runs order by id")]
    assert len(urls) == expected
    assert len(set(urls)) == len(urls)
    assert orphans == 0
    assert empty == 0, "an article was stored without its sections"
    assert statuses == ["interrupted", "finished"]


def test_a_second_harvest_during_the_first_exits_with_the_lock_code(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    lock = lock_path(archive_url(str(db)), "127.0.0.1")
    with DemoServer() as server:
        first = harvest(server.base_url, db, *SLOW)
        # The first run holds the lock once its pid is in the lock file.
        wait_for(lambda: lock.exists() and lock.read_text().strip() == str(first.pid))
        second = harvest(server.base_url, db)
        _out, err = second.communicate(timeout=60)
        first_out, first_err = first.communicate(timeout=300)
    assert second.returncode == 3
    assert err.count("\n") == 1 and str(first.pid) in err
    assert first.returncode == 0, first_err
    assert first_out.strip().endswith("-> ok")
