"""``newscrawl harvest --all``: every due site of the registry, in one process.

Each site gets a crawler of its own in one Scrapy process (one reactor), with
the site's own settings: its politeness (delay, concurrency per domain), time
zone, revisit schedule, counters and time limit. The crawls run side by side;
each takes its site's harvest lock, writes its own run record and is judged
on its own, so a site that fails (its host does not resolve, refuses, answers
nothing but errors) fails alone. A site that hangs is bounded by its
``timeout`` (Scrapy's ``CLOSESPIDER_TIMEOUT``, default :data:`DEFAULT_TIMEOUT`)
and ``DOWNLOAD_TIMEOUT``; the other sites' records are closed as each ends.

Every setting and site is checked before anything is crawled: one bad entry
fails the command with exit 2 and nothing harvested.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newscrawl.harvest.locks import SiteLock, take_lock
from newscrawl.harvest.plan import Plan, crawl_kwargs, plan_harvest
from newscrawl.harvest.verdict import (
    EXIT_FAILED,
    EXIT_LOCKED,
    EXIT_OK,
    EXIT_UNHEALTHY,
    HarvestError,
    Outcome,
)
from newscrawl.harvest.watch import CrawlWatch, conclude
from newscrawl.sites.registry import SiteEntry

logger = logging.getLogger(__name__)

#: The longest one site's harvest may run within ``--all`` unless its entry says
#: (``timeout``): a site that hangs must not keep the command from ending.
DEFAULT_TIMEOUT = 6 * 3600.0

#: What ``harvest --all`` exits with: the worst of its sites (shown in the README).
ALL_EXIT_CODES = {
    EXIT_OK: "every due site finished and is healthy (or no site was due)",
    EXIT_FAILED: "at least one site failed (could not start, finish, be read or be stored)",
    2: "a bad registry or option: nothing was harvested",
    EXIT_LOCKED: "no site failed, but at least one was skipped: another harvest holds its lock",
    EXIT_UNHEALTHY: "no site failed or was locked, but at least one failed its health check",
}

#: Verdicts of one site, worst first, with the exit code each one gives the command.
_SEVERITY = {"failed": EXIT_FAILED, "unhealthy": EXIT_UNHEALTHY, "locked": EXIT_LOCKED}


@dataclass
class SiteResult:
    """What became of one site: its verdict and its summary line."""

    site: str
    verdict: str  # ok, unhealthy, failed, locked, not due
    line: str
    outcome: Outcome | None = None


def summary_code(results: Sequence[SiteResult]) -> int:
    """The command's exit code: failed (1) > unhealthy (4) > locked (3) > ok (0)."""
    verdicts = {result.verdict for result in results}
    for verdict in ("failed", "unhealthy", "locked"):
        if verdict in verdicts:
            return _SEVERITY[verdict]
    return EXIT_OK


def summary_line(results: Sequence[SiteResult]) -> str:
    counts = {v: 0 for v in ("ok", "unhealthy", "failed", "locked", "not due")}
    for result in results:
        counts[result.verdict] += 1
    parts = ", ".join(f"{n} {verdict}" for verdict, n in counts.items())
    return f"harvest --all: {len(results)} sites: {parts}"


def plan_sites(
    entries: Sequence[SiteEntry],
    *,
    url: str,
    overrides: Mapping[str, Any],
    log_file: str | None,
) -> list[Plan]:
    """Every site's plan, all checked first; raises :class:`HarvestError` (exit 2)."""
    plans = []
    for entry in entries:
        settings: dict[str, Any] = {
            "CLOSESPIDER_TIMEOUT": DEFAULT_TIMEOUT,
            "NEWSCRAWL_EVERY": entry.every,
            **entry.settings,
            **overrides,  # the command line wins over the registry
        }
        try:
            plans.append(
                plan_harvest(
                    site=entry.name,
                    start_urls=list(entry.urls),
                    url=url,
                    overrides=settings,
                    log_file=log_file,
                )
            )
        except HarvestError as exc:
            where = f" ({entry.origin})" if entry.origin else ""
            raise HarvestError(f"site {entry.name}{where}: {exc}", exc.code) from None
    return plans


