"""Faults on the archive's side: worse pages, locks, a full disk, repeated SIGKILL.

Every case runs the real ``newscrawl harvest`` (a subprocess, as cron runs it)
over real HTTP against the demo site on 127.0.0.1, into a real SQLite file,
and checks the archive afterwards with plain ``sqlite3``: what was committed
is still there, unchanged, with no duplicate article and no orphan row.

Correct behaviour, as these tests define it:

- a page whose extraction got worse (no body, no headline, no sidebar, no
  byline, no date line) never replaces what is stored;
- a reader (``newsarchive export`` streaming) never blocks a harvest (WAL),
  and sees one consistent snapshot;
- a second writer holding the write lock makes the harvest wait (busy
  timeout, 30 s by default) and then finish with everything; held past the
  timeout, the harvest stores what it can, fails with one ``Error:`` line
  and exit 1 naming how many articles were not stored, and the next harvest
  completes the archive;
- a full disk is the same kind of failure: one line, exit 1, and the archive
  opens and holds everything committed before;
- a harvest killed with SIGKILL at any moment leaves only whole articles, and
  the next run completes the archive and marks the killed runs interrupted.

Synchronization is by observable state (rows in the archive, lines in the
log, requests the demo server saw, the harvest's main thread sleeping in
SQLite's busy handler), never by a fixed sleep.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from archive import open_archive
from newscrawl.demo.expected import expected_articles
from newscrawl.demo.routes import Route
from newscrawl.demo.server import DemoServer

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=0")
# Small batches and one request at a time, so that faults land between commits.
SLOW = ("DOWNLOAD_DELAY=0.05", "AUTOTHROTTLE_ENABLED=0", "CONCURRENT_REQUESTS_PER_DOMAIN=1",
        "ARCHIVE_BATCH_SIZE=3")  # fmt: skip
#: Every known article is due again (a re-crawl of the whole site).
ALL_DUE = "NEWSCRAWL_REVISIT=*=0"
DEMO_ARTICLES = len(expected_articles("http://x"))


# -- running harvests ---------------------------------------------------------


def harvest_args(base: str, db_url: str, *settings: str, log: Path | None = None) -> list[str]:
    args = [str(BIN / "newscrawl"), "harvest", "--url", f"{base}/", "--db", db_url]
    if log is not None:
        args += ["--log-file", str(log)]
    for setting in settings:
        args += ["-s", setting]
    return args


def harvest(
    base: str, db_url: str, *settings: str, log: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        harvest_args(base, db_url, *settings, log=log),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def start_harvest(
    base: str, db_url: str, *settings: str, log: Path | None = None
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        harvest_args(base, db_url, *settings, log=log),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> None:
    """Poll an observable condition (not a fixed sleep) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.01)


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stdout == "", result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


# -- reading the archive with plain sqlite3 -------------------------------------


def connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)


