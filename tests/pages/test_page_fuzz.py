"""Any bytes give an Article or "not an article", never an exception (issue 3's bad input).

Mutations of our fixture pages (truncation, dropped or duplicated tags,
flipped bytes, wrong charset) and hostile shapes (empty, binary, 5 MB of
nested tags) go through the same path as a crawl: bytes -> decode -> page
object -> normalizer.
"""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.items import Article, PageArticle, RawArticle
from newscrawl.normalize.article import normalize_article
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.encoding import decode_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = sorted(FIXTURES.glob("*/*/page.html"))
URL = "http://news.example.cn/a/news/2024/0305/1234.html"
FETCHED = "2026-11-27T10:00:00+08:00"


def run(body: bytes, content_type: str | None = None) -> Article | None:
    html, _ = decode_html(body, content_type)
    item = ArticlePage(URL, html, fetched_at=FETCHED).to_item()
    return normalize_article(item) if item is not None else None


def _page(index: int) -> bytes:
    return PAGES[index % len(PAGES)].read_bytes()


@st.composite
def damaged_pages(draw: st.DrawFn) -> bytes:
    body = _page(draw(st.integers(min_value=0, max_value=len(PAGES) - 1)))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["truncate", "cut", "flip", "dup", "drop-close"]))
        at = draw(st.integers(min_value=0, max_value=max(0, len(body) - 1)))
        if kind == "truncate":
            body = body[:at]
        elif kind == "cut":
            body = body[:at] + body[at + draw(st.integers(1, 5000)) :]
        elif kind == "flip":
            body = body[:at] + bytes([draw(st.integers(0, 255))]) + body[at + 1 :]
        elif kind == "dup":
            body = body[:at] + body[at : at + 3000] * 3 + body[at:]
        else:
            body = body.replace(b"</div>", b"", draw(st.integers(1, 50)))
    return body


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_pages())
def test_damaged_fixture_pages_never_raise(body: bytes) -> None:
    result = run(body)
    assert result is None or isinstance(result, Article)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=4000), st.sampled_from([None, "text/html; charset=gbk", "text/html"]))
def test_random_bytes_never_raise(body: bytes, content_type: str | None) -> None:
    result = run(body, content_type)
    assert result is None or isinstance(result, Article)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"\x00" * 1000,
        b"<div>" * 100_000 + b"<h1>x</h1>" + b"</div>" * 100_000,
        b"<html><body>" + b"<p>" * 500_000 + b"</body></html>",
        b"<?xml version='1.0' encoding='gb2312'?><html><body><h1>t</h1></body></html>",
        "<html><body><h1>标题</h1><p>日期：2026-13-45 99:99</p></body></html>".encode(),
    ],
    ids=["empty", "nul", "deep-nesting", "5mb-of-p", "xml-declaration", "impossible-date"],
)
def test_hostile_shapes_never_raise(body: bytes) -> None:
    result = run(body)
    assert result is None or isinstance(result, Article)


#: What editors leave in page text: ideographic and no-break spaces, zero-width
#: characters, tabs and newlines, a twice-escaped ``&nbsp;``.
_DIRT = ["\u3000", "\u00a0", "\u200b", "\ufeff", "\t", "\n  ", "&amp;nbsp;", "&nbsp;", " "]


@st.composite
def dirtied_pages(draw: st.DrawFn) -> bytes:
    """A fixture page with whitespace and invisible characters put into its text."""
    html, _ = decode_html(_page(draw(st.integers(min_value=0, max_value=len(PAGES) - 1))))
    for _ in range(draw(st.integers(min_value=1, max_value=40))):
        at = draw(st.integers(min_value=0, max_value=len(html)))
        # Only inside text: between a tag's end and the next tag's start.
        if html.rfind(">", 0, at) >= html.rfind("<", 0, at):
            html = html[:at] + draw(st.sampled_from(_DIRT)) + html[at:]
    return html.encode("utf-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dirtied_pages())
def test_page_objects_give_clean_text_the_normalizer_may_trust(body: bytes) -> None:
    """Page objects' items (``PageArticle``) normalize as if every text were cleaned again."""
    html, _ = decode_html(body, "text/html; charset=utf-8")
    item = ArticlePage(URL, html, fetched_at=FETCHED).to_item()
    if item is None:
        return
    assert type(item) is PageArticle
    trusted = normalize_article(item)
    cleaned = normalize_article(RawArticle(**{f.name: getattr(item, f.name) for f in fields(item)}))
    assert trusted.to_dict() == cleaned.to_dict()


def test_wrong_charset_still_finds_the_article() -> None:
    case = FIXTURES / "dedecms" / "script-count-1234"
    expected = json.loads((case / "expected.json").read_text())
    # The server claims UTF-8; the bytes are GBK: the page's own meta charset wins.
    result = run((case / "page.html").read_bytes(), "text/html; charset=utf-8")
    assert result is not None
    assert result.title == expected["title"]


def test_a_title_cut_from_the_document_title_is_clean() -> None:
    # Found by the test above: the split before a site suffix left a space at the end.
    html = "<html><head><title>月季花展开幕 品种竞相绽放-\u3000-本地新闻网</title></head><body></body></html>"
    title = ArticlePage(URL, html, fetched_at=FETCHED).title()
    assert title is not None
    assert title == title.strip()
