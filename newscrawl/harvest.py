"""``newscrawl harvest``: one scheduled run of the ``cms`` spider, meant for crontab.

A harvest takes an OS file lock on (archive, site) so two runs never overlap
(the lock dies with its process: a killed run never blocks the next), marks
the records of earlier runs that were killed as "interrupted", crawls in
process with the project settings, then checks the run's health from its
final stats and the previous runs' stats, writes the verdict into the run
record and prints one summary line. Exit codes are :data:`EXIT_CODES`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newscrawl.config import Config, SettingError, setting
from newscrawl.locks import LockBusy, LockError, SiteLock
from newscrawl.storage.signals import run_opened, unstored_articles

logger = logging.getLogger(__name__)

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


# -- health ------------------------------------------------------------------


def _int(stats: Mapping[str, Any], key: str) -> int:
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
    if stats.get("newscrawl/shared_worker") and not _int(stats, "downloader/response_count"):
        return None  # a worker of a shared queue that others left nothing to do
    list_pages = _int(stats, "newscrawl/list_pages")
    empty_lists = _int(stats, "newscrawl/list_pages_without_articles")
    articles = _int(stats, "newscrawl/items") + _int(stats, "newscrawl/soft_404")
    if list_pages == 0 and articles == 0 and _int(stats, "newscrawl/list_trap") == 0:
        failed = _int(stats, "newscrawl/request_failed")
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


# -- the run ------------------------------------------------------------------


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
        errors = _int(stats, "newscrawl/request_failed") + sum(
            _int(stats, key) for key in stats if key.startswith("spider_exceptions/")
        )
        verdict = f"unhealthy: {self.problem}" if self.problem else "ok"
        return (
            f"harvest {self.site}: {_int(stats, 'downloader/response_count')} pages, "
            f"{_int(stats, 'newscrawl/items')} articles "
            f"(new {_int(stats, 'newscrawl/archive/new')}, "
            f"updated {_int(stats, 'newscrawl/archive/updated')}, "
            f"revisited {_int(stats, 'newscrawl/revisited')}, "
            f"gone {_int(stats, 'newscrawl/gone')}), "
            f"{_int(stats, 'newscrawl/skipped_known')} known skipped, "
            f"{errors} errors, {self.seconds:.0f} s -> {verdict}"
        )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _db_error(exc: Exception) -> str:
    """One line of a database error, any URL in it with its password masked."""
    from archive.db import error_line

    return error_line(getattr(exc, "orig", None) or exc)


class _ItemErrors:
    """Items the pipelines failed on (``item_error``), with the first error's line.

    The archive pipeline raises when a batch cannot be committed (the database
    is locked past its busy timeout, the disk is full): Scrapy logs it and the
    crawl goes on, so without this the run would end "finished" with those
    articles missing.
    """

    def __init__(self) -> None:
        self.count = 0
        self.first: str | None = None

    def __call__(self, item: Any, response: Any, spider: Any, failure: Any) -> None:
        from archive.db import error_line

        self.count += 1
        if self.first is None:
            value = getattr(failure, "value", None)
            if isinstance(value, BaseException):
                self.first = error_line(getattr(value, "orig", None) or value)


def _record_failure(url: str, run_id: int | None, problem: str) -> None:
    """Best effort: the run's record says why it failed (the archive may still refuse)."""
    from archive import open_archive, record_health

    if run_id is None:
        return
    try:
        with open_archive(url) as opened, opened.begin() as session:
            record_health(session, run_id, problem=problem)
    except Exception:  # the harvest fails with its own message anyway
        logger.warning("could not record the failure in run %s", run_id, exc_info=True)


def _mark_interrupted(url: str, site: str) -> int:
    from archive import mark_interrupted, open_archive

    with open_archive(url) as opened, opened.begin() as session:
        return mark_interrupted(session, site=site, before=_now())


