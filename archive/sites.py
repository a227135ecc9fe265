"""Sites at a glance: per harvested site, its last run, health, articles and next harvest.

A site is what a harvest's run records name (``newscrawl/site``: a registry
name, else the start hosts). Its run records also carry the hosts it serves
articles from (``newscrawl/hosts``) and how often it is due
(``newscrawl/every``, seconds), so the archive alone answers "when is it due
next" without the registry file. Like :mod:`archive.runs`, functions take the
caller's Session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from archive.models import Article, CrawlRun
from archive.runs import HEALTH_KEY, SITE_KEY

#: Run-stats key of the hosts a site's articles live on (comma-separated).
HOSTS_KEY = "newscrawl/hosts"
#: Run-stats key of the seconds between a site's harvests.
EVERY_KEY = "newscrawl/every"


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def run_ok(run: CrawlRun) -> bool:
    """A run that counts as a harvest done: finished, and healthy (or not judged)."""
    health = (run.stats or {}).get(HEALTH_KEY)
    return run.status == "finished" and health in (None, "ok")


@dataclass
class SiteStatus:
    """One site's state in the archive."""

    site: str
    hosts: list[str] = field(default_factory=list)
    every_seconds: float | None = None
    last_run_id: int | None = None
    last_started_at: str | None = None
    last_finished_at: str | None = None
    last_status: str | None = None
    health: str | None = None
    last_ok_started_at: str | None = None
    runs: int = 0
    articles: int = 0
    new_this_week: int = 0
    next_due: str | None = None

    def due(self, now: datetime) -> bool:
        """Is a harvest due at ``now`` (no good run within ``every``)?"""
        when = _time(self.next_due)
        return when is None or when <= now

    def as_dict(self) -> dict[str, Any]:
        return {
            "site": self.site,
            "hosts": self.hosts,
            "last_run": {
                "id": self.last_run_id,
                "started_at": self.last_started_at,
                "finished_at": self.last_finished_at,
                "status": self.last_status,
                "health": self.health,
            },
            "runs": self.runs,
            "articles": self.articles,
            "new_this_week": self.new_this_week,
            "every_seconds": self.every_seconds,
            "next_due": self.next_due,
        }


def site_statuses(
    session: Session,
    *,
    now: datetime,
    sites: Iterable[str] | None = None,
    spider: str = "cms",
) -> dict[str, SiteStatus]:
    """Per site (all run records' sites, or only ``sites``), its :class:`SiteStatus`.

    One scan of the run records, newest first, then one count of articles per
    host. ``next_due`` is the last good run's start plus ``every`` (None when the
    site has no good run or no ``every``: due now).
    """
    wanted = set(sites) if sites is not None else None
    statuses: dict[str, SiteStatus] = {}
    stmt = select(CrawlRun).where(CrawlRun.spider == spider).order_by(CrawlRun.id.desc())
    for run in session.scalars(stmt.execution_options(yield_per=200)):
        stats = run.stats or {}
        site = stats.get(SITE_KEY)
        if not isinstance(site, str) or (wanted is not None and site not in wanted):
            continue
        status = statuses.get(site)
        if status is None:
            status = statuses[site] = SiteStatus(site)
            status.last_run_id = run.id
            status.last_started_at = run.started_at
            status.last_finished_at = run.finished_at
            status.last_status = run.status
            health = stats.get(HEALTH_KEY)
            status.health = health if isinstance(health, str) else None
        status.runs += 1
        if not status.hosts and isinstance(stats.get(HOSTS_KEY), str):
            status.hosts = [h for h in str(stats[HOSTS_KEY]).split(",") if h]
        every = stats.get(EVERY_KEY)
        if status.every_seconds is None and isinstance(every, int | float):
            status.every_seconds = float(every)
        if status.last_ok_started_at is None and run_ok(run):
            status.last_ok_started_at = run.started_at
    week_ago = (now - timedelta(days=7)).isoformat(timespec="seconds")
    for status in statuses.values():
        started = _time(status.last_ok_started_at)
        if started is not None and status.every_seconds is not None:
            due = started + timedelta(seconds=status.every_seconds)
            status.next_due = due.isoformat(timespec="seconds")
        hosts = status.hosts or [status.site]
        status.articles = (
            session.scalar(select(func.count()).select_from(Article).where(Article.site.in_(hosts)))
            or 0
        )
        status.new_this_week = (
            session.scalar(
                select(func.count())
                .select_from(Article)
                .where(Article.site.in_(hosts), Article.first_seen_at >= week_ago)
            )
            or 0
        )
    return statuses
