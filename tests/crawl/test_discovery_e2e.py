"""End to end: discovery on site shapes nobody listed (issue 25).

Each site-shape theme of the demo (PHPMyWind 5.6 stock script URLs, PbootCMS
query routes with short ids, DedeCMS channel directories with the article
pager after the body) is served over real HTTP and crawled by the real
``scrapy crawl cms`` from its home page alone. Every article must come out,
each page fetched once, with nothing robots.txt forbids, and a list page past
the end (given as a second start URL) recognized as the trap it is.

What the crawl yields is read from its feed (one JSON line per item), so a
row the archive merges cannot hide a missing page; the archive is checked too.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from archive import iter_articles, list_runs, open_archive
from newscrawl.demo.routes import SHAPE_THEMES, Route, UrlScheme
from newscrawl.demo.schemes import article_urls
from newscrawl.demo.server import DemoServer
from newscrawl.demo.theme_rewrite import RewriteTheme

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
#: A list page number past the end, also given as a start URL: PHPMyWind and
#: PbootCMS serve page 1 there (the crawler trap); DedeCMS's static lists answer 404.
TRAP_PATHS = {
    "phpmywind56": "/news.php?cid=4&page=99",
    "pbootcms": "/?article_99/",
    "dedecms57": "/a/news/list_1_99.html",
}


@dataclass
class Crawl:
    returncode: int
    log: str
    fetch_counts: dict[str, int]
    items: list[dict[str, Any]]
    archived: dict[str, dict[str, Any]]
    expected: list[str]
    stats: dict[str, Any]


def scrapy_crawl(start_urls: str, db: Path, feed: Path) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl cms`` over real HTTP into ``db``, its items also written to ``feed``."""
    return subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "cms",
            "-a", f"start_urls={start_urls}",
            "-s", f"ARCHIVE_URL=sqlite:///{db}",
            "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=0",
            "-O", f"{feed}:jsonlines",
        ],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


@cache
def crawl(theme: str, tmp: Path) -> Crawl:
    db = tmp / f"{theme}.sqlite"
    feed = tmp / f"{theme}.jsonl"
    with DemoServer(theme=theme) as server:
        proc = scrapy_crawl(f"{server.base_url}/,{server.base_url}{TRAP_PATHS[theme]}", db, feed)
        counts = dict(server.fetch_counts)
        expected = article_urls(server.base_url, theme)
    items = [json.loads(line) for line in feed.read_text("utf-8").splitlines() if line.strip()]
    opened = open_archive(f"sqlite:///{db}", create=False)
    with opened.session() as session:
        archived = {a["url"]: a for a in iter_articles(session)}
        runs = list_runs(session)
    stats = runs[0].stats if runs else {}
    return Crawl(proc.returncode, proc.stderr, counts, items, archived, expected, stats)


