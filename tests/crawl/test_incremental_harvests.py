"""Incremental harvests: known articles fetched only when due, lists paged only to known ones.

One demo site (real HTTP) is harvested five times into one SQLite archive (once for the
module), each harvest a subprocess like cron runs it: a first full harvest; one right after
with a schedule where nothing is due (``*=7d``); one with the default schedule
(the demo's articles are months old and were fetched seconds ago: nothing due);
one where everything is due (``*=0``); one with incremental discovery off.
The demo counts every fetch, so ``server.fetch_counts`` says what each run asked for.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from archive import find_article_id, iter_articles, list_runs, observations, open_archive
from newscrawl.demo.expected import expected_articles
from newscrawl.demo.server import DemoServer
from tests.support.incremental_harvests import FAST, run, stored_views

#: The harvests, in order, with their extra settings.
RUNS = {
    "first": [],
    "nothing_due": ["-s", "NEWSCRAWL_REVISIT=*=7d"],
    "default": [],
    "all_due": ["-s", "NEWSCRAWL_REVISIT=*=0"],
    "full": ["-s", "NEWSCRAWL_INCREMENTAL=0"],
}


@dataclass
class Harvest:
    result: subprocess.CompletedProcess[str]
    fetched: dict[str, int]  # path -> fetches during this harvest
    stats: dict[str, Any]  # the run record's stats


@dataclass
class Series:
    db: Path
    article_paths: set[str]
    harvests: dict[str, Harvest]
    views_after: dict[str, dict[str, int | None]]  # harvest -> url -> stored views
    observations_after_all_due: dict[str, int]  # url -> observations


def _observation_counts(db: Path) -> dict[str, int]:
    opened = open_archive(str(db), create=False)
    try:
        with opened.session() as session:
            counts = {}
            for article in iter_articles(session):
                article_id = find_article_id(session, article["url"])
                assert article_id is not None
                counts[article["url"]] = len(observations(session, article_id))
            return counts
    finally:
        opened.close()


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> Series:
    tmp = tmp_path_factory.mktemp("incremental")
    db = tmp / "archive.sqlite"
    harvests: dict[str, Harvest] = {}
    views_after: dict[str, dict[str, int | None]] = {}
    counts: dict[str, int] = {}
    with DemoServer(theme="phpmywind") as server:
        paths = {urlsplit(a["url"]).path + "?" + urlsplit(a["url"]).query
                 for a in expected_articles(server.base_url)}  # fmt: skip
        for name, extra in RUNS.items():
            before = dict(server.fetch_counts)
            result = run(
                "newscrawl", "harvest", "--url", f"{server.base_url}/", "--db", str(db),
                "--log-file", str(tmp / f"{name}.log"), *FAST, *extra, cwd=tmp,
            )  # fmt: skip
            fetched = {
                path: n - before.get(path, 0)
                for path, n in server.fetch_counts.items()
                if n > before.get(path, 0)
            }
            opened = open_archive(str(db), create=False)
            with opened.session() as session:
                stats = list_runs(session, limit=1)[0].stats
            opened.close()
            harvests[name] = Harvest(result, fetched, stats)
            views_after[name] = stored_views(db)
            if name == "all_due":
                counts = _observation_counts(db)
    return Series(db, paths, harvests, views_after, counts)


def _article_fetches(series: Series, name: str) -> dict[str, int]:
    fetched = series.harvests[name].fetched
    return {path: n for path, n in fetched.items() if path in series.article_paths}


def _requests(series: Series, name: str) -> int:
    return int(series.harvests[name].stats["downloader/request_count"])


@pytest.mark.e2e
def test_every_harvest_succeeds(series: Series) -> None:
    for name, harvest in series.harvests.items():
        assert harvest.result.returncode == 0, (name, harvest.result.stderr[-2000:])
        assert harvest.stats["health"] == "ok", name


@pytest.mark.e2e
def test_first_harvest_archives_all_33_articles(series: Series) -> None:
    first = series.harvests["first"]
    assert len(series.article_paths) == 33
    assert set(_article_fetches(series, "first")) == series.article_paths
    assert first.stats["newscrawl/archive/new"] == 33
    assert first.stats["newscrawl/revisited"] == 0
    assert first.stats["newscrawl/skipped_known"] == 0  # an empty archive: a full crawl
    assert len(series.views_after["first"]) == 33


@pytest.mark.e2e
def test_harvest_with_nothing_due_fetches_no_article_and_only_first_list_pages(
    series: Series,
) -> None:
    second = series.harvests["nothing_due"]
    assert _article_fetches(series, "nothing_due") == {}
    lists = sorted(path for path in second.fetched if path.startswith("/list.php"))
    assert lists == ["/list.php?cid=29", "/list.php?cid=30", "/list.php?cid=31"]
    # Besides those: robots.txt, the home page and the soft 404 it links (never archived).
    others = sorted(set(second.fetched) - set(lists))
    assert others == ["/", "/robots.txt", "/show.php?cid=29&id=999"]
    assert second.stats["newscrawl/revisited"] == 0
    assert second.stats["newscrawl/skipped_known"] >= 20
    assert second.stats["newscrawl/list_stop_known"] >= 1
    assert second.stats.get("newscrawl/archive/new", 0) == 0
    first, again = _requests(series, "first"), _requests(series, "nothing_due")
    print(f"requests: first harvest {first}, second harvest {again}")
    assert again <= first * 0.2
    summary = second.result.stdout.strip()
    assert "0 articles (new 0, updated 0, revisited 0, gone 0)" in summary
    assert f"{second.stats['newscrawl/skipped_known']} known skipped" in summary


@pytest.mark.e2e
def test_default_schedule_right_after_has_nothing_due(series: Series) -> None:
    third = series.harvests["default"]
    assert _article_fetches(series, "default") == {}
    assert third.stats["newscrawl/revisited"] == 0
    assert _requests(series, "default") == _requests(series, "nothing_due")
    # Articles were fetched once over the first three harvests.
    total: dict[str, int] = {}
    for name in ("first", "nothing_due", "default"):
        for path, n in _article_fetches(series, name).items():
            total[path] = total.get(path, 0) + n
    assert set(total.values()) == {1}
    assert len(total) == 33


@pytest.mark.e2e
def test_everything_due_refetches_every_article_once(series: Series) -> None:
    harvest = series.harvests["all_due"]
    fetched = _article_fetches(series, "all_due")
    assert set(fetched) == series.article_paths
    assert set(fetched.values()) == {1}
    assert harvest.stats["newscrawl/revisited"] == 33
    assert harvest.stats["newscrawl/archive/new"] == 0
    assert set(series.observations_after_all_due.values()) == {2}
    before, after = series.views_after["default"], series.views_after["all_due"]
    for url, views in before.items():
        assert views is not None
        # The demo's counter rose with our fetch of each page (620 has two).
        path = urlsplit(url).path + "?" + urlsplit(url).query
        pages = sum(1 for p in harvest.fetched if p == path or p.startswith(f"{path}&page="))
        assert pages == (2 if url.endswith("id=620") else 1)
        assert after[url] == views + pages, url
    assert "revisited 33" in harvest.result.stdout


@pytest.mark.e2e
def test_due_articles_do_not_keep_lists_paging(series: Series) -> None:
    """With every article due, lists are read as far as with none due: the due
    ones come from the archive's list, so a list page showing them brings nothing."""

    def lists(name: str) -> list[str]:
        return sorted(
            path for path in series.harvests[name].fetched if path.startswith("/list.php")
        )

    assert lists("all_due") == lists("nothing_due")
    assert series.harvests["all_due"].stats["newscrawl/list_stop_known"] >= 1


