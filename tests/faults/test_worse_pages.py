"""A re-crawl where pages got worse (no body, no headline, no sidebar, no byline, no date
line) never replaces what the archive stores.

Every case runs the real ``newscrawl harvest`` (a subprocess, as cron runs it) over real
HTTP against the demo site on 127.0.0.1, into a real SQLite file; the two harvests run once
for the module.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Any

import pytest
from lxml import html as lxml_html

from newscrawl.demo.routes import Route
from newscrawl.demo.server import DemoServer

pytestmark = pytest.mark.e2e


from tests.faults.archive_harvests import (
    ALL_DUE,
    DEMO_ARTICLES,
    FAST,
    connect,
    harvest,
    health,
    snapshot,
)

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
