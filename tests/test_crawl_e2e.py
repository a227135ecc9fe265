"""End to end: serve the demo site over HTTP, run the real ``scrapy crawl cms``,
and compare the archive with the demo's expected JSON field by field.

Both themes are crawled: the same articles under other class names, tags and
URLs, so extraction is proven to match by labels and structure.
"""

from __future__ import annotations

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

REPO = Path(__file__).resolve().parent.parent
THEMES = ("phpmywind", "rewrite")
#: A page number past the end, which the demo serves as page 1 (the crawler trap).
TRAP_PATHS = {"phpmywind": "/list.php?cid=29&page=99", "rewrite": "/list-29-99.html"}
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
def crawl(theme: str, tmp: Path) -> Crawl:
    db = tmp / f"{theme}.sqlite"
    with DemoServer(theme=theme) as server:
        proc = subprocess.run(
            [
                sys.executable, "-m", "scrapy", "crawl", "cms",
                "-a", f"start_urls={server.base_url}/,{server.base_url}{TRAP_PATHS[theme]}",
                "-s", f"ARCHIVE_URL=sqlite:///{db}",
                "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=0",
                "-s", "ARCHIVE_BATCH_SIZE=7",
            ],
            cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
        counts = dict(server.fetch_counts)
        base = server.base_url
    sessions = open_archive(f"sqlite:///{db}", create=False)
    with sessions() as session:
        archived = {a["url"]: a for a in iter_articles(session)}
        runs = list_runs(session)
    expected = {a["url"]: a for a in expected_articles(base, theme)}
    return Crawl(base, proc.returncode, proc.stderr, counts, archived, expected, runs)


@pytest.fixture(scope="session")
def crawl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crawls")


def _article_ids(theme: str) -> list[str]:
    return [a["cms_id"] for a in expected_articles("http://127.0.0.1:1", theme)]


def _by_id(result: Crawl, cms_id: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    want = next(a for a in result.expected.values() if a["cms_id"] == cms_id)
    return want, result.archived.get(want["url"])


@pytest.mark.parametrize("theme", THEMES)
def test_crawl_finishes_cleanly(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log


@pytest.mark.parametrize("theme", THEMES)
def test_every_article_archived_once(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert sorted(result.archived) == sorted(result.expected)


@pytest.mark.parametrize("theme", THEMES)
def test_each_page_fetched_once(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    repeated = {path: n for path, n in result.fetch_counts.items() if n > 1}
    assert repeated == {}


@pytest.mark.parametrize("theme", THEMES)
def test_robots_disallowed_paths_never_fetched(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert "/robots.txt" in result.fetch_counts
    forbidden = [p for p in result.fetch_counts if p.startswith(("/admin/", "/search.php"))]
    assert forbidden == []


@pytest.mark.parametrize("theme", THEMES)
def test_run_recorded_with_soft_404_counted(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert len(result.runs) == 1
    run = result.runs[0]
    assert run.status == "finished"
    assert run.stats["newscrawl/soft_404"] >= 1
    assert run.stats["newscrawl/items"] == len(result.expected)


@pytest.mark.parametrize("theme", THEMES)
def test_past_the_end_list_page_is_recognized(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert result.fetch_counts[TRAP_PATHS[theme]] == 1
    assert result.runs[0].stats["newscrawl/list_trap"] >= 1
    past_end = [p for p in result.fetch_counts if "page=4" in p or "list-29-4" in p]
    assert past_end == []


@pytest.mark.parametrize("key", COMPARED_KEYS)
@pytest.mark.parametrize(("theme", "cms_id"), [(t, i) for t in THEMES for i in _article_ids(t)])
def test_archived_field(theme: str, cms_id: str, key: str, crawl_dir: Path) -> None:
    want, got = _by_id(crawl(theme, crawl_dir), cms_id)
    assert got is not None, f"article {cms_id} not archived"
    assert got[key] == want[key]
