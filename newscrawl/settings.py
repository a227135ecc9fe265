"""Scrapy settings of newscrawl: only values that differ from Scrapy's defaults.

The project's own settings (``ARCHIVE_*``, ``NEWSCRAWL_*``) are not written here: their
names, defaults, parsers and help are one table, :mod:`newscrawl.config`, whose defaults
are added below; ``docs/settings.md`` is their reference. They are read through
``from_crawler`` (:meth:`newscrawl.config.Config.from_settings`), never at import time.
"""

from newscrawl.config import defaults

BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

# Polite by default on real sites: robots.txt, an honest agent, few parallel
# requests per site, and AutoThrottle backing off when the site slows down.
ROBOTSTXT_OBEY = True
USER_AGENT = "newscrawl/0.1 (news archive crawler; Scrapy)"
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_TIMES = 2
# Retries wait: Retry-After when given, else NEWSCRAWL_RETRY_BACKOFF s doubled each time.
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawl.middlewares.BackoffRetryMiddleware": 550,
    # Same cookies, but the Public Suffix List is the bundled one: no download from
    # public hosts (newscrawl.crawl.offline).
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
    "newscrawl.crawl.offline.OfflineCookiesMiddleware": 700,
    # Same meta refresh redirects, without decoding every page to look for one
    # (newscrawl.crawl.meta_refresh).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.crawl.meta_refresh.ByteCheckedMetaRefreshMiddleware": 580,
    # WARC captures at the downloader's edge: requests as sent, responses as received
    # (before decompression and redirects); inactive unless NEWSCRAWL_CAPTURE.
    "newscrawl.capture.middleware.WarcCapture": 950,
}
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # news pages are < 1 MB; a 10 MB body is not an article
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

# Each response yields at most one article plus a few requests. Scrapy's default
# of 100 starts 100 asyncio tasks per response to process them; at this size
# that costs more than the processing itself (benchmarks/TUNING.md).
CONCURRENT_ITEMS = 1
# Scrapy stops downloading while the responses in its scraper add up to 5 MB. With an
# extraction worker the pages queued for it count, and while the crawl process stores a
# batch (a few hundred ms) the worker empties its queue and waits: twice the default lets
# the queue cover that pause (benchmarks/TUNING.md). One process stays under 2 MB.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 10_000_000

# Scrapy's in-memory stats without a deprecation check on every read
# (newscrawl.runtime.stats).
STATS_CLASS = "newscrawl.runtime.stats.PlainStatsCollector"
EXTENSIONS = {
    "newscrawl.runtime.gc_extension.GcTuning": 100,
    "newscrawl.runtime.log_gate.LogLevelGate": 110,
    "newscrawl.progress.Progress": 500,
}

ITEM_PIPELINES = {
    "newscrawl.normalize.pipeline.NormalizePipeline": 300,
    "newscrawl.storage.pipeline.ArchivePipeline": 800,
}

# The project settings: their defaults, from the table (newscrawl.config).
globals().update(defaults())

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
