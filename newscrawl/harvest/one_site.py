"""``newscrawl harvest --site``/``--url``: one site's run, from its plan to its outcome."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from newscrawl.harvest.locks import take_lock
from newscrawl.harvest.plan import crawl_kwargs, plan_harvest
from newscrawl.harvest.verdict import Outcome
from newscrawl.harvest.watch import CrawlWatch, conclude

logger = logging.getLogger(__name__)


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
