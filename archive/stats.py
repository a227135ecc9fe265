"""Figures computed in the database, no article loaded: the ranking by views
(``newsarchive top``) and the archive's counts and field fill rates
(``newsarchive stats``).

Like :mod:`archive.queries`, functions take the caller's Session and return
plain dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from archive.models import Article, CrawlRun, Link, Observation, Section
from archive.published import period_conditions

#: The fields whose fill rate :func:`archive_stats` reports, in display order.
FILL_FIELDS = (
    "title", "published_at", "author", "source", "views", "body", "sections", "sidebar",
)  # fmt: skip


@dataclass(frozen=True)
class TopArticle:
    """One line of a ranking by views: the article and its latest known count."""

    id: int
    title: str | None
    url: str
    site: str
    published_at: str | None
    views: int
    observed_at: str


@dataclass(frozen=True)
class ArchiveStats:
    """What the archive (or one site of it) holds.

    ``filled`` maps each of :data:`FILL_FIELDS` to how many articles have it
    (a non-empty string, a views count, at least one section or sidebar link).
    """

    articles: int
    sites: dict[str, int]
    observations: int
    runs: int
    filled: dict[str, int]

    def fill_rates(self) -> dict[str, float | None]:
        """Each field's share of articles that have it (None for an empty archive)."""
        return {
            name: (count / self.articles if self.articles else None)
            for name, count in self.filled.items()
        }


def top_articles(
    session: Session,
    *,
    site: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 20,
) -> list[TopArticle]:
    """Articles ranked by views, most first, by each one's latest observation with views.

    "Latest" is the greatest ``observed_at`` (ties: the last stored). ``since``
    and ``until`` are naive UTC bounds on the publication date (``since <=
    published_utc < until``); an article with no observed views is not ranked.
    One query: a window function numbers each article's observations, newest
    first, within the filtered articles only.
    """
    latest_first = func.row_number().over(
        partition_by=Observation.article_id,
        order_by=(Observation.observed_at.desc(), Observation.id.desc()),
    )
    inner = (
        select(
            Article.id,
            Article.title,
            Article.url,
            Article.site,
            Article.published_at,
            Observation.views,
            Observation.observed_at,
            latest_first.label("position"),
        )
        .join(Observation, Observation.article_id == Article.id)
        .where(Observation.views.is_not(None))
    )
    if site is not None:
        inner = inner.where(Article.site == site)
    inner = inner.where(*period_conditions(since, until))
    ranked = inner.subquery("ranked")
    c = ranked.c
    stmt = (
        select(c.id, c.title, c.url, c.site, c.published_at, c.views, c.observed_at)
        .where(c.position == 1)
        .order_by(c.views.desc(), c.id)
        .limit(limit)
    )
    return [TopArticle(*row) for row in session.execute(stmt)]


def _count_filled(column: InstrumentedAttribute[Any]) -> ColumnElement[int]:
    """Rows where a text column holds a non-empty string."""
    return func.count(func.nullif(column, ""))


def _count_having(child: type[Section | Link]) -> ColumnElement[int]:
    """Articles with at least one ``child`` row (an indexed EXISTS per article)."""
    found = exists().where(child.article_id == Article.id)
    return func.coalesce(func.sum(case((found, 1), else_=0)), 0)


def archive_stats(session: Session, *, site: str | None = None) -> ArchiveStats:
    """Counts and field fill rates, computed in the database (no article is loaded).

    With ``site``, every count is that site's: its articles, their
    observations and the runs whose stats name it (``newscrawl/site``).
    """
    fills = (
        func.count(),
        _count_filled(Article.title),
        _count_filled(Article.published_at),
        _count_filled(Article.author),
        _count_filled(Article.source),
        func.count(Article.views),
        _count_filled(Article.body),
        _count_having(Section),
        _count_having(Link),
    )
    stmt = select(*fills).select_from(Article)
    per_site = func.count().label("articles")
    sites_stmt = (
        select(Article.site, per_site)
        .group_by(Article.site)
        .order_by(per_site.desc(), Article.site)
    )
    observations_stmt = select(func.count()).select_from(Observation)
    runs_stmt = select(func.count()).select_from(CrawlRun)
    if site is not None:
        stmt = stmt.where(Article.site == site)
        sites_stmt = sites_stmt.where(Article.site == site)
        observations_stmt = observations_stmt.join(
            Article, Article.id == Observation.article_id
        ).where(Article.site == site)
        runs_stmt = runs_stmt.where(CrawlRun.stats["newscrawl/site"].as_string() == site)
    total, *filled = session.execute(stmt).one()
    sites = {name: count for name, count in session.execute(sites_stmt)}
    return ArchiveStats(
        articles=total,
        sites=sites,
        observations=session.scalar(observations_stmt) or 0,
        runs=session.scalar(runs_stmt) or 0,
        filled={name: int(count or 0) for name, count in zip(FILL_FIELDS, filled, strict=True)},
    )
