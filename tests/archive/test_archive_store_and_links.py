"""Storing articles: the contract, upsert rules, one row per page, link settlement and cut titles."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import select

from archive import (
    ARTICLE_KEYS,
    Archive,
    count_articles,
)
from archive.models import Article, ArticleVersion, Observation
from tests.support.archive_samples import (
    EXPECTED_CUT,
    FULL,
    SITE,
    cut_links,
    fetch,
    item,
    link,
    links_of,
    sidebar_of,
    store,
)


def test_archive_keys_equal_the_newscrawl_contract() -> None:
    from newscrawl.items import ARTICLE_KEYS as NEWSCRAWL_KEYS
    from newscrawl.items import Article as ArticleItem

    assert ARTICLE_KEYS == NEWSCRAWL_KEYS
    stored_shape = ArticleItem.from_dict(item(1)).to_dict()
    assert tuple(stored_shape) == ARTICLE_KEYS


def test_archive_imports_neither_scrapy_nor_newscrawl() -> None:
    code = (
        "import sys, archive, archive.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('scrapy', 'newscrawl')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_new_then_unchanged_then_updated(opened: Archive) -> None:
    assert store(opened, item(1)) == (1, 0, 0)
    assert store(opened, item(1, views=7, views_raw="人气：7")) == (0, 0, 1)
    assert store(opened, item(1, title="春耕时节话农事（修订）", views=8)) == (0, 1, 0)
    stored = fetch(opened, "1")
    assert stored["title"] == "春耕时节话农事（修订）"
    assert stored["views"] == 8


def test_none_never_replaces_a_stored_value(opened: Archive) -> None:
    store(opened, item(1))
    blanks = dict.fromkeys(
        (
            "cms_id",
            "channel",
            "title",
            "published_at",
            "published_raw",
            "author",
            "source",
            "editor",
        ),
    )
    blanks |= {"views": None, "views_raw": None, "views_source": None, "fetched_at": None}
    store(opened, item(1, **blanks))
    stored = fetch(opened, item(1)["url"])
    for key in ("cms_id", "title", "published_at", "author", "source", "editor", "views"):
        assert stored[key] == item(1)[key], key


def test_empty_sections_body_and_sidebar_keep_the_stored_ones(
    opened: Archive,
) -> None:
    store(opened, item(1, sidebar=[link(2)]))
    store(opened, item(1, sections=[], body="", sidebar=[]))
    stored = fetch(opened, "1")
    assert stored["sections"] == item(1)["sections"]
    assert stored["body"] == item(1)["body"]
    assert [entry["url"] for entry in stored["sidebar"]] == [link(2)["url"]]

    new_sections = [{"heading": "收获", "paragraphs": ["秋天的稻田一片金黄。"]}]
    store(opened, item(1, sections=new_sections, sidebar=[link(3), link(4)]))
    stored = fetch(opened, "1")
    assert stored["sections"] == new_sections
    assert [entry["url"] for entry in stored["sidebar"]] == [link(3)["url"], link(4)["url"]]


def test_one_observation_per_store_even_without_views(opened: Archive) -> None:
    store(opened, item(1))
    store(opened, item(1, views=None, views_raw=None, fetched_at="2026-01-09T11:00:00+08:00"))
    store(opened, item(1, views=8, fetched_at="2026-01-09T12:00:00+08:00"))
    with opened.begin() as session:
        rows = session.execute(
            select(Observation.observed_at, Observation.views).order_by(Observation.id)
        ).all()
        article = session.scalars(select(Article)).one()
        assert article.first_seen_at == "2026-01-09T10:00:00+08:00"
        assert article.fetched_at == "2026-01-09T12:00:00+08:00"
    assert [tuple(row) for row in rows] == [
        ("2026-01-09T10:00:00+08:00", 6),
        ("2026-01-09T11:00:00+08:00", None),
        ("2026-01-09T12:00:00+08:00", 8),
    ]


def test_one_page_under_several_urls_is_one_row(opened: Archive) -> None:
    """The same id under the same URL template is one page, whatever the channel,
    argument order or page number; the row follows the newest URL."""
    store(opened, item(613))
    same_page = [
        f"http://{SITE}/show.php?id=613&cid=29&page=2",
        f"http://{SITE}/show.php?cid=30&id=613",
    ]
    for url in same_page:
        assert store(opened, item(613, url=url)) == (0, 0, 1)
    other_site = item(613, site="news.other.cn", url="http://news.other.cn/show.php?cid=29&id=613")
    assert store(opened, other_site) == (1, 0, 0)
    with opened.begin() as session:
        assert count_articles(session) == 2
    assert fetch(opened, same_page[-1])["cms_id"] == "613"


def test_two_pages_with_one_cms_id_are_two_rows(opened: Archive) -> None:
    """PHPMyWind numbers news and products each from 1: two pages, two rows, in
    either fetch order, and neither becomes a version of the other."""
    news = item(1, url=f"http://{SITE}/newsshow-4-1-1.html", title="新闻：春耕开始")
    product = item(1, url=f"http://{SITE}/productshow-7-1-1.html", title="产品：育秧盘")
    static = item(1, url=f"http://{SITE}/a/news/2019/0113/1.html", title="动态：插秧")
    assert store(opened, news, product) == (2, 0, 0)
    assert store(opened, product, news, static) == (1, 0, 2)
    assert store(opened, item(1, url=f"http://{SITE}/newsshow-5-1-1.html")) == (0, 1, 0)
    with opened.begin() as session:
        rows = session.execute(select(Article.url, Article.title).order_by(Article.id)).all()
        versions = session.execute(select(ArticleVersion.article_id, ArticleVersion.url)).all()
    assert [tuple(row) for row in rows] == [
        (f"http://{SITE}/newsshow-5-1-1.html", item(1)["title"]),
        (product["url"], "产品：育秧盘"),
        (static["url"], "动态：插秧"),
    ]
    # The version keeps the URL its content came from.
    assert [tuple(row) for row in versions] == [(1, news["url"])]


def test_without_cms_id_matches_by_url(opened: Archive) -> None:
    assert store(opened, item(5, cms_id=None)) == (1, 0, 0)
    assert store(opened, item(5, cms_id=None)) == (0, 0, 1)
    # A later fetch that learns the CMS id completes the same row.
    assert store(opened, item(5)) == (0, 0, 1)
    assert fetch(opened, "1")["cms_id"] == "5"


def test_link_stored_before_its_target_is_settled_later(opened: Archive) -> None:
    store(opened, item(1, sidebar=[link(2, date="2025-01-05")]))
    target = link(2)["url"]
    assert links_of(opened, target) == [("2025-01-05", False)]
    # 07:00 in Beijing is the previous day in UTC: the sidebar shows the local date.
    store(opened, item(2, published_at="2026-01-05T07:00:00+08:00"))
    assert links_of(opened, target) == [("2026-01-05", True)]
    assert fetch(opened, "1")["sidebar"][0]["date"] == "2026-01-05"


def test_link_to_an_archived_target_is_settled_when_stored(
    opened: Archive,
) -> None:
    store(opened, item(2, published_at="2026-01-05T07:00:00+08:00"))
    store(opened, item(1, sidebar=[link(2, date="2025-01-05"), link(9, date="2025-12-30")]))
    assert links_of(opened, link(2)["url"]) == [("2026-01-05", True)]
    # No archived target: the estimate stays, unsettled.
    assert links_of(opened, link(9)["url"]) == [("2025-12-30", False)]


def test_links_settle_within_one_batch_in_any_order(opened: Archive) -> None:
    store(
        opened,
        item(1, sidebar=[link(2, date=None)]),
        item(2, published_at="2026-01-05T20:00:00+08:00", sidebar=[link(1, date="2025-01-08")]),
    )
    assert links_of(opened, link(2)["url"]) == [("2026-01-05", True)]
    assert links_of(opened, link(1)["url"]) == [("2026-01-08", True)]


def test_a_target_without_published_date_settles_nothing(opened: Archive) -> None:
    store(opened, item(1, sidebar=[link(2)]))
    store(opened, item(2, published_at=None))
    assert links_of(opened, link(2)["url"]) == [("2025-01-05", False)]


def test_a_title_cut_without_a_marker_is_completed_by_its_archived_target(
    opened: Archive,
) -> None:
    store(opened, item(2, title=FULL))
    store(opened, item(1, sidebar=cut_links()))
    assert sidebar_of(opened, item(1)["url"]) == EXPECTED_CUT


def test_cut_titles_stored_before_their_target_are_completed_later(
    opened: Archive,
) -> None:
    store(opened, item(1, sidebar=cut_links()), item(3, sidebar=cut_links()[:1]))
    assert sidebar_of(opened, item(1)["url"])[0] == ("北塘镇博物馆推广稻渔综", False)
    store(opened, item(2, title=FULL))
    assert sidebar_of(opened, item(1)["url"]) == EXPECTED_CUT
    assert sidebar_of(opened, item(3)["url"]) == EXPECTED_CUT[:1]
    # In one batch, the target after the link, as well.
    cut = {**link(7), "title": "秋收时节的", "truncated": False}
    store(opened, item(6, sidebar=[cut]), item(7, title="秋收时节的田野"))
    assert sidebar_of(opened, item(6)["url"]) == [("秋收时节的田野", True)]
