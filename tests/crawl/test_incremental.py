"""Incremental harvests: known articles fetched only when due, lists paged only to known ones.

One demo site (real HTTP) is harvested five times into one SQLite archive, each
harvest a subprocess like cron runs it: a first full harvest; one right after
with a schedule where nothing is due (``*=7d``); one with the default schedule
(the demo's articles are months old and were fetched seconds ago: nothing due);
one where everything is due (``*=0``); one with incremental discovery off.
The demo counts every fetch, so ``server.fetch_counts`` says what each run asked for.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

import pytest
from sqlalchemy import text

from archive import find_article_id, iter_articles, list_runs, observations, open_archive
from archive._display import sparkline
from archive.crawl_history import KnownArticle, RunSummary
from newscrawl.crawl import incremental as incremental_module
from newscrawl.crawl.incremental import Incremental, KnownUrls, gap_reason, restrict_to
from newscrawl.crawl.revisit import DEFAULT_SCHEDULE, Rule, due, parse_duration, parse_schedule
from newscrawl.demo.expected import expected_articles
from newscrawl.demo.server import DemoServer
from newscrawl.pages.listing import ListingPage

BIN = Path(sys.executable).parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]
HOUR, DAY = 3600.0, 86400.0

#: The harvests, in order, with their extra settings.
RUNS = {
    "first": [],
    "nothing_due": ["-s", "NEWSCRAWL_REVISIT=*=7d"],
    "default": [],
    "all_due": ["-s", "NEWSCRAWL_REVISIT=*=0"],
    "full": ["-s", "NEWSCRAWL_INCREMENTAL=0"],
}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


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


def _views(db: Path) -> dict[str, int | None]:
    opened = open_archive(str(db), create=False)
    try:
        with opened.session() as session:
            return {a["url"]: a["views"] for a in iter_articles(session)}
    finally:
        opened.close()


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
            views_after[name] = _views(db)
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


# -- the schedule ---------------------------------------------------------------

DEFAULT = parse_schedule(DEFAULT_SCHEDULE)


@pytest.mark.parametrize(
    ("age", "since_fetch", "expected"),
    [
        (0, 0, True),  # younger than a day: every run
        (23 * HOUR, 1, True),
        (1 * DAY, 5 * HOUR, False),  # a day to a week: every 6 h
        (1 * DAY, 6 * HOUR, True),
        (6 * DAY, 7 * HOUR, True),
        (7 * DAY, 23 * HOUR, False),  # a week to 30 days: daily
        (29 * DAY, 1 * DAY, True),
        (30 * DAY, 6 * DAY, False),  # older: weekly
        (400 * DAY, 7 * DAY, True),
        (400 * DAY, 60, False),
        (-5 * DAY, 0, True),  # a date in the future counts as the youngest
    ],
)
def test_due_on_the_default_schedule(age: float, since_fetch: float, expected: bool) -> None:
    assert due(age, since_fetch, DEFAULT) is expected


def test_schedule_parsing() -> None:
    assert (
        Rule(DAY, 0.0),
        Rule(7 * DAY, 6 * HOUR),
        Rule(30 * DAY, DAY),
        Rule(math.inf, 7 * DAY),
    ) == DEFAULT
    assert parse_schedule(" *=0 ") == (Rule(math.inf, 0.0),)
    assert parse_schedule("2w=90m") == (Rule(14 * DAY, 5400.0),)
    # Without "*", articles older than every rule are never due.
    assert due(15 * DAY, 365 * DAY, parse_schedule("2w=90m")) is False
    assert parse_duration("45s") == 45.0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("1d", "is not AGE=INTERVAL"),
        ("1d=0,banana=1h", "not a duration: 'banana'"),
        ("1d=5", "not a duration: '5'"),
        ("7d=1h,1d=0", "ages must grow"),
        ("*=7d,1d=0", "'*' must be the last rule"),
        ("0=1h", "an age must be more than 0"),
        ("1x=1h", "not a duration"),
    ],
)
def test_bad_schedule_is_one_clear_line(value: str, message: str) -> None:
    with pytest.raises(ValueError, match="bad NEWSCRAWL_REVISIT") as caught:
        parse_schedule(value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_incremental_state_wants_unknown_and_due_links() -> None:
    now = 1_000_000_000.0
    known = {
        "http://s/new-ish": KnownArticle(now - HOUR, now - 60),  # a day old at most: due
        "http://s/old": KnownArticle(now - 90 * DAY, now - HOUR),  # weekly: not due
    }
    state = Incremental(known, DEFAULT, stop_after=2, now=now)
    assert state.active
    assert list(state.due_urls()) == ["http://s/new-ish"] and state.due_count == 1
    assert "http://s/new-ish" in state.due and "http://s/old" not in state.due
    assert state.wanted("http://s/unknown") and state.wanted("http://s/new-ish")
    assert not state.wanted("http://s/old")
    assert not state.brings_something(["http://s/old"])
    # Due ones are revisited from the archive's list: they keep no list paging.
    assert not state.brings_something(["http://s/old", "http://s/new-ish"])
    assert state.brings_something(["http://s/old", "http://s/unknown"])
    assert not state.stops(1) and state.stops(2)
    off = Incremental.off()
    assert not off.active and not off.stops(5) and off.wanted("http://s/old")


def test_sparkline() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, None, 5]) == "▁ ▁"
    assert sparkline([0, 100]) == "▁█"
    assert sparkline([None]) == " "


def test_known_urls_take_eight_bytes_each_and_stream_in() -> None:
    """A harvest of a big site holds hashes, not URL strings: memory that grows
    8 bytes per archived article; the due URLs wait on disk."""
    now = 1_000_000_000.0
    count = 50_000

    def stream() -> Any:
        for number in range(count):
            age = HOUR if number % 1000 == 0 else 90 * DAY  # one in a thousand is due
            yield f"http://s/show.php?id={number}", KnownArticle(now - age, now - HOUR)
        yield "http://elsewhere/show.php?id=1", KnownArticle(now - HOUR, now - HOUR)

    state = Incremental(restrict_to(stream(), {"s"}), DEFAULT, now=now)
    assert len(state.known) == count and state.known.nbytes == 8 * count
    due = [f"http://s/show.php?id={n}" for n in range(0, count, 1000)]
    assert list(state.due_urls()) == due and state.due_count == len(due)
    assert len(state.due) == len(due) and all(url in state.due for url in due)
    assert all(f"http://s/show.php?id={n}" in state.known for n in range(count))
    assert "http://elsewhere/show.php?id=1" not in state.known
    assert not any(f"http://s/show.php?id={n}" in state.known for n in range(count, count + 5000))
    assert not state.wanted("http://s/show.php?id=1") and state.wanted("http://s/show.php?id=1000")


def test_known_urls_sorted_in_runs_match_one_sort() -> None:
    """Built from many sort runs (merged, repeats dropped), the set is the same."""
    urls = [f"http://s/show.php?id={n % 700}" for n in range(2_000)]  # each URL ~3 times
    whole = KnownUrls(urls)
    runs = incremental_module._sorted_unique(map(incremental_module._url_hash, urls), run=64)
    assert len(whole) == 700
    assert list(runs) == sorted({incremental_module._url_hash(u) for u in urls})
    assert list(runs) == list(whole._hashes)
    assert len(KnownUrls()) == 0 and not KnownUrls()


def test_a_due_url_with_a_line_break_is_left_out_not_split() -> None:
    """The due list holds one URL a line: one with a line break (never crawled so,
    an imported archive might hold one) is skipped, not read back as two."""
    now = 1_000_000_000.0
    due_now = KnownArticle(now - HOUR, now - HOUR)
    state = Incremental({"http://s/a\nb": due_now, "http://s/c": due_now}, DEFAULT, now=now)
    assert list(state.due_urls()) == ["http://s/c"] and state.due_count == 1
    assert "http://s/c" in state.due and "http://s/a" not in state.due


def test_due_urls_are_read_back_from_disk_independently() -> None:
    """Two readers of the due list each keep their place; close deletes the file."""
    now = 1_000_000_000.0
    known = {f"http://s/{n}": KnownArticle(now - HOUR, now - HOUR) for n in range(30_000)}
    state = Incremental(known, DEFAULT, now=now)
    assert state.due_count == 30_000
    first, second = state.due_urls(), state.due_urls()
    assert next(first) == "http://s/0" and next(second) == "http://s/0"
    assert list(first)[-1] == "http://s/29999"
    assert next(second) == "http://s/1"
    state.close()
    assert list(state.due_urls()) == []
    assert list(Incremental.off().due_urls()) == [] and Incremental.off().due_count == 0


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
        assert len(_views(db)) == 33
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
        assert len(_views(db)) == 33
        assert _last_run_stats(db)["newscrawl/list_walk_whole"] == 1
        if failing == "an older article":
            assert server.fetch_counts[older] >= 2  # the failed tries, then this run's fetch
