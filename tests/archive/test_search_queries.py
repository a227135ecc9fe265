"""Full-text search on SQLite and PostgreSQL: Chinese terms of any length, English words and
phrases, literal special characters, filters, paging, ranking and snippets."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.filters import ArticleFilters
from archive.models import Article
from archive.queries import period_bound
from archive.search import SearchError, search_articles
from tests.support.search_corpus import CORPUS, SITE_B, found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("裁", {2}),  # one character
        ("市", {1, 2, 4}),  # 市图书馆, 市场, 市民
        ("裁员", {2}),  # two characters
        ("人气", {3}),
        ("开放", {1, 5}),
        ("图书馆", {1}),  # three characters
        ("雾中城", {3}),
        ("人气指数", {3}),  # four
        ("书图", set()),  # the characters, but not in this order
    ],
)
def test_chinese_terms_of_any_length(session: Session, query: str, expected: set[int]) -> None:
    assert found(session, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("market", {2}),
        ("MARKET", {2}),  # case-insensitive
        ("data", {5}),
        ('"weak market"', {2}),  # a phrase
        ('"market weak"', set()),
        ("裁员 补偿", {2}),  # every term must occur
        ("裁员 天气", set()),
        ("Data 开幕", {5}),  # English and Chinese together
    ],
)
def test_english_words_phrases_and_several_terms(
    session: Session, query: str, expected: set[int]
) -> None:
    assert found(session, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("C++", {3}),
        ("3.5%", {3}),
        ("50%", {4}),
        ("%", {3, 4}),  # not a LIKE wildcard
        ("_", {4}),  # not a LIKE wildcard
        ("under_score", {4}),
        ("e-mail", {4}),  # "-" is not NOT
        ("*", set()),  # not a prefix operator
        ("裁员 OR 天气", set()),  # OR is a word, not an operator
        ("NEAR(裁员 天气)", set()),
        ("title:裁员", set()),  # no column filter syntax
        ("'; DROP TABLE articles; --", set()),
        ('"") OR 1=1 --', set()),
    ],
)
def test_special_characters_match_literally(
    session: Session, query: str, expected: set[int]
) -> None:
    assert found(session, query) == expected
    assert session.scalar(select(func.count()).select_from(Article)) == len(CORPUS)


@pytest.mark.parametrize("query", ["", "   ", '"', '裁员 "补偿', '""'])
def test_unsearchable_queries_raise_search_error(session: Session, query: str) -> None:
    with pytest.raises(SearchError):
        search_articles(session, query)


def test_filters_by_site_channel_author_and_period(session: Session) -> None:
    assert found(session, "市", filters=ArticleFilters(site=SITE_B)) == {4}
    assert found(session, "市", filters=ArticleFilters(channel="8")) == {2}
    assert found(session, "市", filters=ArticleFilters(author="王芳")) == {1}
    since = period_bound("2026-02-03")
    assert found(session, "市", filters=ArticleFilters(since=since)) == {2, 4}
    until = period_bound("2026-02-02", end=True)
    assert found(session, "市", filters=ArticleFilters(until=until)) == {1}


def test_pages_cover_every_match_once(session: Session) -> None:
    pages = [search_articles(session, "市", limit=1, offset=offset) for offset in range(3)]
    ids = [hit.id for page in pages for hit in page.hits]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert [page.more for page in pages] == [True, True, False]
    assert search_articles(session, "市", limit=1, offset=3).hits == []


def test_a_title_hit_ranks_above_a_body_hit(session: Session) -> None:
    hits = search_articles(session, "开放").hits
    assert [hit.title for hit in hits] == ["市图书馆试行夜间开放", "Open Data Week 开幕"]


def test_snippet_highlights_each_match(session: Session) -> None:
    (hit,) = search_articles(session, "人气").hits
    assert hit.highlights
    assert all(hit.snippet[start:end] == "人气" for start, end in hit.highlights)
    (hit,) = search_articles(session, "weak market").hits
    marked = {hit.snippet[start:end].lower() for start, end in hit.highlights}
    assert marked == {"weak", "market"}
