"""Sidebar links in the archive: rows to insert, and dates settled by their targets.

A sidebar shows ``MM-DD``; the year is estimated on the page and settled
exactly once the linked article is archived (its local published date),
also for links stored before it. Used by :mod:`archive.store`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, or_, select, update
from sqlalchemy.orm import Session

from archive.models import Article, Link

#: Items per IN list (as :data:`archive.store.CHUNK`).
CHUNK = 500

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ARTICLES = cast(Table, Article.__table__)
_LINKS = cast(Table, Link.__table__)


def local_date(published_at: str | None) -> str | None:
    """The site-local calendar date (``YYYY-MM-DD``) a sidebar shows for an article."""
    if not published_at:
        return None
    match = _DATE.match(published_at)
    return match.group(0) if match else None


def archived_dates(session: Session, urls: set[str]) -> dict[str, str]:
    """Local published dates of archived articles among ``urls``, in bulk."""
    dates: dict[str, str] = {}
    ordered = sorted(urls)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        stmt = select(_ARTICLES.c.url, _ARTICLES.c.published_at).where(
            _ARTICLES.c.url.in_(chunk), _ARTICLES.c.published_at.is_not(None)
        )
        for url, published_at in session.execute(stmt):
            day = local_date(published_at)
            if day is not None:
                dates[url] = day
    return dates


#: The ``links`` columns (Core keys) of the rows :func:`link_rows` yields, in order.
LINK_COLUMNS: tuple[str, ...] = (
    "article_id",
    "position",
    "box",
    "title",
    "url",
    "date",
    "date_raw",
    "truncated",
    "date_settled",
)


def link_rows(
    article_id: int, sidebar: Sequence[Mapping[str, Any]], dates: Mapping[str, str]
) -> Iterator[tuple[Any, ...]]:
    """The ``links`` rows of one article's sidebar, dates settled where known.

    Plain tuples of :data:`LINK_COLUMNS` values, as :mod:`archive.store`
    hands them to the driver; ``truncated`` and ``date_settled`` are real
    bools (the store binds them without SQLAlchemy's Boolean processor).
    """
    for position, entry in enumerate(sidebar):
        # Only a date the box shows is settled; an undated link stays undated.
        date_raw = entry.get("date_raw")
        settled = dates.get(entry["url"]) if date_raw else None
        yield (
            article_id,
            position,
            entry.get("box"),
            entry.get("title") or "",
            entry["url"],
            settled if settled is not None else entry.get("date"),
            date_raw,
            bool(entry.get("truncated")),
            settled is not None,
        )


def settle_links_to(session: Session, targets: Mapping[str, str]) -> None:
    """Give links pointing at these articles their published date, in bulk.

    Fixes links stored before their target was crawled, whose year was only
    an estimate from ``MM-DD``. Links the page showed without a date keep
    none: ``date`` is what the box says, made exact. One executemany UPDATE
    keyed by the indexed ``links.url``.
    """
    links = _LINKS.c
    day = bindparam("target_day", type_=links.date.type)
    stmt = (
        update(_LINKS)
        .where(
            links.url == bindparam("target_url"),
            links.date_raw.is_not(None),
            or_(links.date_settled.is_(False), links.date.is_(None), links.date != day),
        )
        .values(date=day, date_settled=True)
    )
    params = [{"target_url": url, "target_day": day} for url, day in sorted(targets.items())]
    session.execute(stmt, params)
