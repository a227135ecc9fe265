"""Writing to the archive: batched upsert of Article-contract dicts, run records.

Rules that protect what is already archived (DESIGN.md, "What bad input
gets"): a re-crawl that yields null never erases a stored value, and an empty
body, section list or sidebar keeps the stored ones. Every fetch still leaves
one observation, so the popularity series has no silent gaps.

Functions take the caller's Session and never commit: the pipeline and the
CLI own transactions (``with Session.begin()``). Lookups are done in bulk, a
few SELECTs per batch of up to :data:`CHUNK` items, never one per link.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, case, or_, select, update
from sqlalchemy.orm import Session, selectinload

from archive.contract import SCALAR_KEYS
from archive.db import ArchiveError, mask_url
from archive.models import Article, CrawlRun, Link, Observation, Section

#: Items per internal batch; keeps every IN list well under bind-parameter limits.
CHUNK = 500

#: The statuses a crawl run may end with (it starts as "running").
RUN_STATUSES = frozenset({"running", "finished", "interrupted", "failed"})

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_T = TypeVar("_T")


@dataclass
class StoreResult:
    """How a batch changed the archive; ``updated`` means the content changed."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Items stored, which is also the number of observations added."""
        return self.new + self.updated + self.unchanged


def _chunks(seq: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_utc(published_at: str | None) -> datetime | None:
    """Naive UTC for ordering; None when the string is not ISO 8601.

    A string without an offset is taken as already UTC: the contract always
    carries an offset, so this only keeps odd input from failing the batch.
    """
    if not published_at:
        return None
    try:
        parsed = datetime.fromisoformat(published_at)
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def local_date(published_at: str | None) -> str | None:
    """The site-local calendar date (``YYYY-MM-DD``) a sidebar shows for an article."""
    if not published_at:
        return None
    match = _DATE.match(published_at)
    return match.group(0) if match else None


def content_hash(article: Article) -> str:
    """sha1 over title, body and sections: what counts as a change of content."""
    payload = {
        "title": article.title,
        "body": article.body or "",
        "sections": [{"heading": s.heading, "paragraphs": s.paragraphs} for s in article.sections],
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _check(item: Mapping[str, Any]) -> None:
    for key in ("url", "site"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise ValueError(f"article item without {key}: {item.get('url')!r}")


def _load_existing(session: Session, items: Sequence[Mapping[str, Any]]) -> list[Article]:
    """One SELECT for every article the batch may match, children included."""
    conditions: list[ColumnElement[bool]] = [Article.url.in_({item["url"] for item in items})]
    ids_by_site: dict[str, set[str]] = {}
    for item in items:
        if item.get("cms_id") is not None:
            ids_by_site.setdefault(item["site"], set()).add(str(item["cms_id"]))
    for site, ids in ids_by_site.items():
        conditions.append(and_(Article.site == site, Article.cms_id.in_(ids)))
    stmt = (
        select(Article)
        .where(or_(*conditions))
        .options(selectinload(Article.sections), selectinload(Article.links))
    )
    return list(session.scalars(stmt))


def _archived_dates(session: Session, urls: set[str]) -> dict[str, str]:
    """Local published dates of archived articles among ``urls``, in bulk."""
    dates: dict[str, str] = {}
    ordered = sorted(urls)
    for chunk in _chunks(ordered, CHUNK):
        stmt = select(Article.url, Article.published_at).where(
            Article.url.in_(chunk), Article.published_at.is_not(None)
        )
        for url, published_at in session.execute(stmt):
            day = local_date(published_at)
            if day is not None:
                dates[url] = day
    return dates


class _Index:
    """The batch's view of matching articles, kept current as items are stored."""

    def __init__(self, articles: list[Article]) -> None:
        self.by_url = {a.url: a for a in articles}
        self.by_key = {(a.site, a.cms_id): a for a in articles if a.cms_id is not None}

    def match(self, item: Mapping[str, Any]) -> Article | None:
        cms_id = item.get("cms_id")
        if cms_id is not None:
            found = self.by_key.get((item["site"], str(cms_id)))
            if found is not None:
                return found
        return self.by_url.get(item["url"])

    def add(self, article: Article) -> None:
        self.by_url[article.url] = article
        if article.cms_id is not None:
            self.by_key[(article.site, article.cms_id)] = article

    def move_url(self, article: Article, url: str) -> None:
        """Follow a changed canonical URL, unless another article holds it."""
        if url == article.url or url in self.by_url:
            return
        del self.by_url[article.url]
        article.url = url
        self.by_url[url] = article

    def set_cms_id(self, article: Article, cms_id: str) -> None:
        key = (article.site, cms_id)
        if cms_id == article.cms_id or key in self.by_key:
            return
        if article.cms_id is not None:
            self.by_key.pop((article.site, article.cms_id), None)
        article.cms_id = cms_id
        self.by_key[key] = article


def _merge(article: Article, item: Mapping[str, Any], index: _Index, fetched: str) -> None:
    """Apply one item to ``article``: nulls and empties never erase stored values."""
    index.move_url(article, item["url"])
    if item.get("cms_id") is not None:
        index.set_cms_id(article, str(item["cms_id"]))
    for key in SCALAR_KEYS:
        value = item.get(key)
        if value is not None and key != "cms_id":
            setattr(article, key, value)
    article.published_utc = to_utc(article.published_at)
    if item.get("body"):
        article.body = item["body"]
    sections = item.get("sections") or []
    if sections:
        article.sections = [
            Section(
                position=position,
                heading=section.get("heading"),
                paragraphs=list(section.get("paragraphs") or []),
            )
            for position, section in enumerate(sections)
        ]
    article.fetched_at = fetched
    if article.first_seen_at is None:
        article.first_seen_at = fetched


def _make_links(sidebar: Sequence[Mapping[str, Any]], dates: Mapping[str, str]) -> list[Link]:
    links = []
    for position, entry in enumerate(sidebar):
        # Only a date the box shows is settled; an undated link stays undated.
        settled = dates.get(entry["url"]) if entry.get("date_raw") else None
        links.append(
            Link(
                position=position,
                box=entry.get("box"),
                title=entry.get("title") or "",
                url=entry["url"],
                date=settled if settled is not None else entry.get("date"),
                date_raw=entry.get("date_raw"),
                truncated=bool(entry.get("truncated")),
                date_settled=settled is not None,
            )
        )
    return links


def _settle_links_to(session: Session, targets: Mapping[str, str]) -> None:
    """Give links pointing at these articles their published date, in bulk.

    Fixes links stored before their target was crawled, whose year was only
    an estimate from ``MM-DD``. Links the page showed without a date keep
    none: ``date`` is what the box says, made exact.
    """
    items = sorted(targets.items())
    for chunk in _chunks(items, CHUNK):
        by_url = dict(chunk)
        day = case(by_url, value=Link.url)
        stmt = (
            update(Link)
            .where(
                Link.url.in_(by_url),
                Link.date_raw.is_not(None),
                or_(Link.date_settled.is_(False), Link.date.is_(None), Link.date != day),
            )
            .values(date=day, date_settled=True)
            .execution_options(synchronize_session="fetch")
        )
        session.execute(stmt)


def _store_chunk(session: Session, items: Sequence[Mapping[str, Any]], result: StoreResult) -> None:
    index = _Index(_load_existing(session, items))
    link_urls = {entry["url"] for item in items for entry in item.get("sidebar") or []}
    dates = _archived_dates(session, link_urls) if link_urls else {}
    touched: dict[Article, None] = {}
    sidebars: dict[Article, Sequence[Mapping[str, Any]]] = {}
    for item in items:
        fetched = item.get("fetched_at") or _now_iso()
        article = index.match(item)
        if article is None:
            article = Article(url=item["url"], site=item["site"], body="", content_hash="")
            session.add(article)
            index.add(article)
            old_hash = None
            result.new += 1
        else:
            old_hash = article.content_hash
        _merge(article, item, index, fetched)
        article.content_hash = content_hash(article)
        if old_hash is not None:
            if old_hash == article.content_hash:
                result.unchanged += 1
            else:
                result.updated += 1
        article.observations.add(
            Observation(
                observed_at=fetched,
                views=item.get("views"),
                views_raw=item.get("views_raw"),
                source=item.get("views_source"),
            )
        )
        touched[article] = None
        if item.get("sidebar"):
            sidebars[article] = item["sidebar"]
    # Articles of this batch settle links of this batch too, whatever the order.
    targets = {a.url: day for a in touched if (day := local_date(a.published_at)) is not None}
    dates.update(targets)
    for article, sidebar in sidebars.items():
        article.links = _make_links(sidebar, dates)
    session.flush()
    if targets:
        _settle_links_to(session, targets)


def store_articles(session: Session, items: Sequence[Mapping[str, Any]]) -> StoreResult:
    """Upsert Article-contract dicts; one observation per item; no commit.

    An item matches a stored article by ``(site, cms_id)`` when it has a CMS
    id, else by URL (and by URL when the id is not archived yet). Raises
    ValueError for an item without ``url`` or ``site``, before writing any.
    """
    for item in items:
        _check(item)
    result = StoreResult()
    for chunk in _chunks(items, CHUNK):
        _store_chunk(session, chunk, result)
    return result


def json_safe(value: Any) -> Any:
    """``value`` made storable as JSON on every backend (Scrapy stats hold datetimes)."""
    if isinstance(value, Mapping):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # PostgreSQL's JSON rejects NaN and Infinity
    if value is None or isinstance(value, str | int | float):
        return value
    return str(value)


def start_run(session: Session, spider: str, archive_url: str, started_at: str) -> int:
    """Record a crawl run as "running" and return its id (flushed, not committed)."""
    run = CrawlRun(
        spider=spider,
        started_at=started_at,
        status="running",
        stats={},
        archive_url=mask_url(archive_url),
    )
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session,
    run_id: int,
    *,
    status: str,
    finished_at: str,
    stats: Mapping[str, Any],
) -> None:
    """Close a crawl run's record with its final status and JSON-safe stats."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}; expected one of {sorted(RUN_STATUSES)}")
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise ArchiveError(f"no crawl run with id {run_id}")
    run.status = status
    run.finished_at = finished_at
    run.stats = json_safe(stats)
