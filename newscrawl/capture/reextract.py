"""Re-extraction: today's extractor over the captured pages, no network.

``newsarchive reextract`` runs here. Where the command lives: the
``newsarchive`` CLI (:mod:`archive.commands.captures`) registers it and imports
this module only when it runs, because re-extraction needs newscrawl's
extractor and the ``archive`` package imports neither Scrapy nor newscrawl
(the archive stays a library of its own; ``newsarchive`` works without
newscrawl's extraction for everything else). This module imports no Scrapy
either: it goes the crawl's own way from bytes to a stored item without the
engine.

Each article with captures is read again exactly as the crawl read it:
page 1 through :func:`~newscrawl.pages.extraction.extract_page` (normalized, with
the stored fetch time as "now"), its later pages as the page object reads them
merged by :func:`~newscrawl.pages.extraction.merge_page`, a counter endpoint's
answer by :func:`~newscrawl.pages.extraction.apply_counter`. Where the result differs from
what is stored, it is stored through :func:`archive.store_articles` with
``refetch=False`` (no popularity observation, the gone state stands): a
changed title, body or sections keeps the stored content as a version, as
any changed fetch does, and the archive's rules hold (a value the new
extraction misses does not erase the stored one).

What is compared: every contract key but ``fetched_at``; sidebar links by
box, URL, title as shown and date as shown (the archive settles their years
and completes cut titles itself, from other articles).

Bad captures (a missing file, a record cut short or corrupt, a record of
another page or another site's page, a page that no longer reads as an
article) are reported one line each through ``on_problem``; the article
keeps what is stored and the rest goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from archive import store_articles
from archive.captures import Capture, CaptureError, read_capture, same_site
from archive.contract import ARTICLE_KEYS
from archive.export import iter_export
from archive.filters import ArticleFilters
from archive.models import Article as ArticleRow
from newscrawl.items import Article
from newscrawl.normalize.dates import DEFAULT_TZ
from newscrawl.pages.extraction import apply_counter, extract_page, merge_page

#: Keys compared between the stored article and the new extraction.
COMPARED_KEYS = tuple(key for key in ARTICLE_KEYS if key != "fetched_at")
#: Changed articles stored per transaction.
BATCH = 200


@dataclass
class Change:
    """One article whose re-extraction differs: ``fields`` maps key -> (stored, new)."""

    article_id: int
    url: str
    fields: dict[str, tuple[Any, Any]]


@dataclass
class Summary:
    articles: int = 0  # articles with captures looked at
    changed: int = 0
    unchanged: int = 0
    problems: int = 0
    stored: dict[str, int] = field(default_factory=dict)  # new/updated/unchanged counts


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _sidebar_key(links: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    return [(link["box"], link["url"], link["date_raw"]) for link in links]


def changes(stored: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Per key, (stored, new) where the new extraction would change the archive."""
    found: dict[str, tuple[Any, Any]] = {}
    for key in COMPARED_KEYS:
        before, after = stored.get(key), new.get(key)
        if _empty(after):
            continue  # the archive keeps a stored value the new extraction misses
        if key == "sidebar":
            if _sidebar_key(before or []) == _sidebar_key(after or []):
                continue
        elif before == after:
            continue
        found[key] = (before, after)
    return found


def read_again(
    stored: Mapping[str, Any],
    captures: Sequence[Capture],
    base: Path,
    folders: Sequence[Path],
    tz: str,
) -> Article:
    """The article its captures give today; raises :class:`CaptureError`."""
    pages = [capture for capture in captures if capture.role == "page"]
    if not pages:
        raise CaptureError("no captured page")
    fetched_at = stored.get("fetched_at") or pages[0].date
    read = []
    for capture in captures:
        page = read_capture(capture, base, folders)
        if not same_site(page.url, str(stored["site"])):
            raise CaptureError(
                f"capture of another site's page: {capture.file} at offset {capture.offset} "
                f"holds {page.url}"
            )
        read.append((capture, page))
    first = read[0][1]
    result = extract_page(first.url, first.body, first.content_type, fetched_at, tz)
    item = result.item
    if item is None:
        raise CaptureError(f"captured page no longer reads as an article: {first.url}")
    for capture, page in read[1:]:
        if capture.role == "counter":
            apply_counter(item, page.body.decode("utf-8", "replace"))
            continue
        more = extract_page(page.url, page.body, page.content_type, fetched_at, tz, normalize=False)
        if more.item is not None:
            merge_page(item, more.item)
    if not item.title:
        raise CaptureError(f"captured page has no title now: {first.url}")
    item.fetched_at = fetched_at
    return item


class Reextraction:
    """One ``reextract`` run over an archive; see the module docstring."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        base: Path,
        folders: Iterable[Path] = (),
        tz: str = DEFAULT_TZ,
        dry_run: bool = False,
        on_change: Callable[[Change], None] = lambda change: None,
        on_problem: Callable[[str], None] = lambda line: None,
        on_progress: Callable[[Summary, int], None] = lambda summary, total: None,
    ) -> None:
        self.sessions = sessions
        self.base = base
        self.folders = list(folders)
        self.tz = tz
        self.dry_run = dry_run
        self.on_change = on_change
        self.on_problem = on_problem
        self.on_progress = on_progress
        self.summary = Summary()
        self._pending: list[dict[str, Any]] = []

    def count(self, filters: ArticleFilters) -> int:
        """How many articles :meth:`run` will read (for the progress line)."""
        conditions = replace(filters, captured=True).conditions()
        with self.sessions() as session:
            stmt = select(func.count()).select_from(ArticleRow).where(*conditions)
            return session.scalar(stmt) or 0

    def run(self, filters: ArticleFilters) -> Summary:
        total = self.count(filters)
        with self.sessions() as session:
            for stored in iter_export(session, filters, batch_size=500, captured=True):
                self._one(stored)
                self.on_progress(self.summary, total)
        self._flush()
        return self.summary

    def _one(self, stored: dict[str, Any]) -> None:
        summary = self.summary
        summary.articles += 1
        label = f"article {stored['id']} ({stored['url']})"
        try:
            captures = [Capture.from_json(entry) for entry in stored["captures"] or []]
            item = read_again(stored, captures, self.base, self.folders, self.tz)
        except CaptureError as exc:
            summary.problems += 1
            self.on_problem(f"skipped {label}: {exc}")
            return
        except (KeyError, TypeError, ValueError) as exc:  # a captures entry the archive mangled
            summary.problems += 1
            self.on_problem(f"skipped {label}: unreadable captures entry: {exc}")
            return
        data = item.to_dict()
        found = changes(stored, data)
        if not found:
            summary.unchanged += 1
            return
        summary.changed += 1
        self.on_change(Change(int(stored["id"]), str(stored["url"]), found))
        if not self.dry_run:
            self._pending.append({**data, "captures": stored["captures"]})
            if len(self._pending) >= BATCH:
                self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        with self.sessions.begin() as session:
            result = store_articles(session, batch, refetch=False)
        for key in ("new", "updated", "unchanged"):
            self.summary.stored[key] = self.summary.stored.get(key, 0) + getattr(result, key)