@pytest.mark.e2e
def test_history_shows_the_observations_in_time_order(series: Series) -> None:
    url = next(u for u in series.views_after["first"] if u.endswith("id=613"))
    folder = series.db.parent
    result = run("newsarchive", "--db", str(series.db), "history", url, "--json", cwd=folder)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    views = [o["views"] for o in data["observations"]]
    # The first, all_due and full harvests fetched it (one page); each fetch added one.
    assert views == [views[0], views[0] + 1, views[0] + 2]
    times = [o["observed_at"] for o in data["observations"]]
    assert times == sorted(times)
    assert {o["source"] for o in data["observations"]} == {"page"}
    assert data["observations"][0]["views_raw"] == f"人气：{views[0]}"
    text = run("newsarchive", "--db", str(series.db), "history", str(data["id"]), cwd=folder)
    assert text.returncode == 0
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["OBSERVED", "VIEWS", "SOURCE", "RAW"]
    assert len(lines) == 4  # no sparkline: stdout is not a terminal


@pytest.mark.e2e
def test_incremental_off_fetches_every_article(series: Series) -> None:
    full = series.harvests["full"]
    assert set(_article_fetches(series, "full")) == series.article_paths
    assert full.stats["newscrawl/revisited"] == 0
    assert full.stats["newscrawl/skipped_known"] == 0
    assert full.stats["newscrawl/list_stop_known"] == 0
    assert _requests(series, "full") == _requests(series, "first")


def test_history_of_an_unknown_article_exits_1_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    open_archive(str(db)).close()
    for key in ("12345", "http://example.invalid/show.php?id=1"):
        result = run("newsarchive", "--db", str(db), "history", key, cwd=tmp_path)
        assert result.returncode == 1
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1
        assert "no article" in result.stderr


@pytest.mark.parametrize(
    "setting",
    [
        "NEWSCRAWL_REVISIT=1d=0,banana",
        "NEWSCRAWL_REVISIT=7d=1h,1d=0",
        "NEWSCRAWL_STOP_AFTER_KNOWN_PAGES=0",
        "NEWSCRAWL_INCREMENTAL=maybe",
        "ARCHIVE_WRITER=thread",
        "ARCHIVE_INDEX=later",
        "ARCHIVE_CHECKPOINT=never",
        "NEWSCRAWL_GC_THRESHOLD=-1",
        "NEWSCRAWL_EXTRACT_WORKERS=-1",
    ],
)
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_bad_incremental_setting_is_one_line_and_exit_2(setting: str, tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    result = run("newscrawl", "harvest", "--url", "http://127.0.0.1:9/", "--db", str(db),
                 "-s", setting, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("Error: ")
    assert not db.exists()
