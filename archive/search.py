"""Full-text search over titles and bodies, Chinese terms of any length included.

Query syntax (``newsarchive search``), kept small on purpose:

- Terms separated by spaces must all occur (AND), in the title or the body.
- ``"double quotes"`` make one term of several words (a phrase).
- Every other character is literal: ``-``, ``*``, ``%``, ``_``, ``OR``,
  ``NEAR``, ``:``, parentheses are not operators. A term with characters
  the index does not keep (``C++``, ``3.5%``, ``e-mail``) must also occur
  exactly so (case-insensitive for ASCII), checked on the stored text.
- Chinese terms match consecutive characters; punctuation and spaces between
  them in the text are ignored (``裁员`` finds ``裁员`` and ``裁 员``).
  English words match whole words, case-insensitively.

An unbalanced quote or a query with no term is a :class:`SearchError`.

SQLite: the FTS5 index of :mod:`archive.fts`, ranked by BM25 with a title hit
weighing ten times a body hit. Articles stored but not indexed yet (the
index catches up after each stored batch, see :mod:`archive.fts`) are found
by scanning them with the same matching rules, and listed first: they are
the newest. A query matching more than :data:`RANK_WINDOW`
articles ranks its most recently archived 5,000 and lists older matches after
them, newest first (see :func:`_indexed_ids`). PostgreSQL: a case-insensitive substring test
per term (``strpos``), ranked by title hits first, then newest; the same
Chinese terms are found. Results are paged with ``limit`` / ``offset``; the
snippet around the first match and its highlighted spans are made here in
Python from the stored body, the same on both databases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    case,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.functions import Function

from archive.filters import ArticleFilters
from archive.fts import (
    FTS_TABLE,
    MATCH_FUNCTION,
    PENDING_TABLE,
    has_index,
    prepare,
    query_text,
)
from archive.fts_unicode61 import CJK_CHARS
from archive.models import Article

#: Weights of the title and body columns in BM25.
TITLE_WEIGHT, BODY_WEIGHT = 10.0, 1.0
#: Matches ranked by BM25 (the newest by archive order); older ones follow, newest first.
RANK_WINDOW = 5000
#: Characters of context kept before the first match, and the snippet's length.
SNIPPET_BEFORE, SNIPPET_LENGTH = 24, 96

_TOKEN = re.compile(r"[^\W_]+")
_CJK_CHAR = re.compile(f"[{CJK_CHARS}]")
_QUOTED_OR_BARE = re.compile(r'"([^"]*)"|(\S+)')


class SearchError(ValueError):
    """A query that cannot be searched; the message is one line for the user."""


@dataclass(frozen=True)
class Term:
    """One search term: what was typed, the index tokens it becomes, and whether
    it must also be checked literally (it holds characters the index drops)."""

    text: str
    tokens: tuple[str, ...]
    literal: bool

    @property
    def phrase(self) -> str:
        """The FTS5 phrase: tokens in order as the index holds them (folded by
        :func:`archive.fts.prepare`), quoted (nothing inside is syntax)."""
        return '"' + " ".join(prepare(" ".join(self.tokens)).split()) + '"'


@dataclass(frozen=True)
class SearchHit:
    """One result: the article, and a snippet whose ``highlights`` are the
    ``[start, end)`` character spans of the matches in it."""

    id: int
    site: str
    channel: str | None
    title: str | None
    published_at: str | None
    author: str | None
    views: int | None
    url: str
    snippet: str
    highlights: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True)
class SearchPage:
    """A page of results; ``more`` says whether a next page has any."""

    hits: list[SearchHit]
    offset: int
    more: bool


def parse_query(query: str) -> list[Term]:
    """Split a query into terms (see the module docstring for the syntax)."""
    if query.count('"') % 2:
        raise SearchError(f"unbalanced quote in search: {query!r}")
    terms: list[Term] = []
    for match in _QUOTED_OR_BARE.finditer(query):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        text = " ".join(raw.split())
        if not text:
            continue
        tokens = tuple(_TOKEN.findall(query_text(text)))
        # Literal when something besides tokens and spaces is in the term.
        literal = _TOKEN.sub("", text).replace(" ", "") != ""
        terms.append(Term(text, tokens, literal))
    if not terms:
        raise SearchError("empty search: give at least one term")
    return terms


def match_expression(terms: list[Term]) -> str | None:
    """The FTS5 MATCH string (phrases ANDed), or None when no term has tokens."""
    phrases = [term.phrase for term in terms if term.tokens]
    return " AND ".join(phrases) if phrases else None


def _ascii_lower(text: str) -> str:
    """SQLite's lower() folds ASCII only: fold the needle the same way."""
    return "".join(char.lower() if char.isascii() else char for char in text)


