"""URL shapes of the CMS families: canonical form, ids, pages, what to follow."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from w3lib.url import canonicalize_url

from newscrawl.crawl import urls


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://h/show.php?id=613&cid=29#top", "http://h/show.php?cid=29&id=613"),
        ("http://h/show.php?cid=29&id=613", "http://h/show.php?cid=29&id=613"),
        ("HTTP://H/list.php?cid=29", "http://h/list.php?cid=29"),
    ],
)
def test_canonical_url_drops_fragment_keeps_sorted_query(url: str, expected: str) -> None:
    assert urls.canonical_url(url) == expected


@pytest.mark.parametrize(
    ("url", "cms_id", "channel", "page", "first"),
    [
        (
            "http://h/show.php?cid=29&id=620&page=2",
            "620",
            "29",
            2,
            "http://h/show.php?cid=29&id=620",
        ),
        ("http://h/show-29-620-2.html", "620", "29", 2, "http://h/show-29-620-1.html"),
        ("http://h/a/news/620_3.html", "620", None, 3, "http://h/a/news/620.html"),
        (
            "http://h/index.php?m=content&c=index&a=show&catid=6&id=77",
            "77",
            "6",
            1,
            "http://h/index.php?a=show&c=index&catid=6&id=77&m=content",
        ),
        ("http://h/list.php?cid=29&page=3", None, "29", 3, "http://h/list.php?cid=29"),
        ("http://h/list-29-3.html", None, "29", 3, "http://h/list-29-1.html"),
    ],
)
def test_ids_channels_pages(
    url: str, cms_id: str | None, channel: str | None, page: int, first: str
) -> None:
    assert urls.article_id(url) == cms_id
    assert urls.channel_id(url) == channel
    assert urls.page_number(url) == page
    assert urls.first_page_url(url) == first


@pytest.mark.parametrize(
    ("url", "article", "listing"),
    [
        ("http://h/show.php?cid=29&id=613", True, False),
        ("http://h/show-29-613-1.html", True, False),
        ("http://h/a/news/613.html", True, False),
        ("http://h/list.php?cid=29", False, True),
        ("http://h/list-29-2.html", False, True),
        ("http://h/", False, False),
        ("http://h/search.php?kw=x", False, False),
        ("http://h/show.php?cid=29", False, False),
    ],
)
def test_article_and_listing_shapes(url: str, article: bool, listing: bool) -> None:
    assert urls.looks_like_article(url) is article
    assert urls.looks_like_listing(url) is listing


@pytest.mark.parametrize(
    ("url", "followable"),
    [
        ("http://h/a.html", True),
        ("https://h/a.html", True),
        ("javascript:;", False),
        ("javascript:void(0)", False),
        ("mailto:a@b.c", False),
        ("data:text/html,hi", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_http_is_followable(url: str, followable: bool) -> None:
    assert urls.is_followable(url) is followable


@pytest.mark.parametrize(
    ("url", "followable"),
    [
        ("http://news.example.cn:8080/show.php?id=5", True),
        ("http://编辑部.example.cn/a.html", True),  # an IDN host: w3lib encodes it
        ("http://[::1]:8080/a.html", True),
        ("http://user@news.example.cn/a.html", True),
        ("http://\x02log.example.cn/a.html", False),  # a damaged byte in the host
        ("http://news example.cn/", False),
        ("http://news%2Fexample.cn/", False),  # an escaped delimiter
        ("http://news.example.cn%00/", False),
        ("http://news^example.cn/", False),
        ("http://news.example.cn:99999/", False),
        ("http://[bad/a.html", False),
        ("http:///a.html", False),
    ],
)
def test_a_link_is_followable_only_when_its_host_can_be_requested(
    url: str, followable: bool
) -> None:
    assert urls.is_followable(url) is followable


@pytest.mark.parametrize(
    "url",
    [
        "http://news.example.cn:8080/show.php?id=5",
        "http://编辑部.example.cn/a.html",
        "http://[::1]:8080/a.html",
        "http://user@news.example.cn/a.html",
    ],
)
def test_a_followable_link_has_a_canonical_form(url: str) -> None:
    assert urls.canonical_url(url).startswith("http://")


@pytest.mark.parametrize(
    ("url", "canonical", "cms_id", "first"),
    [
        ("http://h/?news/12.html", "http://h/?news/12.html", "12", "http://h/?news/12.html"),
        ("http://h/?news/12_2.html", "http://h/?news/12_2.html", "12", "http://h/?news/12.html"),
        ("http://h/tech/2026/11/detail_33812.html#c", "http://h/tech/2026/11/detail_33812.html",
         "33812", "http://h/tech/2026/11/detail_33812.html"),
        ("http://h/newsshow-3-58-2.html", "http://h/newsshow-3-58-2.html", "58",
         "http://h/newsshow-3-58-1.html"),
    ],
)  # fmt: skip
def test_query_routes_and_prefixed_rewrites(
    url: str, canonical: str, cms_id: str, first: str
) -> None:
    assert urls.canonical_url(url) == canonical
    assert urls.article_id(url) == cms_id
    assert urls.first_page_url(url) == first
    assert urls.looks_like_article(url)


@pytest.mark.parametrize(
    "url", ["http://h/news-3-1.html", "http://h/a/news/list_29_2.html", "http://h/list_3_2.html"]
)
def test_rewritten_lists_are_not_articles(url: str) -> None:
    assert urls.looks_like_listing(url)
    assert not urls.looks_like_article(url)


_SEGMENT = st.text(alphabet="abc./?#=&-_0123456789", max_size=12)


@settings(max_examples=300)
@given(
    base=st.builds(
        lambda host, path, query: f"http://{host}{path}{query}",
        st.sampled_from(["h", "h:8000", "news.example.cn"]),
        st.sampled_from(["", "/", "/a/b.html", "/a/b/", "/show.php", "/a/.b/c"]),
        st.sampled_from(["", "?cid=1", "?x=1/2", "#frag", "?a=1#b"]),
    ),
    href=st.one_of(
        _SEGMENT, st.builds(lambda s: "/" + s, _SEGMENT), st.builds(lambda s: "../" + s, _SEGMENT)
    ),
)
def test_join_url_is_urljoin(base: str, href: str) -> None:
    assert urls.join_url(base, href) == urljoin(base, href)


def test_page_number_of_a_query_route_list_page() -> None:
    """PbootCMS: ``/?article_2/`` is page 2 of ``/?article/`` (a pager, and past the end a trap)."""
    from newscrawl.crawl.urls import page_number

    assert page_number("http://h/?article_2/") == 2
    assert page_number("http://h/?article/") == 1
    assert page_number("http://h/?article/12.html") == 1
    assert page_number("http://h/news_2/") == 1  # a directory, not a query route


PLAIN = ("http://h.example/a/b_2.html", "http://h.example", "http://h.example?frompage=x")
PLAIN += ("http://h.example:8000/show.php?cid=29&id=613", "http://h.example/a?a=1&a=2")
NOT_PLAIN = ("http://h.example/show.php?id=613&cid=29", "http://h.example/a?a=2&a=1")
NOT_PLAIN += ("http://h.example/a?a", "http://h.example/a?")
PLAIN += ("http://h.example/a?a=",)
NOT_PLAIN += ("http://h.example/a/../b", "http://h.example/./b", "http://h.example/a?x=1&&y=2")
NOT_PLAIN += ("http://h.example/a?=1", "http://h.example/a?b=c=d", "http://H.example/A")
NOT_PLAIN += ("http://h.example/a?u=http://x.example/y", "http://h.example/a%41b")
NOT_PLAIN += ("http://h.example/新闻/1.html", "http://h.example/?news/12.html")


@pytest.mark.parametrize("url", [*PLAIN, *NOT_PLAIN])
def test_plain_urls_skip_w3lib_and_give_what_it_gives(url: str) -> None:
    fast = urls._canonical_as_is(url)
    assert (fast is not None) is (url in PLAIN)
    if fast is not None:
        assert fast == canonicalize_url(url, keep_fragments=False)
