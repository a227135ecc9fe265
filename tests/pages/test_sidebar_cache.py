"""The sidebar box cache: a box read once gives the same links on every later page.

``sidebar._BOXES`` keeps boxes by their markup, heading and page path; these
tests hold it to the uncached reading on every fixture page, and to the
parts of the key a page can change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from newscrawl.items import SidebarLink
from newscrawl.pages import ArticlePage, sidebar
from newscrawl.pages.encoding import decode_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = sorted(FIXTURES.glob("*/*/page.html"))


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch) -> Iterator[sidebar._BoxCache]:
    cache = sidebar._BoxCache()
    monkeypatch.setattr(sidebar, "_BOXES", cache)
    yield cache


def _sidebar(url: str, html: str) -> list[SidebarLink]:
    return ArticlePage(url, html, fetched_at="2026-11-29T00:00:00+00:00").sidebar()


def _uncached(url: str, html: str, monkeypatch: pytest.MonkeyPatch) -> list[SidebarLink]:
    with monkeypatch.context() as patch:
        patch.setattr(sidebar, "_BOXES", sidebar._BoxCache(size=0))
        return _sidebar(url, html)


@pytest.mark.parametrize(
    "path", PAGES, ids=[f"{p.parent.parent.name}/{p.parent.name}" for p in PAGES]
)
def test_a_cached_box_gives_what_reading_it_gives(
    path: Path, fresh_cache: sidebar._BoxCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    meta = json.loads((path.parent / "meta.json").read_text())
    html, _ = decode_html(path.read_bytes(), meta.get("content_type"))
    url = meta["url"]
    want = _uncached(url, html, monkeypatch)
    first = _sidebar(url, html)  # read, and kept
    second = _sidebar(url, html)  # from the cache
    assert first == want
    assert second == want


BOX = (
    "<ul><li><a href='{prefix}a-{n}.html'>第一条新闻标题写得足够长了</a><span>11-02</span></li>"
    "<li><a href='{prefix}b-{n}.html'>第二条新闻标题也写得够长</a><span>11-01</span></li>"
    "<li><a href='?id=7'>第三条新闻标题同样写得很长</a><span>10-30</span></li></ul>"
)


def _page(heading: str, prefix: str = "", n: int = 1) -> str:
    return (
        "<html><body><div class='main'><h1>一篇文章</h1><p>日期：2026-11-02</p>"
        "<div class='content'><p>正文第一段写在这里，字数足够作为正文。</p></div></div>"
        f"<div class='side'><h3>{heading}</h3>{BOX.format(prefix=prefix, n=n)}</div>"
        "</body></html>"
    )


def test_the_page_path_is_part_of_the_key(fresh_cache: sidebar._BoxCache) -> None:
    one = _sidebar("http://example.cn/news/2026/a.html", _page("最新文章"))
    two = _sidebar("http://example.cn/blog/b.html?id=3", _page("最新文章"))
    assert [link.url for link in one] == [
        "http://example.cn/news/2026/a-1.html",
        "http://example.cn/news/2026/b-1.html",
        "http://example.cn/news/2026/a.html?id=7",
    ]
    assert [link.url for link in two] == [
        "http://example.cn/blog/a-1.html",
        "http://example.cn/blog/b-1.html",
        "http://example.cn/blog/b.html?id=7",
    ]


def test_the_heading_is_part_of_the_key(fresh_cache: sidebar._BoxCache) -> None:
    url = "http://example.cn/news/a.html"
    assert {link.box for link in _sidebar(url, _page("最新文章"))} == {"最新文章"}
    assert {link.box for link in _sidebar(url, _page("热门文章"))} == {"热门文章"}


def test_each_page_gets_links_of_its_own(fresh_cache: sidebar._BoxCache) -> None:
    url = "http://example.cn/news/a.html"
    first = _sidebar(url, _page("最新文章"))
    for link in first:  # the normalizer fills in dates on the links it is given
        link.date = "2026-11-02"
    second = _sidebar(url, _page("最新文章"))
    assert [link.date for link in second] == [None, None, None]
    assert [link.date_raw for link in second] == ["11-02", "11-01", "10-30"]


def test_the_cache_keeps_at_most_its_size(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = sidebar._BoxCache(size=2)
    monkeypatch.setattr(sidebar, "_BOXES", cache)
    url = "http://example.cn/news/a.html"
    for n in range(5):
        assert len(_sidebar(url, _page("最新文章", n=n))) == 3
    assert len(cache._boxes) == 2
    # The two newest stay: reading the latest box again reads nothing new.
    kept = set(cache._boxes)
    _sidebar(url, _page("最新文章", n=4))
    assert set(cache._boxes) == kept


def test_a_cache_of_size_zero_keeps_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = sidebar._BoxCache(size=0)
    monkeypatch.setattr(sidebar, "_BOXES", cache)
    assert len(_sidebar("http://example.cn/news/a.html", _page("最新文章"))) == 3
    assert cache._boxes == {}


def test_a_box_longer_than_the_limit_is_read_each_time(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = sidebar._BoxCache(largest=200)  # the test box's markup is longer
    monkeypatch.setattr(sidebar, "_BOXES", cache)
    links = _sidebar("http://example.cn/news/a.html", _page("最新文章"))
    assert len(links) == 3
    assert cache._boxes == {}