def _judge(
    url: str, run_id: int, stats: dict[str, Any], fields: Sequence[str], max_drop: float
) -> str | None:
    """The health verdict, recorded in the run's record; returns the problem if any."""
    from archive import open_archive, previous_runs, record_health

    site = str(stats.get("newscrawl/site") or "")
    with open_archive(url) as opened, opened.begin() as session:
        history = previous_runs(session, site=site, before_id=run_id, limit=BASELINE_RUNS)
        problem = health_problem(
            stats, [run.stats for run in history], fields=fields, max_fill_drop=max_drop
        )
        record_health(session, run_id, problem=problem)
    return problem


@dataclass
class Plan:
    """One site's harvest, checked before anything is crawled."""

    key: str
    site: str | None
    start_urls: list[str]
    settings: Any  # scrapy.settings.Settings
    fields: list[str]
    max_drop: float


def plan_harvest(
    *,
    site: str | None,
    start_urls: list[str],
    url: str,
    overrides: Mapping[str, Any],
    log_file: str | None,
) -> Plan:
    """Check a harvest's arguments and settings; raises :class:`HarvestError` (exit 2)."""
    from newscrawl.cli_common import project_settings
    from newscrawl.spiders.cms import CmsSpider, site_key

    try:
        start, _hosts = CmsSpider.check_arguments({"start_urls": start_urls, "site": site})
    except ValueError as exc:
        raise HarvestError(str(exc), EXIT_USAGE) from None
    key = site_key(site, start)
    # Captures on unless -s NEWSCRAWL_CAPTURE=0: a harvest keeps the pages it read.
    extra: dict[str, Any] = {"ARCHIVE_URL": url, "NEWSCRAWL_CAPTURE": True, **overrides}
    if log_file:
        extra["LOG_FILE"] = log_file
    redis_url = extra.get("NEWSCRAWL_REDIS_URL")
    if redis_url:
        from newscrawl.crawl.shared_queue import shared_settings

        extra.update(shared_settings(str(redis_url)))
    settings = project_settings(extra)
    try:
        config = Config.from_settings(settings)  # every project setting checked
    except SettingError as exc:
        raise HarvestError(str(exc), EXIT_USAGE) from None
    if log_file:
        folder = Path(log_file).expanduser().resolve().parent
        if not folder.is_dir():
            raise HarvestError(f"cannot write the log file {log_file}: no folder {folder}")
    return Plan(
        key, site, start_urls, settings, list(config.health_fields), config.health_max_fill_drop
    )


