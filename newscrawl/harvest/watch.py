"""Watching a harvest's crawl and concluding it: the run's record id and the items the
pipelines failed on, caught from the crawl's signals, then the verdict recorded in
the run's record (:mod:`newscrawl.harvest.verdict`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from newscrawl.harvest.plan import Plan
from newscrawl.harvest.verdict import (
    BASELINE_RUNS,
    HarvestError,
    Outcome,
    db_error,
    health_problem,
    stat_int,
)
from newscrawl.storage.signals import run_opened, unstored_articles

logger = logging.getLogger(__name__)


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
            f"{lost} of {stat_int(stats, 'newscrawl/items')} articles could not be stored "
            f"in the archive ({first})"
        )
        _record_failure(url, run_id, failure)
        raise HarvestError(
            f"{failure}; what was stored before is kept, the next harvest fetches them again"
        )
    try:
        problem = _judge(url, run_id, stats, plan.fields, plan.max_drop)
    except (ArchiveError, SQLAlchemyError, OSError) as exc:
        raise HarvestError(f"cannot record the run's health: {db_error(exc)}") from None
    return Outcome(key, stats, watch.seconds, problem)