def _title_and_body() -> ColumnElement[str]:
    return func.coalesce(Article.title, "") + "\n" + func.coalesce(Article.body, "")


def _contains(
    session: Session, text: str, haystack: InstrumentedAttribute[str | None] | None = None
) -> ColumnElement[bool]:
    """A literal, case-insensitive containment test (no wildcards: instr/strpos)."""
    where = func.coalesce(haystack, "") if haystack is not None else _title_and_body()
    if session.get_bind().dialect.name == "sqlite":
        return func.instr(func.lower(where), _ascii_lower(text)) > 0
    return func.strpos(func.lower(where), func.lower(text)) > 0


def _indexed_ids(
    session: Session,
    match: str,
    conditions: list[ColumnElement[bool]],
    limit: int,
    offset: int,
    window: int,
) -> list[int]:
    """Ids from the full-text index: BM25 within the newest :data:`RANK_WINDOW`
    matches, then any older matches newest first (one consistent order).

    BM25 costs a few microseconds per matching article, so ranking every
    match of a term found in most articles (``的``, ``公司``) would take
    hundreds of milliseconds on 100,000 articles, and over such a term it
    ranks little anyway. The window's floor is found by walking the index
    backwards, which stops early.
    """
    fts = table(FTS_TABLE, column("rowid"))
    fts_name: ColumnElement[Any] = literal_column(FTS_TABLE)
    rowid = fts.c.rowid
    base = select(rowid).where(fts_name.op("MATCH")(match))
    if conditions:  # join the articles only when a filter needs them
        base = base.join_from(fts, Article, Article.id == rowid).where(*conditions)
    floor = session.scalar(base.order_by(rowid.desc()).limit(1).offset(window - 1))
    wanted = limit + 1
    ids: list[int] = []
    if offset < window:
        ranked = base.where(rowid >= floor) if floor is not None else base
        score = func.bm25(fts_name, TITLE_WEIGHT, BODY_WEIGHT)
        ranked = ranked.order_by(score, rowid).limit(wanted).offset(offset)
        ids.extend(session.scalars(ranked))
    if floor is not None and len(ids) < wanted:
        older = base.where(rowid < floor).order_by(rowid.desc())
        older = older.limit(wanted - len(ids)).offset(max(0, offset - window))
        ids.extend(session.scalars(older))
    return ids


def _scanned_ids(
    session: Session,
    terms: list[Term],
    conditions: list[ColumnElement[bool]],
    limit: int,
    offset: int,
) -> list[int]:
    """Ids found without the index (PostgreSQL): title hits first, then newest."""
    in_title = and_(*(_contains(session, term.text, Article.title) for term in terms))
    stmt = (
        select(Article.id)
        .where(*conditions)
        .order_by(
            case((in_title, 0), else_=1),
            Article.published_utc.is_(None),
            Article.published_utc.desc(),
            Article.id.desc(),
        )
        .limit(limit + 1)
        .offset(offset)
    )
    return list(session.scalars(stmt))


def _queued_ids(
    session: Session, terms: list[Term], conditions: list[ColumnElement[bool]]
) -> list[int]:
    """Matches among the articles queued for the index, title hits first, then newest.

    The queue holds at most the batches stored since the index last caught
    up, so scanning it costs little (``benchmarks.search`` measures it); each
    term is tested with the regular expression that marks it in snippets,
    which matches as the index does.
    """
    queue = table(PENDING_TABLE, column("article_id"))
    if session.execute(select(queue.c.article_id).limit(1)).first() is None:
        return []  # all indexed: the usual case between crawls costs one lookup

    def found_in(value: InstrumentedAttribute[Any], term: Term) -> ColumnElement[bool]:
        call: Function[int] = Function(MATCH_FUNCTION, _term_pattern(term), value, type_=Integer)
        return call == 1

    in_title = and_(*(found_in(Article.title, term) for term in terms))
    anywhere = [or_(found_in(Article.title, term), found_in(Article.body, term)) for term in terms]
    stmt = (
        select(Article.id)
        # IN, not a join: SQLite then walks the (short) queue and looks each
        # article up, where a join let it scan every article and test its body.
        .where(Article.id.in_(select(queue.c.article_id)), *conditions, *anywhere)
        .order_by(case((in_title, 0), else_=1), Article.id.desc())
    )
    return list(session.scalars(stmt))


