"""Unit checks of the fixes the HTTP faults uncovered: tracking parameters dropped,
other ports refused, links that ``urlsplit`` refuses left alone.

Marked e2e with the rest of the fault suite they came from (``test_http_faults.py``),
so ``-m "not e2e"`` selects the same tests as before.
"""

from __future__ import annotations

import pytest

from newscrawl.crawl import urls
from newscrawl.spiders.cms import CmsSpider

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://h/show.php?cid=1&id=5&utm_source=wechat&utm_medium=share",
            "http://h/show.php?cid=1&id=5",
        ),
        ("http://h/show.php?id=5&spm=a2.b&cid=1#top", "http://h/show.php?cid=1&id=5"),
        ("http://h/show.php?gclid=x&fbclid=y&id=5", "http://h/show.php?id=5"),
        ("http://h/list.php?cid=1&page=2&UTM_CAMPAIGN=z", "http://h/list.php?cid=1&page=2"),
        # Not tracking parameters: kept.
        ("http://h/show.php?id=5&utmost=1&from=app", "http://h/show.php?from=app&id=5&utmost=1"),
        ("http://h/?news/12.html", "http://h/?news/12.html"),
        # The other arguments keep their bytes: a GBK keyword, a query route.
        ("http://h/search.php?kw=%D6%D0&utm_source=x", "http://h/search.php?kw=%D6%D0"),
        ("http://h/?news/12.html&utm_source=x", "http://h/?news/12.html"),
    ],
)
def test_canonical_url_drops_tracking_parameters(url: str, expected: str) -> None:
    assert urls.canonical_url(url) == expected


def test_first_page_url_of_a_shared_page_two_is_the_plain_article() -> None:
    shared = "http://h/show.php?cid=29&id=620&page=2&utm_source=weibo"
    assert urls.first_page_url(shared) == "http://h/show.php?cid=29&id=620"


@pytest.mark.parametrize(
    ("url", "port"),
    [
        ("http://h/", 80),
        ("https://h/x", 443),
        ("http://h:8080/", 8080),
        ("HTTPS://h:443/", 443),
        ("http://h:99999/", None),
        ("ftp://h/", None),
    ],
)
def test_port_of(url: str, port: int | None) -> None:
    assert urls.port_of(url) == port


@pytest.mark.parametrize(
    ("start", "allowed", "refused"),
    [
        (["http://127.0.0.1:8000/"], [8000], [8001, 80]),
        (["http://www.example.com/"], [80, 443], [8080]),
        (["https://www.example.com/"], [80, 443], [8443]),
    ],
)
def test_spider_refuses_requests_to_other_ports(
    start: list[str], allowed: list[int], refused: list[int]
) -> None:
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(CmsSpider)
    spider = CmsSpider.from_crawler(crawler, start_urls=",".join(start))
    host = urls.host_of(start[0])
    for port in allowed:
        spider.request_scheduled(Request(f"http://{host}:{port}/show.php?id=1"), spider)
    for port in refused:
        with pytest.raises(IgnoreRequest):
            spider.request_scheduled(Request(f"http://{host}:{port}/show.php?id=1"), spider)


@pytest.mark.parametrize(
    ("url", "followable"),
    [
        ("http://[bad/show.php?id=1", False),  # urlsplit: "Invalid IPv6 URL"
        ("http://h]/show.php?id=1", False),
        ("http://[::1]:8000/show.php?id=1", True),
        ("http://h/a[1].html", True),
    ],
)
def test_url_that_urlsplit_refuses_is_not_followable(url: str, followable: bool) -> None:
    assert urls.is_followable(url) is followable


def test_list_page_with_a_broken_ipv6_link_still_yields_its_links() -> None:
    from newscrawl.pages.listing import ListingPage

    html = (
        '<html><body><a href="http://[bad/show.php?cid=1&id=7">坏链接</a>'
        '<a href="show.php?cid=1&id=8">好链接</a></body></html>'
    )
    links = ListingPage("http://h/list.php?cid=1", html).links()
    assert links.articles == ["http://h/show.php?cid=1&id=8"]