def archived(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with connect(db) as conn:
            return int(conn.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.OperationalError:  # tables not created yet
        return 0


def snapshot(db: Path) -> dict[str, dict[str, Any]]:
    """Per URL: the stored content (what a worse page must never replace)."""
    found: dict[str, dict[str, Any]] = {}
    with connect(db) as conn:
        rows = conn.execute(
            "select id, url, title, published_at, published_raw, author, source, body,"
            " content_hash from articles"
        ).fetchall()
        for id_, url, *values in rows:
            keys = ("title", "published_at", "published_raw", "author", "source", "body", "hash")
            entry = dict(zip(keys, values, strict=True))
            entry["sections"] = conn.execute(
                "select heading, paragraphs from sections where article_id = ? order by position",
                (id_,),
            ).fetchall()
            entry["links"] = conn.execute(
                "select box, title, url, date_raw, truncated from links where article_id = ?"
                " order by id",
                (id_,),
            ).fetchall()
            found[url] = entry
    return found


@dataclass
class Health:
    articles: int
    duplicates: int
    orphans: int
    without_sections: int
    integrity: str
    foreign_keys: int
    runs: list[str]
    observations: int


def health(db: Path) -> Health:
    with connect(db) as conn:

        def one(sql: str) -> Any:
            return conn.execute(sql).fetchone()[0]

        return Health(
            articles=one("select count(*) from articles"),
            duplicates=one("select count(*) - count(distinct url) from articles")
            + one(
                "select count(*) - count(distinct site || '/' || cms_id) from articles"
                " where cms_id is not null"
            ),
            orphans=sum(
                one(
                    f"select count(*) from {table} where article_id not in (select id from articles)"
                )
                for table in ("sections", "links", "observations", "article_versions")
            ),
            without_sections=one(
                "select count(*) from articles a where not exists"
                " (select 1 from sections s where s.article_id = a.id)"
            ),
            integrity=one("pragma integrity_check"),
            foreign_keys=len(conn.execute("pragma foreign_key_check").fetchall()),
            runs=[row[0] for row in conn.execute("select status from crawl_runs order by id")],
            observations=one("select count(*) from observations"),
        )


def assert_whole(db: Path, articles: int | None = None) -> Health:
    """No duplicate, no orphan, no half-written article; the file is sound."""
    found = health(db)
    assert found.integrity == "ok"
    assert found.foreign_keys == 0
    assert found.duplicates == 0, "an article was stored twice"
    assert found.orphans == 0, "sections/links/observations without their article"
    assert found.without_sections == 0, "an article was stored without its sections"
    if articles is not None:
        assert found.articles == articles
    return found


# -- 1. a page whose extraction got worse ----------------------------------------

#: How a page can get worse; each leaves the article worse than what is stored.
DAMAGES = (
    "empty-body",  # the editor's body div is empty
    "no-headline",  # the h2 is gone (the <title> is the only title left)
    "empty-headline",  # <h2></h2>
    "no-sidebar",  # the side boxes are gone
    "no-byline",  # no 作者 and no 人气 counter
    "no-date-line",  # no 日期 line (the page no longer reads as an article)
)


def damage(page: str, kind: str) -> str:
    """The PHPMyWind article page with one part broken the way templates break."""
    root = lxml_html.document_fromstring(page)
    article = root.cssselect("article.info")[0]

    def drop(selector: str, within: Any = root) -> None:
        for element in within.cssselect(selector):
            element.getparent().remove(element)

    if kind == "empty-body":
        for body in article.cssselect("div.bd"):
            for child in list(body):
                body.remove(child)
            body.text = None
    elif kind == "no-headline":
        drop("h2", article)
    elif kind == "empty-headline":
        article.cssselect("h2")[0].text = ""
    elif kind == "no-sidebar":
        drop("div.sidebar")
    elif kind == "no-byline":
        drop("p.text-right", article)
        line = article.cssselect("p.info-date")[0]
        line.text = (line.text or "").split("/")[0]
    elif kind == "no-date-line":
        drop("p.info-date", article)
    else:  # pragma: no cover
        raise ValueError(kind)
    return str(lxml_html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>"))


class WorseningServer(DemoServer):
    """The demo site; articles listed in ``worse`` are served damaged once it is set."""

    def __init__(self) -> None:
        super().__init__()
        self.worse: dict[int, str] = {}

    def render(self, route: Route) -> str:
        page = super().render(route)
        kind = self.worse.get(route.article_id or 0) if route.kind == "show" else None
        return damage(page, kind) if kind else page


@dataclass
class Worsened:
    before: dict[str, dict[str, Any]]
    after: dict[str, dict[str, Any]]
    damaged: dict[str, str]  # url -> damage
    second: subprocess.CompletedProcess[str]
    observations: tuple[int, int]
    versions: int


@pytest.fixture(scope="module")
def worsened(tmp_path_factory: pytest.TempPathFactory) -> Worsened:
    """Harvest the demo, break some of its article pages, harvest everything again."""
    db = tmp_path_factory.mktemp("worse") / "archive.sqlite"
    with WorseningServer() as server:
        first = harvest(server.base_url, str(db), *FAST)
        assert first.returncode == 0, first.stderr[-2000:]
        before = snapshot(db)
        observed = health(db).observations
        single_page = [a for a in server.site.articles if a.page_count == 1]
        damaged: dict[str, str] = {}
        for article, kind in zip(single_page, DAMAGES, strict=False):
            server.worse[article.id] = kind
            damaged[server.urls.canonical_article(server.base_url, article.cid, article.id)] = kind
        second = harvest(server.base_url, str(db), *FAST, ALL_DUE)
    with connect(db) as conn:
        versions = int(conn.execute("select count(*) from article_versions").fetchone()[0])
    assert set(damaged) <= set(before)
    return Worsened(
        before, snapshot(db), damaged, second, (observed, health(db).observations), versions
    )


def test_worse_pages_do_not_fail_the_recrawl(worsened: Worsened) -> None:
    assert len(worsened.damaged) == len(DAMAGES)
    assert worsened.second.returncode in (0, 4), worsened.second.stderr[-2000:]
    assert "Traceback" not in worsened.second.stderr
    # Every article was fetched again and left one more observation, damaged or not,
    # except a page no longer read as an article (it is not observed).
    first, second = worsened.observations
    assert second >= first + DEMO_ARTICLES - 1


@pytest.mark.parametrize("kind", DAMAGES)
def test_a_worse_page_keeps_the_stored_values(worsened: Worsened, kind: str) -> None:
    url = next(u for u, k in worsened.damaged.items() if k == kind)
    before, after = worsened.before[url], worsened.after[url]
    for key in ("title", "published_at", "published_raw", "author", "source", "body", "hash"):
        assert after[key] == before[key], f"{kind}: {key} changed"
    assert after["sections"] == before["sections"], f"{kind}: sections changed"
    assert after["links"] == before["links"], f"{kind}: sidebar links changed"


def test_undamaged_articles_are_unchanged_and_nothing_is_lost(worsened: Worsened) -> None:
    assert set(worsened.after) == set(worsened.before)
    for url, before in worsened.before.items():
        if url not in worsened.damaged:
            assert worsened.after[url] == before, url


# -- 2. locks: a long reader, a second writer ------------------------------------


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


#: Linux syscall numbers of nanosleep and clock_nanosleep: SQLite's busy handler sleeps in
#: them between retries, while an idle Scrapy reactor waits in epoll_wait instead.
SLEEP_SYSCALLS = {"x86_64": {"35", "230"}, "aarch64": {"101", "115"}}.get(platform.machine(), set())


def process_tree(pid: int) -> dict[int, str]:
    """The process and all its descendants, running or not yet reaped (Linux /proc):
    pid -> start time (which tells a reused pid apart)."""
    children: dict[int, list[int]] = {}
    started: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        after_name = text[text.rindex(")") + 2 :].split()  # state, ppid, ... (proc(5))
        child = int(stat.parent.name)
        children.setdefault(int(after_name[1]), []).append(child)
        started[child] = after_name[19]
    tree: dict[int, str] = {}
    todo = [pid]
    while todo:
        current = todo.pop()
        if current in started and current not in tree:
            tree[current] = started[current]
            todo.extend(children.get(current, []))
    return tree


def still_running(tree: dict[int, str]) -> list[int]:
    """The processes of ``tree`` that still run (a zombie holds no file, lock or pipe)."""
    running = []
    for pid, start in tree.items():
        try:
            text = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        after_name = text[text.rindex(")") + 2 :].split()
        if after_name[19] == start and after_name[0] not in ("Z", "X"):
            running.append(pid)
    return running


def holds_open(pid: int, path: Path) -> bool:
    """The process has ``path`` open (Linux /proc)."""
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            if Path(os.readlink(fd)) == path:
                return True
        except OSError:
            continue
    return False


def waiting_on_a_lock(pid: int) -> bool:
    """A thread of the harvest (the process or one of its own, such as the archive's
    writer process) sleeps in SQLite's busy handler.

    The reactor's thread waits in epoll, never in these sleeps (Linux /proc).
    """
    for member in process_tree(pid):
        for task in Path(f"/proc/{member}/task").glob("*"):
            try:
                call = (task / "syscall").read_text().split()[0]
            except (OSError, IndexError):
                continue
            if call in SLEEP_SYSCALLS:
                return True
    return False


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
