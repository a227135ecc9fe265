"""A parsed page as every page object reads it: the tree, parsed once, its elements
by tag from one walk, its CMS family with that family's hints, and its metadata.

:class:`~newscrawl.pages.base.ArticlePage` reads the article's fields on top
of it; :class:`~newscrawl.pages.listing.ListingPage` shares its tree and
element index, so each page is parsed and walked once.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import cached_property
from typing import Any

from newscrawl.pages import metadata
from newscrawl.pages.dom import Element, collect, find_all, has_text, parse_html
from newscrawl.pages.families import Family, asset_addresses, detect_family
from newscrawl.pages.owntext import OwnText

#: The tags the page object looks up, gathered in one walk of the tree (``dom.collect``).
_INDEXED = {
    "a": ("a",),
    "base": ("base",),
    "headings": ("h1", "h2", "h3", "h4", "h5", "h6"),
    "landmarks": ("header", "footer"),
    "link": ("link",),
    "meta": ("meta",),
    "script": ("script",),
    "time": ("time",),
}


class PageDocument:
    """One page's parsed tree, element index, CMS family and metadata, each read once."""

    def __init__(
        self,
        url: str,
        html: str,
        *,
        fetched_at: str | None = None,
        utf8: bytes | None = None,
        family: Family | None = None,
    ) -> None:
        """``utf8``: ``html``'s UTF-8 bytes when the caller has them (the response's own,
        :class:`newscrawl.pages.encoding.DecodedPage`), parsed as they are. ``family``: read
        the page as this CMS family (``GENERIC``: by the generic chains alone);
        by default the family the page shows (:func:`detect_family`)."""
        self.url = url
        self.html = html
        self.fetched_at = fetched_at
        self.utf8 = utf8
        self._family = family
        #: The last own-text index of part of the page, with that part (``_labelled_within``).
        self._part_own_text: tuple[Element, OwnText] | None = None

    @cached_property
    def root(self) -> Element:
        """The parsed document (shared with ``ListingPage`` so each page is parsed once)."""
        return parse_html(self.html, self.utf8)

    @cached_property
    def _own_text(self) -> OwnText:
        """Every element's own text, searched for the date line's labels (and, once
        built, for the counter and byline labels too)."""
        return OwnText(self.root)

    def _labelled_within(
        self, pattern: re.Pattern[str], scope: Element, *, ignore: Collection[str] = ()
    ) -> list[Element]:
        """:meth:`OwnText.elements` of ``pattern`` within ``scope``, from the cheapest index.

        The page's whole index when the date line's search built it; else an
        index of ``scope`` alone, kept for the next question about it. A family's
        hint finds the date line without the whole index, and the counter and
        the bylines are looked for in the article only: on the benchmark's pages
        the article holds a third of the text pieces, and indexing the page's
        menus, sidebars and footer for them cost as much as the lxml parse
        (an index of a part answers as the whole one does: ``tests/pages/
        test_speed_equivalence.py``).
        """
        if "_own_text" in self.__dict__ or scope is self.root:
            index = self._own_text
        else:
            part = self._part_own_text
            if part is None or part[0] is not scope:
                part = self._part_own_text = (scope, OwnText(scope))
            index = part[1]
        return index.elements(pattern, ignore=ignore, within=scope)

    @cached_property
    def elements(self) -> dict[str, list[Element]]:
        """Links, headings, meta, script, time … elements of the page, from one walk (``_INDEXED``)."""
        return collect(self.root, _INDEXED)

    @cached_property
    def profile(self) -> Family:
        """The CMS family the page shows, with its XPath hints (generic: none)."""
        if self._family is not None:
            return self._family
        elements = self.elements
        assets = asset_addresses([*elements["script"], *elements["link"]])
        return detect_family(self.url, self.html, self.root, hrefs=self._hrefs, assets=assets)

    @property
    def family(self) -> str:
        return self.profile.name

    def _hint(self, xpath: str | None, *, min_chars: int = 1) -> Element | None:
        """The first element a family hint selects that has text, else None."""
        if xpath is None:
            return None
        scope = self._hint_scope
        if scope is None:
            return None
        for el in find_all(scope, xpath):
            if has_text(el, min_chars):
                return el
        return None

    @cached_property
    def _hint_scope(self) -> Element | None:
        """Where hints are read: the family's container (None if the page has none), else
        the root."""
        if self.profile.container is None:
            return self.root
        found = find_all(self.root, self.profile.container)
        return found[0] if found else None

    # -- metadata ----------------------------------------------------------

    @cached_property
    def _metas(self) -> dict[str, str]:
        """Every ``<meta>`` value by name, read once (title and date both look there)."""
        return metadata.meta_values(self.elements["meta"])

    @cached_property
    def _document_title(self) -> str | None:
        return metadata.full_document_title(self.root)

    @cached_property
    def _jsonld(self) -> dict[str, Any]:
        return metadata.jsonld_article(self.elements["script"])

    @cached_property
    def _structured_date(self) -> str | None:
        """The machine-readable date; asked up to three times a page.

        In order: publication meta tags, JSON-LD ``datePublished``, ``<time>``,
        a time a script assigns (``pubtime:'…'``), a modification meta tag,
        the day the URL names.
        """
        value = (
            metadata.first_meta(self._metas, metadata.DATE_META_NAMES)
            or self._jsonld.get("datePublished")
            or metadata.time_element(self.elements["time"])
            or metadata.script_date(self.elements["script"], self.root, self.html)
            or metadata.first_meta(self._metas, metadata.MODIFIED_META_NAMES)
            or metadata.url_date(self.url)
        )
        return value if isinstance(value, str) else None

    @cached_property
    def _hrefs(self) -> list[str]:
        """Every link's ``href``, in page order (family detection and the article's pages
        read them all), from the links the page's one walk found: an XPath over the
        tree again cost twice as much."""
        return [href for a in self.elements["a"] if (href := a.get("href")) is not None]
