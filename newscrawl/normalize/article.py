"""Normalize a raw article (a page object's, say) into the Article contract's typed values.

Shared by ``NormalizePipeline`` and ``newscrawl extract`` so that both give the
same JSON. Pure: the fetch time and the site's time zone are inputs.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from newscrawl.items import Article, PageArticle, RawArticle, Section, SidebarLink
from newscrawl.normalize.dates import (
    DEFAULT_TZ,
    parse_cn_datetime,
    to_iso,
)
from newscrawl.normalize.sidebar_dates import resolve_month_day, resolve_sidebar_dates
from newscrawl.normalize.text import clean_text, parse_count
from newscrawl.pages.labels import NEWEST_BOX_WORDS, OLDER_BOX_WORDS

__all__ = [
    "DEFAULT_TZ",
    "fetch_time",
    "normalize_article",
    "published_time",
    "resolve_sidebar_years",
]


def fetch_time(article: RawArticle | Article, tz: str) -> datetime:
    """The article's fetch time as an aware datetime in ``tz`` (now when unknown)."""
    zone = ZoneInfo(tz)
    if article.fetched_at:
        try:
            parsed = datetime.fromisoformat(article.fetched_at)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed.astimezone(zone) if parsed.tzinfo else parsed.replace(tzinfo=zone)
    return datetime.now(zone)


def _clean_sections(sections: list[Section]) -> list[Section]:
    cleaned: list[Section] = []
    for section in sections:
        paragraphs = [p for p in (clean_text(x) for x in section.paragraphs) if p]
        heading = clean_text(section.heading)
        if paragraphs or heading:
            cleaned.append(Section(heading=heading, paragraphs=paragraphs))
    return cleaned


def _clean_links(sidebar: list[SidebarLink], *, clean: bool = True) -> list[SidebarLink]:
    """Copies with clean titles and box names (the year pass then fills ``date`` in place).

    Each box name is cleaned once, not once per link; copies are built from
    ``vars`` rather than ``dataclasses.replace``, which looks up the fields on
    every call (``benchmarks/EXTRACTION.md`` holds normalization's timing). ``clean=False``: copies only (the
    texts are clean already).
    """
    if not clean:
        return [SidebarLink(**vars(link)) for link in sidebar]
    boxes: dict[str | None, str | None] = {}
    cleaned = []
    for link in sidebar:
        if link.box not in boxes:
            boxes[link.box] = clean_text(link.box)
        title = clean_text(link.title) or link.title
        cleaned.append(SidebarLink(**{**vars(link), "title": title, "box": boxes[link.box]}))
    return cleaned


def _box_kind(box: str | None) -> str:
    name = box or ""
    if any(word in name for word in OLDER_BOX_WORDS):
        return "older"
    if any(word in name for word in NEWEST_BOX_WORDS):
        return "newest"
    return "other"


_SELF_DATED = re.compile(r"(?=[\d前刚剛昨今])(?:\d{4}|前|刚刚|剛剛|昨天|前天|今天)")


def resolve_sidebar_years(
    sidebar: list[SidebarLink], *, now: datetime, published: date | None, tz: str = DEFAULT_TZ
) -> None:
    """Give each ``MM-DD`` a year (in place); the archive later settles it exactly.

    - A *newest* box (最新 资讯 动态 …) lists the site's latest articles, newest
      first, so its first date is read against the fetch date and each next
      one against the one above it.
    - The newest date the page shows (that box's top, or the article's own
      date) is the site's "now"; *other* boxes (热门 …) are read against it,
      each on its own since they are not sorted by date.
    - A *related/previous* box lists older articles: read against the
      article's date.
    Full dates (2008-06-11) and relative ones (5小时前, 昨天) need no year: they
    are read as they are, against the fetch time. No date is ever put after
    the fetch date.
    """
    fetched = now.date()
    boxes: dict[str | None, list[SidebarLink]] = {}
    for link in sidebar:
        if link.date_raw and _SELF_DATED.search(link.date_raw):
            moment = parse_cn_datetime(link.date_raw, now=now, tz=tz)
            link.date = moment.date().isoformat() if moment else None
            continue
        boxes.setdefault(link.box, []).append(link)
    site_now = published or fetched
    kinds = {box: _box_kind(box) for box in boxes}
    for box, links in boxes.items():
        if kinds[box] == "newest":
            days = resolve_sidebar_dates([link.date_raw for link in links], anchor=fetched)
            for link, resolved in zip(links, days, strict=True):
                link.date = resolved.isoformat() if resolved else None
            site_now = max([site_now, *(d for d in days if d)])
    for box, links in boxes.items():
        kind = kinds[box]
        if kind == "newest":
            continue
        anchor = (published or fetched) if kind == "older" else min(site_now, fetched)
        for link in links:
            day = (
                resolve_month_day(link.date_raw, anchor=anchor, not_after=fetched)
                if link.date_raw
                else None
            )
            link.date = day.isoformat() if day else None


