"""Rows that mix two pages: found, reported, and split into one row per page.

Archives written before revision 0011 keyed an article by ``(site, cms_id)``,
so two pages with one CMS id (PHPMyWind's news 1 and product 1) shared a row:
each fetch of the other page stored its content as a new version, and the
row's URL was whichever page came last. :func:`find_mixed` finds such rows;
:func:`split` gives each other page a row of its own.

Which page a version came from:

- since 0011 a version records the URL its content was fetched from
  (``article_versions.url``): a URL under another page key is another page;
- before, nothing recorded it. The evidence left is the archive's sidebar
  links: a link whose full title (not cut) is the version's title and whose
  URL is another page with the same CMS id (``productshow-7-1-1.html``) says
  where that content lives. Only one such page may claim the title, and a
  version whose title is the row's own current title stays. A version
  without evidence stays with the row: a row is split on evidence only, never
  on a guess, so some mixed rows may remain until a crawl archives the links
  that tell them apart (``newsarchive identity`` finds them then).

Splitting moves the versions of another page to that page's row (made from
its newest version when the archive has none; its CMS id is the row's), with
the observations fetched while that content was current (a version's period
runs from the replacement of the version before it to its own replacement),
and numbers each row's versions again from 1 in the order they were stored.
The row keeps its current content, sidebar and the other observations.

Core statements on plain table descriptions (only the columns used), so
revision 0011 runs the same code on the tables as they are then, as the
``newsarchive identity`` command does on today's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from archive.body_spans import spans
from archive.identity import page_key
from archive.published import to_utc
from archive.store.content_hash import content_hash

#: Articles examined per batch, and items per IN list.
_BATCH = 500

_A = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("site", sa.String()),
    sa.column("cms_id", sa.String()),
    sa.column("url", sa.Text()),
    sa.column("page_key", sa.Text()),
    sa.column("title", sa.Text()),
    sa.column("published_at", sa.String()),
    sa.column("published_utc", sa.DateTime()),
    sa.column("author", sa.Text()),
    sa.column("source", sa.Text()),
    sa.column("views", sa.BigInteger()),
    sa.column("views_raw", sa.Text()),
    sa.column("views_source", sa.String()),
    sa.column("body", sa.Text()),
    sa.column("first_seen_at", sa.String()),
    sa.column("fetched_at", sa.String()),
    sa.column("content_hash", sa.String()),
)
_V = sa.table(
    "article_versions",
    sa.column("id", sa.Integer()),
    sa.column("article_id", sa.Integer()),
    sa.column("version", sa.Integer()),
    sa.column("stored_at", sa.String()),
    sa.column("fetched_at", sa.String()),
    sa.column("title", sa.Text()),
    sa.column("published_at", sa.String()),
    sa.column("author", sa.Text()),
    sa.column("source", sa.Text()),
    sa.column("body", sa.Text()),
    sa.column("sections", sa.JSON()),
    sa.column("content_hash", sa.String()),
    sa.column("url", sa.Text()),
)
_L = sa.table(
    "links",
    sa.column("article_id", sa.Integer()),
    sa.column("url", sa.Text()),
    sa.column("title", sa.Text()),
    sa.column("truncated", sa.Boolean()),
)
_O = sa.table(
    "observations",
    sa.column("id", sa.Integer()),
    sa.column("article_id", sa.Integer()),
    sa.column("observed_at", sa.String()),
    sa.column("views", sa.BigInteger()),
    sa.column("views_raw", sa.Text()),
    sa.column("source", sa.String()),
)
_S = sa.table(
    "sections",
    sa.column("article_id", sa.Integer()),
    sa.column("position", sa.Integer()),
    sa.column("heading", sa.Text()),
    sa.column("paragraphs", sa.JSON(none_as_null=True)),
    sa.column("body_offset", sa.Integer()),
    sa.column("body_length", sa.Integer()),
)


@dataclass(frozen=True)
class Stray:
    """A version of a row that came from another page.

    ``evidence`` is ``"url"`` (the version recorded its URL) or ``"link title"``
    (a sidebar link to ``url`` shows the version's title).
    """

    version: int
    url: str
    key: str
    evidence: str


@dataclass(frozen=True)
class MixedRow:
    """An article row whose versions came from more than one page."""

    article_id: int
    site: str
    url: str
    key: str
    strays: tuple[Stray, ...]

    def pages(self) -> dict[str, list[Stray]]:
        """The strays by the page key they belong to."""
        found: dict[str, list[Stray]] = {}
        for stray in self.strays:
            found.setdefault(stray.key, []).append(stray)
        return found


def _chunks(seq: Sequence[Any], size: int = _BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _instant(value: str | None) -> datetime | None:
    """An ISO 8601 time as aware UTC (naive read as UTC); None when unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def _titled_links(connection: Connection, site: str, titles: set[str]) -> dict[str, set[str]]:
    """URLs of the site's sidebar links by their full (not cut) title."""
    found: dict[str, set[str]] = {}
    for chunk in _chunks(sorted(titles)):
        stmt = (
            sa.select(_L.c.title, _L.c.url)
            .join_from(_L, _A, _A.c.id == _L.c.article_id)
            .where(_A.c.site == site, _L.c.title.in_(chunk), _L.c.truncated.is_(False))
        )
        for title, url in connection.execute(stmt):
            found.setdefault(title, set()).add(url)
    return found


def _strays(row: Any, versions: list[Any], links: dict[str, set[str]]) -> Iterator[Stray]:
    """The versions of ``row`` that came from another page, with the evidence."""
    own = row.page_key or page_key(row.url, row.cms_id)
    for version in versions:
        if version.url is not None:
            key = page_key(version.url, row.cms_id)
            if key != own:
                yield Stray(version.version, version.url, key, "url")
            continue
        if not version.title or version.title == row.title:
            continue
        keys = {page_key(url, row.cms_id): url for url in links.get(version.title, ())}
        # The id must be in the link's URL (else its key is the URL itself), and
        # only one page may claim the title: the row's own page claiming it too
        # (a link to it under that title) leaves the version where it is.
        others = {key: url for key, url in keys.items() if "{id=" in key}
        if len(others) == 1 and own not in others:
            ((key, url),) = others.items()
            yield Stray(version.version, url, key, "link title")


def find_mixed(connection: Connection, *, site: str | None = None) -> list[MixedRow]:
    """Rows whose versions came from another page than the row's, by id.

    Only rows with versions can mix pages; they are read a batch at a time.
    """
    found: list[MixedRow] = []
    has_versions = sa.exists().where(_V.c.article_id == _A.c.id)
    last = 0
    while True:
        stmt = (
            sa.select(_A.c.id, _A.c.site, _A.c.cms_id, _A.c.url, _A.c.page_key, _A.c.title)
            .where(_A.c.id > last, has_versions)
            .order_by(_A.c.id)
            .limit(_BATCH)
        )
        if site is not None:
            stmt = stmt.where(_A.c.site == site)
        rows = connection.execute(stmt).all()
        if not rows:
            return found
        last = rows[-1].id
        versions: dict[int, list[Any]] = {row.id: [] for row in rows}
        listed = (
            sa.select(_V.c.article_id, _V.c.version, _V.c.url, _V.c.title)
            .where(_V.c.article_id.in_(list(versions)))
            .order_by(_V.c.article_id, _V.c.version)
        )
        for version in connection.execute(listed):
            versions[version.article_id].append(version)
        titles: dict[str, set[str]] = {}
        for row in rows:
            for version in versions[row.id]:
                if version.url is None and version.title and version.title != row.title:
                    titles.setdefault(row.site, set()).add(version.title)
        links = {name: _titled_links(connection, name, wanted) for name, wanted in titles.items()}
        for row in rows:
            strays = tuple(_strays(row, versions[row.id], links.get(row.site, {})))
            if strays:
                key = row.page_key or page_key(row.url, row.cms_id)
                found.append(MixedRow(row.id, row.site, row.url, key, strays))


def _renumber(connection: Connection, article_id: int) -> None:
    """Number the article's versions 1, 2, … in the order they were stored."""
    rows = connection.execute(
        sa.select(_V.c.id, _V.c.stored_at, _V.c.version).where(_V.c.article_id == article_id)
    ).all()
    floor = datetime.min.replace(tzinfo=UTC)
    ordered = sorted(rows, key=lambda r: (_instant(r.stored_at) or floor, r.version, r.id))
    if not ordered:
        return
    update = (
        sa.update(_V).where(_V.c.id == sa.bindparam("vid")).values(version=sa.bindparam("number"))
    )
    # Through negative numbers first: (article_id, version) is unique at every step.
    connection.execute(update, [{"vid": r.id, "number": -r.id} for r in ordered])
    connection.execute(update, [{"vid": r.id, "number": n} for n, r in enumerate(ordered, 1)])


def _new_row(
    connection: Connection,
    site: str,
    cms_id: str | None,
    key: str,
    url: str,
    version: Any,
    seen: list[Any],
) -> int:
    """An article row for another page, from its newest version; returns its id."""
    sections = list(version.sections or [])
    body = version.body or ""
    latest = next((o for o in reversed(seen) if o.views is not None), None)
    connection.execute(
        sa.insert(_A).values(
            site=site,
            cms_id=cms_id,
            url=url,
            page_key=key,
            title=version.title,
            published_at=version.published_at,
            published_utc=to_utc(version.published_at),
            author=version.author,
            source=version.source,
            views=latest.views if latest else None,
            views_raw=latest.views_raw if latest else None,
            views_source=latest.source if latest else None,
            body=body,
            first_seen_at=seen[0].observed_at if seen else version.fetched_at,
            fetched_at=version.fetched_at,
            content_hash=content_hash(version.title, body, sections),
        )
    )
    article_id: int = connection.execute(
        sa.select(_A.c.id).where(_A.c.site == site, _A.c.page_key == key)
    ).scalar_one()
    found = spans(body, sections)
    rows = []
    for position, section in enumerate(sections):
        span = found[position] if found is not None else None
        paragraphs = None if span is not None else list(section["paragraphs"])
        offset, length = span if span is not None else (None, None)
        rows.append(
            {
                "article_id": article_id,
                "position": position,
                "heading": section["heading"],
                "paragraphs": paragraphs,
                "body_offset": offset,
                "body_length": length,
            }
        )
    if rows:
        connection.execute(sa.insert(_S), rows)
    return article_id


def split(connection: Connection, mixed: MixedRow) -> dict[str, int]:
    """Give each other page of ``mixed`` its row (see the module docstring).

    Returns the id of the row that took each other page's versions, by page
    key. No commit: the caller owns the transaction.
    """
    cms_id = connection.execute(
        sa.select(_A.c.cms_id).where(_A.c.id == mixed.article_id)
    ).scalar_one()
    versions = connection.execute(
        sa.select(_V).where(_V.c.article_id == mixed.article_id).order_by(_V.c.version)
    ).all()
    observations = connection.execute(
        sa.select(_O).where(_O.c.article_id == mixed.article_id).order_by(_O.c.id)
    ).all()
    # Version i was current from the replacement of version i-1 until its own.
    periods: dict[int, tuple[datetime | None, datetime | None]] = {}
    start: datetime | None = None
    for version in versions:
        end = _instant(version.stored_at)
        periods[version.version] = (start, end)
        start = end
    by_number = {version.version: version for version in versions}
    targets: dict[str, int] = {}
    for key, strays in sorted(mixed.pages().items()):
        group = [by_number[stray.version] for stray in strays if stray.version in by_number]
        if not group:
            continue
        seen = [
            o
            for o in observations
            if any(_within(_instant(o.observed_at), periods[v.version]) for v in group)
        ]
        url = strays[-1].url
        target = connection.execute(
            sa.select(_A.c.id).where(
                sa.or_(sa.and_(_A.c.site == mixed.site, _A.c.page_key == key), _A.c.url == url)
            )
        ).scalar()
        moved = group
        if target is None:
            target = _new_row(connection, mixed.site, cms_id, key, url, group[-1], seen)
            connection.execute(sa.delete(_V).where(_V.c.id == group[-1].id))
            moved = group[:-1]
        if moved:
            connection.execute(
                sa.update(_V).where(_V.c.id.in_([v.id for v in moved])).values(article_id=target)
            )
        for chunk in _chunks([o.id for o in seen]):
            connection.execute(
                sa.update(_O).where(_O.c.id.in_(list(chunk))).values(article_id=target)
            )
        _renumber(connection, target)
        targets[key] = target
    _renumber(connection, mixed.article_id)
    return targets


def _within(moment: datetime | None, period: tuple[datetime | None, datetime | None]) -> bool:
    start, end = period
    if moment is None:
        return False
    return (start is None or moment >= start) and (end is None or moment < end)


def repair(
    connection: Connection, *, site: str | None = None
) -> list[tuple[MixedRow, dict[str, int]]]:
    """Split every mixed row found; returns each with :func:`split`'s answer."""
    return [(mixed, split(connection, mixed)) for mixed in find_mixed(connection, site=site)]
