"""What a harvest concludes: its exit codes, the health check of a finished crawl, and
the outcome that gives the summary line.

Pure: nothing here crawls, locks or opens the archive, so the rules (which run is
unhealthy, which code a result exits with) are tested without a crawl.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from newscrawl.config import setting

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_UNHEALTHY = 4

#: What each exit code means (shown in ``--help`` and the README).
EXIT_CODES = {
    EXIT_OK: "the run finished and is healthy (finding nothing new is healthy)",
    EXIT_FAILED: "failure: the crawl could not start or finish, or the archive cannot be used",
    EXIT_USAGE: "bad usage (no --site/--url, an unknown site, a bad URL or option)",
    EXIT_LOCKED: "another harvest of this archive and site is running",
    EXIT_UNHEALTHY: "the run finished but failed its health check",
}

#: Fill rates the health check compares when NEWSCRAWL_HEALTH_FIELDS is unset.
DEFAULT_HEALTH_FIELDS = tuple(setting("NEWSCRAWL_HEALTH_FIELDS").default)
#: Finished runs of the same site whose mean fill rate is the baseline.
BASELINE_RUNS = 5


class HarvestError(Exception):
    """A failure that ends the harvest with one line and an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


def db_error(exc: Exception) -> str:
    """One line of a database error, any URL in it with its password masked."""
    from archive.db import error_line

    return error_line(getattr(exc, "orig", None) or exc)


# -- health ------------------------------------------------------------------


def stat_int(stats: Mapping[str, Any], key: str) -> int:
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int | float) else 0


def health_problem(
    stats: Mapping[str, Any],
    previous: Sequence[Mapping[str, Any]],
    *,
    fields: Sequence[str] = DEFAULT_HEALTH_FIELDS,
    max_fill_drop: float = 0.3,
) -> str | None:
    """Why a finished crawl is unhealthy, or None when it is healthy.

    ``stats`` are the crawl's final stats, ``previous`` the stats of earlier
    finished runs of the same site (newest first; up to
    :data:`BASELINE_RUNS` are used). Unhealthy: nothing could be read at all;
    list pages were read but none showed an article link (the site or its
    template changed); or a field's fill rate fell more than
    ``max_fill_drop`` below the previous runs' mean. A run that stores no
    article (nothing new) has no fill rates and is not compared.
    """
    if stats.get("newscrawl/shared_worker") and not stat_int(stats, "downloader/response_count"):
        return None  # a worker of a shared queue that others left nothing to do
    list_pages = stat_int(stats, "newscrawl/list_pages")
    empty_lists = stat_int(stats, "newscrawl/list_pages_without_articles")
    articles = stat_int(stats, "newscrawl/items") + stat_int(stats, "newscrawl/soft_404")
    if list_pages == 0 and articles == 0 and stat_int(stats, "newscrawl/list_trap") == 0:
        failed = stat_int(stats, "newscrawl/request_failed")
        return f"no list or article page could be read ({failed} requests failed)"
    if list_pages and empty_lists >= list_pages and articles == 0:
        return (
            f"{list_pages} list pages read, none with article links "
            "(the site or its template changed?)"
        )
    baseline = list(previous)[:BASELINE_RUNS]
    drops: list[str] = []
    for field in fields:
        key = f"newscrawl/fill_rate/{field}"
        now = stats.get(key)
        before = [run[key] for run in baseline if isinstance(run.get(key), int | float)]
        if not isinstance(now, int | float) or not before:
            continue
        mean = sum(before) / len(before)
        if mean - now > max_fill_drop:
            drops.append(f"{field} {now:.0%} (previous runs {mean:.0%})")
    if drops:
        return "fill rate fell: " + ", ".join(drops)
    return None


@dataclass
class Outcome:
    """What a harvest did, for the summary line and the exit code."""

    site: str
    stats: dict[str, Any]
    seconds: float
    problem: str | None

    @property
    def code(self) -> int:
        return EXIT_UNHEALTHY if self.problem else EXIT_OK

    def summary(self) -> str:
        stats = self.stats
        errors = stat_int(stats, "newscrawl/request_failed") + sum(
            stat_int(stats, key) for key in stats if key.startswith("spider_exceptions/")
        )
        verdict = f"unhealthy: {self.problem}" if self.problem else "ok"
        return (
            f"harvest {self.site}: {stat_int(stats, 'downloader/response_count')} pages, "
            f"{stat_int(stats, 'newscrawl/items')} articles "
            f"(new {stat_int(stats, 'newscrawl/archive/new')}, "
            f"updated {stat_int(stats, 'newscrawl/archive/updated')}, "
            f"revisited {stat_int(stats, 'newscrawl/revisited')}, "
            f"gone {stat_int(stats, 'newscrawl/gone')}), "
            f"{stat_int(stats, 'newscrawl/skipped_known')} known skipped, "
            f"{errors} errors, {self.seconds:.0f} s -> {verdict}"
        )
