"""Harvests of the demo site into real SQLite files for the archive fault tests, the checks
of the archive after them (plain ``sqlite3``: whole articles, no duplicate, no orphan), and
what the harvest's processes are doing (Linux ``/proc``).

Synchronization is by observable state (rows in the archive, lines in the
log, requests the demo server saw, the harvest's main thread sleeping in
SQLite's busy handler), never by a fixed sleep.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscrawl.demo.expected import expected_articles

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