def _ranked_ids(
    session: Session,
    terms: list[Term],
    filters: ArticleFilters,
    limit: int,
    offset: int,
    window: int,
) -> list[int]:
    """Ids of matching articles, best first, one more than ``limit`` if there are."""
    conditions = filters.conditions()
    match = match_expression(terms)
    use_index = match is not None and has_index(session.connection())
    literal_terms = [term for term in terms if term.literal or not use_index]
    conditions.extend(_contains(session, term.text) for term in literal_terms)
    if not use_index:
        return _scanned_ids(session, terms, conditions, limit, offset)
    assert match is not None
    queued = _queued_ids(session, terms, conditions)
    wanted = limit + 1
    ids = queued[offset : offset + wanted]
    if len(ids) < wanted:
        rest = wanted - len(ids)
        ids += _indexed_ids(
            session, match, conditions, rest - 1, max(0, offset - len(queued)), window
        )
    return ids


def _term_pattern(term: Term) -> str:
    """A regex finding the term in stored text, as the index would match it."""
    if term.literal or not term.tokens:
        return re.escape(term.text)
    parts: list[str] = []
    for position, token in enumerate(term.tokens):
        if position:
            parts.append(r"[\W_]*")
        parts.append(re.escape(token))
    pattern = "".join(parts)
    # Whole words for Latin tokens at the ends; CJK characters are tokens alone.
    if not _CJK_CHAR.match(term.tokens[0]):
        pattern = r"(?<![^\W_])" + pattern
    if not _CJK_CHAR.match(term.tokens[-1][-1]):
        pattern += r"(?![^\W_])"
    return pattern


def make_snippet(text: str, terms: list[Term]) -> tuple[str, list[tuple[int, int]]]:
    """The part of ``text`` around its first match, and the matches' spans in it.

    Whitespace runs become one space; ``…`` marks a cut at either end. With no
    match (it was in the title) the snippet is the start of the text.
    """
    flat = " ".join(text.split())  # as stored (full-width punctuation kept)
    finder = re.compile("|".join(f"(?:{_term_pattern(term)})" for term in terms), re.IGNORECASE)
    first = finder.search(flat)
    start = 0 if first is None else max(0, first.start() - SNIPPET_BEFORE)
    end = min(len(flat), start + SNIPPET_LENGTH)
    if first is not None and first.end() > end:
        end = first.end()
    prefix = "…" if start > 0 else ""
    snippet = prefix + flat[start:end] + ("…" if end < len(flat) else "")
    spans = [
        (found.start() - start + len(prefix), found.end() - start + len(prefix))
        for found in finder.finditer(flat, start, end)
        if found.end() > found.start()
    ]
    return snippet, spans


def search_articles(
    session: Session,
    query: str,
    *,
    filters: ArticleFilters | None = None,
    limit: int = 20,
    offset: int = 0,
    rank_window: int = RANK_WINDOW,
) -> SearchPage:
    """Articles matching ``query``, best first; raises :class:`SearchError`.

    ``rank_window``: how many of the newest matches BM25 ranks (SQLite).
    """
    if limit < 1 or offset < 0 or rank_window < 1:
        raise ValueError("limit and rank_window must be at least 1, offset not negative")
    terms = parse_query(query)
    ids = _ranked_ids(session, terms, filters or ArticleFilters(), limit, offset, rank_window)
    more = len(ids) > limit
    ids = ids[:limit]
    rows: dict[int, Any] = {
        row.id: row
        for row in session.execute(
            select(
                Article.id,
                Article.site,
                Article.channel,
                Article.title,
                Article.published_at,
                Article.author,
                Article.views,
                Article.url,
                Article.body,
            ).where(Article.id.in_(ids))
        )
    }
    hits: list[SearchHit] = []
    for article_id in ids:
        row = rows[article_id]
        snippet, spans = make_snippet(row.body or row.title or "", terms)
        hits.append(
            SearchHit(
                id=row.id,
                site=row.site,
                channel=row.channel,
                title=row.title,
                published_at=row.published_at,
                author=row.author,
                views=row.views,
                url=row.url,
                snippet=snippet,
                highlights=spans,
            )
        )
    return SearchPage(hits, offset, more)
