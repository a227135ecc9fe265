"""Navigation pages (home, channel lists): which links lead to articles and lists.

The spider follows what this page object reports and never looks at HTML
itself. Links are classified by URL shape (``newscrawl.urls``) and by the
pager's labels (下一页 / 已是最后一页), not by a template's class names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from newscrawl import urls
from newscrawl.normalize import clean_text
from newscrawl.pages.dom import Element, collect, parse_html, text_of
from newscrawl.pages.labels import LAST_PAGE_MARKERS, NEXT_PAGE_TEXTS, PAGER_MARKS, TITLE_MARKS

#: The elements ``links`` reads (an article page's ``elements`` include them).
_INDEXED = {"a": ("a",), "base": ("base",)}


#: Whether a text holds a pager mark: one regex search, run for every link of every page.
_has_pager_mark = re.compile("|".join(map(re.escape, PAGER_MARKS))).search
#: Whether a link title may be a pager label (cleaning never adds these characters).
_has_title_mark = re.compile("|".join(map(re.escape, TITLE_MARKS))).search


@dataclass
class Links:
    """Followable links of one page, canonical and without duplicates, in page order."""

    articles: list[str] = field(default_factory=list)
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
        for a in self.elements["a"]:
            href = (a.get("href") or "").strip()
            title = a.get("title") or ""
            # Pager labels all contain 页 or 頁; other links skip the text work.
            text = (
                text_of(a)
                if _has_pager_mark(title)
                or _has_pager_mark(a.text or "")
                or (len(a) and _has_pager_mark(text_of(a)))
                else ""
            )
            text = (clean_text(text) or "") if text else ""
            # Titles are only compared with the pager labels: most are not cleaned.
            title = (clean_text(title) or "") if title and _has_title_mark(title) else ""
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
            absolute, target, is_article = route
            if is_next and found.next_page is None:
                found.next_page = urls.canonical_url(absolute)
            if target is not None and target not in seen:
                seen.add(target)
                (found.articles if is_article else found.listings).append(target)
        return found


class _Route(NamedTuple):
    """Where a followable link leads: its absolute URL, and the article (first page)
    or list URL to request, None for links that are neither."""

    absolute: str
    target: str | None
    is_article: bool


@lru_cache(maxsize=16384)
def _route(absolute: str) -> _Route | None:
    """The :class:`_Route` of an absolute URL, None if it is not followable.

    Cached: the site's menus and boxes link the same URLs from every page.
    Each step is cached already, but five lookups and a tuple cost seven
    times one lookup (1.9 against 0.26 us a link on the benchmark's pages).
    """
    if not urls.is_followable(absolute):
        return None
    if urls.looks_like_article(absolute):
        return _Route(absolute, urls.first_page_url(absolute), True)
    if urls.looks_like_listing(absolute):
        return _Route(absolute, urls.canonical_url(absolute), False)
    return _Route(absolute, None, False)