def take_lock(url: str, key: str, *, shared: bool = False) -> tuple[SiteLock, int]:
    """The site's harvest lock, taken, and how many killed runs of the site it marked
    interrupted (for the log, which the caller sets up after this).

    ``shared`` (a shared-queue worker): only the first worker marks them.
    Raises :class:`HarvestError` (:data:`EXIT_LOCKED` when another harvest holds it).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from archive import ArchiveError, mask_url

    lock = SiteLock(url, key)
    marked = 0
    try:
        if shared:
            first = lock.acquire_shared()
        else:
            lock.acquire()
            first = True
        if first:
            try:
                marked = _mark_interrupted(url, key)
            except ArchiveError as exc:
                raise HarvestError(str(exc)) from None
            except (SQLAlchemyError, OSError) as exc:  # a database that cannot be opened
                raise HarvestError(
                    f"cannot open the archive {mask_url(url)}: {_db_error(exc)}"
                ) from None
            if shared:
                lock.share()
    except LockBusy as exc:
        lock.release()
        raise HarvestError(str(exc), EXIT_LOCKED) from None
    except LockError as exc:
        lock.release()
        raise HarvestError(str(exc)) from None
    except BaseException:
        lock.release()
        raise
    return lock, marked


class CrawlWatch:
    """What a crawl's signals and Deferred said: the run's record id, pipeline item
    errors, a crawl that raised."""

    def __init__(self, crawler: Any) -> None:
        from scrapy import signals

        self.crawler = crawler
        self.item_errors = _ItemErrors()
        crawler.signals.connect(self.item_errors, signal=signals.item_error)
        #: The run's record in the archive, handed over by the archive pipeline when it
        #: opened it (:data:`~newscrawl.storage.signals.run_opened`); None: it never did.
        self.run_id: int | None = None
        crawler.signals.connect(self.keep_run_id, signal=run_opened)
        self.start_errors: list[str] = []
        self.started = time.perf_counter()
        self.seconds = 0.0

    def keep_run_id(self, run_id: int) -> None:
        self.run_id = run_id

    def crawl_failed(self, failure: Any) -> None:
        """The crawl raised (e.g. the archive refused the run record): keep its reason.

        Handled here, so Twisted does not print an "Unhandled error in
        Deferred" traceback to stderr; the traceback goes to the log.
        """
        from archive.db import error_line

        value = failure.value
        self.start_errors.append(error_line(getattr(value, "orig", None) or value))
        logger.error(
            "the crawl failed: %s",
            self.start_errors[-1],
            exc_info=(failure.type, value, failure.getTracebackObject()),
        )

    def ended(self, _result: Any = None) -> Any:
        self.seconds = time.perf_counter() - self.started
        return _result


def conclude(plan: Plan, url: str, watch: CrawlWatch, log_file: str | None) -> Outcome:
    """Judge a crawl that ended and record the verdict; raises :class:`HarvestError`."""
    from sqlalchemy.exc import SQLAlchemyError

    from archive import ArchiveError

    key = plan.key
    crawler = watch.crawler
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    reason = stats.get("finish_reason")
    run_id = watch.run_id
    if reason is None or run_id is None:
        where = f"see {log_file}" if log_file else "see the log above"
        why = f": {watch.start_errors[0]}" if watch.start_errors else ""
        raise HarvestError(f"the crawl of {key} could not start{why} ({where})")
    if reason != "finished":
        unfinished = f"the crawl of {key} did not finish: {reason}"
        _record_failure(url, run_id, unfinished)
        raise HarvestError(unfinished)
    stats.setdefault("newscrawl/site", key)
    lost = max(unstored_articles(stats), watch.item_errors.count)
    if lost:
        first = watch.item_errors.first or "see the log"
        failure = (
            f"{lost} of {_int(stats, 'newscrawl/items')} articles could not be stored "
            f"in the archive ({first})"
        )
        _record_failure(url, run_id, failure)
        raise HarvestError(
            f"{failure}; what was stored before is kept, the next harvest fetches them again"
        )
    try:
        problem = _judge(url, run_id, stats, plan.fields, plan.max_drop)
    except (ArchiveError, SQLAlchemyError, OSError) as exc:
        raise HarvestError(f"cannot record the run's health: {_db_error(exc)}") from None
    return Outcome(key, stats, watch.seconds, problem)


def crawl_kwargs(plan: Plan) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"start_urls": plan.start_urls}
    if plan.site:
        kwargs["site"] = plan.site
    return kwargs


def run_harvest(
    *,
    site: str | None,
    start_urls: list[str],
    url: str,
    overrides: Mapping[str, Any],
    log_file: str | None,
) -> Outcome:
    """Lock, mark killed runs, crawl, judge; raises :class:`HarvestError`."""
    from scrapy.crawler import CrawlerProcess

    from newscrawl.spiders.cms import CmsSpider

    plan = plan_harvest(
        site=site, start_urls=start_urls, url=url, overrides=overrides, log_file=log_file
    )
    shared = bool(plan.settings.get("NEWSCRAWL_REDIS_URL"))
    lock, marked = take_lock(url, plan.key, shared=shared)
    try:
        process = CrawlerProcess(plan.settings)  # logging goes to LOG_FILE from here on
        if marked:
            logger.warning("marked %d earlier run(s) of %s as interrupted", marked, plan.key)
        crawler = process.create_crawler(CmsSpider)
        watch = CrawlWatch(crawler)
        process.crawl(crawler, **crawl_kwargs(plan)).addBoth(watch.ended).addErrback(
            watch.crawl_failed
        )
        process.start()
        return conclude(plan, url, watch, log_file)
    finally:
        lock.release()
