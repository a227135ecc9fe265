"""End to end: serve the demo site over HTTP, run the real ``scrapy crawl cms``,
and compare the archive with the demo's expected JSON field by field.

Every demo theme is crawled: the same articles under other class names, tags,
URLs and encodings (the DedeCMS theme is GBK with script-filled counters,
crawled with counters off, on, and on but forbidden by robots.txt), so
extraction is proven to match by labels and structure.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from archive import iter_articles, list_runs, open_archive
from newscrawl.demo.expected import expected_articles
from newscrawl.demo.server import DemoServer
from newscrawl.items import ARTICLE_KEYS

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Scenario:
    theme: str
    counters: bool = False  # NEWSCRAWL_FETCH_COUNTERS
    robots_forbid_counter: bool = False
    workers: int = 0  # NEWSCRAWL_EXTRACT_WORKERS

    def __str__(self) -> str:
        flags = ("+counters" if self.counters else "") + (
            "-robots" if self.robots_forbid_counter else ""
        )
        return self.theme + flags + (f"+{self.workers}workers" if self.workers else "")

    @property
    def counters_read(self) -> bool:
        return self.counters and not self.robots_forbid_counter


SCENARIOS = (
    Scenario("phpmywind"),
    Scenario("phpmywind", workers=1),
    Scenario("rewrite"),
    Scenario("dedecms"),
    Scenario("dedecms", counters=True),
    Scenario("dedecms", counters=True, robots_forbid_counter=True),
)
#: A page number past the end, which PHPMyWind serves as page 1 (the crawler trap);
#: DedeCMS's static lists answer 404 there instead.
TRAP_PATHS = {
    "phpmywind": "/list.php?cid=29&page=99",
    "rewrite": "/list-29-99.html",
    "dedecms": "/a/news/list_29_99.html",
}
COMPARED_KEYS = [k for k in ARTICLE_KEYS if k != "fetched_at"]


@dataclass
class Crawl:
    base_url: str
    returncode: int
    log: str
    fetch_counts: dict[str, int]
    archived: dict[str, dict[str, Any]]
    expected: dict[str, dict[str, Any]]
    runs: list[Any]


@cache
def crawl(scenario: Scenario, tmp: Path) -> Crawl:
    theme = scenario.theme
    db = tmp / f"{scenario}.sqlite"
    server_options = {"robots_disallow_counter": True} if scenario.robots_forbid_counter else {}
    with DemoServer(theme=theme, **server_options) as server:
        proc = subprocess.run(
            [
                sys.executable, "-m", "scrapy", "crawl", "cms",
                "-a", f"start_urls={server.base_url}/,{server.base_url}{TRAP_PATHS[theme]}",
                "-s", f"ARCHIVE_URL=sqlite:///{db}",
                "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=0",
                "-s", "ARCHIVE_BATCH_SIZE=7",
                "-s", f"NEWSCRAWL_FETCH_COUNTERS={int(scenario.counters)}",
                "-s", f"NEWSCRAWL_EXTRACT_WORKERS={scenario.workers}",
            ],
            cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        counts = dict(server.fetch_counts)
        base = server.base_url
    opened = open_archive(f"sqlite:///{db}", create=False)
    with opened.session() as session:
        archived = {a["url"]: a for a in iter_articles(session)}
        runs = list_runs(session)
    options = {"counters": True} if scenario.counters_read else {}
    expected = {a["url"]: a for a in expected_articles(base, theme, **options)}
    return Crawl(base, proc.returncode, proc.stderr, counts, archived, expected, runs)


@pytest.fixture(scope="session")
def crawl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crawls")


def _article_ids(scenario: Scenario) -> list[str]:
    return [a["cms_id"] for a in expected_articles("http://127.0.0.1:1", scenario.theme)]


def _by_id(result: Crawl, cms_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    want = next(a for a in result.expected.values() if a["cms_id"] == cms_id)
    return want, result.archived.get(want["url"])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_crawl_finishes_cleanly(scenario: Scenario, crawl_dir: Path) -> None:
    result = crawl(scenario, crawl_dir)
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_every_article_archived_once(scenario: Scenario, crawl_dir: Path) -> None:
    result = crawl(scenario, crawl_dir)
    assert sorted(result.archived) == sorted(result.expected)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_each_page_fetched_once(scenario: Scenario, crawl_dir: Path) -> None:
    result = crawl(scenario, crawl_dir)
    repeated = {path: n for path, n in result.fetch_counts.items() if n > 1}
    assert repeated == {}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_robots_disallowed_paths_never_fetched(scenario: Scenario, crawl_dir: Path) -> None:
    result = crawl(scenario, crawl_dir)
    assert "/robots.txt" in result.fetch_counts
    forbidden = [p for p in result.fetch_counts if p.startswith(("/admin/", "/search.php"))]
    assert forbidden == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_run_recorded_with_soft_404_counted(scenario: Scenario, crawl_dir: Path) -> None:
    result = crawl(scenario, crawl_dir)
    assert len(result.runs) == 1
    run = result.runs[0]
    assert run.status == "finished"
    # The DedeCMS soft 404 lives under /plus/, which one robots.txt variant forbids.
    if not scenario.robots_forbid_counter:
        assert run.stats["newscrawl/soft_404"] >= 1
    assert run.stats["newscrawl/items"] == len(result.expected)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=str)
def test_past_the_end_list_page_is_recognized(scenario: Scenario, crawl_dir: Path) -> None:
    result = crawl(scenario, crawl_dir)
    assert result.fetch_counts[TRAP_PATHS[scenario.theme]] == 1
    if scenario.theme != "dedecms":  # DedeCMS answers 404 past the end: nothing to recognize
        assert result.runs[0].stats["newscrawl/list_trap"] >= 1
    past_end = [p for p in result.fetch_counts if re.search(r"page=4|list[-_]29[-_]4", p)]
    assert past_end == []


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if s.theme == "dedecms"], ids=str)
def test_counter_endpoint_only_when_asked_and_allowed(scenario: Scenario, crawl_dir: Path) -> None:
    result = crawl(scenario, crawl_dir)
    calls = sum(n for path, n in result.fetch_counts.items() if path.startswith("/plus/count.php"))
    assert calls == (len(result.expected) if scenario.counters_read else 0)


@pytest.mark.parametrize("key", COMPARED_KEYS)
@pytest.mark.parametrize(
    ("scenario", "cms_id"), [(s, i) for s in SCENARIOS for i in _article_ids(s)], ids=str
)
def test_archived_field(scenario: Scenario, cms_id: str, key: str, crawl_dir: Path) -> None:
    want, got = _by_id(crawl(scenario, crawl_dir), cms_id)
    assert got is not None, f"article {cms_id} not archived"
    assert got[key] == want[key]
