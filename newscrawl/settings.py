"""Scrapy settings of newscrawl: only values that differ from Scrapy's defaults.

Project settings (read through ``from_crawler``, never at import time):

- ``ARCHIVE_URL``: SQLAlchemy URL (or file path) of the archive.
- ``ARCHIVE_BATCH_SIZE``: items stored per transaction.
- ``ARCHIVE_WRITER``: ``auto``, ``inline`` or ``process`` (another process stores the batches: the extraction worker if any).
- ``ARCHIVE_INDEX``: ``batch`` or ``close``: when the full-text index catches up.
- ``ARCHIVE_CHECKPOINT``: ``thread`` or ``commit``: where SQLite's WAL checkpoints run.
- ``NEWSCRAWL_TZ``: time zone of naive site times.
- ``NEWSCRAWL_FETCH_COUNTERS``: request script counter endpoints.
- ``NEWSCRAWL_EXTRACT_WORKERS``: extraction worker processes (``auto`` or a number).
- ``NEWSCRAWL_GC_THRESHOLD``: allocations between young garbage collections.
- ``NEWSCRAWL_HEALTH_FIELDS``: fields whose fill rate ``newscrawl harvest`` checks.
- ``NEWSCRAWL_HEALTH_MAX_FILL_DROP``: how far a fill rate may fall below the previous runs'.
- ``NEWSCRAWL_INCREMENTAL``: request known articles only when due, stop paging at known ones.
- ``NEWSCRAWL_STOP_AFTER_KNOWN_PAGES``: list pages in a row with nothing new before paging stops.
- ``NEWSCRAWL_REVISIT``: the revisit schedule by article age.
- ``NEWSCRAWL_DISCOVERY_MEMORY``: keep the URL templates a crawl learned for the next harvest.
- ``NEWSCRAWL_RETRY_BACKOFF``, ``NEWSCRAWL_RETRY_AFTER_MAX``: waits before retries.
- ``NEWSCRAWL_CAPTURE``, ``NEWSCRAWL_CAPTURE_DIR``, ``NEWSCRAWL_CAPTURE_MAX_SIZE``,
  ``NEWSCRAWL_CAPTURE_QUEUE``: WARC captures of every request and response, where, the
  size at which files rotate, and how many exchanges may wait for the capture process.
"""

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
    # WARC captures at the downloader's edge: requests as sent, responses as received
    # (before decompression and redirects); inactive unless NEWSCRAWL_CAPTURE.
    "newscrawl.capture.middleware.WarcCapture": 950,
}
NEWSCRAWL_RETRY_BACKOFF = 0.5  # seconds before the first retry of a 5xx/429 without Retry-After
NEWSCRAWL_RETRY_AFTER_MAX = 60.0  # the longest wait before a retry, whatever Retry-After says
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024  # news pages are < 1 MB; a 10 MB body is not an article
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024

# Each response yields at most one article plus a few requests. Scrapy's default
# of 100 starts 100 asyncio tasks per response to process them; at this size
# that costs more than the processing itself (benchmarks: bare crawl +45%).
CONCURRENT_ITEMS = 1

EXTENSIONS = {
    "newscrawl.gc_extension.GcTuning": 100,
    "newscrawl.log_gate.LogLevelGate": 110,
    "newscrawl.progress.Progress": 500,
}

ITEM_PIPELINES = {
    "newscrawl.pipelines.NormalizePipeline": 300,
    "newscrawl.pipelines.ArchivePipeline": 800,
}

ARCHIVE_URL = "sqlite:///archive.sqlite"  # the archive database (SQLAlchemy URL or path)
ARCHIVE_BATCH_SIZE = 200  # items per transaction: fewer commits, bounded loss on a crash
# Where the transactions run: "inline" (the crawl process waits) or "process" (a writer
# process stores the batches in order while the crawl goes on). "auto": "process" where
# this process may use two or more cores, else "inline" (newscrawl.runtime.cores).
ARCHIVE_WRITER = "auto"
# When the full-text index catches up with stored articles: "batch" (after each batch)
# or "close" (once, when the crawl ends; search scans the queued ones meanwhile).
ARCHIVE_INDEX = "batch"
# Who copies SQLite's write-ahead log back into the file: "thread" (a thread of the
# process that stores, after each transaction) or "commit" (SQLite, inside a commit).
ARCHIVE_CHECKPOINT = "thread"
NEWSCRAWL_TZ = "Asia/Shanghai"  # zone of naive site times (+08:00)
# Request script counter endpoints: each request adds one to the site's public count.
NEWSCRAWL_FETCH_COUNTERS = False
# Worker processes that parse, extract and normalize article pages (0: in the crawl process).
# "auto": 1 where this process may use two or more cores, else 0 (newscrawl.runtime.cores).
NEWSCRAWL_EXTRACT_WORKERS = "auto"
# Allocations between young garbage collections in every process of a crawl (Python's
# default is 700; 0 keeps it): fewer, larger passes over mostly short-lived objects.
NEWSCRAWL_GC_THRESHOLD = 10_000
# Harvest health: a fill rate of these fields falling more than the drop (absolute)
# below the mean of the site's previous 5 finished runs fails the run.
NEWSCRAWL_HEALTH_FIELDS = ["title", "published_at", "body"]
NEWSCRAWL_HEALTH_MAX_FILL_DROP = 0.3
# Incremental harvests (once the archive holds articles of the start hosts): known
# articles are fetched only when due, and a list's pager is not followed after this
# many pages in a row that brought no unknown and no due article.
NEWSCRAWL_INCREMENTAL = True
NEWSCRAWL_STOP_AFTER_KNOWN_PAGES = 1
# Revisit schedule, AGE=INTERVAL youngest first: younger than a day every run, than
# a week when last fetched 6 h ago or more, than 30 days daily, older weekly.
NEWSCRAWL_REVISIT = "1d=0,7d=6h,30d=1d,*=7d"
# Keep what a crawl learned about the site's URL templates (which turned out to be
# articles, lists, nothing) for its next harvest, in a JSON file beside the archive.
NEWSCRAWL_DISCOVERY_MEMORY = True

# WARC captures of every request and response (newscrawl.capture): off for `scrapy
# crawl`, on for `newscrawl harvest` and `newscrawl demo` unless -s NEWSCRAWL_CAPTURE=0.
NEWSCRAWL_CAPTURE = False
NEWSCRAWL_CAPTURE_DIR = ""  # the folder; empty: <archive file>.captures/ beside a SQLite archive
NEWSCRAWL_CAPTURE_MAX_SIZE = 1_000_000_000  # bytes after which the next capture file begins
NEWSCRAWL_CAPTURE_QUEUE = 256  # exchanges handed to the capture process, not written yet, at most

# Progress: a live line on a terminal, log lines under cron (auto|line|log|off).
NEWSCRAWL_PROGRESS = "auto"
NEWSCRAWL_PROGRESS_INTERVAL = 1.0  # seconds between updates of the live line
NEWSCRAWL_PROGRESS_LOG_INTERVAL = 60.0  # seconds between progress log lines

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
