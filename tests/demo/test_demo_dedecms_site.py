"""The demo site's dedecms theme over real HTTP on 127.0.0.1: GBK bytes under a charset-less
header, its markup and pager, static 404s, the script counter and its robots.txt variants.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator

import pytest

from newscrawl.demo import (
    DEDE_ROBOTS_TXT,
    DEDE_ROBOTS_TXT_NO_COUNTER,
    SHOWCASE_ID,
    STALE_ID,
    TWO_PAGE_ID,
    DemoServer,
    load_site,
    truncate_title,
)
from tests.support.demo_pages import dede_get, dede_path, dede_titles, fetch


@pytest.fixture(scope="module")
def dede() -> Iterator[DemoServer]:
    with DemoServer(theme="dedecms") as server:
        yield server


def test_dedecms_pages_are_gbk_under_a_bare_content_type(dede: DemoServer) -> None:
    assert dede_path(SHOWCASE_ID) == "/a/news/2026/0108/613.html"
    status, content_type, body = fetch(dede.base_url + dede_path(SHOWCASE_ID))
    assert status == 200
    assert content_type == "text/html"  # no charset in the header, as many old servers
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />'
    assert meta in body and b"charset=utf-8" not in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    article = load_site().article(SHOWCASE_ID)
    assert article is not None
    assert article.title.encode("gbk") in body
    # A character outside GBK (the zero-width space pasted into 613) is a GB18030
    # four-byte sequence: a strict GBK decoder fails, gb18030 reads it.
    assert "\u200b".encode("gb18030") in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("gbk")
    for path in ("/", "/a/news/", "/a/news/list_29_2.html", f"/plus/view.php?aid={STALE_ID}"):
        status, content_type, page = fetch(dede.base_url + path)
        assert (status, content_type) == (200, "text/html"), path
        assert meta in page, path


def test_dedecms_article_markup(dede: DemoServer) -> None:
    status, html = dede_get(dede.base_url + dede_path(SHOWCASE_ID))
    assert status == 200
    article = load_site().article(SHOWCASE_ID)
    assert article is not None
    assert f'<div class="title">\n<h2>{article.title}</h2>\n</div>' in html
    assert (
        '<div class="info"><small>时间:</small>2026-01-08 09:30<small>来源:</small>星澜娱乐'
        "<small>作者:</small>星澜编辑部<small>点击:</small>"
        f'<script src="/plus/count.php?view=yes&aid={SHOWCASE_ID}&mid=1"></script>次</div>'
    ) in html
    assert str(article.base_views) not in html  # the count is only in the script's answer
    assert "<div class=\"content\">\n<table width='100%'>\n<tr>\n<td>\n" in html
    assert '<div id="contentMidPicAD"' in html
    assert "<p><strong>一、" in html and "<p><strong>五、" in html
    assert "\n<p>\u3000\u3000" in html
    assert '<div class="dede_pages"><ul class="pagelist"></ul></div>' in html
    assert "<li>上一篇：<a href='/a/news/2026/0103/610.html'>" in html
    assert '<dl class="tbox"><dt><strong>最新文章</strong></dt>' in html
    assert '<dl class="tbox"><dt><strong>热点文章</strong></dt>' in html
    newest = re.search(r"<strong>最新文章</strong>.*?</ul>", html, re.DOTALL)
    hot = re.search(r"<strong>热点文章</strong>.*?</ul>", html, re.DOTALL)
    assert newest and hot
    entries = re.findall(
        r'<li><a href="(/a/[^"]+)" title="([^"]+)">([^<]+)</a><span>(\d\d-\d\d)</span></li>',
        newest.group(0),
    )
    assert len(entries) == 8 and entries[0][0] == "/a/news/2026/0112/622.html"
    for _, full, shown, _ in entries:
        assert (shown, shown != full) == truncate_title(full)
    assert "<span>" not in hot.group(0) and hot.group(0).count("<li><a href=") == 5


def test_dedecms_newest_article_has_no_next(dede: DemoServer) -> None:
    newest = load_site().in_channel(29)[0]
    _, html = dede_get(dede.base_url + dede_path(newest.id))
    assert "<li>下一篇：没有了 </li>" in html


def test_dedecms_labels_follow_the_data(dede: DemoServer) -> None:
    site = load_site()
    bare = next(a for a in site.articles if a.author is None and a.source is None)
    _, html = dede_get(dede.base_url + dede_path(bare.id))
    assert "作者:" not in html and "来源:" not in html
    assert re.search(r'<div class="info"><small>时间:</small>[\d-]+ \d\d:\d\d<small>点击:', html)
    sourced = [a for a in site.articles if a.source]
    assert 3 <= len(sourced) < len(site.articles)
    assert all(a.source == "星澜娱乐" for a in sourced)


def test_dedecms_br_paragraph_articles(dede: DemoServer) -> None:
    old_editor = [a for a in load_site().articles if a.indent == "nbsp"]
    assert len(old_editor) >= 3
    article = old_editor[-1]
    _, html = dede_get(dede.base_url + dede_path(article.id))
    after_ad = html.split('<div id="contentMidPicAD"', 1)[1].split("</script></div>\n", 1)[1]
    body = after_ad.split("\n</td>", 1)[0]
    first = (article.lead or article.sections[0].paragraphs)[0]
    assert f"&nbsp;&nbsp;&nbsp;&nbsp;{first}<br />" in body
    line = re.compile(r"<p><strong>[^<]+</strong></p>|(?:&nbsp;){4}[^<&]+<br />")
    assert all(line.fullmatch(text) for text in body.splitlines())


def test_dedecms_two_page_article(dede: DemoServer) -> None:
    _, first = dede_get(dede.base_url + dede_path(TWO_PAGE_ID))
    status, second = dede_get(dede.base_url + dede_path(TWO_PAGE_ID, 2))
    assert status == 200
    assert dede_path(TWO_PAGE_ID, 2) == "/a/news/2026/0110/620_2.html"
    pager = '<div class="dede_pages"><ul class="pagelist"><li><a>共2页: </a></li>'
    assert pager in first and pager in second
    assert "<li><a href='620_2.html'>下一页</a></li>" in first
    assert "<li class=\"thisclass\"><a href='#'>1</a></li>" in first
    assert "<li><a href='620.html'>上一页</a></li>" in second
    assert "<li><a href='#'>下一页</a></li>" in second
    # The pager sits inside div.content, after the table of the body.
    content = first.split('<div class="content">', 1)[1].split("</div><!-- /content -->")[0]
    assert pager in content
    article = load_site().article(TWO_PAGE_ID)
    assert article is not None and article.continuation
    assert article.continuation[0] in second and article.continuation[0] not in first
    for path in (
        dede_path(TWO_PAGE_ID, 3),
        dede_path(SHOWCASE_ID, 2),
        dede_path(TWO_PAGE_ID).replace(".html", "_1.html"),
        dede_path(SHOWCASE_ID).replace("/news/", "/hangye/"),
        dede_path(SHOWCASE_ID).replace("/0108/", "/0109/"),
        "/a/news/2026/0108/9999.html",
    ):
        assert fetch(dede.base_url + path)[0] == 404, path


def test_dedecms_list_pages_and_pager(dede: DemoServer) -> None:
    site = load_site()
    assert site.list_page_count(29) == 3 and len(site.in_channel(29)) == 22
    status, index = dede_get(dede.base_url + "/a/news/")
    assert status == 200
    assert dede_titles(index) == [a.title for a in site.in_channel(29)[:10]]
    assert dede_get(dede.base_url + "/a/news/list_29_1.html")[1] == index
    assert "<li><a href='list_29_2.html'>下一页</a></li>" in index
    assert "<li><a href='list_29_3.html'>末页</a></li>" in index
    assert "<li><a>首页</a></li>" in index and "上一页" not in index
    info = '<li><span class="pageinfo">共 <strong>3</strong>页<strong>22</strong>条</span></li>'
    assert '<div class="dede_pages">\n<ul class="pagelist">\n' in index and info in index
    _, second = dede_get(dede.base_url + "/a/news/list_29_2.html")
    assert dede_titles(second) == [a.title for a in site.in_channel(29)[10:20]]
    assert "<li><a href='list_29_3.html'>下一页</a></li>" in second
    _, last = dede_get(dede.base_url + "/a/news/list_29_3.html")
    assert dede_titles(last) == [a.title for a in site.in_channel(29)[20:]]
    assert "下一页" not in last  # DedeCMS omits it on the last page
    assert "<li><a>末页</a></li>" in last and info in last
    _, single = dede_get(dede.base_url + "/a/hangye/")
    assert dede_titles(single) == [a.title for a in site.in_channel(30)]
    assert "下一页" not in single and "条记录</span>" in single


@pytest.mark.parametrize(
    "path",
    [
        "/a/news/list_29_99.html",
        "/a/news/list_29_4.html",
        "/a/news/list_29_0.html",
        "/a/news/list_30_1.html",
        "/a/nosuch/",
        "/list.php?cid=29",
        "/show.php?cid=29&id=613",
        "/admin/login.php",
    ],
)
def test_dedecms_list_past_the_end_is_404(dede: DemoServer, path: str) -> None:
    # Unlike PHPMyWind (page 99 serves page 1), DedeCMS lists are static files.
    status, content_type, _ = fetch(dede.base_url + path)
    assert status == 404
    assert content_type.startswith("text/html")


def test_dedecms_counter_counts_script_requests_not_page_fetches() -> None:
    article = load_site().article(SHOWCASE_ID)
    assert article is not None
    with DemoServer(theme="dedecms") as server:
        page = server.base_url + dede_path(SHOWCASE_ID)
        counter = f"{server.base_url}/plus/count.php?view=yes&aid={SHOWCASE_ID}&mid=1"
        for _ in range(2):
            assert fetch(page)[0] == 200
        assert server.views(SHOWCASE_ID) == article.base_views
        for expected in (article.base_views + 1, article.base_views + 2):
            status, content_type, body = fetch(counter)
            assert (status, content_type) == (200, "application/x-javascript")
            assert body.decode("ascii").strip() == f"document.write('{expected}');"
        assert server.views(SHOWCASE_ID) == article.base_views + 2
        fetch(page)
        assert server.views(SHOWCASE_ID) == article.base_views + 2
        # Without view=yes it counts silently (DedeCMS's hidden counter form).
        assert fetch(f"{server.base_url}/plus/count.php?aid={SHOWCASE_ID}&mid=1")[2] == b""
        assert server.views(SHOWCASE_ID) == article.base_views + 3
        for unknown in (f"aid={STALE_ID}", "aid=abc", "mid=1"):
            body = fetch(f"{server.base_url}/plus/count.php?view=yes&{unknown}")[2]
            assert body.decode("ascii").strip() == "document.write('0');"
        assert server.fetch_counts[f"/plus/count.php?view=yes&aid={SHOWCASE_ID}&mid=1"] == 2
        assert server.fetch_counts[dede_path(SHOWCASE_ID)] == 3


def _robots(base_url: str) -> urllib.robotparser.RobotFileParser:
    parser = urllib.robotparser.RobotFileParser(base_url + "/robots.txt")
    parser.read()
    return parser


def test_dedecms_robots_allows_the_counter(dede: DemoServer) -> None:
    status, content_type, body = fetch(dede.base_url + "/robots.txt")
    assert (status, content_type) == (200, "text/plain")
    assert body.decode("ascii") == DEDE_ROBOTS_TXT == dede.robots_txt
    assert DEDE_ROBOTS_TXT.splitlines() == [
        "User-agent: *",
        "Disallow: /plus/ad_js.php",
        "Disallow: /plus/search.php",
        "Disallow: /member/",
        "Disallow: /dede/",
    ]
    robots = _robots(dede.base_url)
    assert robots.can_fetch("newscrawl", f"{dede.base_url}/plus/count.php?view=yes&aid=613&mid=1")
    assert robots.can_fetch("newscrawl", f"{dede.base_url}/plus/view.php?aid={STALE_ID}")
    assert robots.can_fetch("newscrawl", dede.base_url + dede_path(SHOWCASE_ID))
    for path in ("/plus/ad_js.php?aid=1", "/plus/search.php?q=AI", "/member/login.php", "/dede/"):
        assert not robots.can_fetch("newscrawl", dede.base_url + path), path
        assert fetch(dede.base_url + path)[0] == 200, path  # disallowed, yet served


def test_dedecms_robots_variant_disallows_the_counter() -> None:
    with DemoServer(theme="dedecms", robots_disallow_counter=True) as server:
        assert dede_get(server.base_url + "/robots.txt")[1] == DEDE_ROBOTS_TXT_NO_COUNTER
        assert "Disallow: /plus/\n" in DEDE_ROBOTS_TXT_NO_COUNTER
        robots = _robots(server.base_url)
        counter = f"{server.base_url}/plus/count.php?view=yes&aid={SHOWCASE_ID}&mid=1"
        assert not robots.can_fetch("newscrawl", counter)
        assert robots.can_fetch("newscrawl", server.base_url + dede_path(SHOWCASE_ID))
        # The endpoint still answers: only a polite crawler leaves it alone.
        assert fetch(counter)[2].startswith(b"document.write('")
    with pytest.raises(ValueError, match="dedecms"):
        DemoServer(theme="phpmywind", robots_disallow_counter=True)


def test_dedecms_soft_404_and_real_404(dede: DemoServer) -> None:
    _, home = dede_get(dede.base_url + "/")
    assert f'href="/plus/view.php?aid={STALE_ID}"' in home
    for cid, path in ((29, "/a/news/"), (30, "/a/hangye/"), (31, "/a/yule/")):
        assert f"href='{path}'" in home, cid
    status, html = dede_get(f"{dede.base_url}/plus/view.php?aid={STALE_ID}")
    assert status == 200
    assert "文档不存在" in html
    assert "<h2></h2>" in html and "时间:" not in html and "count.php" not in html
    assert '<div class="content">' not in html
    assert "<strong>最新文章</strong>" in html  # the full frame
    assert fetch(dede.base_url + "/no/such/page.html")[0] == 404


def test_dedecms_dynamic_view_of_a_real_article(dede: DemoServer) -> None:
    status, html = dede_get(f"{dede.base_url}/plus/view.php?aid={TWO_PAGE_ID}&pageno=2")
    assert status == 200
    article = load_site().article(TWO_PAGE_ID)
    assert article is not None
    assert f"<h2>{article.title}</h2>" in html and article.continuation[0] in html
    assert f"<li><a href='view.php?aid={TWO_PAGE_ID}&pageno=1'>上一页</a></li>" in html
    _, missing_page = dede_get(f"{dede.base_url}/plus/view.php?aid={TWO_PAGE_ID}&pageno=9")
    assert "文档不存在" in missing_page
