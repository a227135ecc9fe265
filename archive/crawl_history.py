"""What earlier crawls left, as the next harvest and ``newsarchive runs`` read it:
the run records, and the articles a harvest already knows.

Like :mod:`archive.queries`, functions take the caller's Session and return
plain values; run records are written by :mod:`archive.runs`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Article, CrawlRun


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
