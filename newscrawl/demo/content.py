"""The demo site's content: articles, channels and the rules a PHPMyWind site applies.

The articles live in ``data/articles.json`` (our own writing) so that the HTML
renderers and the expected-output generator read one source of truth: a test
can then compare what a crawler archived with what the site *meant* to say,
without ever parsing the HTML itself.

Paragraph strings are the raw editor text (they may hold a zero-width space or
doubled spaces, as pasted text does); :func:`clean_text` gives what a careful
extractor should keep.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

#: How many characters of width a sidebar link shows before it is cut.
SIDEBAR_WIDTH = 15
#: Articles per list page (PHPMyWind's default page size on this template).
LIST_PAGE_SIZE = 10
#: The newest-articles box and the most-viewed box beside every page.
NEWEST_COUNT = 8
HOT_COUNT = 5

_SPACES = re.compile(r"\s+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def clean_text(text: str) -> str:
    """Text as an extractor should keep it: zero-width removed, whitespace collapsed."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", text)).strip()


def char_width(char: str) -> float:
    """Width units of one character: ASCII 0.5, everything else (CJK, full-width) 1."""
    return 0.5 if ord(char) < 0x80 else 1.0


def text_width(text: str) -> float:
    """Sum of :func:`char_width` over ``text``."""
    return sum(char_width(c) for c in text)


def truncate_title(title: str, limit: float = SIDEBAR_WIDTH) -> tuple[str, bool]:
    """The visible link text of a sidebar entry and whether it was cut.

    The template keeps the whole title when it fits in ``limit`` width units;
    otherwise it keeps the longest prefix of width <= ``limit`` and appends
    ``...`` (which is why the full title is only in ``a/@title``).
    """
    if text_width(title) <= limit:
        return title, False
    width = 0.0
    cut = 0
    for index, char in enumerate(title):
        width += char_width(char)
        if width > limit:
            break
        cut = index + 1
    return title[:cut] + "...", True


@dataclass(frozen=True)
class DemoSection:
    """A headed part of an article (raw editor text)."""

    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class DemoPage:
    """What one page of an article shows inside its body."""

    lead: tuple[str, ...]
    sections: tuple[DemoSection, ...]


@dataclass(frozen=True)
class Channel:
    """A column of the site (``cid``), with the English word the template prints."""

    cid: int
    name: str
    en: str


@dataclass(frozen=True)
class DemoArticle:
    """One article plus the rendering quirks its editor left in the HTML.

    ``colon`` ("full" or "ascii") picks the colon of the labels, ``heading_style``
    ("strong", "plain", "h3") how headings are marked up, ``indent`` ("ideo",
    "nbsp" or None) how paragraphs are indented, ``features`` extra markup
    (``image``, ``span``, ``spacer``). ``continuation`` and ``page2_sections``
    hold page 2 of a two-page article.
    """

    id: int
    cid: int
    title: str
    published: str
    base_views: int
    author: str | None
    colon: str
    heading_style: str
    indent: str | None
    features: frozenset[str]
    lead: tuple[str, ...]
    sections: tuple[DemoSection, ...]
    continuation: tuple[str, ...] = ()
    page2_sections: tuple[DemoSection, ...] = ()
    #: 来源: only the DedeCMS theme prints it (PHPMyWind's template has no field).
    source: str | None = None

    @property
    def colon_char(self) -> str:
        return ":" if self.colon == "ascii" else "："

    @property
    def published_dt(self) -> datetime:
        return datetime.strptime(self.published, "%Y-%m-%d %H:%M:%S")

    @property
    def date(self) -> str:
        """``YYYY-MM-DD``, as list pages print it."""
        return self.published[:10]

    @property
    def month_day(self) -> str:
        """``MM-DD``, as sidebars print it (no year: the crawler must resolve it)."""
        return self.published[5:10]

    @property
    def page_count(self) -> int:
        return 2 if self.continuation or self.page2_sections else 1

    def page(self, number: int) -> DemoPage:
        """The body of page ``number`` (1-based); page 2 starts mid-section."""
        if number == 2 and self.page_count == 2:
            return DemoPage(lead=self.continuation, sections=self.page2_sections)
        return DemoPage(lead=self.lead, sections=self.sections)

    def merged_sections(self) -> list[tuple[str | None, list[str]]]:
        """All sections across pages, cleaned: the lead (heading None) first.

        Page 2's leading paragraphs continue the last section of page 1, so
        they are appended to it rather than forming a section of their own.
        """
        merged: list[tuple[str | None, list[str]]] = []
        if self.lead:
            merged.append((None, [clean_text(p) for p in self.lead]))
        for section in self.sections:
            merged.append(
                (clean_text(section.heading), [clean_text(p) for p in section.paragraphs])
            )
        if self.continuation:
            merged[-1][1].extend(clean_text(p) for p in self.continuation)
        for section in self.page2_sections:
            merged.append(
                (clean_text(section.heading), [clean_text(p) for p in section.paragraphs])
            )
        return merged

    def summary(self, length: int = 60) -> str:
        """The list-page teaser: the start of the first paragraph."""
        first = clean_text((self.lead or self.sections[0].paragraphs)[0])
        return first if len(first) <= length else first[:length] + "…"


