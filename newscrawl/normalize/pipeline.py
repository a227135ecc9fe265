"""The normalization stage as a Scrapy item pipeline: each Article normalized
(:func:`~newscrawl.normalize.article.normalize_article`), counted and rated per field.

Configuration comes from Scrapy settings through ``from_crawler`` (Scrapy's
MongoPipeline convention). Scrapy names it in ``ITEM_PIPELINES`` as
``newscrawl.normalize.pipeline.NormalizePipeline``.
"""

from __future__ import annotations

import logging
from dataclasses import fields
from typing import Any, Self

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newscrawl.config import Config
from newscrawl.items import Article, RawArticle
from newscrawl.normalize.article import normalize_article

logger = logging.getLogger(__name__)

#: Fields whose absence is counted (``newscrawl/missing/<field>``) and rated.
TRACKED_FIELDS = tuple(
    f.name
    for f in fields(Article)
    if f.name not in ("url", "site", "fetched_at", "views_source", "captures")
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
        pipeline = cls(crawler.stats, Config.from_settings(crawler.settings).tz)
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def process_item(self, item: Any) -> Article:
        # The spider's items come normalized (where their page is read); a raw one is not.
        if isinstance(item, RawArticle):
            article = normalize_article(item, tz=self.tz)
        elif isinstance(item, Article):
            article = item
        else:
            return item  # type: ignore[no-any-return]  # other item types pass through untouched
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
