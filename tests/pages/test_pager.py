"""An article's pages 2..n, found by URL wherever its pager sits (issue 25, point 3)."""

from __future__ import annotations

import pytest

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.pager import later_pages, page_number_of, page_of

H = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("first", "link", "page"),
    [
        # A page parameter added to the query (PHPMyWind, PHPMyWind 5.6 scripts).
        (f"{H}/show.php?cid=29&id=620", f"{H}/show.php?cid=29&id=620&page=2", 2),
        (f"{H}/newsshow.php?cid=4&id=5", f"{H}/newsshow.php?cid=4&id=5&page=3", 3),
        (f"{H}/view.php?aid=5", f"{H}/view.php?aid=5&pageno=2", 2),
        (f"{H}/detail/a1b2c", f"{H}/detail/a1b2c?page=2", 2),  # a path of its own
        # A marker inserted before the extension (DedeCMS, one-digit ids too).
        (f"{H}/a/news/613.html", f"{H}/a/news/613_2.html", 2),
        (f"{H}/a/news/2019/0113/1.html", f"{H}/a/news/2019/0113/1_2.html", 2),
        (f"{H}/a/news/2019/0113/1.html", f"{H}/a/news/2019/0113/1-4.html", 4),
        # ... inside a PbootCMS query route.
        (f"{H}/?company/4.html", f"{H}/?company/4_2.html", 2),
        # A page-1 marker replaced (PHPMyWind's rewrite rules).
        (f"{H}/newsshow-4-55-1.html", f"{H}/newsshow-4-55-2.html", 2),
    ],
)
def test_page_of_a_later_page(first: str, link: str, page: int) -> None:
    assert page_of(first, link) == page


@pytest.mark.parametrize(
    ("first", "link"),
    [
        (f"{H}/show.php?cid=29&id=620", f"{H}/show.php?cid=29&id=621"),  # another article
        (f"{H}/show.php?cid=29&id=620", f"{H}/show.php?cid=29&id=620&page=1"),  # page 1
        (f"{H}/show.php?cid=29&id=620", f"{H}/show.php?cid=29&id=620&kw=2"),  # not a page key
        (f"{H}/a/news/2019/0113/1.html", f"{H}/a/news/2019/0113/2.html"),  # same day, id 2
        (f"{H}/newsshow-4-55-1.html", f"{H}/newsshow-4-56-1.html"),  # the next article
        (f"{H}/?company/4.html", f"{H}/?company_2/"),  # the channel's page 2
        (f"{H}/a/news/1.html", "http://example.com/a/news/1_2.html"),  # another host
        (f"{H}/", f"{H}/?p=7"),  # a post by id, not page 7 of the home page
    ],
)
def test_other_links_are_no_later_page(first: str, link: str) -> None:
    assert page_of(first, link) is None


def test_later_pages_sorted_unique_and_page_number_of() -> None:
    first = f"{H}/a/news/2019/0113/1.html"
    links = [f"{first[:-5]}_3.html", f"{first[:-5]}_2.html", f"{first[:-5]}_2.html", first]
    pages = later_pages(first, links)
    assert pages == [f"{first[:-5]}_2.html", f"{first[:-5]}_3.html"]
    assert page_number_of(first, pages[1]) == 3
    assert page_number_of(first, first) == 1


def test_article_pager_after_the_body_is_found() -> None:
    """DedeCMS 5.7 puts ``div.dede_pages`` after the body's ``div.content``."""
    html = """<html><head><title>t</title></head><body>
<div class="viewbox"><div class="title"><h2>星澜娱乐发布二〇二六年度片单与合作计划</h2></div>
<div class="info"><small>时间:</small>2026-01-08 09:30<small>作者:</small>许川</div>
<div class="content"><table><tr><td>
<p>星澜娱乐今天在杭州发布了二〇二六年度片单，涵盖剧集、电影和短剧三个板块，合作方超过二十家。</p>
<p>发布会上，公司还介绍了与多家视频平台的合作计划，以及面向青年创作者的扶持项目。</p>
</td></tr></table></div><!-- /content -->
<div class="dede_pages"><ul class="pagelist"><li><a href='#'>1</a></li>
<li><a href='7_2.html'>2</a></li><li><a href='7_2.html'>下一页</a></li></ul></div>
<ul><li><a href='8.html'>下一篇</a></li></ul>
</div></body></html>"""
    page = ArticlePage(f"{H}/a/news/2026/0108/7.html", html, fetched_at="2026-01-20T00:00:00Z")
    assert page.is_article()
    assert page.page_urls() == [f"{H}/a/news/2026/0108/7_2.html"]


def test_posts_by_query_id_are_no_pages_of_each_other() -> None:
    """``/?p=5`` and ``/?p=7`` (WordPress-style ids) are two articles, not pages."""
    assert later_pages(f"{H}/?p=5", [f"{H}/?p=7", f"{H}/?p=5&page=2"]) == [f"{H}/?p=5&page=2"]


def test_relative_and_query_only_hrefs_to_page_n_are_found_among_many_links() -> None:
    html = (
        "<html><body><h1>多页文章的标题</h1><p>时间：2026-01-08 10:00</p>"
        "<div><p>第一页的正文，写了一些内容。</p></div>"
        + "".join(f"<a href='/a/news/{n}.html'>别的文章{n}</a>" for n in range(50))
        + "<a href='613_2.html'>2</a><a href='/a/news/2026/0108/613_3.html'>3</a>"
        "<a href='?page=9'>9</a></body></html>"
    )
    page = ArticlePage(f"{H}/a/news/2026/0108/613.html", html)
    assert page.page_urls() == [
        f"{H}/a/news/2026/0108/613_2.html",
        f"{H}/a/news/2026/0108/613_3.html",
        f"{H}/a/news/2026/0108/613.html?page=9",
    ]
