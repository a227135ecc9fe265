"""The demo's site-shape themes (issue 25): URLs nobody's list of shapes names.

Each theme serves the same articles as the others; these tests check the
server side only (what each URL answers). Crawling them end to end is in
``test_discovery_e2e.py``.
"""

from __future__ import annotations

import pytest

from newscrawl.demo.content import load_site
from newscrawl.demo.routes import ALL_THEMES, SHAPE_THEMES
from newscrawl.demo.schemes import article_urls
from newscrawl.demo.server import DemoServer


def _text(server: DemoServer, path: str) -> tuple[int, str]:
    status, _type, body = server.respond(path)
    return status, body.decode("gb18030" if "dedecms" in server.theme_name else "utf-8")


@pytest.mark.parametrize("theme", SHAPE_THEMES)
def test_every_article_url_serves_its_article(theme: str) -> None:
    server = DemoServer(theme=theme)
    for article, url in zip(load_site().articles, article_urls("", theme), strict=True):
        status, html = _text(server, url)
        assert status == 200, url
        assert article.title in html, url


def test_article_urls_are_distinct_in_every_theme() -> None:
    for theme in ALL_THEMES:
        urls = article_urls("http://127.0.0.1:1", theme)
        assert len(set(urls)) == len(load_site().articles)


def test_phpmywind56_content_types_number_their_items_from_one() -> None:
    urls = article_urls("", "phpmywind56")
    # news id 1 and product id 1 are two pages: the collision a (site, id) key mixes up.
    assert "/newsshow.php?cid=4&id=1" in urls
    assert "/productshow.php?cid=7&id=1" in urls
    assert "/softshow.php?cid=9&id=1" in urls
    server = DemoServer(theme="phpmywind56")
    news = _text(server, "/newsshow.php?cid=4&id=1")[1]
    product = _text(server, "/productshow.php?cid=7&id=1")[1]
    assert news != product
    # A stock 5.6 channel and its page 2; an id past the type's last item is a soft 404.
    assert _text(server, "/news.php?cid=4&page=2")[0] == 200
    status, soft = _text(server, "/newsshow.php?cid=4&id=999")
    assert status == 200 and "<h2></h2>" in soft


def test_pbootcms_query_routes() -> None:
    server = DemoServer(theme="pbootcms")
    urls = article_urls("", "pbootcms")
    assert any(u.endswith("/4.html") for u in urls)  # one-digit ids
    channel, page2 = _text(server, "/?article/")[1], _text(server, "/?article_2/")[1]
    assert channel != page2 and "/?article_2/" in channel
    assert "访问量" in _text(server, urls[0])[1]
    assert _text(server, "/?article_99/")[1] == channel  # past the end: page 1 again


def test_dedecms57_channel_directories_and_pager_after_the_body() -> None:
    server = DemoServer(theme="dedecms57")
    index = _text(server, "/a/news/")[1]
    assert "list_1_2.html" in index
    assert _text(server, "/a/news/list_1_2.html")[0] == 200
    assert _text(server, "/a/news/gongsi/")[0] == 200
    assert _text(server, "/a/news/list_1_9.html")[0] == 404
    two_page = next(a for a in load_site().articles if a.page_count > 1)
    url = article_urls("", "dedecms57")[load_site().articles.index(two_page)]
    html = _text(server, url)[1]
    assert html.index('<div class="dede_pages">') > html.index("</div><!-- /content -->")
    assert _text(server, url.replace(".html", "_2.html"))[0] == 200
