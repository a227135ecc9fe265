"""Item pipelines: normalize each Article, then store it in the archive in batches.

Configuration comes from Scrapy settings through ``from_crawler`` (Scrapy's
MongoPipeline convention); the pipelines own the archive's transactions, the
``archive`` library functions only take a Session.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem, NotConfigured
from scrapy.statscollectors import StatsCollector
from sqlalchemy.orm import Session, sessionmaker

from archive import finish_run, mark_gone, mask_url, open_archive, start_run, store_articles
from newscrawl.items import Article, Gone
from newscrawl.normalize_item import normalize_article

logger = logging.getLogger(__name__)

#: Fields whose absence is counted (``newscrawl/missing/<field>``) and rated.
TRACKED_FIELDS = tuple(
    f.name for f in fields(Article) if f.name not in ("url", "site", "fetched_at", "views_source")
)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class NormalizePipeline:
    """Typed dates and counts, clean text, sidebar years; drop items without a title."""

    def __init__(self, stats: StatsCollector, tz: str) -> None:
        self.stats = stats
        self.tz = tz

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        pipeline = cls(crawler.stats, crawler.settings.get("NEWSCRAWL_TZ", "Asia/Shanghai"))
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item: Any) -> Article:
        if not isinstance(item, Article):
            return item  # type: ignore[no-any-return]  # other item types pass through untouched
        # Extraction workers normalize already; merged multi-page items are not.
        article = item if item.normalized else normalize_article(item, tz=self.tz)
        if not article.title:
            self.stats.inc_value("newscrawl/dropped/no_title")
            logger.warning("dropped, no title: %s", article.url)
            raise DropItem(f"no title: {article.url}")
        self.stats.inc_value("newscrawl/items")
        for name in TRACKED_FIELDS:
            if _empty(getattr(article, name)):
                self.stats.inc_value(f"newscrawl/missing/{name}")
        return article

    def spider_closed(self, spider: Spider) -> None:
        """Per-field fill rates: harvest health as numbers in the stats and run record."""
        items = self.stats.get_value("newscrawl/items", 0)
        if not items:
            return
        for name in TRACKED_FIELDS:
            missing = self.stats.get_value(f"newscrawl/missing/{name}", 0)
            self.stats.set_value(f"newscrawl/fill_rate/{name}", round(1 - missing / items, 4))


class ArchivePipeline:
    """Upsert articles with sections, links and one popularity observation per fetch.

    Items are buffered and stored ``batch_size`` at a time in one transaction,
    so a crash loses at most one batch of work (which the next run refetches).
    :class:`~newscrawl.items.Gone` reports are buffered alongside and applied
    in the same transaction (``mark_gone``; ``newscrawl/gone`` counts the
    articles newly marked), then dropped quietly: they are not articles.
    The run is recorded in ``crawl_runs`` with its final stats.
    """

    def __init__(self, url: str, batch_size: int, stats: StatsCollector, spider_name: str) -> None:
        self.url = url
        self.spider_name = spider_name
        self.batch_size = max(1, batch_size)
        self.stats = stats
        self.buffer: list[dict[str, Any]] = []
        self.gone: list[Gone] = []
        self.sessions: sessionmaker[Session] | None = None
        self.run_id: int | None = None
        self.crawler: Crawler | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings.get("ARCHIVE_URL")
        if not url:
            raise NotConfigured("ARCHIVE_URL is empty: items are not archived")
        assert crawler.stats is not None
        pipeline = cls(
            str(url),
            crawler.settings.getint("ARCHIVE_BATCH_SIZE", 200),
            crawler.stats,
            crawler.spidercls.name,
        )
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        pipeline.crawler = crawler
        return pipeline

    def open_spider(self) -> None:
        self.sessions = open_archive(self.url)
        logger.info("archiving into %s", mask_url(self.url))
        spider = self.crawler.spider if self.crawler is not None else None
        site = getattr(spider, "site_key", None)
        with self.sessions.begin() as session:
            self.run_id = start_run(
                session,
                spider=self.spider_name,
                archive_url=mask_url(self.url),
                started_at=datetime.now(UTC).isoformat(timespec="seconds"),
                site=site if isinstance(site, str) else None,
            )
        # The run's site and record id travel in the stats into the run record
        # (and to ``newscrawl harvest``, which adds the health verdict to it).
        if isinstance(site, str):
            self.stats.set_value("newscrawl/site", site)
        self.stats.set_value("newscrawl/run_id", self.run_id)
        self.stats.set_value("newscrawl/gone", 0)  # in every run record, also when 0

    def process_item(self, item: Any) -> Any:
        if isinstance(item, Gone):
            self.gone.append(item)
            if len(self.buffer) + len(self.gone) >= self.batch_size:
                self.flush()
            raise DropItem(f"gone ({item.reason}): {item.url}", log_level="DEBUG")
        if isinstance(item, Article):
            self.buffer.append(item.to_dict())
            if len(self.buffer) + len(self.gone) >= self.batch_size:
                self.flush()
        return item

    def flush(self) -> None:
        """Store the buffered items and mark the gone ones in one transaction."""
        if (not self.buffer and not self.gone) or self.sessions is None:
            return
        batch, self.buffer = self.buffer, []
        gone, self.gone = self.gone, []
        by_time: dict[str, dict[str, str]] = {}
        for report in gone:
            by_time.setdefault(report.at, {})[report.url] = report.reason
        with self.sessions.begin() as session:
            result = store_articles(session, batch)
            marked = sum(mark_gone(session, urls, at=at) for at, urls in sorted(by_time.items()))
        self.stats.inc_value("newscrawl/archive/new", result.new)
        self.stats.inc_value("newscrawl/archive/updated", result.updated)
        self.stats.inc_value("newscrawl/archive/unchanged", result.unchanged)
        self.stats.inc_value("newscrawl/gone", marked)

    def close_spider(self) -> None:
        self.flush()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Close the run record with its status and stats (after the last flush)."""
        if self.sessions is None or self.run_id is None:
            return
        status = {"finished": "finished", "shutdown": "interrupted"}.get(reason, "failed")
        with self.sessions.begin() as session:
            finish_run(
                session,
                self.run_id,
                status=status,
                finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
                stats={**self.stats.get_stats(), "finish_reason": reason},
            )
        bind = self.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()