def due_sites(url: str, names: Sequence[str], now: datetime) -> dict[str, str | None]:
    """For each name, None when due, else when it is due next; raises :class:`HarvestError`."""
    from sqlalchemy.exc import SQLAlchemyError

    from archive import ArchiveError, mask_url, open_archive
    from archive.db import error_line
    from archive.sites import site_statuses

    try:
        with open_archive(url) as opened, opened.session() as session:
            statuses = site_statuses(session, now=now, sites=names)
    except ArchiveError as exc:
        raise HarvestError(str(exc)) from None
    except (SQLAlchemyError, OSError) as exc:
        line = error_line(getattr(exc, "orig", None) or exc)
        raise HarvestError(f"cannot open the archive {mask_url(url)}: {line}") from None
    due: dict[str, str | None] = {}
    for name in names:
        status = statuses.get(name)
        due[name] = None if status is None or status.due(now) else status.next_due
    return due


def harvest_sites(
    entries: Sequence[SiteEntry],
    *,
    url: str,
    overrides: Mapping[str, Any],
    log_file: str | None,
    only_due: bool = True,
    now: datetime | None = None,
) -> list[SiteResult]:
    """Harvest the (due) sites side by side; one :class:`SiteResult` per site.

    Raises :class:`HarvestError` only for what stops every site: a bad entry or
    setting (exit 2, before anything is crawled) or an archive that cannot be opened.
    """
    from scrapy.crawler import Crawler, CrawlerProcess

    from newscrawl.cli_common import project_settings
    from newscrawl.spiders.cms import CmsSpider

    plans = plan_sites(entries, url=url, overrides=overrides, log_file=log_file)
    results: dict[str, SiteResult] = {}
    locks: dict[str, SiteLock] = {}
    marked: dict[str, int] = {}
    try:
        for plan in plans:
            try:
                locks[plan.key], marked[plan.key] = take_lock(url, plan.key)
            except HarvestError as exc:
                verdict = "locked" if exc.code == EXIT_LOCKED else "failed"
                results[plan.key] = SiteResult(plan.key, verdict, f"harvest {plan.key}: {exc}")
        if only_due and locks:
            # Asked under the locks: a harvest elsewhere that just finished a site counts.
            moment = now or datetime.now(UTC)
            for key, next_due in due_sites(url, list(locks), moment).items():
                if next_due is not None:
                    locks.pop(key).release()
                    results[key] = SiteResult(key, "not due", f"harvest {key}: due at {next_due}")
        running = [plan for plan in plans if plan.key in locks]
        if running:
            extra: dict[str, Any] = {"ARCHIVE_URL": url, **overrides}
            if log_file:
                extra["LOG_FILE"] = log_file
            process = CrawlerProcess(project_settings(extra))  # logging set up from here on
            for key, count in marked.items():
                if count:
                    logger.warning("marked %d earlier run(s) of %s as interrupted", count, key)
            watches: dict[str, CrawlWatch] = {}
            for number, plan in enumerate(running):
                # Each site's crawler has the site's settings; the first one installs the
                # reactor, as the process's own first crawler would.
                crawler = Crawler(CmsSpider, plan.settings, init_reactor=number == 0)
                watch = watches[plan.key] = CrawlWatch(crawler)
                deferred = process.crawl(crawler, **crawl_kwargs(plan))
                deferred.addBoth(watch.ended).addErrback(watch.crawl_failed)
            process.start()
            for plan in running:
                results[plan.key] = _judged(plan, url, watches[plan.key], log_file)
    finally:
        for lock in locks.values():
            lock.release()
    return [results[plan.key] for plan in plans]


def _judged(plan: Plan, url: str, watch: CrawlWatch, log_file: str | None) -> SiteResult:
    key = plan.key
    try:
        outcome = conclude(plan, url, watch, log_file)
    except HarvestError as exc:
        return SiteResult(key, "failed", f"harvest {key}: failed: {exc}")
    if not int(outcome.stats.get("downloader/response_count", 0) or 0):
        # Not one page answered (the host does not resolve, refuses or times out).
        return SiteResult(key, "failed", outcome.summary(), outcome)
    verdict = "unhealthy" if outcome.problem else "ok"
    return SiteResult(key, verdict, outcome.summary(), outcome)
