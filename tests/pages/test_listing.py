"""Navigation page objects on the demo site's list and article pages."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.request import urlopen

import pytest

from newscrawl.crawl import urls
from newscrawl.demo.server import DemoServer
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.labels import LAST_PAGE_MARKERS, NEXT_PAGE_TEXTS, PAGER_MARKS, TITLE_MARKS
from newscrawl.pages.listing import ListingPage, _route


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer() as demo:
        yield demo


def fetch(server: DemoServer, path: str) -> tuple[str, str]:
    url = server.base_url + path
    with urlopen(url) as response:
        return url, response.read().decode("utf-8")


def test_first_list_page_links_articles_and_next_page(server: DemoServer) -> None:
    url, html = fetch(server, "/list.php?cid=29")
    links = ListingPage(url, html).links()
    assert links.next_page == f"{server.base_url}/list.php?cid=29&page=2"
    assert links.last_page is False
    assert len([u for u in links.articles if urls.channel_id(u) == "29"]) >= 10


def test_last_list_page_has_marker_and_no_next(server: DemoServer) -> None:
    url, html = fetch(server, "/list.php?cid=29&page=3")
    links = ListingPage(url, html).links()
    assert links.last_page is True
    assert links.next_page is None


def test_no_link_leaves_http_or_names_a_script_url(server: DemoServer) -> None:
    url, html = fetch(server, "/")
    links = ListingPage(url, html).links()
    everything = links.articles + links.listings
    assert everything
    assert all(u.startswith("http") for u in everything)
    assert not any("javascript" in u or "mailto" in u for u in everything)


def test_article_links_point_to_page_one(server: DemoServer) -> None:
    url, html = fetch(server, "/show.php?cid=29&id=620")
    links = ListingPage(url, html).links()
    assert all(urls.page_number(u) == 1 for u in links.articles)


def test_multi_page_article_lists_its_other_pages(server: DemoServer) -> None:
    url, html = fetch(server, "/show.php?cid=29&id=620")
    assert ArticlePage(url, html).page_urls() == [
        f"{server.base_url}/show.php?cid=29&id=620&page=2"
    ]


def test_single_page_article_has_no_other_pages(server: DemoServer) -> None:
    url, html = fetch(server, "/show.php?cid=29&id=613")
    assert ArticlePage(url, html).page_urls() == []


def test_traditional_next_page_text_is_the_next_page() -> None:
    """A Big5 site's pager says 下一頁: the link is the next page, not just another list page."""
    url = "http://tw.example/list.php?cid=2"
    html = (
        "<html><body><div class='page'>"
        "<a href='list.php?cid=2&amp;page=5'>5</a>"
        "<a href='list.php?cid=2&amp;page=2'>下一頁</a>"
        "</div></body></html>"
    )
    links = ListingPage(url, html).links()
    assert links.next_page == "http://tw.example/list.php?cid=2&page=2"


def test_every_next_page_label_holds_a_pager_mark() -> None:
    """Links are read for the pager only when their text holds a mark: no label may lack one."""
    assert all(any(mark in label for mark in PAGER_MARKS) for label in NEXT_PAGE_TEXTS)
    pager_labels = (*NEXT_PAGE_TEXTS, *LAST_PAGE_MARKERS)
    assert all(any(mark in label for mark in TITLE_MARKS) for label in pager_labels)


def test_traditional_last_page_marker_ends_the_list() -> None:
    url = "http://tw.example/list.php?cid=2&page=9"
    html = (
        "<html><body><div class='page'>"
        "<a href='list.php?cid=2&amp;page=8'>上一頁</a>"
        "<a href='javascript:;' title='已是最後一頁'>末頁</a>"
        "</div></body></html>"
    )
    links = ListingPage(url, html).links()
    assert links.last_page is True
    assert links.next_page is None


def test_a_repeated_href_is_read_once_per_anchor_role() -> None:
    """Each href is joined and classified once per page; each anchor still counts:
    the pager's 下一页 names the page a plain number link named before it."""
    html = (
        "<html><body>"
        '<a href="list.php?cid=29&amp;page=2">2</a>'
        '<a href="show.php?cid=29&amp;id=7&amp;page=2">第二页</a>'
        '<a href="show.php?cid=29&amp;id=7">一篇文章的标题</a>'
        '<a href="list.php?cid=29&amp;page=2">下一页</a>'
        '<a href="show.php?cid=29&amp;id=7">一篇文章的标题</a>'
        '<a href="list.php?cid=29&amp;page=2" title="下一页">›</a>'
        "</body></html>"
    )
    links = ListingPage("http://127.0.0.1:8000/list.php?cid=29", html).links()
    assert links.next_page == "http://127.0.0.1:8000/list.php?cid=29&page=2"
    assert links.listings == ["http://127.0.0.1:8000/list.php?cid=29&page=2"]
    assert links.articles == ["http://127.0.0.1:8000/show.php?cid=29&id=7"]
    assert links.last_page is False


def test_a_link_another_page_showed_is_classified_from_the_cache() -> None:
    """Menus repeat on every page: a URL classified once is looked up after that,
    with the same answer on every page (here two list pages of one channel)."""
    html = (
        '<html><body><a href="list.php?cid=31">频道</a>'
        '<a href="show.php?cid=31&amp;id=9&amp;page=3">一篇文章的第三页</a></body></html>'
    )
    first = ListingPage("http://127.0.0.9:8000/list.php?cid=31", html).links()
    before = _route.cache_info()
    second = ListingPage("http://127.0.0.9:8000/list.php?cid=31&page=2", html).links()
    after = _route.cache_info()
    assert second == first
    assert first.articles == ["http://127.0.0.9:8000/show.php?cid=31&id=9"]
    assert first.listings == ["http://127.0.0.9:8000/list.php?cid=31"]
    assert after.hits - before.hits == 2
    assert after.misses == before.misses


def test_a_last_page_title_is_read_through_zero_width_characters() -> None:
    """Titles are cleaned only when they hold a pager label's character; one that
    does is cleaned before it is compared (没<U+200B>有了 is 没有了)."""
    html = (
        "<html><body><a href='list.php?cid=2&amp;page=3' title='第３页'>3</a>"
        "<a href='javascript:;' title=' 没\u200b有了 '>›</a></body></html>"
    )
    links = ListingPage("http://127.0.0.1:8000/list.php?cid=2&page=4", html).links()
    assert links.last_page is True
    assert links.listings == ["http://127.0.0.1:8000/list.php?cid=2&page=3"]