_SHOWS_TIME = re.compile(r"\d{1,2}[:：]\d{2}")
_SHOWS_YEAR = re.compile(r"\d{4}|\d{2}年")
_RELATIVE = re.compile(r"前|刚|剛|今天|今日|昨|前天")
_ONE_DAY = timedelta(days=1)
_DAYS_OR_LONGER = re.compile(r"[天日周週月年]")


def _has_time(text: str) -> bool:
    """The date text gives a time of day: ``15:38``, ``3小时前``, ``刚刚`` (not ``昨天``, ``3天前``)."""
    if _SHOWS_TIME.search(text):
        return True
    return _RELATIVE.search(text) is not None and _DAYS_OR_LONGER.search(text) is None


def published_time(article: RawArticle, now: datetime, tz: str) -> tuple[datetime | None, bool]:
    """The date as shown, completed from the page's machine-readable time; and whether it
    has a time of day (False: only the day is known).

    ``published_hint`` is the page's machine-readable time (meta tags, JSON-LD,
    ``<time>``, a script's ``pubtime``, the URL's day). The text shown wins whenever it has its own time or names another day;
    the hint fills in what the text leaves out:

    - no year (``10-08 12:00``): the year comes from the hint, never from the
      clock (a 2022 article read in 2026 is not a 2026 article);
    - only the day: the hint's time, when the hint falls on that day;
    - a relative date (``3小时前``, ``昨天``) with a hint: the hint, which is exact.
    """
    raw = article.published_raw or ""
    hint_text = article.published_hint
    hint = parse_cn_datetime(hint_text, now=now, tz=tz) if hint_text else None
    hint_has_time = hint is not None and _has_time(hint_text or "")
    if raw and hint is not None and not _SHOWS_YEAR.search(raw):
        if _RELATIVE.search(raw):
            return hint, hint_has_time
        # Read the month and day in the hint's year: the latest such day up to the hint's.
        shown = parse_cn_datetime(raw, now=hint + _ONE_DAY, tz=tz)
    else:
        shown = parse_cn_datetime(raw, now=now, tz=tz) if raw else None
    if shown is None:
        return hint, hint_has_time
    shows_time = _has_time(raw)
    if hint is not None and hint.date() == shown.date() and not shows_time:
        return hint, hint_has_time
    return shown, shows_time


#: The texts of a raw article besides its sections and sidebar (cleaned unless clean already).
_TEXT_FIELDS = ("title", "published_raw", "author", "source", "editor", "views_raw")


def normalize_article(raw: RawArticle, *, tz: str = DEFAULT_TZ) -> Article:
    """The Article: typed dates and counts, clean text, sidebar years; raw values kept beside.

    Pure: ``raw`` is not changed (its sidebar links are copied before their
    years are filled in). A :class:`~newscrawl.items.PageArticle` (a page
    object's result) has its texts clean already, so they are not cleaned
    again: cleaning is most of normalization's work (``benchmarks/EXTRACTION.md``
    holds its timing; ``tests/pages/test_page_fuzz.py`` checks that both ways agree on fixture pages
    with dirt put into their text). Any other raw article has every text cleaned.
    """
    now = fetch_time(raw, tz)
    published, has_time = published_time(raw, now, tz)
    views = raw.views if raw.views is not None else parse_count(raw.views_raw)
    texts: dict[str, Any]
    if isinstance(raw, PageArticle):
        texts = {name: getattr(raw, name) for name in _TEXT_FIELDS}
        sections, body = raw.sections, raw.body
        sidebar = _clean_links(raw.sidebar, clean=False)
    else:
        texts = {name: clean_text(getattr(raw, name)) for name in _TEXT_FIELDS}
        sections = _clean_sections(raw.sections)
        body = "\n".join(p for s in sections for p in s.paragraphs)
        sidebar = _clean_links(raw.sidebar)
    resolve_sidebar_years(
        sidebar, now=now, published=published.date() if published else None, tz=tz
    )
    # A date shown to the day stays a day (the contract's YYYY-MM-DD): no invented 00:00.
    at = to_iso(published) if has_time or published is None else published.date().isoformat()
    return Article(
        url=raw.url,
        site=raw.site,
        cms_id=raw.cms_id,
        channel=raw.channel,
        published_at=at,
        views=views,
        views_source=raw.views_source,
        sections=sections,
        body=body,
        sidebar=sidebar,
        fetched_at=raw.fetched_at or to_iso(now),
        **texts,
    )
