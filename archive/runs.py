"""Crawl run records: start, finish, interrupted runs and the health verdict.

Like :mod:`archive.store`, functions take the caller's Session and never commit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.db import ArchiveError, mask_url
from archive.models import CrawlRun

#: The statuses a crawl run may end with (it starts as "running").
RUN_STATUSES = frozenset({"running", "finished", "interrupted", "failed"})


def json_safe(value: Any) -> Any:
    """``value`` made storable as JSON on every backend (Scrapy stats hold datetimes)."""
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # PostgreSQL's JSON rejects NaN and Infinity
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


#: Key of the run's site (a profile name or the start hosts) in a run's stats JSON.
SITE_KEY = "newscrawl/site"
#: Key of the health verdict ("ok" or why the run failed it) in a run's stats JSON.
HEALTH_KEY = "health"


def start_run(
    session: Session, spider: str, archive_url: str, started_at: str, *, site: str | None = None
) -> int:
    """Record a crawl run as "running" and return its id (flushed, not committed).

    ``site`` is kept in the run's stats under :data:`SITE_KEY`, so a later
    harvest of the same site can find the run (and mark it interrupted).
    """
    run = CrawlRun(
        spider=spider,
        started_at=started_at,
        status="running",
        stats={SITE_KEY: site} if site else {},
        archive_url=mask_url(archive_url),
    )
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    finished_at: str,
    stats: Mapping[str, Any],
) -> None:
    """Close a crawl run's record with its final status and JSON-safe stats."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}; expected one of {sorted(RUN_STATUSES)}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise ArchiveError(f"no crawl run with id {run_id}")
    run.status = status
    run.finished_at = finished_at
    run.stats = json_safe(stats)


def _run_site(run: CrawlRun) -> str | None:
    site = (run.stats or {}).get(SITE_KEY)
    return site if isinstance(site, str) else None


def mark_interrupted(session: Session, *, site: str, before: str, spider: str = "cms") -> int:
    """Mark ``spider``'s runs of ``site`` still "running" and started by ``before`` as
    "interrupted"; returns how many (no commit).

    A run whose process was killed never closed its record. The caller must
    hold the harvest lock of this archive and site, so no such run can still
    be alive. ``before`` is an ISO 8601 UTC time like ``started_at``, which
    counts whole seconds: a run killed in the second this harvest began
    started "at" ``before``, and is marked too.
    """
    stmt = select(CrawlRun).where(
        CrawlRun.status == "running", CrawlRun.spider == spider, CrawlRun.started_at <= before
    )
    marked = 0
    for run in session.scalars(stmt):
        if _run_site(run) != site:
            continue
        run.status = "interrupted"
        run.stats = {**(run.stats or {}), "newscrawl/marked_interrupted_at": before}
        marked += 1
    session.flush()
    return marked


def record_health(session: Session, run_id: int, *, problem: str | None) -> None:
    """Store a run's health verdict: "ok", or the problem, which fails a finished run."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise ArchiveError(f"no crawl run with id {run_id}")
    run.stats = {**(run.stats or {}), HEALTH_KEY: problem or "ok"}
    if problem and run.status == "finished":
        run.status = "failed"
    session.flush()
