"""The article's two stages: what page objects read (``PageArticle``) and the normalized
``Article``, and the steps that take a later page or a counter's answer into an
Article that is normalized already.

A later page's sections and a counter's answer go into the normalized page 1
without normalizing it again: these tests check that the result is what
normalizing the merged raw article gives.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from newscrawl.items import Article, PageArticle
from newscrawl.normalize.article import normalize_article
from newscrawl.normalize.text import clean_text
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.blocks import body_text, merge_sections
from newscrawl.pages.encoding import decode_html
from newscrawl.pages.extraction import apply_counter, merge_page

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/expected.json"))
TZ = "Asia/Shanghai"


def _case_id(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


@cache
def read(case: Path) -> PageArticle | None:
    meta = json.loads((case / "meta.json").read_text())
    html, _ = decode_html((case / "page.html").read_bytes(), meta.get("content_type"))
    return ArticlePage(meta["url"], html, fetched_at=meta["fetched_at"]).to_item()


def articles() -> list[PageArticle]:
    return [item for item in map(read, CASES) if item is not None]


def test_page_objects_read_page_articles_and_normalization_makes_articles() -> None:
    for item in articles():
        assert type(item) is PageArticle
        assert type(normalize_article(item, tz=TZ)) is Article


@pytest.mark.parametrize("case", CASES, ids=list(map(_case_id, CASES)))
def test_a_later_page_merged_into_the_normalized_page_1_keeps_it_normalized(case: Path) -> None:
    first = read(case)
    if first is None:
        return
    for later in articles()[:5]:
        merged = normalize_article(first, tz=TZ)
        merge_page(merged, later)
        sections = merge_sections(first.sections, later.sections)
        raw = replace(first, sections=sections, body=body_text(sections))
        assert merged == normalize_article(raw, tz=TZ)


@pytest.mark.parametrize(
    "answer", ["document.write('1235');", "$('#hits').html('4521');", " 1.2万 ", "<html>x</html>"]
)
@pytest.mark.parametrize("case", CASES[:8], ids=list(map(_case_id, CASES[:8])))
def test_a_counter_answer_applied_to_the_normalized_article_keeps_it_normalized(
    case: Path, answer: str
) -> None:
    first = read(case)
    if first is None:
        return
    raw = replace(first, views_raw=None, views_source="script")
    article = normalize_article(raw, tz=TZ)
    if not apply_counter(article, answer):
        assert article == normalize_article(raw, tz=TZ)
        return
    assert article.views_source == "endpoint"
    value = clean_text(article.views_raw)
    assert article == normalize_article(
        replace(raw, views_raw=value, views_source="endpoint"), tz=TZ
    )
