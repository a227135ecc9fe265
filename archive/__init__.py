"""The newscrawl archive: store Article-contract dicts and query them.

A library on its own (it imports neither Scrapy nor newscrawl): the Scrapy
pipeline, the ``newsarchive`` CLI and any script use the same functions, each
taking a Session whose transaction the caller owns. :func:`open_archive` gives
an :class:`Archive`, the one handle that owns the engine and its sessions::

    with open_archive("archive.sqlite") as opened, opened.begin() as session:
        store_articles(session, articles)

Importing the package loads none of it: each name below is imported from its
module on first use (PEP 562). ``newscrawl.items`` imports ``archive.contract``
in every process that extracts pages; that must not load SQLAlchemy and the
whole archive with it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
    from archive.db import (
        Archive,
        ArchiveError,
        ArchiveNotFound,
        make_engine,
        mask_url,
        open_archive,
    )
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

#: Each public name and the module that defines it.
_WHERE: dict[str, str] = {
    "WalCheckpointer": "archive.checkpoint",
    "ARTICLE_KEYS": "archive.contract",
    "KnownArticle": "archive.crawl_history",
    "RunSummary": "archive.crawl_history",
    "iter_known_articles": "archive.crawl_history",
    "known_articles": "archive.crawl_history",
    "list_runs": "archive.crawl_history",
    "previous_runs": "archive.crawl_history",
    "Archive": "archive.db",
    "ArchiveError": "archive.db",
    "ArchiveNotFound": "archive.db",
    "make_engine": "archive.db",
    "mask_url": "archive.db",
    "open_archive": "archive.db",
    "index_pending": "archive.fts",
    "ArticleState": "archive.queries",
    "ArticleSummary": "archive.queries",
    "ObservationRow": "archive.queries",
    "VersionRow": "archive.queries",
    "article_state": "archive.queries",
    "article_versions": "archive.queries",
    "count_articles": "archive.queries",
    "find_article_id": "archive.queries",
    "get_article": "archive.queries",
    "iter_articles": "archive.queries",
    "list_articles": "archive.queries",
    "observations": "archive.queries",
    "period_bound": "archive.queries",
    "finish_run": "archive.runs",
    "mark_interrupted": "archive.runs",
    "record_health": "archive.runs",
    "start_run": "archive.runs",
    "FILL_FIELDS": "archive.stats",
    "ArchiveStats": "archive.stats",
    "TopArticle": "archive.stats",
    "archive_stats": "archive.stats",
    "top_articles": "archive.stats",
    "StoreResult": "archive.store.upsert",
    "store_articles": "archive.store.upsert",
    "mark_gone": "archive.versions",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is read."""
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})
