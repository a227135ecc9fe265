"""Reading articles: listings, one article, its earlier versions and state, its
popularity series, streaming exports, and the period bounds the filters take.

Every function takes the caller's Session (the CLI owns the transaction) and
returns plain values (dataclasses or Article-contract dicts), so callers never
touch ORM objects or lazy loading. Rankings and statistics are in
:mod:`archive.stats`, run records and what a harvest knows in
:mod:`archive.crawl_history`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from archive.contract import article_to_dict
from archive.export import iter_export
from archive.filters import ArticleFilters
from archive.models import Article, ArticleVersion, Observation
from archive.published import DAY_ZONE

#: Zone of a period bound given without an offset (the sites' own zone).
PERIOD_TZ = DAY_ZONE


@dataclass(frozen=True)
class ArticleSummary:
    """One line of a listing."""

    id: int
    site: str
    title: str | None
    published_at: str | None
    views: int | None
    url: str


@dataclass(frozen=True)
class ObservationRow:
    """One fetch of an article: the popularity count as seen then."""

    observed_at: str
    views: int | None
    views_raw: str | None
    source: str | None


@dataclass(frozen=True)
class VersionRow:
    """An earlier content of an article (version 1 is the first stored content).

    ``stored_at`` is when it was replaced, ``fetched_at`` when it had been fetched,
    ``url`` where from (None for versions stored before schema 0011).
    """

    version: int
    stored_at: str
    fetched_at: str | None
    title: str | None
    published_at: str | None
    author: str | None
    source: str | None
    body: str
    sections: list[dict[str, Any]]
    content_hash: str
    url: str | None = None


@dataclass(frozen=True)
class ArticleState:
    """How an article changed: earlier versions kept, and whether a revisit found it gone."""

    versions: int
    gone_at: str | None
    gone_reason: str | None


def find_article_id(session: Session, id_or_url: str) -> int | None:
    """The id of the article with this id (digits) or URL, or None."""
    key = id_or_url.strip()
    condition = Article.id == int(key) if key.isdigit() else Article.url == key
    return session.scalar(select(Article.id).where(condition))


def observations(session: Session, article_id: int) -> list[ObservationRow]:
    """The article's popularity observations, oldest first."""
    stmt = (
        select(
            Observation.observed_at, Observation.views, Observation.views_raw, Observation.source
        )
        .where(Observation.article_id == article_id)
        .order_by(Observation.observed_at, Observation.id)
    )
    return [ObservationRow(*row) for row in session.execute(stmt)]


def article_versions(session: Session, article_id: int) -> list[VersionRow]:
    """The article's earlier contents, oldest (version 1) first; the article holds the newest."""
    v = ArticleVersion
    stmt = (
        select(
            v.version, v.stored_at, v.fetched_at, v.title, v.published_at, v.author, v.source,
            v.body, v.sections, v.content_hash, v.url,
        )
        .where(v.article_id == article_id)
        .order_by(v.version)
    )  # fmt: skip
    return [VersionRow(*row) for row in session.execute(stmt)]


def article_state(session: Session, article_id: int) -> ArticleState | None:
    """How many earlier versions the article has and whether it is gone (None: no article)."""
    versions = (
        select(func.count())
        .select_from(ArticleVersion)
        .where(ArticleVersion.article_id == Article.id)
        .scalar_subquery()
    )
    stmt = select(versions, Article.gone_at, Article.gone_reason).where(Article.id == article_id)
    row = session.execute(stmt).one_or_none()
    return None if row is None else ArticleState(*row)


def list_articles(
    session: Session,
    *,
    site: str | None = None,
    limit: int = 20,
    offset: int = 0,
    filters: ArticleFilters | None = None,
) -> list[ArticleSummary]:
    """Newest published first; undated articles last, newest stored first among them.

    ``site`` is a shorthand for ``filters=ArticleFilters(site=…)``.
    """
    chosen = filters or ArticleFilters()
    if site is not None:
        chosen = replace(chosen, site=site)
    stmt = select(
        Article.id,
        Article.site,
        Article.title,
        Article.published_at,
        Article.views,
        Article.url,
    ).where(*chosen.conditions())
    # "IS NULL" sorts false (0) first on every backend, unlike NULLS LAST syntax.
    stmt = (
        stmt.order_by(
            Article.published_utc.is_(None), Article.published_utc.desc(), Article.id.desc()
        )
        .limit(limit)
        .offset(offset)
    )
    return [ArticleSummary(*row) for row in session.execute(stmt)]


def _with_children() -> tuple[Any, ...]:
    return (selectinload(Article.sections), selectinload(Article.links))


def get_article(session: Session, id_or_url: str) -> dict[str, Any] | None:
    """The article with this id (digits) or URL, as ``{"id": …, **contract}``."""
    key = id_or_url.strip()
    stmt = select(Article).options(*_with_children())
    stmt = stmt.where(Article.id == int(key)) if key.isdigit() else stmt.where(Article.url == key)
    article = session.scalars(stmt).one_or_none()
    if article is None:
        return None
    return {"id": article.id, **article_to_dict(article)}


def iter_articles(
    session: Session, *, site: str | None = None, batch_size: int = 1000
) -> Iterator[dict[str, Any]]:
    """Every article (of ``site``) as a contract dict, in id order, a batch at a time.

    The streaming export of :mod:`archive.export`: keyset pages and plain
    Core rows, so memory stays flat however large the archive is.
    """
    return iter_export(session, ArticleFilters(site=site), batch_size=batch_size)


def count_articles(session: Session) -> int:
    """How many articles the archive holds."""
    return session.scalar(select(func.count()).select_from(Article)) or 0


def period_bound(text: str, *, end: bool = False, tz: str = PERIOD_TZ) -> datetime:
    """A period bound as naive UTC, to compare with ``Article.published_utc``.

    ``text`` is ``YYYY-MM-DD`` or an ISO 8601 datetime; without an offset it is
    read in ``tz``. The period is half-open (``since <= t < until``): with
    ``end`` a day means the end of that day (the next midnight) and a datetime
    includes that instant (one microsecond after it). ValueError when
    ``text`` is not a date.
    """
    value = text.strip()
    moment: datetime
    if len(value) == 10:  # a day: YYYY-MM-DD
        day = date.fromisoformat(value)
        moment = datetime.combine(day + timedelta(days=1) if end else day, time())
    else:
        if len(value) < 10 or not value[:4].isdigit() or value[4:5] != "-":
            raise ValueError(f"not a date: {text!r}")
        moment = datetime.fromisoformat(value)
        if end:
            moment += timedelta(microseconds=1)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(tz))
    return moment.astimezone(UTC).replace(tzinfo=None)
