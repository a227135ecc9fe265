"""The offline demo site's pages: real HTTP on 127.0.0.1, no mocks.

These tests pin the behaviours the crawler's end-to-end tests rely on (trap,
soft 404, counters, robots.txt, the default and rewrite themes' URL schemes).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator

import pytest

from newscrawl.demo import (
    ROBOTS_TXT,
    SHOWCASE_ID,
    STALE_ID,
    TWO_PAGE_ID,
    DemoServer,
    load_site,
    truncate_title,
)


def get(url: str) -> tuple[int, str]:
    """(status, body) of a GET, HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


@pytest.fixture(scope="module")
def site() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="module")
def rewrite() -> Iterator[DemoServer]:
    with DemoServer(theme="rewrite") as server:
        yield server


def titles_in(html: str) -> list[str]:
    """Full titles of the list items (dated YYYY-MM-DD; sidebars show MM-DD)."""
    pattern = r'<li><a href="show\.php\?cid=\d+&id=\d+" title="([^"]+)">[^<]*</a><span>\d{4}-'
    return re.findall(pattern, html)


# -- pages and markers ---------------------------------------------------------


def test_home_links_channels_traps_and_stale_article(site: DemoServer) -> None:
    status, html = get(site.base_url + "/")
    assert status == 200
    for marker in (
        'href="list.php?cid=29"',
        'href="list.php?cid=30"',
        "/search.php?kw=",
        'href="/admin/login.php"',
        'href="http://www.example.com/"',
        'href="javascript:void(0)"',
        'href="mailto:',
        f'href="show.php?cid=29&id={STALE_ID}"',
        "<script",
        "浙ICP备",
    ):
        assert marker in html, marker
    assert 20_000 <= len(html.encode()) <= 40_000


def test_article_page_structure(site: DemoServer) -> None:
    status, html = get(f"{site.base_url}/show.php?cid=29&id={SHOWCASE_ID}")
    assert status == 200
    article = load_site().article(SHOWCASE_ID)
    assert article is not None
    assert f"<h2>{article.title}</h2>" in html
    assert re.search(r'<p class="info-date">日期：2026-01-08 09:30:00 / 人气：\d+</p>', html)
    assert '<div class="bd"><div>' in html
    assert "<p><strong>五、" in html
    assert '<p class="text-right">作者：星澜编辑部</p>' in html
    assert "←上一篇：" in html and "下一篇→：" in html
    assert "<h4>新闻资讯 <small>News</small></h4>" in html
    assert re.search(
        r'<a href="show\.php\?cid=29&id=\d+" title="[^"]+">[^<]+\.\.\.</a><small>\d\d-\d\d</small>',
        html,
    )
    assert 20_000 <= len(html.encode()) <= 40_000


def test_article_without_author_has_no_author_line(site: DemoServer) -> None:
    no_author = [a for a in load_site().articles if a.author is None]
    assert len(no_author) >= 4
    _, html = get(f"{site.base_url}/show.php?cid={no_author[0].cid}&id={no_author[0].id}")
    assert "作者" not in html


def test_two_page_article(site: DemoServer) -> None:
    _, first = get(f"{site.base_url}/show.php?cid=29&id={TWO_PAGE_ID}")
    _, second = get(f"{site.base_url}/show.php?cid=29&id={TWO_PAGE_ID}&page=2")
    assert '<div class="contPage">' in first
    assert f'href="?cid=29&id={TWO_PAGE_ID}&page=2"' in first
    assert "<span>2</span>" in second
    article = load_site().article(TWO_PAGE_ID)
    assert article is not None and article.continuation
    assert article.continuation[0] in second and article.continuation[0] not in first


def test_prenext_ends(site: DemoServer) -> None:
    oldest = load_site().in_channel(29)[-1]
    _, html = get(f"{site.base_url}/show.php?cid=29&id={oldest.id}")
    assert "←上一篇：已经没有了" in html


# -- lists, pager and the trap ---------------------------------------------------


def test_list_pages_and_pager(site: DemoServer) -> None:
    status, first = get(site.base_url + "/list.php?cid=29")
    assert status == 200
    assert '<div class="page_list">' in first
    assert '<a href="list.php?cid=29&page=2" title="下一页">下一页</a>' in first
    newest = load_site().in_channel(29)
    assert titles_in(first) == [a.title for a in newest[:10]]
    assert load_site().list_page_count(29) >= 3


