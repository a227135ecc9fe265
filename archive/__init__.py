"""The newscrawl archive: store Article-contract dicts and query them.

A library on its own (it imports neither Scrapy nor newscrawl): the Scrapy
pipeline, the ``newsarchive`` CLI and any script use the same functions, each
taking a Session whose transaction the caller owns. :func:`open_archive` gives
an :class:`Archive`, the one handle that owns the engine and its sessions::

    with open_archive("archive.sqlite") as opened, opened.begin() as session:
        store_articles(session, articles)
"""

from archive.checkpoint import WalCheckpointer
from archive.contract import ARTICLE_KEYS
from archive.crawl_history import (
    KnownArticle,
    RunSummary,
    iter_known_articles,
    known_articles,
    list_runs,
    previous_runs,
)
from archive.db import Archive, ArchiveError, ArchiveNotFound, make_engine, mask_url, open_archive
from archive.fts import index_pending
from archive.queries import (
    ArticleState,
    ArticleSummary,
    ObservationRow,
    VersionRow,
    article_state,
    article_versions,
    count_articles,
    find_article_id,
    get_article,
    iter_articles,
    list_articles,
    observations,
    period_bound,
)
from archive.runs import finish_run, mark_interrupted, record_health, start_run
from archive.stats import FILL_FIELDS, ArchiveStats, TopArticle, archive_stats, top_articles
from archive.store.upsert import StoreResult, store_articles
from archive.versions import mark_gone

__all__ = [
    "ARTICLE_KEYS",
    "FILL_FIELDS",
    "Archive",
    "ArchiveError",
    "ArchiveNotFound",
    "ArchiveStats",
    "ArticleState",
    "ArticleSummary",
    "KnownArticle",
    "ObservationRow",
    "RunSummary",
    "StoreResult",
    "TopArticle",
    "VersionRow",
    "WalCheckpointer",
    "archive_stats",
    "article_state",
    "article_versions",
    "count_articles",
    "find_article_id",
    "finish_run",
    "get_article",
    "index_pending",
    "iter_articles",
    "iter_known_articles",
    "known_articles",
    "list_articles",
    "list_runs",
    "make_engine",
    "mark_gone",
    "mark_interrupted",
    "mask_url",
    "observations",
    "open_archive",
    "period_bound",
    "previous_runs",
    "record_health",
    "start_run",
    "store_articles",
    "top_articles",
]
