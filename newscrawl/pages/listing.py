"""Navigation pages (home, channel lists): which links lead to articles and lists.

The spider follows what this page object reports and never looks at HTML
itself. Every followable link that no clear non-content signal excludes
(``newscrawl.crawl.roles.excluded``: login, member, search, feeds, tags,
calendars, files) is reported. Which are article-like is a hint, from the URL
shape when ``newscrawl.crawl.urls`` knows it, else from the link: a text or title as
wide as a headline (``roles.headline_like``) makes an article candidate, a
short one (menus, pagers, "more") a list candidate. The pager's labels
(下一页 / 已是最后一页) mark the next and the last page, not a template's class
names. The spider refines the hints with what the crawl has learned, and the
fetched page's content decides what it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from newscrawl.crawl import urls
from newscrawl.crawl.roles import excluded, headline_like
from newscrawl.normalize.text import clean_text
from newscrawl.pages.dom import Element, collect, parse_html, text_of
from newscrawl.pages.labels import LAST_PAGE_MARKERS, NEXT_PAGE_TEXTS, PAGER_MARKS, TITLE_MARKS

#: The pager marks, tested with ``in`` in the loop over every link (no call a link).
_PAGE, _PAGE_TRADITIONAL = PAGER_MARKS

#: The elements ``links`` reads (an article page's ``elements`` include them).
_INDEXED = {"a": ("a",), "base": ("base",)}


#: Whether a link title may be a pager label (cleaning never adds these characters).
_has_title_mark = re.compile("|".join(map(re.escape, TITLE_MARKS))).search


@dataclass
class Links:
    """Followable links of one page, canonical and without duplicates, in page order.

    Both lists are hints, not verdicts: ``articles`` are article candidates
    (an article's URL shape, or a headline-wide link text), ``listings``
    everything else worth following (lists, menus, pagers, pages of unknown
    role); the fetched page's content says what each one was.
    """

    #: Article candidates (an article's first-page URL when the shape is known).
    articles: list[str] = field(default_factory=list)
    #: Every other followed link: channel lists, pagers, menus, pages of unknown role.
    listings: list[str] = field(default_factory=list)
    next_page: str | None = None
    #: True when the pager says this is the last page (下一页 -> javascript:; 已是最后一页).
    last_page: bool = False


class ListingPage:
    """A page whose links lead to articles: the home page, a channel list, an article."""

    def __init__(
        self,
        url: str,
        html: str,
        *,
        root: Element | None = None,
        elements: dict[str, list[Element]] | None = None,
        utf8: bytes | None = None,
    ) -> None:
        self.url = url
        self.html = html
        self.utf8 = utf8  # html's UTF-8 bytes, if the caller has them (see parse_html)
        if root is not None:  # an article page's parsed tree: parse each page once
            self.__dict__["root"] = root
        if elements is not None and _INDEXED.keys() <= elements.keys():
            self.__dict__["elements"] = elements  # and its links, found in its one walk

    @cached_property
    def root(self) -> Element:
        return parse_html(self.html, self.utf8)

    @cached_property
    def elements(self) -> dict[str, list[Element]]:
        """The page's ``<a>`` and ``<base>`` elements, in document order (one walk)."""
        return collect(self.root, _INDEXED)

    def links(self) -> Links:
        found = Links()
        seen: set[str] = set()
        hrefs = (b.get("href") for b in self.elements["base"])
        base = next((href for href in hrefs if href is not None), self.url)
        join = urls.joiner(base)  # once per page, not once per link
        # Pages link the same href again and again (menus in header and footer, a
        # sidebar repeating the list): each is joined and classified once.
        routes: dict[str, _Route | None] = {}
        unknown_short: set[str] = set()  # unknown shapes seen only with short text so far
        for a in self.elements["a"]:
            href = (a.get("href") or "").strip()
            raw_title = a.get("title") or ""
            shown = text_of(a) if len(a) else (a.text or "")
            # Pager labels all contain 页 or 頁; other links skip the text work.
            text = (
                (clean_text(shown) or "")
                if _PAGE in shown
                or _PAGE_TRADITIONAL in shown
                or (raw_title and (_PAGE in raw_title or _PAGE_TRADITIONAL in raw_title))
                else ""
            )
            # Titles are only compared with the pager labels: most are not cleaned.
            title = (
                (clean_text(raw_title) or "") if raw_title and _has_title_mark(raw_title) else ""
            )
            is_next = text in NEXT_PAGE_TEXTS or title in NEXT_PAGE_TEXTS
            if title in LAST_PAGE_MARKERS or (
                is_next and (not href or href.lower().startswith(("javascript:", "#")))
            ):
                found.last_page = True
                continue
            if not href or href.startswith("#"):
                continue
            if href in routes:
                route = routes[href]
            else:
                route = routes[href] = _route(join(href))
            if route is None:
                continue
            absolute, target, kind = route
            if is_next and found.next_page is None:
                found.next_page = urls.canonical_url(absolute)
            if kind == _UNKNOWN:
                # A shape no list names: the link says what it is. Only these
                # links pay for their text (known shapes, most links, do not).
                is_article = headline_like(raw_title) or headline_like(shown)
                if is_article and target in unknown_short:
                    unknown_short.discard(target)  # a headline elsewhere on the page wins
                    found.listings.remove(target)
                    found.articles.append(target)
                elif not is_article and target not in seen:
                    unknown_short.add(target)
            else:
                is_article = kind == _ARTICLE
            if target not in seen:
                seen.add(target)
                (found.articles if is_article else found.listings).append(target)
        return found


#: What a link's URL shape says it is (:class:`_Route`'s ``kind``).
_ARTICLE = "article"
_LISTING = "listing"
_UNKNOWN = "unknown"


class _Route(NamedTuple):
    """Where a followable link leads: its absolute URL, the URL to request (an
    article's first page, or the page without a page-1 marker) and what its
    shape says it is (``_ARTICLE``, ``_LISTING`` or ``_UNKNOWN``)."""

    absolute: str
    target: str
    kind: str


#: A page-1 marker in a query (``&page=1``): the same page as without it.
_PAGE_ONE = re.compile(r"(?:^|[?&])(?:page|pageno|p|pn)=1(?:&|$)", re.IGNORECASE)


@lru_cache(maxsize=urls.URL_CACHE)
def _route(absolute: str) -> _Route | None:
    """The :class:`_Route` of an absolute URL, None if it is not followed at all.

    Cached: the site's menus and boxes link the same URLs from every page.
    Each step is cached already, but five lookups and a tuple cost several
    times one lookup (``benchmarks/EXTRACTION.md`` holds extraction's timing).
    """
    if not urls.is_followable(absolute) or excluded(absolute):
        return None
    if urls.looks_like_article(absolute):
        return _Route(absolute, urls.first_page_url(absolute), _ARTICLE)
    if urls.looks_like_listing(absolute):
        return _Route(absolute, urls.canonical_url(absolute), _LISTING)
    if _PAGE_ONE.search(absolute):
        return _Route(absolute, urls.first_page_url(absolute), _UNKNOWN)
    return _Route(absolute, urls.canonical_url(absolute), _UNKNOWN)
