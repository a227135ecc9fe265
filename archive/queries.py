"""Reading the archive: listings, one article, its earlier versions, streaming
exports, run records, popularity series, rankings by views, archive statistics
and what a harvest already knows.

Every function takes the caller's Session (the CLI owns the transaction) and
returns plain values (dataclasses or Article-contract dicts), so callers never
touch ORM objects or lazy loading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from archive.contract import article_to_dict
from archive.export import iter_export
from archive.filters import ArticleFilters
from archive.models import Article, ArticleVersion, CrawlRun, Link, Observation, Section
from archive.published import DAY_ZONE, period_conditions

#: Zone of a period bound given without an offset (the sites' own zone).
PERIOD_TZ = DAY_ZONE
#: The fields whose fill rate :func:`archive_stats` reports, in display order.
FILL_FIELDS = (
    "title", "published_at", "author", "source", "views", "body", "sections", "sidebar",
)  # fmt: skip


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


@dataclass(frozen=True)
class RunSummary:
    """The record of one crawl run."""

    id: int
    spider: str
    started_at: str
    finished_at: str | None
    status: str
    stats: dict[str, Any]
    archive_url: str | None


class KnownArticle(NamedTuple):
    """An archived article as a harvest sees it: two POSIX timestamps (seconds).

    ``since`` is when it was published (else first seen, else fetched): its age
    counts from there. ``fetched_at`` is its last fetch (0.0 when unknown).
    """

    since: float
    fetched_at: float


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


def _timestamp(value: str | datetime | None) -> float | None:
    """POSIX seconds of an ISO string (naive means UTC) or a naive-UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.timestamp()


def iter_known_articles(
    session: Session, *, sites: Iterable[str], batch_size: int = 2000
) -> Iterator[tuple[str, KnownArticle]]:
    """``(url, KnownArticle)`` of every archived article of ``sites``, streamed.

    One query, read ``batch_size`` rows at a time: a caller that keeps a
    compact form of them (``newscrawl.crawl.incremental``) never holds them all.
    """
    wanted = sorted(set(sites))
    if not wanted:
        return
    stmt = (
        select(Article.url, Article.published_utc, Article.first_seen_at, Article.fetched_at)
        .where(Article.site.in_(wanted))
        .execution_options(yield_per=batch_size)
    )
    for url, published_utc, first_seen_at, fetched_at in session.execute(stmt):
        fetched = _timestamp(fetched_at)
        since = _timestamp(published_utc) or _timestamp(first_seen_at) or fetched or 0.0
        yield url, KnownArticle(since, fetched or 0.0)


def known_articles(
    session: Session, *, sites: Iterable[str], batch_size: int = 2000
) -> dict[str, KnownArticle]:
    """URL -> :class:`KnownArticle` of every archived article of ``sites`` (one query)."""
    return dict(iter_known_articles(session, sites=sites, batch_size=batch_size))


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


def list_runs(session: Session, limit: int = 20) -> list[RunSummary]:
    """The latest crawl runs, newest first."""
    stmt = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
    return [
        RunSummary(
            id=run.id,
            spider=run.spider,
            started_at=run.started_at,
            finished_at=run.finished_at,
            status=run.status,
            stats=dict(run.stats or {}),
            archive_url=run.archive_url,
        )
        for run in session.scalars(stmt)
    ]


def previous_runs(
    session: Session,
    *,
    site: str,
    before_id: int | None = None,
    spider: str = "cms",
    status: str | None = "finished",
    limit: int = 5,
) -> list[RunSummary]:
    """The latest ``limit`` runs of ``spider`` on ``site`` with ``status`` (None: any),
    newest first, before the run ``before_id`` when given.

    The site is read from each run's stats (``newscrawl/site``); runs are
    scanned newest first and the scan stops once ``limit`` are found.
    """
    stmt = select(CrawlRun).where(CrawlRun.spider == spider)
    if status is not None:
        stmt = stmt.where(CrawlRun.status == status)
    if before_id is not None:
        stmt = stmt.where(CrawlRun.id < before_id)
    stmt = stmt.order_by(CrawlRun.id.desc()).execution_options(yield_per=50)
    found: list[RunSummary] = []
    for run in session.scalars(stmt):
        stats = dict(run.stats or {})
        if stats.get("newscrawl/site") != site:
            continue
        found.append(
            RunSummary(
                id=run.id,
                spider=run.spider,
                started_at=run.started_at,
                finished_at=run.finished_at,
                status=run.status,
                stats=stats,
                archive_url=run.archive_url,
            )
        )
        if len(found) >= limit:
            break
    return found


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
