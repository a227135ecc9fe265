"""Page keys: one key per page, two pages with one CMS id never share one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.identity import page_key

H = "http://www.example-shop.cn"

SAME_PAGE = [
    # the channel, argument order and page number do not make another page
    ((f"{H}/show.php?cid=29&id=613", "613"), (f"{H}/show.php?id=613&cid=29&page=2", "613")),
    ((f"{H}/show.php?cid=29&id=613", "613"), (f"{H}/show.php?cid=30&id=613", "613")),
    ((f"{H}/newsshow-4-55-1.html", "55"), (f"{H}/newsshow-4-55-2.html", "55")),
    ((f"{H}/a/news/2019/0113/1.html", "1"), (f"{H}/a/news/2019/0113/1_2.html", "1")),
    ((f"{H}/?company/4.html", "4"), (f"{H}/?company/4_2.html", "4")),
    # PHPMyWind's rewrite rule and the query it stands for
    ((f"{H}/show-1-101-1.html", "101"), (f"{H}/show.php?id=101&cid=1", "101")),
    ((f"{H}/newsshow-4-55-1.html", "55"), (f"{H}/newsshow.php?cid=4&id=55&page=2", "55")),
    ((f"{H}/613.html", "613"), ("https://www.example-shop.cn/613_3.html", "613")),
]
OTHER_PAGES = [
    # one id under two templates: two content types
    ((f"{H}/newsshow-4-1-1.html", "1"), (f"{H}/productshow-7-1-1.html", "1")),
    ((f"{H}/newsshow.php?cid=4&id=1", "1"), (f"{H}/productshow.php?cid=7&id=1", "1")),
    ((f"{H}/a/news/2019/0113/1.html", "1"), (f"{H}/a/product/2019/0113/1.html", "1")),
    ((f"{H}/?company/4.html", "4"), (f"{H}/?article/4.html", "4")),
    ((f"{H}/index.php?m=content&a=show&id=6", "6"), (f"{H}/index.php?m=video&a=show&id=6", "6")),
    # two ids under one template
    ((f"{H}/newsshow-4-1-1.html", "1"), (f"{H}/newsshow-4-2-1.html", "2")),
    # without an id the URL is the key
    ((f"{H}/about.html", None), (f"{H}/contact.html", None)),
]


@pytest.mark.parametrize(("one", "other"), SAME_PAGE)
def test_one_page_under_several_urls_has_one_key(
    one: tuple[str, str | None], other: tuple[str, str | None]
) -> None:
    assert page_key(*one) == page_key(*other)


@pytest.mark.parametrize(("one", "other"), OTHER_PAGES)
def test_two_pages_have_two_keys(
    one: tuple[str, str | None], other: tuple[str, str | None]
) -> None:
    assert page_key(*one) != page_key(*other)


@pytest.mark.parametrize(
    ("url", "cms_id", "key"),
    [
        (f"{H}/newsshow-4-55-1.html", "55", "/newsshow.php?cid={n}&id={id=55}"),
        (f"{H}/newsshow-4-4-4.html", "4", "/newsshow.php?cid={n}&id={id=4}"),
        (f"{H}/newsshow.php?cid=4&id=55", "55", "/newsshow.php?cid={n}&id={id=55}"),
        (f"{H}/?company/4.html", "4", "/?company/{id=4}.html"),
        (f"{H}/a/news/2019/0113/1.html", "1", "/a/news/{n}/{n}/{id=1}.html"),
        (f"{H}/list.php?cid=5&id=5", "5", "/list.php?cid={n}&id={id=5}"),
        # the id is nowhere in the URL, or there is none: the URL itself
        (f"{H}/about.html", "613", f"{H}/about.html"),
        (f"{H}/about.html", None, f"{H}/about.html"),
    ],
)
def test_keys_are_templates_with_the_id(url: str, cms_id: str | None, key: str) -> None:
    assert page_key(url, cms_id) == key


@given(st.text(max_size=60), st.one_of(st.none(), st.from_regex(r"\d{1,6}", fullmatch=True)))
def test_page_key_never_raises_and_holds_its_id(url: str, cms_id: str | None) -> None:
    key = page_key(url, cms_id)
    assert key == url or (cms_id is not None and "{id=" + cms_id + "}" in key)