def test_last_page_next_link_is_dead(site: DemoServer) -> None:
    last = load_site().list_page_count(29)
    _, html = get(f"{site.base_url}/list.php?cid=29&page={last}")
    assert '<a href="javascript:;" title="已是最后一页">下一页</a>' in html
    assert 'title="下一页"' not in html


@pytest.mark.parametrize("page", ["99", "0", "abc"])
def test_page_past_the_end_serves_page_one(site: DemoServer, page: str) -> None:
    _, first = get(site.base_url + "/list.php?cid=29&page=1")
    status, trap = get(f"{site.base_url}/list.php?cid=29&page={page}")
    assert status == 200
    assert titles_in(trap) == titles_in(first)


# -- soft 404, real 404, robots, counters -----------------------------------------


def test_soft_404_is_200_with_empty_article(site: DemoServer) -> None:
    status, html = get(f"{site.base_url}/show.php?cid=29&id={STALE_ID}")
    assert status == 200
    assert "<h2></h2>" in html
    assert "日期" not in html and "人气" not in html
    assert '<div class="bd"><div></div></div>' in html
    assert "<h4>新闻资讯 <small>News</small></h4>" in html


def test_unknown_path_is_404(site: DemoServer) -> None:
    assert get(site.base_url + "/no/such/page.html")[0] == 404


def test_robots_and_disallowed_pages(site: DemoServer) -> None:
    status, text = get(site.base_url + "/robots.txt")
    assert status == 200
    assert text == ROBOTS_TXT
    assert "User-agent: *" in text
    assert "Disallow: /admin/" in text and "Disallow: /search.php" in text
    assert get(site.base_url + "/admin/login.php")[0] == 200
    assert get(site.base_url + "/search.php?kw=AI")[0] == 200


def test_counter_adds_one_per_fetch() -> None:
    article = load_site().article(SHOWCASE_ID)
    assert article is not None
    with DemoServer() as server:
        url = f"{server.base_url}/show.php?cid=29&id={SHOWCASE_ID}"
        for expected in (article.base_views + 1, article.base_views + 2):
            _, html = get(url)
            assert f"人气：{expected}</p>" in html
        assert server.views(SHOWCASE_ID) == article.base_views + 2
        assert server.fetch_counts[f"/show.php?cid=29&id={SHOWCASE_ID}"] == 2
        get(f"{server.base_url}/show.php?cid=29&id={STALE_ID}")
        assert server.views(SHOWCASE_ID) == article.base_views + 2


# -- the rewrite theme ------------------------------------------------------------


def test_rewrite_theme_serves_same_articles(rewrite: DemoServer) -> None:
    status, html = get(f"{rewrite.base_url}/show-29-{SHOWCASE_ID}-1.html")
    assert status == 200
    article = load_site().article(SHOWCASE_ID)
    assert article is not None
    assert f'<h1 class="art-title">{article.title}</h1>' in html
    assert re.search(
        r'<div class="art-info"><span>日期：2026-01-08 09:30:00</span> / <span>人气：\d+</span>',
        html,
    )
    assert '<div class="content"><div class="art-body">' in html
    assert '<h3 class="tit">新闻资讯<em>News</em></h3>' in html
    assert re.search(
        r'<li><span class="date">\d\d-\d\d</span><a href="/show-\d+-\d+-1\.html"', html
    )
    _, page2 = get(f"{rewrite.base_url}/show-29-{TWO_PAGE_ID}-2.html")
    assert "三、IP不是越大越好" in page2
    _, listing = get(rewrite.base_url + "/list-29-1.html")
    assert '<div class="pages">' in listing and 'href="/list-29-2.html" title="下一页"' in listing
    last = load_site().list_page_count(29)
    _, trap = get(f"{rewrite.base_url}/list-29-{last + 5}.html")
    assert f"/show-29-{load_site().in_channel(29)[0].id}-1.html" in trap
    status, soft = get(f"{rewrite.base_url}/show-29-{STALE_ID}-1.html")
    assert status == 200 and '<h1 class="art-title"></h1>' in soft
    assert get(rewrite.base_url + "/list.php?cid=29")[0] == 404
    assert get(rewrite.base_url + "/robots.txt")[1] == ROBOTS_TXT


def test_sidebar_link_text_is_truncated_on_page(site: DemoServer) -> None:
    _, html = get(f"{site.base_url}/show.php?cid=29&id={SHOWCASE_ID}")
    for full, shown in re.findall(r'title="([^"]+)">([^<]+)</a><small>', html):
        assert (shown, shown != full) == truncate_title(full)
