"""The offline demo site: real HTTP on 127.0.0.1, no mocks.

These tests pin the behaviours the crawler's end-to-end tests rely on (trap,
soft 404, counters, robots.txt, the three themes' URL schemes; for dedecms GBK
bytes under a charset-less header, static 404s and the script counter) and keep
the shipped expected JSON in sync with the content it is computed from.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Iterator

import pytest

from newscrawl.demo import (
    DEDE_ROBOTS_TXT,
    DEDE_ROBOTS_TXT_NO_COUNTER,
    ROBOTS_TXT,
    SHOWCASE_ID,
    STALE_ID,
    TWO_PAGE_ID,
    DemoServer,
    expected_articles,
    load_expected,
    load_site,
    text_width,
    truncate_title,
)
from newscrawl.demo.expected import expected_path, render_expected_json
from newscrawl.demo.routes import THEMES
from newscrawl.items import ARTICLE_KEYS, Article


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


# -- expected output -------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
def test_expected_files_in_sync(theme: str) -> None:
    assert expected_path(theme).read_text("utf-8") == render_expected_json(theme)


def test_load_expected_substitutes_base() -> None:
    base = "http://127.0.0.1:8123"
    assert load_expected(base) == expected_articles(base)
    assert load_expected(base, "rewrite") == expected_articles(base, "rewrite")


def test_expected_articles_follow_the_contract() -> None:
    articles = expected_articles("http://127.0.0.1:8123")
    assert len(articles) >= 32
    for data in articles:
        assert tuple(data) == ARTICLE_KEYS
        assert Article.from_dict(data).to_dict() == data
        assert data["site"] == "127.0.0.1"
        assert (
            data["url"]
            == f"http://127.0.0.1:8123/show.php?cid={data['channel']}&id={data['cms_id']}"
        )
        assert data["published_at"].endswith("+08:00")
        assert "\u200b" not in data["body"] and "  " not in data["body"]
        assert data["body"] == "\n".join(p for s in data["sections"] for p in s["paragraphs"])
    assert sum(a["author"] is None for a in articles) >= 4
    no_lead = [a for a in articles if a["sections"][0]["heading"] is not None]
    assert no_lead, "one article starts with a headed section (no lead)"
    assert all(s["heading"] is not None for a in no_lead for s in a["sections"])
    assert max(a["views"] for a in articles) >= 12001


def test_showcase_expected() -> None:
    by_id = {a["cms_id"]: a for a in expected_articles("http://127.0.0.1:8123")}
    showcase = by_id[str(SHOWCASE_ID)]
    sections = showcase["sections"]
    assert sections[0]["heading"] is None and sections[0]["paragraphs"]
    headings = [s["heading"] for s in sections[1:]]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、"]
    assert showcase["author"] and showcase["views_raw"] == f"人气：{showcase['views']}"
    year = showcase["published_at"][:4]
    assert any(link["date"][:4] < year for link in showcase["sidebar"])
    assert any(link["truncated"] for link in showcase["sidebar"])
    assert {link["box"] for link in showcase["sidebar"]} == {"新闻资讯", "热门文章"}


def test_two_page_expected_merges_sections() -> None:
    by_id = {a["cms_id"]: a for a in expected_articles("{base}")}
    merged = by_id[str(TWO_PAGE_ID)]["sections"]
    article = load_site().article(TWO_PAGE_ID)
    assert article is not None
    assert merged[-2]["heading"] == article.sections[-1].heading
    assert merged[-2]["paragraphs"][-1] == article.continuation[0]
    assert merged[-1]["heading"] == article.page2_sections[0].heading


def test_rewrite_expected_differs_only_in_urls() -> None:
    plain = json.dumps(expected_articles("{base}"), ensure_ascii=False)
    rewritten = json.dumps(expected_articles("{base}", "rewrite"), ensure_ascii=False)
    as_rewrite = re.sub(
        r"\{base\}/show\.php\?cid=(\d+)&id=(\d+)", r"{base}/show-\1-\2-1.html", plain
    )
    assert as_rewrite == rewritten


# -- truncation ----------------------------------------------------------------------


def test_truncation_rule_on_long_title() -> None:
    title = "星澜App上线AI字幕翻译，支持英语、日语、泰语等8种语言"
    text, cut = truncate_title(title)
    assert cut and text.endswith("...")
    visible = text[:-3]
    assert title.startswith(visible)
    assert text_width(visible) <= 15 < text_width(title[: len(visible) + 1])
    assert truncate_title("年度盛典彩排花絮") == ("年度盛典彩排花絮", False)
    exactly = "一二三四五六七八九十一二三四五"
    assert truncate_title(exactly) == (exactly, False)
    assert truncate_title(exactly + "a")[1]


def test_sidebar_link_text_is_truncated_on_page(site: DemoServer) -> None:
    _, html = get(f"{site.base_url}/show.php?cid=29&id={SHOWCASE_ID}")
    for full, shown in re.findall(r'title="([^"]+)">([^<]+)</a><small>', html):
        assert (shown, shown != full) == truncate_title(full)


# -- the dedecms theme --------------------------------------------------------------


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, Content-Type header, raw body) of a GET, HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def dede_get(url: str) -> tuple[int, str]:
    """(status, text) of a dedecms page, decoded as its <meta> says (gb2312 -> gb18030)."""
    status, _, body = fetch(url)
    return status, body.decode("gb18030")


@pytest.fixture(scope="module")
def dede() -> Iterator[DemoServer]:
    with DemoServer(theme="dedecms") as server:
        yield server


def dede_path(article_id: int, page: int = 1) -> str:
    article = load_site().article(article_id)
    assert article is not None
    day = article.published_dt
    dirs = {29: "news", 30: "hangye", 31: "yule"}
    name = f"{article_id}.html" if page == 1 else f"{article_id}_{page}.html"
    return f"/a/{dirs[article.cid]}/{day:%Y}/{day:%m%d}/{name}"


def dede_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/a/\w+/\d{4}/\d{4}/\d+\.html" class="title">([^<]+)</a>', html)


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


def test_dedecms_expected_follows_the_contract() -> None:
    base = "http://127.0.0.1:8123"
    articles = expected_articles(base, "dedecms")
    plain = {a["cms_id"]: a for a in expected_articles(base)}
    assert len(articles) == len(plain)
    for data in articles:
        assert tuple(data) == ARTICLE_KEYS
        assert Article.from_dict(data).to_dict() == data
        article = load_site().article(int(data["cms_id"]))
        assert article is not None
        assert data["url"] == base + dede_path(article.id)
        assert data["channel"] is None  # the URL names a directory, not the typeid
        assert (data["views"], data["views_raw"], data["views_source"]) == (None, None, "script")
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", data["published_raw"])
        assert data["published_at"] == data["published_raw"].replace(" ", "T") + ":00+08:00"
        assert data["source"] == article.source
        same = plain[data["cms_id"]]
        for key in ("site", "cms_id", "title", "author", "sections", "body"):
            assert data[key] == same[key], key
        boxes = {link["box"] for link in data["sidebar"]}
        assert boxes == {"最新文章", "热点文章"}
        for link in data["sidebar"]:
            assert link["url"].startswith(base + "/a/")
            dated = link["box"] == "最新文章"
            assert (link["date"] is not None, link["date_raw"] is not None) == (dated, dated)
    by_id = {a["cms_id"]: a for a in articles}
    assert by_id["585"]["published_raw"] == "2025-10-29 15:38"
    assert by_id["585"]["published_at"] == "2025-10-29T15:38:00+08:00"
    assert sum(a["source"] is not None for a in articles) >= 3


def test_dedecms_expected_with_counters() -> None:
    base = "http://127.0.0.1:8123"
    counted = expected_articles(base, "dedecms", counters=True)
    silent = expected_articles(base, "dedecms")
    for with_count, without in zip(counted, silent, strict=True):
        article = load_site().article(int(with_count["cms_id"]))
        assert article is not None
        assert with_count["views"] == article.base_views + 1
        assert with_count["views_raw"] == str(article.base_views + 1)
        assert with_count["views_source"] == "endpoint"
        rest = {k: v for k, v in with_count.items() if not k.startswith("views")}
        assert rest == {k: v for k, v in without.items() if not k.startswith("views")}
    showcase = next(a for a in counted if a["cms_id"] == str(SHOWCASE_ID))
    assert (showcase["views"], showcase["views_raw"]) == (1235, "1235")
    with pytest.raises(ValueError, match="dedecms"):
        expected_articles(base, "phpmywind", counters=True)


def test_dedecms_expected_counters_match_the_endpoint() -> None:
    """One counter request per article on a fresh server gives expected(counters=True)."""
    with DemoServer(theme="dedecms") as server:
        want = {
            a["cms_id"]: a for a in expected_articles(server.base_url, "dedecms", counters=True)
        }
        for cms_id, data in want.items():
            body = fetch(f"{server.base_url}/plus/count.php?view=yes&aid={cms_id}&mid=1")[2]
            shown = re.fullmatch(r"document\.write\('(\d+)'\);\s*", body.decode("ascii"))
            assert shown is not None
            assert (int(shown.group(1)), shown.group(1)) == (data["views"], data["views_raw"])


def test_dedecms_load_expected_substitutes_base() -> None:
    base = "http://127.0.0.1:8123"
    assert load_expected(base, "dedecms") == expected_articles(base, "dedecms")
    assert "dedecms" in THEMES