@pytest.fixture(scope="session")
def crawl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("discovery")


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_crawl_finishes_cleanly(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert result.returncode == 0, result.log[-3000:]
    assert "Traceback" not in result.log


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_every_article_found_once(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    found = [item["url"] for item in result.items]
    assert sorted(found) == sorted(result.expected)


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_each_page_fetched_once(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert {path: n for path, n in result.fetch_counts.items() if n > 1} == {}


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_nothing_robots_txt_forbids(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    forbidden = ("/admin/", "/search.php", "/member/", "/dede/", "/plus/search.php")
    assert [p for p in result.fetch_counts if p.startswith(forbidden)] == []


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_multi_page_article_complete(theme: str, crawl_dir: Path) -> None:
    """The two-page article's item holds page 2's text, wherever its pager sits."""
    from newscrawl.demo.content import clean_text, load_site

    result = crawl(theme, crawl_dir)
    site = load_site()
    two_page = next(a for a in site.articles if a.page_count > 1)
    url = result.expected[site.articles.index(two_page)]
    item = next(i for i in result.items if i["url"] == url)
    last = clean_text((two_page.continuation or two_page.page2_sections[-1].paragraphs)[-1])
    assert last in item["body"]


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_past_the_end_list_page_is_recognized(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert result.fetch_counts[TRAP_PATHS[theme]] == 1
    if theme != "dedecms57":  # a 404 there, no trap
        assert result.stats.get("newscrawl/list_trap", 0) >= 1
    past_end = [p for p in result.fetch_counts if "99" in p and p != TRAP_PATHS[theme]]
    assert [p for p in past_end if "100" in p] == []


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_soft_404_counted(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert result.stats.get("newscrawl/soft_404", 0) >= 1


@pytest.mark.parametrize("theme", ["phpmywind56", "pbootcms", "dedecms57"])
def test_every_article_archived_in_its_own_row(theme: str, crawl_dir: Path) -> None:
    result = crawl(theme, crawl_dir)
    assert sorted(result.archived) == sorted(result.expected)


def test_learned_templates_kept_for_the_next_harvest(tmp_path: Path) -> None:
    """What a crawl learned about the site's URLs is in the memory file, and read back."""
    db = tmp_path / "pboot.sqlite"
    logs = []
    with DemoServer(theme="pbootcms") as server:
        for _run in range(2):
            proc = subprocess.run(
                [
                    sys.executable, "-m", "scrapy", "crawl", "cms",
                    "-a", f"start_urls={server.base_url}/",
                    "-s", f"ARCHIVE_URL=sqlite:///{db}",
                    "-s", "DOWNLOAD_DELAY=0",
                    "-s", "AUTOTHROTTLE_ENABLED=0",
                ],
                cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
            )  # fmt: skip
            assert proc.returncode == 0, proc.stderr[-3000:]
            logs.append(proc.stderr)
    memory = json.loads((tmp_path / "pboot.sqlite.127.0.0.1.discovery.json").read_text())
    articles, lists, _others = memory["templates"]["/?article/{n}.html"]
    assert articles >= 3 and lists == 0
    assert "URL templates known from earlier harvests" not in logs[0]
    assert "URL templates known from earlier harvests" in logs[1]


class UnlistedUrls(UrlScheme):
    """A URL scheme no list of shapes names: ``/column/yule/more/2``, ``/story/1d265z``.

    Ids in hex and letters (no ``.html``, no ``id=``), lists by channel name,
    the article's page 2 as ``?page=2``. Only content can tell these apart.
    """

    name = "unlisted"
    NAMES: ClassVar[dict[int, str]] = {29: "xinwen", 30: "hangye", 31: "yule"}
    _LIST = re.compile(r"^/column/([a-z]+)/(?:more/(\d+))?$")
    _SHOW = re.compile(r"^/story/([0-9a-f]{2})([0-9a-f]+)z$")

    def list_url(self, cid: int, page: int | None = None) -> str:
        base = f"/column/{self.NAMES[cid]}/"
        return base if page is None or page == 1 else f"{base}more/{page}"

    def show_url(self, cid: int, article_id: int, page: int | None = None) -> str:
        base = f"/story/{cid:02x}{article_id:x}z"
        return base if page is None or page == 1 else f"{base}?page={page}"

    def content_page_url(self, cid: int, article_id: int, page: int) -> str:
        return self.show_url(cid, article_id, page)

    def canonical_article(self, base_url: str, cid: int, article_id: int) -> str:
        return f"{base_url}{self.show_url(cid, article_id)}"

    def parse(self, path_qs: str) -> Route:
        parts = urlsplit(path_qs)
        page = int(parse_qs(parts.query).get("page", ["1"])[-1] or 1)
        if m := self._LIST.match(parts.path):
            cids = {name: cid for cid, name in self.NAMES.items()}
            return Route("list", cid=cids.get(m.group(1)), page=int(m.group(2) or 1))
        if m := self._SHOW.match(parts.path):
            cid, article_id = int(m.group(1), 16), int(m.group(2), 16)
            return Route("show", cid=cid, article_id=article_id, page=page)
        return super().parse(path_qs)


def test_a_shape_nobody_listed_is_crawled_whole(tmp_path: Path) -> None:
    """Every article of a site whose URLs no list names, from its home page alone."""
    feed = tmp_path / "unlisted.jsonl"
    server = DemoServer(theme="rewrite")
    scheme = UnlistedUrls()
    server.urls, server.theme = scheme, RewriteTheme(server.site, scheme)
    with server:
        proc = scrapy_crawl(f"{server.base_url}/", tmp_path / "a.sqlite", feed)
        counts = dict(server.fetch_counts)
        expected = [
            scheme.canonical_article(server.base_url, a.cid, a.id) for a in server.site.articles
        ]
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text("utf-8").splitlines() if line.strip()]
    assert sorted(item["url"] for item in items) == sorted(expected)
    assert {path: n for path, n in counts.items() if n > 1} == {}
    two_page = next(a for a in server.site.articles if a.page_count > 1)
    assert counts[scheme.show_url(two_page.cid, two_page.id, 2)] == 1


def test_crawl_started_at_an_article_of_an_unlisted_shape(tmp_path: Path) -> None:
    """A start URL no shape names is read for what it is: here an article, archived."""
    feed = tmp_path / "start.jsonl"
    with DemoServer(theme="phpmywind56") as server:
        expected = article_urls(server.base_url, "phpmywind56")
        start = next(u for u in expected if u.endswith("/newsshow.php?cid=4&id=1"))
        proc = subprocess.run(
            [
                sys.executable, "-m", "scrapy", "crawl", "cms",
                "-a", f"start_urls={start}",
                "-s", f"ARCHIVE_URL=sqlite:///{tmp_path / 'a.sqlite'}",
                "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=0",
                "-O", f"{feed}:jsonlines",
            ],
            cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    items = [json.loads(line) for line in feed.read_text("utf-8").splitlines() if line.strip()]
    assert sorted(item["url"] for item in items) == sorted(expected)
