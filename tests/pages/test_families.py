"""CMS family detection on the golden fixtures, and hints that never stand alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.pages import ArticlePage, detect_family
from newscrawl.pages.encoding import decode_html
from newscrawl.pages.families import GENERIC

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FAMILY_OF_FOLDER = {
    "dedecms": "dedecms",
    "phpcms": "phpcms",
    "empirecms": "empirecms",
    "phpmywind": "phpmywind",
    "demo-phpmywind": "phpmywind",
    "demo-rewrite": "phpmywind",
}
CASES = sorted(p for folder in FAMILY_OF_FOLDER for p in (FIXTURES / folder).iterdir())


def _page(case: Path) -> tuple[str, str]:
    meta = json.loads((case / "meta.json").read_text())
    html, _ = decode_html((case / "page.html").read_bytes(), meta.get("content_type"))
    return meta["url"], html


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_family_detected(case: Path) -> None:
    url, html = _page(case)
    assert detect_family(url, html).name == FAMILY_OF_FOLDER[case.parent.name]


def test_generator_meta_wins_over_markup() -> None:
    html = '<html><head><meta name="generator" content="PHPCMS V9"></head>'
    html += '<body><script src="/plus/count.php?aid=1"></script></body></html>'
    assert detect_family("http://h/a/1.html", html).name == "phpcms"


def test_unknown_pages_are_generic() -> None:
    assert detect_family("http://h/post/1", "<html><body><p>x</p></body></html>") is GENERIC
    assert ArticlePage("http://h/post/1", "<html></html>").profile is GENERIC


def test_a_hint_that_finds_nothing_falls_back_to_the_generic_chain() -> None:
    # A DedeCMS page whose template lost the viewbox wrapper the hints expect.
    html = (
        "<html><head><title>新闻标题测试页面 - 站点</title></head><body>"
        '<script src="/plus/count.php?view=yes&aid=9&mid=1"></script>'
        "<h1>新闻标题测试页面</h1><p>时间：2024-03-05 10:21 来源：本站</p>"
        "<div><p>第一段正文，说明事情的经过和结果。</p><p>第二段正文。</p></div></body></html>"
    )
    page = ArticlePage("http://h/a/news/9.html", html)
    assert page.family == "dedecms"
    item = page.to_item()
    assert item is not None
    assert item.title == "新闻标题测试页面"
    assert item.published_raw == "2024-03-05 10:21"
    assert item.body == "第一段正文，说明事情的经过和结果。\n第二段正文。"
    assert item.views_source == "script"


PHPMYWIND_CASES = [c for c in CASES if FAMILY_OF_FOLDER[c.parent.name] == "phpmywind"]


@pytest.mark.parametrize("case", PHPMYWIND_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_phpmywind_hints_are_a_shortcut_to_the_generic_answer(case: Path) -> None:
    # The hints only save time: read with them or by the generic chains alone,
    # every PHPMyWind fixture gives the same item (or the same soft 404).
    url, html = _page(case)
    hinted = ArticlePage(url, html, fetched_at="2026-11-27T10:00:00+08:00")
    generic = ArticlePage(url, html, fetched_at="2026-11-27T10:00:00+08:00", family=GENERIC)
    assert hinted.profile.name == "phpmywind"
    assert generic.profile is GENERIC
    assert hinted.to_item() == generic.to_item()
    assert hinted.page_urls() == generic.page_urls()  # a multi-page article's pager
    assert hinted.counter_url() == generic.counter_url()
    for name in ("headline", "meta_line", "body_element"):
        chosen, by_chains = getattr(hinted, name), getattr(generic, name)
        assert (chosen is None) == (by_chains is None), name
        if chosen is not None:
            paths = [el.getroottree().getpath(el) for el in (chosen, by_chains)]
            if name == "body_element":
                # The hint may take the body's wrapper (with the article's own pager):
                # the same paragraphs, as the item comparison above shows.
                assert (paths[1] + "/").startswith(paths[0] + "/"), name
            else:
                assert paths[0] == paths[1], name


def test_phpmywind_hints_select_the_bootstrap_templates_elements() -> None:
    # On the example site's template the hints, not the generic chains, find
    # the headline, the date line and the body.
    url, html = _page(FIXTURES / "demo-phpmywind" / "showcase-613")
    page = ArticlePage(url, html)
    profile = page.profile
    scope = page._hint_scope
    assert scope is not None and scope.tag == "article"
    headline = page._hint(profile.headline, min_chars=2)
    meta_line = page._hint(profile.meta_line)
    body = page._hint(profile.body, min_chars=20)
    assert headline is not None and headline.tag == "h2"
    assert meta_line is not None and "日期" in (meta_line.text or "")
    assert body is not None and body.get("class") == "bd"
    assert page.headline is headline
    assert page.meta_line is meta_line
    assert page.body_element is body


def test_a_phpmywind_template_without_the_container_gets_no_hints() -> None:
    # An older PHPMyWind template: no article.info, so no hint is read at all.
    url, html = _page(FIXTURES / "phpmywind" / "ascii-colon-renqi-330")
    page = ArticlePage(url, html)
    assert page.profile.name == "phpmywind"
    assert page._hint_scope is None
    assert page._hint(page.profile.headline) is None
    assert page.headline is not None
