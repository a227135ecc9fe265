"""The demo site's shipped expected JSON (every theme): in sync with the content it is computed
from, following the Article contract, with the showcase, two-page and truncation rules applied.
"""

from __future__ import annotations

import json
import re

import pytest

from newscrawl.demo import (
    SHOWCASE_ID,
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
from tests.support.demo_pages import dede_path, fetch

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
