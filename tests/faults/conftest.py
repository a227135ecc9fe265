"""Fixtures of the fault suite: the faulty site and its neighbours, and real harvests of it.

A harvest is the cron command, ``newscrawl harvest``, run as a subprocess
(each has its own Twisted reactor) against servers on 127.0.0.1 and
127.0.0.2, into a SQLite archive under the test's temp folder. Timeouts are
set low so that the hanging and dripping faults cost about a second each.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archive import RunSummary, iter_articles, list_runs, open_archive
from tests.faults.faultserver import FaultServer
from tests.faults.faultysite import FaultySite, Nowhere

BIN = Path(sys.executable).parent
#: Low timeouts keep the suite fast; concurrency high enough that hanging faults
#: do not hold up the good pages.
FAST = (
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=0",
    "DOWNLOAD_TIMEOUT=1",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "NEWSCRAWL_PROGRESS=off",
)
#: Settings of the fault run: every known article is fetched again (no revisit schedule),
#: so each fault hits an article the archive already holds.
REFETCH_ALL = ("NEWSCRAWL_INCREMENTAL=0",)


@dataclass
class Harvest:
    """One finished ``newscrawl harvest``: its output, log, run record and the archive after it."""

    returncode: int
    stdout: str
    stderr: str
    log: str
    run: RunSummary
    articles: list[dict[str, Any]]

    @property
    def stats(self) -> dict[str, Any]:
        return self.run.stats

    def stat(self, key: str) -> int:
        value = self.stats.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0

    def by_id(self, cms_id: int) -> list[dict[str, Any]]:
        return [a for a in self.articles if a["cms_id"] == str(cms_id)]


def read_archive(db: Path) -> tuple[list[dict[str, Any]], list[RunSummary]]:
    opened = open_archive(str(db), create=False)
    try:
        with opened.session() as session:
            return list(iter_articles(session)), list_runs(session)
    finally:
        opened.close()


def run_harvest(base_url: str, db: Path, *settings: str, timeout: float = 60) -> Harvest:
    """``newscrawl harvest --url BASE/`` with ``settings`` (``NAME=VALUE``); waits for the end."""
    log = db.with_suffix(f".{len(list(db.parent.glob('*.log')))}.log")
    command = [str(BIN / "newscrawl"), "harvest", "--url", f"{base_url}/", "--db", str(db)]
    command += ["--log-file", str(log)]
    for setting in (*FAST, *settings):
        command += ["-s", setting]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, cwd=db.parent
    )
    articles, runs = read_archive(db)
    return Harvest(
        done.returncode,
        done.stdout,
        done.stderr,
        log.read_text(encoding="utf-8") if log.exists() else "",
        runs[0],  # newest first
        articles,
    )


@dataclass
class Servers:
    site: FaultySite
    main: FaultServer
    other_host: FaultServer
    other_port: FaultServer


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    """The faulty site on 127.0.0.1, plus a host (127.0.0.2) and a port it must never reach."""
    site = FaultySite()
    with (
        FaultServer(site) as main,
        FaultServer(Nowhere(), host="127.0.0.2") as other_host,
        FaultServer(Nowhere()) as other_port,
    ):
        site.other_host = other_host.base_url
        site.other_port = other_port.base_url
        yield Servers(site, main, other_host, other_port)
