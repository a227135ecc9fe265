"""``newscrawl harvest``: the cron run, over real HTTP, as a subprocess.

Each harvest runs in its own process (the console script next to the test's
Python), so Twisted reactors never clash. The demo site and a tiny
``http.server`` serving a list page without article links play the sites.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archive import open_archive, previous_runs, start_run
from archive.queries import count_articles
from newscrawl.cli_common import archive_url
from newscrawl.demo.expected import expected_articles
from newscrawl.demo.server import DemoServer
from newscrawl.harvest.locks import lock_path
from newscrawl.harvest.verdict import health_problem
from tests.support.runs import runs_of

BIN = Path(sys.executable).parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


def harvest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "newscrawl"), "harvest", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def add_running_row(db: Path, site: str) -> int:
    """A run record left "running" by a harvest that was killed."""
    opened = open_archive(str(db))
    try:
        with opened.begin() as session:
            return start_run(
                session,
                spider="cms",
                archive_url=str(db),
                started_at="2020-01-01T00:00:00+00:00",
                site=site,
            )
    finally:
        opened.close()


@dataclass
class Harvested:
    db: Path
    log: Path
    result: subprocess.CompletedProcess[str]
    stale_id: int
    other_site_id: int


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> Harvested:
    """One healthy harvest of the demo site, over an archive holding two killed runs."""
    tmp = tmp_path_factory.mktemp("harvest")
    db = tmp / "archive.sqlite"
    stale = add_running_row(db, "127.0.0.1")
    other = add_running_row(db, "other.example")
    log = tmp / "logs" / "harvest.log"
    log.parent.mkdir()
    with DemoServer(theme="phpmywind") as server:
        result = harvest(
            "--url", f"{server.base_url}/", "--db", str(db), "--log-file", str(log), *FAST,
            cwd=tmp,
        )  # fmt: skip
    return Harvested(db, log, result, stale, other)


@pytest.mark.e2e
def test_harvest_archives_the_demo_and_prints_one_summary_line(harvested: Harvested) -> None:
    result = harvested.result
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("harvest 127.0.0.1: ")
    assert (
        "33 articles (new 33, updated 0, revisited 0, gone 0), 0 known skipped, 0 errors"
        in lines[0]
    )
    assert lines[0].endswith("-> ok")
    opened = open_archive(str(harvested.db), create=False)
    with opened.session() as session:
        assert count_articles(session) == len(expected_articles("http://x")) == 33


@pytest.mark.e2e
def test_harvest_run_record_carries_site_and_health(harvested: Harvested) -> None:
    run = runs_of(harvested.db)[0]
    assert run.status == "finished"
    assert run.stats["newscrawl/site"] == "127.0.0.1"
    assert run.stats["health"] == "ok"
    assert run.stats["newscrawl/list_pages"] >= 1


@pytest.mark.e2e
def test_stale_running_run_of_the_site_is_marked_interrupted(harvested: Harvested) -> None:
    status = {run.id: run.status for run in runs_of(harvested.db)}
    assert status[harvested.stale_id] == "interrupted"
    # Another site's run may be alive under its own lock: left alone.
    assert status[harvested.other_site_id] == "running"


@pytest.mark.e2e
def test_log_file_gets_the_scrapy_log_with_periodic_stats(harvested: Harvested) -> None:
    text = harvested.log.read_text()
    assert "Spider opened" in text
    assert "Crawled 0 pages" in text  # LogStats: one such line per LOGSTATS_INTERVAL
    assert "marked 1 earlier run(s) of 127.0.0.1 as interrupted" in text


def test_second_harvest_while_one_holds_the_lock_exits_3(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    path = lock_path(archive_url(str(db)), "127.0.0.1")
    with open(path, "w") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.write(f"{os.getpid()}\n")
        held.flush()
        result = harvest("--url", "http://127.0.0.1:9/", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 3
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"pid {os.getpid()}" in result.stderr
    assert "another harvest" in result.stderr
    assert not db.exists()  # nothing touched before the lock was taken


def test_lock_path_per_archive_and_site(tmp_path: Path) -> None:
    url = archive_url(str(tmp_path / "a.sqlite"))
    assert lock_path(url, "xingyuyle") == tmp_path / "a.sqlite.xingyuyle.lock"
    assert lock_path(url, "xingyuyle") != lock_path(url, "127.0.0.1")
    server = lock_path("postgresql://u:secret@db/news", "xingyuyle")
    assert server == lock_path("postgresql://u:other@db/news", "xingyuyle")
    assert "secret" not in str(server)


class _NoArticles(BaseHTTPRequestHandler):
    """A site whose home page is a list page without any article link."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/":
            self.send_error(404)
            return
        body = (
            "<html><head><meta charset='utf-8'><title>新闻中心</title></head><body>"
            "<h1>新闻中心</h1><p>栏目正在改版，敬请期待。</p></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def empty_site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NoArticles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.e2e
def test_list_pages_without_article_links_fail_the_health_check(
    empty_site: str, tmp_path: Path
) -> None:
    db = tmp_path / "archive.sqlite"
    result = harvest("--url", empty_site, "--db", str(db), *FAST, cwd=tmp_path)
    assert result.returncode == 4, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert "-> unhealthy: 1 list pages read, none with article links" in lines[0]
    run = runs_of(db)[0]
    assert run.status == "failed"
    assert "none with article links" in run.stats["health"]
    assert run.stats["newscrawl/list_pages_without_articles"] == 1


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--site", "no-such-site"],
        ["--url", "ftp://example.invalid/"],
        ["--url", "http://127.0.0.1:9/", "-s", "NOEQUALS"],
    ],
)
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_bad_usage_exits_2_in_one_line(args: list[str], tmp_path: Path) -> None:
    result = harvest(*args, "--db", str(tmp_path / "x.sqlite"), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: ")
    assert not (tmp_path / "x.sqlite").exists()


def test_archive_in_a_missing_folder_exits_1_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "archive.sqlite"
    result = harvest("--url", "http://127.0.0.1:9/", "--db", str(db), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# -- the health check on its own ----------------------------------------------

HEALTHY = {
    "newscrawl/list_pages": 4,
    "newscrawl/items": 30,
    "newscrawl/fill_rate/title": 1.0,
    "newscrawl/fill_rate/published_at": 0.9,
    "newscrawl/fill_rate/body": 1.0,
}


def test_health_ok_on_a_first_run_and_on_a_run_with_nothing_new() -> None:
    assert health_problem(HEALTHY, []) is None
    nothing_new = {"newscrawl/list_pages": 4}
    assert health_problem(nothing_new, [HEALTHY, HEALTHY]) is None


def test_health_fails_when_a_fill_rate_falls_below_the_previous_runs() -> None:
    now = {**HEALTHY, "newscrawl/fill_rate/published_at": 0.5}
    problem = health_problem(now, [HEALTHY, {**HEALTHY, "newscrawl/fill_rate/published_at": 0.8}])
    assert problem is not None
    assert "published_at 50% (previous runs 85%)" in problem
    # Within the allowed drop, or a field not checked: healthy.
    assert health_problem(now, [HEALTHY], max_fill_drop=0.5) is None
    assert health_problem(now, [HEALTHY], fields=("title", "body")) is None


def test_health_baseline_is_the_previous_five_runs() -> None:
    low = {**HEALTHY, "newscrawl/fill_rate/body": 0.2}
    now = {**HEALTHY, "newscrawl/fill_rate/body": 0.2}
    assert health_problem(now, [low] * 5 + [HEALTHY] * 10) is None
    assert health_problem(now, [HEALTHY] * 5 + [low] * 10) is not None


def test_health_fails_when_nothing_could_be_read() -> None:
    problem = health_problem({"newscrawl/request_failed": 2}, [])
    assert problem == "no list or article page could be read (2 requests failed)"


def test_previous_runs_are_the_sites_finished_runs_newest_first(tmp_path: Path) -> None:
    from archive import finish_run

    opened = open_archive(str(tmp_path / "a.sqlite"))
    with opened.begin() as session:
        ids = []
        for site, status in [
            ("a", "finished"),
            ("b", "finished"),
            ("a", "failed"),
            ("a", "finished"),
        ]:
            run_id = start_run(session, "cms", "x", "2026-01-01T00:00:00+00:00", site=site)
            finish_run(session, run_id, status=status, finished_at="2026-01-01T00:01:00+00:00",
                       stats={"newscrawl/site": site})  # fmt: skip
            ids.append(run_id)
        found = previous_runs(session, site="a")
        assert [run.id for run in found] == [ids[3], ids[0]]
        assert [run.id for run in previous_runs(session, site="a", before_id=ids[3])] == [ids[0]]
    opened.close()
