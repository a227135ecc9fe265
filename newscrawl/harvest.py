"""``newscrawl harvest``: one scheduled run of the ``cms`` spider, meant for crontab.

A harvest takes an OS file lock on (archive, site) so two runs never overlap
(the lock dies with its process: a killed run never blocks the next), marks
the records of earlier runs that were killed as "interrupted", crawls in
process with the project settings, then checks the run's health from its
final stats and the previous runs' stats, writes the verdict into the run
record and prints one summary line. Exit codes are :data:`EXIT_CODES`.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import logging
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, NoReturn

import click

from newscrawl.pipelines import RUN_ID, unstored_articles

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
DEFAULT_HEALTH_FIELDS = ("title", "published_at", "body")
#: Finished runs of the same site whose mean fill rate is the baseline.
BASELINE_RUNS = 5


class HarvestError(Exception):
    """A failure that ends the harvest with one line and an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


# -- the lock ------------------------------------------------------------------


def _slug(site: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"


def lock_path(archive: str, site: str) -> Path:
    """The lock file of harvests of ``site`` into the archive at URL ``archive``.

    Next to a SQLite file: ``<file>.<site>.lock``. For a server database (or an
    in-memory one) it lives in the temp directory, keyed by a hash of the
    archive URL with its password masked.
    """
    from archive.db import mask_url, sqlite_file

    path = sqlite_file(archive)
    if path is not None:
        return path.with_name(f"{path.name}.{_slug(site)}.lock")
    digest = hashlib.sha1(mask_url(archive).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newscrawl-{digest}.{_slug(site)}.lock"


@contextmanager
def harvest_lock(path: Path, what: str) -> Iterator[IO[str]]:
    """Hold an exclusive ``flock`` on ``path`` (with this pid written in it).

    Raises :class:`HarvestError` with :data:`EXIT_LOCKED` naming the holder's
    pid when another process holds it. The lock file is never deleted: a
    deleted lock file would let two runs lock two different files.
    """
    try:
        handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115  # held for the whole run
    except OSError as exc:
        raise HarvestError(f"cannot open the lock file {path}: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise HarvestError(f"cannot lock {path}: {exc.strerror}") from None
            handle.seek(0)
            pid = handle.read().strip() or "unknown"
            raise HarvestError(
                f"another harvest of {what} is running (pid {pid}; lock {path})", EXIT_LOCKED
            ) from None
        try:
            handle.seek(0)
            handle.truncate()
            handle.write(f"{os.getpid()}\n")
            handle.flush()
        except OSError as exc:  # e.g. the disk is full
            raise HarvestError(f"cannot write the lock file {path}: {exc.strerror}") from None
        try:
            yield handle
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


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


def _record_failure(url: str, stats: Mapping[str, Any], problem: str) -> None:
    """Best effort: the run's record says why it failed (the archive may still refuse)."""
    from archive import open_archive, record_health

    run_id = stats.get(RUN_ID)
    if not isinstance(run_id, int):
        return
    try:
        sessions = open_archive(url)
        try:
            with sessions.begin() as session:
                record_health(session, run_id, problem=problem)
        finally:
            sessions.kw["bind"].dispose()
    except Exception:  # the harvest fails with its own message anyway
        logger.warning("could not record the failure in run %s", run_id, exc_info=True)


def _mark_interrupted(url: str, site: str) -> int:
    from archive import mark_interrupted, open_archive

    sessions = open_archive(url)
    try:
        with sessions.begin() as session:
            return mark_interrupted(session, site=site, before=_now())
    finally:
        sessions.kw["bind"].dispose()


def _judge(url: str, stats: dict[str, Any], fields: Sequence[str], max_drop: float) -> str | None:
    """The health verdict, recorded in the run's record; returns the problem if any."""
    from archive import open_archive, previous_runs, record_health

    site = str(stats.get("newscrawl/site") or "")
    run_id = stats.get(RUN_ID)
    sessions = open_archive(url)
    try:
        with sessions.begin() as session:
            before = run_id if isinstance(run_id, int) else None
            history = previous_runs(session, site=site, before_id=before, limit=BASELINE_RUNS)
            problem = health_problem(
                stats, [run.stats for run in history], fields=fields, max_fill_drop=max_drop
            )
            if before is not None:
                record_health(session, before, problem=problem)
    finally:
        sessions.kw["bind"].dispose()
    return problem


def run_harvest(
    *,
    site: str | None,
    start_urls: list[str],
    url: str,
    overrides: dict[str, str],
    log_file: str | None,
) -> Outcome:
    """Lock, mark killed runs, crawl, judge; raises :class:`HarvestError`."""
    from archive import ArchiveError, mask_url
    from newscrawl.cli import project_settings
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
    settings = project_settings(extra)
    fields = settings.getlist("NEWSCRAWL_HEALTH_FIELDS", list(DEFAULT_HEALTH_FIELDS))
    try:
        max_drop = settings.getfloat("NEWSCRAWL_HEALTH_MAX_FILL_DROP", 0.3)
    except ValueError:
        raise HarvestError("NEWSCRAWL_HEALTH_MAX_FILL_DROP must be a number", EXIT_USAGE) from None
    try:
        CmsSpider.check_settings(settings)
    except ValueError as exc:
        raise HarvestError(str(exc), EXIT_USAGE) from None
    if log_file:
        folder = Path(log_file).expanduser().resolve().parent
        if not folder.is_dir():
            raise HarvestError(f"cannot write the log file {log_file}: no folder {folder}")

    from scrapy import signals
    from scrapy.crawler import CrawlerProcess
    from sqlalchemy.exc import SQLAlchemyError

    with harvest_lock(lock_path(url, key), f"{mask_url(url)} for {key}"):
        try:
            marked = _mark_interrupted(url, key)
        except ArchiveError as exc:
            raise HarvestError(str(exc)) from None
        except (SQLAlchemyError, OSError) as exc:  # a database that cannot be opened or written
            raise HarvestError(
                f"cannot open the archive {mask_url(url)}: {_db_error(exc)}"
            ) from None
        process = CrawlerProcess(settings)  # logging goes to LOG_FILE from here on
        if marked:
            logger.warning("marked %d earlier run(s) of %s as interrupted", marked, key)
        crawler = process.create_crawler(CmsSpider)
        item_errors = _ItemErrors()
        crawler.signals.connect(item_errors, signal=signals.item_error)
        started = time.perf_counter()
        kwargs: dict[str, Any] = {"start_urls": start_urls}
        if site:
            kwargs["site"] = site
        start_errors: list[str] = []

        def crawl_failed(failure: Any) -> None:
            """The crawl raised (e.g. the archive refused the run record): keep its reason.

            Handled here, so Twisted does not print an "Unhandled error in
            Deferred" traceback to stderr; the traceback goes to the log.
            """
            from archive.db import error_line

            value = failure.value
            start_errors.append(error_line(getattr(value, "orig", None) or value))
            logger.error(
                "the crawl failed: %s",
                start_errors[-1],
                exc_info=(failure.type, value, failure.getTracebackObject()),
            )

        process.crawl(crawler, **kwargs).addErrback(crawl_failed)
        process.start()
        seconds = time.perf_counter() - started
        stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
        reason = stats.get("finish_reason")
        if reason is None or RUN_ID not in stats:
            where = f"see {log_file}" if log_file else "see the log above"
            why = f": {start_errors[0]}" if start_errors else ""
            raise HarvestError(f"the crawl of {key} could not start{why} ({where})")
        if reason != "finished":
            raise HarvestError(f"the crawl of {key} did not finish: {reason}")
        stats.setdefault("newscrawl/site", key)
        lost = max(unstored_articles(stats), item_errors.count)
        if lost:
            reason = item_errors.first or "see the log"
            failure = (
                f"{lost} of {_int(stats, 'newscrawl/items')} articles could not be stored "
                f"in the archive ({reason})"
            )
            _record_failure(url, stats, failure)
            raise HarvestError(
                f"{failure}; what was stored before is kept, the next harvest fetches them again"
            )
        try:
            problem = _judge(url, stats, fields, max_drop)
        except (ArchiveError, SQLAlchemyError, OSError) as exc:
            raise HarvestError(f"cannot record the run's health: {_db_error(exc)}") from None
    return Outcome(key, stats, seconds, problem)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


_EXIT_HELP = "\b\nExit codes:\n" + "\n".join(
    f"  {code}  {meaning}" for code, meaning in sorted(EXIT_CODES.items())
)


@click.command(epilog=_EXIT_HELP)
@click.option("--site", help="A site profile name (e.g. xingyuyle).")
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="URL",
    help="A start URL (repeatable), instead of --site.",
)
@click.option("--db", default="archive.sqlite", show_default=True, help="Archive path or URL.")
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="A Scrapy setting, as with scrapy crawl -s (repeatable).",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False),
    help="Write the Scrapy log here (appended); stdout then gets only the summary line.",
)
def harvest(
    site: str | None,
    urls: tuple[str, ...],
    db: str,
    overrides: tuple[str, ...],
    log_file: str | None,
) -> None:
    """One harvest of a site into the archive, meant for crontab.

    Takes a lock on the archive and site (a second harvest of both exits 3),
    marks runs of the site that were killed as interrupted, crawls with the
    cms spider, checks the run's health and prints one summary line:
    harvest SITE: N pages, M articles (new X, updated Y, revisited R, gone G), K known skipped,
    E errors, T s -> ok.
    """
    from newscrawl.cli import archive_url, parse_overrides

    if not site and not urls:
        _fail("give --site NAME or --url URL", EXIT_USAGE)
    try:
        extra = parse_overrides(overrides)
    except click.BadParameter as exc:
        _fail(f"-s: {exc.message}", EXIT_USAGE)
    try:
        outcome = run_harvest(
            site=site,
            start_urls=list(urls),
            url=archive_url(db),
            overrides=extra,
            log_file=log_file,
        )
    except HarvestError as exc:
        _fail(str(exc), exc.code)
    except Exception as exc:  # noqa: BLE001  # never a traceback in a cron mail
        from archive.db import error_line

        _fail(f"harvest failed: {type(exc).__name__}: {error_line(exc)}", EXIT_FAILED)
    click.echo(outcome.summary())
    sys.exit(outcome.code)
