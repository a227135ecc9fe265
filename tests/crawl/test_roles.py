"""Page roles and learned URL templates (newscrawl.crawl.roles, issue 25 point 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newscrawl.crawl.roles import (
    MIN_EVIDENCE,
    SKIP_OTHER_AFTER,
    Templates,
    excluded,
    headline_like,
    load_templates,
    memory_path,
    page_role,
    save_templates,
    url_template,
)
from newscrawl.pages.listing import ListingPage

H = "http://127.0.0.1:8000"


@pytest.mark.parametrize(
    ("url", "template"),
    [
        (f"{H}/newsshow.php?cid=4&id=55", "/newsshow.php?cid={n}&id={n}"),
        (f"{H}/?company/4.html", "/?company/{n}.html"),
        (f"{H}/?article_2/", "/?article_{n}/"),
        (f"{H}/a/news/2019/0113/1.html", "/a/news/{n}/{n}/{n}.html"),
        (f"{H}/newsshow-4-55-1.html", "/newsshow-{n}-{n}-{n}.html"),
        (f"{H}/a/news/", "/a/news/"),
    ],
)
def test_url_template(url: str, template: str) -> None:
    assert url_template(url) == template


@pytest.mark.parametrize(
    "url",
    [
        f"{H}/member/login.php",
        f"{H}/admin/index.php",
        f"{H}/plus/search.php?q=AI",
        f"{H}/search.php?kw=%E7%9F%AD%E5%89%A7",
        f"{H}/index.php?keyword=x",
        f"{H}/guestbook.php",
        f"{H}/message.php?cid=3",
        f"{H}/rss.xml",
        f"{H}/feed/",
        f"{H}/tags.php",
        f"{H}/tag/AI/",
        f"{H}/calendar/2026/01/",
        f"{H}/uploads/allimg/1.jpg",
        f"{H}/download/report.pdf",
        f"{H}/member/index_do.php?fmdo=user&dopost=regnew",
        f"{H}/?search/",
        f"{H}/?tag=%E7%9F%AD%E5%89%A7",
        f"{H}/plus/diy.php?action=post&diyid=1",
        f"{H}/plus/stow.php?aid=5",
        f"{H}/print.php?id=613",
    ],
)
def test_non_content_links_are_excluded(url: str) -> None:
    assert excluded(url)


@pytest.mark.parametrize(
    "url",
    [
        f"{H}/newsshow.php?cid=4&id=55",
        f"{H}/news.php?cid=4&page=2",
        f"{H}/?company/4.html",
        f"{H}/a/news/gongsi/",
        f"{H}/a/news/list_1_2.html",
        f"{H}/plus/view.php?aid=999",
        f"{H}/searchresult.html",  # whole names only
        f"{H}/vintage-tags-story.html",
        # A channel by day: followed, and a trap of them ends at the barren-page bound.
        f"{H}/list.php?cid=3&date=2026-01-01",
        f"{H}/",
    ],
)
def test_content_links_are_followed(url: str) -> None:
    assert not excluded(url)


def test_headline_like() -> None:
    assert headline_like("星澜娱乐发布2026年度片单")
    assert not headline_like("新闻资讯")
    assert not headline_like("2")
    assert not headline_like("更多+")
    assert headline_like("Annual report 2026")


def test_page_role() -> None:
    assert page_role(is_article=True, article_links=30) == "article"
    assert page_role(is_article=False, article_links=10) == "list"
    assert page_role(is_article=False, article_links=0) == "other"


def test_templates_learn_roles() -> None:
    templates = Templates()
    article = f"{H}/newsshow.php?cid=4&id=%d"
    for n in range(1, MIN_EVIDENCE):
        templates.record(article % n, "article")
        assert templates.hint(article % 99) is None  # not enough pages yet
    templates.record(article % MIN_EVIDENCE, "article")
    assert templates.hint(article % 99) == "article"
    templates.record(article % 999, "other")  # a soft 404 does not change the role
    assert templates.hint(article % 99) == "article"
    lists = f"{H}/news.php?cid=4&page=%d"
    for n in range(MIN_EVIDENCE):
        templates.record(lists % n, "list")
    assert templates.hint(lists % 7) == "list"
    printer = f"{H}/print.php?id=%d"
    for n in range(SKIP_OTHER_AFTER - 1):
        templates.record(printer % n, "other")
    assert templates.hint(printer % 99) is None
    templates.record(printer % 99, "other")
    assert templates.hint(printer % 100) == "other"
    mixed = f"{H}/page.php?id=%d"
    for n, role in enumerate(("article", "list", "other", "article", "list")):
        templates.record(mixed % n, role)  # type: ignore[arg-type]
    assert templates.hint(mixed % 9) is None


def test_memory_round_trip(tmp_path: Path) -> None:
    path = memory_path(f"sqlite:///{tmp_path / 'archive.sqlite'}", "127.0.0.1")
    assert path == tmp_path / "archive.sqlite.127.0.0.1.discovery.json"
    assert load_templates(path).counts == {}
    templates = Templates()
    templates.record(f"{H}/?company/4.html", "article")
    save_templates(path, templates)
    assert load_templates(path).counts == {"/?company/{n}.html": [1, 0, 0]}
    path.write_text("{not json")
    assert load_templates(path).counts == {}  # unreadable: start afresh


def test_listing_reports_unknown_shapes_by_their_link_text() -> None:
    """Links no URL shape names: headline text makes an article candidate, a menu
    label a list candidate; excluded links are not reported at all."""
    html = """<html><body><ul class="nav"><li><a href="news.php?cid=4">新闻资讯</a></li>
<li><a href="/member/login.php">登录</a></li><li><a href="/rss.xml">RSS订阅源地址与说明</a></li></ul>
<ul class="list"><li><a href="newsshow.php?cid=4&id=5">星澜娱乐发布2026年度片单</a></li>
<li><a href="newsshow.php?cid=4&id=6" title="许川：短剧IP如何长出更多故事">许川：短剧IP...</a></li></ul>
<a href="news.php?cid=4&page=2">2</a><a href="news.php?cid=4&page=1">1</a>
<a href="newsshow.php?cid=4&id=7">更多</a><a href="newsshow.php?cid=4&id=7">星澜影业与三家平台签约</a>
</body></html>"""
    links = ListingPage(f"{H}/news.php?cid=4", html).links()
    assert links.articles == [
        f"{H}/newsshow.php?cid=4&id=5",
        f"{H}/newsshow.php?cid=4&id=6",
        f"{H}/newsshow.php?cid=4&id=7",
    ]
    assert links.listings == [f"{H}/news.php?cid=4", f"{H}/news.php?cid=4&page=2"]


def test_memory_file_is_json_one_template_a_line(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite.site.discovery.json"
    templates = Templates()
    templates.record(f"{H}/a/news/2019/0113/1.html", "article")
    templates.record(f"{H}/a/news/", "list")
    templates.record(f'{H}/?"quoted"/1.html', "other")
    save_templates(path, templates)
    lines = [line.rstrip(",") for line in path.read_text("utf-8").splitlines()]
    assert '  "/a/news/{n}/{n}/{n}.html": [1, 0, 0]' in lines
    assert len(lines) == 5  # the opening line, three templates, the closing one
    assert load_templates(path).counts == templates.counts
    save_templates(path, Templates())
    assert load_templates(path).counts == {}
