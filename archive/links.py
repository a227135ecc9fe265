"""Sidebar links in the archive: rows to insert, dates and titles settled by their targets.

A sidebar shows ``MM-DD``; the year is estimated on the page and settled
exactly once the linked article is archived (its local published date),
also for links stored before it. Used by :mod:`archive.store`.

A sidebar also cuts long titles, and not always with a marker: DedeCMS
shows ``北塘镇博物馆推广稻渔综`` for ``北塘镇博物馆推广稻渔综合种养模式``, and a
page object cannot tell that from a short title. Once the linked article is
archived its own title tells: a link title that is a strict prefix of it
(after a ``...``/``…`` marker is taken off) was cut, and the link gets
``truncated`` and the full title, also when it was stored before the target.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, Text, bindparam, case, func, or_, select, true, update
from sqlalchemy.orm import Session

from archive.models import Article, Link

#: Items per IN list (as :data:`archive.store.batch_rows.CHUNK`).
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


#: Ellipsis characters a cut title may end with (as ``newscrawl.normalize.text``'s).
ELLIPSIS = ".…"


class Target(NamedTuple):
    """What an archived article settles in the links to it: its day and full title."""

    day: str | None
    title: str | None


def target_of(published_at: str | None, title: str | None) -> Target:
    """The :class:`Target` of an article with this published date and title."""
    return Target(local_date(published_at), title or None)


def full_title(title: str, truncated: bool, full: str | None) -> str | None:
    """``full`` when ``title`` is a strict prefix of it (a cut title), else None.

    A title marked cut (``truncated``) is compared without its ellipsis.
    """
    prefix = title.rstrip(ELLIPSIS).rstrip() if truncated else title
    if not full or not prefix or len(prefix) >= len(full):
        return None
    return full if full.startswith(prefix) else None


def archived_targets(session: Session, urls: set[str]) -> dict[str, Target]:
    """Days and titles of the archived articles among ``urls``, in bulk."""
    found: dict[str, Target] = {}
    ordered = sorted(urls)
    for start in range(0, len(ordered), CHUNK):
        chunk = ordered[start : start + CHUNK]
        stmt = select(_ARTICLES.c.url, _ARTICLES.c.published_at, _ARTICLES.c.title).where(
            _ARTICLES.c.url.in_(chunk)
        )
        for url, published_at, title in session.execute(stmt):
            found[url] = target_of(published_at, title)
    return found


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
    article_id: int, sidebar: Sequence[Mapping[str, Any]], targets: Mapping[str, Target]
) -> Iterator[tuple[Any, ...]]:
    """The ``links`` rows of one article's sidebar, dates and cut titles settled where known.

    Plain tuples of :data:`LINK_COLUMNS` values, as :mod:`archive.store`
    hands them to the driver; ``truncated`` and ``date_settled`` are real
    bools (the store binds them without SQLAlchemy's Boolean processor).
    """
    for position, entry in enumerate(sidebar):
        target = targets.get(entry["url"])
        # Only a date the box shows is settled; an undated link stays undated.
        date_raw = entry.get("date_raw")
        settled = target.day if target is not None and date_raw else None
        title = entry.get("title") or ""
        truncated = bool(entry.get("truncated"))
        full = full_title(title, truncated, target.title) if target is not None else None
        yield (
            article_id,
            position,
            entry.get("box"),
            full or title,
            entry["url"],
            settled if settled is not None else entry.get("date"),
            date_raw,
            truncated or full is not None,
            settled is not None,
        )


def settle_links_to(session: Session, targets: Mapping[str, Target]) -> None:
    """Give links pointing at these articles their published date and full title, in bulk.

    Fixes links stored before their target was crawled, whose year was only
    an estimate from ``MM-DD``. Links the page showed without a date keep
    none: ``date`` is what the box says, made exact. A link title that is a
    strict prefix of the target's title (see :func:`full_title`) becomes the
    full title, marked ``truncated``. One executemany UPDATE each, keyed by
    the indexed ``links.url``.
    """
    links = _LINKS.c
    days = [
        {"target_url": url, "target_day": target.day}
        for url, target in sorted(targets.items())
        if target.day is not None
    ]
    if days:
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
        session.execute(stmt, days)
    titles = [
        {"target_url": url, "target_title": target.title}
        for url, target in sorted(targets.items())
        if target.title
    ]
    if titles:
        full = bindparam("target_title", type_=Text())
        prefix = case(
            (links.truncated == true(), func.rtrim(func.rtrim(links.title, ELLIPSIS))),
            else_=links.title,
        )
        stmt = (
            update(_LINKS)
            .where(
                links.url == bindparam("target_url"),
                links.title != full,
                func.length(prefix) > 0,
                func.length(prefix) < func.length(full),
                func.substr(full, 1, func.length(prefix)) == prefix,
            )
            .values(title=full, truncated=True)
        )
        session.execute(stmt, titles)