@dataclass
class DemoSite:
    """Everything the site knows, with the orderings its templates use."""

    name: str
    company: str
    icp: str
    channels: list[Channel]
    articles: list[DemoArticle] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Newest first, as every list of this CMS is ordered; id breaks ties.
        self.articles.sort(key=lambda a: (a.published, a.id), reverse=True)
        self._by_id = {a.id: a for a in self.articles}

    def article(self, article_id: int) -> DemoArticle | None:
        return self._by_id.get(article_id)

    def channel(self, cid: int) -> Channel | None:
        return next((c for c in self.channels if c.cid == cid), None)

    def in_channel(self, cid: int) -> list[DemoArticle]:
        """The channel's articles, newest first."""
        return [a for a in self.articles if a.cid == cid]

    def list_page_count(self, cid: int) -> int:
        count = len(self.in_channel(cid))
        return max(1, -(-count // LIST_PAGE_SIZE))

    def list_page(self, cid: int, page: int) -> list[DemoArticle]:
        start = (page - 1) * LIST_PAGE_SIZE
        return self.in_channel(cid)[start : start + LIST_PAGE_SIZE]

    def newest(self, count: int = NEWEST_COUNT) -> list[DemoArticle]:
        return self.articles[:count]

    def hottest(self, count: int = HOT_COUNT) -> list[DemoArticle]:
        """Most viewed by the stored base count (a cached ranking, so pages stay stable)."""
        return sorted(self.articles, key=lambda a: (-a.base_views, a.id))[:count]

    def neighbours(self, article: DemoArticle) -> tuple[DemoArticle | None, DemoArticle | None]:
        """(上一篇 = next older, 下一篇 = next newer) in the same channel."""
        same = self.in_channel(article.cid)
        index = same.index(article)
        older = same[index + 1] if index + 1 < len(same) else None
        newer = same[index - 1] if index > 0 else None
        return older, newer

    def sidebar_boxes(self) -> list[tuple[Channel, list[DemoArticle]]]:
        """The link boxes beside every page: (heading, links) in page order."""
        return [
            (Channel(0, "新闻资讯", "News"), self.newest()),
            (Channel(0, "热门文章", "Hot"), self.hottest()),
        ]


def _section(raw: dict[str, Any]) -> DemoSection:
    return DemoSection(heading=raw["heading"], paragraphs=tuple(raw["paragraphs"]))


def _article(raw: dict[str, Any]) -> DemoArticle:
    page2 = raw.get("page2") or {}
    return DemoArticle(
        id=int(raw["id"]),
        cid=int(raw["cid"]),
        title=raw["title"],
        published=raw["published"],
        base_views=int(raw["base_views"]),
        author=raw.get("author"),
        colon=raw.get("colon", "full"),
        heading_style=raw.get("heading_style", "strong"),
        indent=raw.get("indent"),
        features=frozenset(raw.get("features", ())),
        lead=tuple(raw.get("lead", ())),
        sections=tuple(_section(s) for s in raw["sections"]),
        continuation=tuple(page2.get("continuation", ())),
        page2_sections=tuple(_section(s) for s in page2.get("sections", ())),
        source=raw.get("source"),
    )


@cache
def load_site() -> DemoSite:
    """Read the bundled content once (package data, so it works from a wheel too)."""
    text = resources.files("newscrawl.demo").joinpath("data/articles.json").read_text("utf-8")
    raw = json.loads(text)
    return DemoSite(
        name=raw["site"]["name"],
        company=raw["site"]["company"],
        icp=raw["site"]["icp"],
        channels=[Channel(c["cid"], c["name"], c["en"]) for c in raw["channels"]],
        articles=[_article(a) for a in raw["articles"]],
    )
