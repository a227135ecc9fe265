"""Incremental harvests after trouble: many due articles fed to Scrapy as it has room, an
interrupted run's list pages all read again and its gaps filled, and what a finished run
could not fetch looked for by the next one.
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from sqlalchemy import text

from archive import iter_articles, list_runs, open_archive
from archive.crawl_history import RunSummary
from newscrawl.crawl.incremental import gap_reason
from newscrawl.demo.server import DemoServer
from newscrawl.pages.listing import ListingPage
from tests.support.incremental_harvests import BIN, FAST, run, stored_views


@pytest.mark.e2e
def test_many_due_articles_are_fed_to_scrapy_as_it_has_room(tmp_path: Path) -> None:
    """300 due articles (gone from the site: 404) are all revisited and marked gone,
    but Scrapy's scheduler never holds them all at once: start() reads them back
    from disk as the engine has room, instead of queueing every Request at start."""
    db = tmp_path / "archive.sqlite"
    due_count = 300
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    probe = [
        "-s",
        "SCHEDULER=tests.support.scheduler_probe.PeakScheduler",
        "-s",
        "CONCURRENT_REQUESTS=2",
    ]
    with DemoServer(theme="phpmywind") as server:
        first = run("newscrawl", "harvest", "--url", f"{server.base_url}/", "--db", str(db),
                    *FAST, cwd=tmp_path)  # fmt: skip
        assert first.returncode == 0, first.stderr[-2000:]
        opened = open_archive(str(db), create=False)
        month_ago = (datetime.now(UTC) - timedelta(days=30)).isoformat(timespec="seconds")
        with opened.begin() as session:
            site = session.execute(text("SELECT site FROM articles LIMIT 1")).scalar_one()
            session.execute(
                text(
                    "INSERT INTO articles (site, url, body, first_seen_at, fetched_at, "
                    "content_hash) VALUES (:site, :url, 'x', :at, :at, :hash)"
                ),
                [
                    {"site": site, "url": f"{server.base_url}/show.php?cid=99&id={90000 + n}",
                     "at": month_ago, "hash": f"{n:040d}"}
                    for n in range(due_count)
                ],
            )  # fmt: skip
        opened.close()
        second = subprocess.run(
            [str(BIN / "newscrawl"), "harvest", "--url", f"{server.base_url}/", "--db", str(db),
             *FAST, "-s", "NEWSCRAWL_REVISIT=*=7d", *probe],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False, env=env,
        )  # fmt: skip
    assert second.returncode == 0, second.stdout + second.stderr[-2000:]
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        stats = list_runs(session, limit=1)[0].stats
        gone = session.execute(
            text("SELECT count(*) FROM articles WHERE gone_at IS NOT NULL")
        ).scalar_one()
    opened.close()
    assert stats["newscrawl/revisited"] == due_count
    assert stats["newscrawl/gone"] == due_count and gone == due_count
    assert stats["newscrawl/skipped_known"] > 0  # the 33 fetched ones: known, not due
    # Queued all at once, the scheduler would have held every revisit.
    assert 0 < stats["probe/scheduler_peak"] < due_count // 10


def _last_run_stats(db: Path) -> dict[str, Any]:
    opened = open_archive(str(db), create=False)
    try:
        with opened.session() as session:
            return list_runs(session, limit=1)[0].stats
    finally:
        opened.close()


@pytest.mark.e2e
def test_after_an_interrupted_run_every_list_page_is_read_and_the_gaps_filled(
    tmp_path: Path,
) -> None:
    """A killed run leaves the first list pages' articles stored and older ones not: the
    next harvest must not stop paging at the first known page, or those are never fetched."""
    db = tmp_path / "archive.sqlite"
    harvest = ("newscrawl", "harvest", "--db", str(db), *FAST)
    with DemoServer(theme="phpmywind") as server:
        first = run(*harvest, "--url", f"{server.base_url}/", cwd=tmp_path)
        assert first.returncode == 0, first.stderr[-2000:]
        shown: set[str] = set()
        for cid in (29, 30, 31):
            url = f"{server.base_url}/list.php?cid={cid}"
            with urlopen(url) as response:
                shown.update(ListingPage(url, response.read().decode("utf-8")).links().articles)
        opened = open_archive(str(db), create=False)
        with opened.begin() as session:
            stored = [article["url"] for article in iter_articles(session)]
            older = [url for url in stored if url not in shown]
            session.execute(
                text("DELETE FROM articles WHERE url = :url"), [{"url": u} for u in older]
            )
            session.execute(
                text("UPDATE crawl_runs SET status = 'interrupted' "
                     "WHERE id = (SELECT max(id) FROM crawl_runs)")
            )  # fmt: skip
        opened.close()
        assert len(stored) == 33 and 0 < len(older) < 33

        refill = run(*harvest, "--url", f"{server.base_url}/", cwd=tmp_path)
        assert refill.returncode == 0, refill.stderr[-2000:]
        assert len(stored_views(db)) == 33
        stats = _last_run_stats(db)
        assert stats["newscrawl/archive/new"] == len(older)
        assert stats["newscrawl/list_walk_whole"] == 1

        # That run finished with every list read: the next one stops at known pages again.
        after = run(*harvest, "--url", f"{server.base_url}/", cwd=tmp_path)
        assert after.returncode == 0, after.stderr[-2000:]
        stats = _last_run_stats(db)
        assert "newscrawl/list_walk_whole" not in stats
        assert stats["newscrawl/list_stop_known"] >= 1


def _summary(status: str, stats: dict[str, Any] | None = None) -> RunSummary:
    return RunSummary(
        id=7, spider="cms", started_at="2026-11-27T10:00:00+00:00", finished_at=None,
        status=status, stats=stats or {}, archive_url=None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("last", "gap"),
    [
        (None, "no earlier run of this site is recorded"),
        (_summary("interrupted"), "its last run (#7) is interrupted"),
        (_summary("failed"), "its last run (#7) is failed"),
        (_summary("running"), "its last run (#7) is running"),
        (
            _summary("finished", {"newscrawl/list_failed": 2}),
            "2 list page(s) of its last run (#7) could not be fetched",
        ),
        (
            _summary("finished", {"newscrawl/list_failed": 0, "newscrawl/article_failed": 1}),
            "1 new article(s) of its last run (#7) could not be fetched",
        ),
        (_summary("finished", {"newscrawl/list_failed": 0, "newscrawl/article_failed": 0}), None),
        (_summary("finished"), None),
    ],
)
def test_paging_stops_early_only_after_a_run_that_read_every_list_page(
    last: RunSummary | None, gap: str | None
) -> None:
    assert gap_reason(last) == gap


class FlakyServer(DemoServer):
    """The demo site; paths in ``failing`` answer HTTP 500 (retried, then given up)."""

    def __init__(self) -> None:
        super().__init__(theme="phpmywind")
        self.failing: set[str] = set()

    def respond(self, path: str) -> tuple[int, str, bytes]:
        if path in self.failing:
            return 500, "text/html; charset=utf-8", b"<html><body>busy</body></html>"
        return super().respond(path)


def _article_links(base: str, path: str) -> set[str]:
    with urlopen(base + path) as response:
        page = ListingPage(base + path, response.read().decode("utf-8"))
    return {urlsplit(url).path + "?" + urlsplit(url).query for url in page.links().articles}


@pytest.mark.e2e
@pytest.mark.parametrize("failing", ["an older article", "a later list page"])
def test_what_a_finished_run_could_not_fetch_the_next_one_looks_for(
    failing: str, tmp_path: Path
) -> None:
    """A run that finished but could not fetch an older article (or a later list page)
    leaves a gap below its lists' first pages: the next run reads every list page."""
    db = tmp_path / "archive.sqlite"
    with FlakyServer() as server:
        harvest = ("newscrawl", "harvest", "--url", f"{server.base_url}/", "--db", str(db), *FAST)
        base = server.base_url
        first_pages = _article_links(base, "/")
        for cid in (29, 30, 31):
            first_pages |= _article_links(base, f"/list.php?cid={cid}")
        later = _article_links(base, "/list.php?cid=29&page=2") | _article_links(
            base, "/list.php?cid=29&page=3"
        )
        older = min(later - first_pages)  # linked by no home or first list page
        path = older if failing == "an older article" else "/list.php?cid=29&page=2"
        server.failing.add(path)
        first = run(*harvest, cwd=tmp_path)
        assert first.returncode == 0, first.stderr[-2000:]
        stats = _last_run_stats(db)
        key = "article_failed" if failing == "an older article" else "list_failed"
        assert stats[f"newscrawl/{key}"] == 1
        server.failing.clear()
        second = run(*harvest, cwd=tmp_path)
        assert second.returncode == 0, second.stderr[-2000:]
        assert len(stored_views(db)) == 33
        assert _last_run_stats(db)["newscrawl/list_walk_whole"] == 1
        if failing == "an older article":
            assert server.fetch_counts[older] >= 2  # the failed tries, then this run's fetch
