"""The generic article page object: (url, html) -> PageArticle, with no I/O.

It finds each field the way a reader does, so it works on templates it has
never seen (class names and wrappers differ between sites, labels do not).
Each field is an ordered chain; the first link that answers wins:

- *meta line*: the first short element outside page chrome whose own text
  has a date or byline label (日期 时间 发布时间 来源 作者 点击 …) and whose
  text holds a date; not a header's "today" line (今天是… 星期五);
- *title*: the best heading (h1–h3, ``*title*`` elements) scored against
  ``<title>``/og:title and its nearness to the meta line; then og:title;
  then ``<title>`` without its site suffix;
- *published*: the meta line; meta tags (article:published_time …);
  JSON-LD datePublished; ``<time datetime>``; never the header or a sidebar;
- *author* and *source*: labelled bylines (作者/记者/文 vs 来源), in the meta
  line, then near the article; JSON-LD Person author; never 编辑/责任编辑;
- *views*: a labelled counter; an empty counter filled by a script is
  reported as ``script`` and its endpoint kept for the spider;
- *body*: the block after the meta line with the most text, else the
  densest paragraph container; split into sections by ``blocks``;
- *sidebar*: headed article-link boxes outside the body (``sidebar``).

CMS family subclasses override single methods. Everything returns clean text
as shown (a :class:`~newscrawl.items.PageArticle`); ``newscrawl.normalize.article``
turns it into typed values.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from functools import cached_property
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from newscrawl.crawl import urls
from newscrawl.items import PageArticle, Section, SidebarLink, ViewsSource
from newscrawl.normalize.text import clean_text
from newscrawl.pages import labels, metadata
from newscrawl.pages.blocks import Block, body_blocks, body_text, is_boilerplate, to_sections
from newscrawl.pages.bylines import (
    Credits,
    closing_name,
    is_credit_line,
    is_name,
    is_name_shaped_account,
    read_credits,
    split_names,
)
from newscrawl.pages.content import best_content, looks_like_list
from newscrawl.pages.dom import (
    Element,
    collect,
    find_all,
    has_text,
    parse_html,
    strings,
    text_of,
)
from newscrawl.pages.families import Family, asset_addresses, detect_family
from newscrawl.pages.owntext import OwnText
from newscrawl.pages.pager import hrefs_to_pages
from newscrawl.pages.sidebar import sidebar_links

_HREFS = etree.XPath("//a/@href", smart_strings=False)
# Page chrome: a <header> inside <article> or <main> is the article's own header.
_IN_CHROME = etree.XPath(
    "ancestor-or-self::*[(self::header or self::nav or self::footer)"
    " and not(ancestor::article) and not(ancestor::main)] | ancestor-or-self::a"
)
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
_META_LABELS = (
    *labels.DATE_LABELS, *labels.SOURCE_LABELS, "作者", "記者", "点击", "點擊", "人气", "浏览", "阅读",
)  # fmt: skip


_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Elements whose text is never the date line, or a byline.
_NO_META_LINE = frozenset(("script", "style", "title", "option"))
_NO_BYLINE = frozenset(("script", "style"))
_HEADING_WEIGHT = {"h1": 3.0, "h2": 2.5, "h3": 2.0, "h4": 1.5, "h5": 1.5, "h6": 1.0}
_META_LABEL_RE = re.compile("(?:" + "|".join(_META_LABELS) + ")")
_ANY_BYLINE_LABEL = re.compile(
    "(?:" + "|".join((*labels.AUTHOR_LABELS, *labels.SOURCE_LABELS)) + r")\s*[：:]"
)
_MIN_BODY_CHARS = 20
#: Characters of prose an article without a date line shows at least.
_MIN_UNDATED_BODY = 120
_COLON_SPACES = re.compile(r"\s*([：:])\s*")
# A date that stands on its own: it names the year, or is relative (3小时前, 昨天).
_DATED = re.compile(r"\d{4}|前|刚刚|剛剛|昨天|前天|今天")
_MAX_META_CHARS = 300
#: A line this short beside the date line may be a byline without a label.
_MAX_CREDIT_LINE = 40
#: A self-media account's name: short, no sentence marks, no digits only.
_ACCOUNT_NAME = re.compile(r"^[\w\u4e00-\u9fff·\-]{2,16}$")
#: Characters of text after the headline within which its date line is looked for.
_DATE_WINDOW = 400
#: An element's own text longer than this is a paragraph, never the date line.
_MAX_DATE_TEXT = 120
#: A date line longer than this must put its date right after a date label.
_LONG_META_LINE = 80
#: An element named as a read count, whose text is the number (not a comment count).
_COUNT_NAME = re.compile(
    r"view_?count|views?[-_]?num|read_?count|read[-_]?num|click_?count|hits?(?:\b|_)|pv_?count",
    re.IGNORECASE,
)
#: An eye icon (font icon classes) printed before a read count.
_EYE_ICON = re.compile(r"(?:^|[\s-])(?:fa-eye|icon-eye|eye)(?:\s|$)")


@functools.lru_cache(maxsize=4096)
def _names_author(names: str) -> bool:
    """A class/id naming the author (not "authority", "authorize"); memoized per template."""
    lowered = names.lower()
    return "author" in lowered and "authori" not in lowered


@functools.lru_cache(maxsize=4096)
def _count_kind(names: str) -> str | None:
    """ "count" for a class/id naming a read count, "eye" for an eye icon (memoized: a
    template repeats its class names)."""
    if _COUNT_NAME.search(names):
        return "count"
    return "eye" if _EYE_ICON.search(names) else None


_LABELLED_DATE = re.compile(
    labels.DATE_LABEL_RE.pattern + r"\s*[\[【(（]?\s*" + labels.DATE_TEXT.pattern
)


_VISIBLE_TEXT = etree.XPath(
    "descendant::text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False
)


def _visible_text(el: Element) -> str:
    """The text a reader sees in ``el``, pieces joined by spaces, scripts and styles left out."""
    pieces = _VISIBLE_TEXT(el)
    return clean_text(" ".join(str(p) for p in pieces) if isinstance(pieces, list) else "") or ""


def _own_text(el: Element) -> str:
    """An element's own text: its text and its children's tails."""
    parts = [el.text or ""]
    parts.extend(child.tail or "" for child in el)
    return "".join(parts).strip()


def _following(start: Element) -> Iterator[Element]:
    """``start``, its descendants, then every element after it, in document order."""
    yield from start.iter()
    node: Element | None = start
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter()
        node = node.getparent()


def _text(el: Element, *, skip: Element | None = None, sep: str = "") -> str:
    """An element's text as shown (tags add no spaces), without the subtree ``skip``.

    ``sep=" "`` keeps the words of separate elements apart, for bylines where
    ``<span>来源：本站</span><span>3小时前</span>`` must not run together.
    """
    if skip is not None and skip is not el and el not in skip.iterancestors():
        skip = None  # the usual case: nothing to leave out, so no walk
    if skip is None:
        joined = sep.join(str(t) for t in el.itertext()) if sep else text_of(el)
        return clean_text(joined) or ""
    parts: list[str] = []

    def walk(node: Element) -> None:
        if node is skip:
            return
        if isinstance(node.tag, str) and node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return clean_text("".join(parts)) or ""


def _titled(scope: Element) -> list[Element]:
    """Elements below ``scope`` classed or named as a title (``*title*``, ``tit``, ``bt``).

    The XPath ``.//*[contains(@class,'title') or …]`` in Python: libxml2's
    ``contains`` on attributes made that XPath four times slower than this loop.
    """
    found = []
    for el in scope.iterdescendants(etree.Element):
        cls = el.get("class")
        if cls is not None and ("title" in cls or "Title" in cls or cls in ("tit", "bt")):
            found.append(el)
            continue
        ident = el.get("id")
        if ident is not None and "title" in ident:
            found.append(el)
    return found


def _heading_before(line: Element) -> Element | None:
    """The nearest h1–h3 before ``line`` in the document, not around it.

    XPath ``preceding::*[self::h1 or self::h2 or self::h3][1]`` without its
    walk over every earlier node: the preceding siblings of ``line`` and of
    each of its ancestors, nearest first, and the last heading inside each.
    """
    node: Element | None = line
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            if isinstance(sibling.tag, str):
                headings = list(sibling.iter(*_HEADING_TAGS))
                if headings:
                    return headings[-1]
        node = node.getparent()
    return None


class ArticlePage:
    """An article page of any Chinese news template, read by labels and structure."""

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

    # -- parsed document -------------------------------------------------

    @cached_property
    def root(self) -> Element:
        """The parsed document (shared with ``ListingPage`` so each page is parsed once)."""
        return parse_html(self.html, self.utf8)

    @cached_property
    def _own_text(self) -> OwnText:
        """Every element's own text, searched for the date, counter and byline labels."""
        return OwnText(self.root)

    @cached_property
    def elements(self) -> dict[str, list[Element]]:
        """Links, headings, meta, script, time … elements of the page, from one walk (``_INDEXED``)."""
        return collect(self.root, _INDEXED)

    @cached_property
    def meta_line(self) -> Element | None:
        """The element holding the date (and often byline and counter) of the article."""
        hinted = self._hint(self.profile.meta_line)
        if hinted is not None and labels.DATE_TEXT.search(text_of(hinted)):
            return hinted
        body = self.root.find("body")
        for el in self._own_text.elements(_META_LABEL_RE, ignore=_NO_META_LINE, within=body):
            # Labels often sit in <small>/<span>/<em>; the line is their block parent.
            while el.tag in ("small", "span", "em", "b", "strong", "label", "font", "i"):
                parent = el.getparent()
                if parent is None or parent.tag in _HEADING_TAGS:  # PHPCMS: h1 > span line
                    break
                if len(_text(parent)) > _MAX_META_CHARS:
                    break
                el = parent
            text = _text(el)
            if len(text) > _MAX_META_CHARS or labels.TODAY_LINE.search(text):
                continue
            if len(text) > _LONG_META_LINE and not _LABELLED_DATE.search(text):
                continue  # a sentence that says 时间 and names a day, not a date line
            if labels.DATE_TEXT.search(text):
                return el
        return None

    @cached_property
    def date_line(self) -> Element | None:
        """The article's date line: the first date after the headline, else the labelled line.

        Portals print ``<h1>…</h1><div><span>2025-10-29 15:38</span>
        <span>新华网</span></div>`` with or without a 日期/时间 label, so the
        elements that follow the headline are read first, up to
        :data:`_DATE_WINDOW` characters of text: the first that holds a date
        with a year (or a relative one) is the line, widened to its short
        block parent. A labelled line met on the way wins (it carries the
        counter and bylines too). Without a headline, or with no date near
        it, the labelled line found anywhere (:attr:`meta_line`).
        """
        line = self.meta_line
        headline = self.headline
        if headline is None:
            return line
        near = self._date_after(headline, line)
        return near if near is not None else line

    def _date_after(self, headline: Element, labelled: Element | None) -> Element | None:
        """The first dated element after the headline (see :attr:`date_line`).

        The headline's own words are not read for a date (…今天成立了), nor the
        body's: the scan ends where the body starts. A long run of text is a
        paragraph, not a date line.
        """
        if labelled is not None and (labelled is headline or headline in labelled.iterancestors()):
            return labelled  # a date line inside the headline (PHPCMS h1 > span)
        inside = set(headline.iter())
        body = self.body_element
        seen = 0
        for el in _following(headline):
            if el is labelled:
                return el
            if el in inside:
                continue
            if el is body:
                return None
            tag = el.tag
            if not isinstance(tag, str) or tag in _NO_META_LINE:
                continue
            own = _own_text(el)
            if not own or (tag == "a" and len(own) > 30):  # a link may hold the date, no title
                continue
            seen += len(own)
            match = labels.DATE_TEXT.search(own) if len(own) <= _MAX_DATE_TEXT else None
            if match is not None and _DATED.search(match.group(0)):
                return self._widen(el, headline)
            if seen > _DATE_WINDOW:
                return None
        return None

    @staticmethod
    def _widen(el: Element, headline: Element) -> Element:
        """A date's element widened to its line: inline parents, then a short block parent."""
        while True:
            parent = el.getparent()
            if parent is None or parent is headline or parent.tag in ("body", "html"):
                return el
            if headline in set(parent.iterancestors()) or parent in set(headline.iterancestors()):
                return el
            if len(_text(parent)) > 200 or sum(1 for _ in parent.iter("a")) > 3:
                return el
            el = parent

    @cached_property
    def meta_text(self) -> str:
        """The date line's visible text (a script inside it, filling a counter, is not read)."""
        line = self.date_line
        return _visible_text(line) if line is not None else ""

    @cached_property
    def headline(self) -> Element | None:
        """The headline element: the family's hint, else the best-scored heading-like element."""
        hinted = self._hint(self.profile.headline, min_chars=2)
        if hinted is not None:
            return hinted
        full_title = self._document_title or ""
        short_title = metadata.short_title(self._document_title) or ""
        og_title = metadata.first_meta(self._metas, metadata.TITLE_META_NAMES) or ""
        line = self.meta_line
        before_line = _heading_before(line) if line is not None else None
        line_and_above = {line, *line.iterancestors()} if line is not None else set()
        best: Element | None = None
        best_score = 2.9
        for el in self._headline_candidates():
            text = _text(el, skip=line) if el in line_and_above else _text(el)
            if not 4 <= len(text) <= 120:
                continue
            score = _HEADING_WEIGHT.get(el.tag, 1.5)
            if text in (short_title, og_title) or (
                # The whole <title> but a site name after it (one space, no separator).
                len(text) >= 8 and full_title.startswith(text) and len(text) * 2 >= len(full_title)
            ):
                score += 4
            elif len(text) >= 5 and (text in full_title or (short_title and short_title in text)):
                score += 3
            if el is before_line:
                score += 2.5
            if next(el.iter("a"), None) is not None:
                score -= 1.5  # headings that link elsewhere are box titles and menus
            # The chrome test (an XPath) runs only for a candidate that would win.
            if score > best_score and not _IN_CHROME(el):
                best, best_score = el, score
        return best

    def _headline_candidates(self) -> list[Element]:
        """h1–h3 anywhere; ``*title*``-classed elements near the date line (or anywhere without one)."""
        headings = list(self.elements["headings"])
        line = self.meta_line
        scope = self.root
        if line is not None:
            for _ in range(3):
                parent = scope.getparent() if scope is not self.root else None
                scope = line if scope is self.root else (parent if parent is not None else scope)
        return headings + [el for el in _titled(scope) if el.tag not in ("h1", "h2", "h3")]

    @cached_property
    def body_element(self) -> Element | None:
        """The family's body hint; the block after the meta line with the most text; the densest.

        Walking out from the date line, blocks that are mostly links (a side
        column) do not count, and the walk does not leave an ``<article>``:
        an emptied article frame has no body rather than someone else's text.
        """
        hinted = self._hint(self.profile.body, min_chars=_MIN_BODY_CHARS)
        if hinted is not None:
            return hinted
        return best_content(self.root, headline=self.headline)

    # -- fields ------------------------------------------------------------

    def is_article(self) -> bool:
        """An article shows a headline and prose of its own; soft 404s and lists do not.

        The date line is evidence, not a gate: an article whose date is shown
        in a form nobody listed still has its headline and body (its date is
        then null). Without a date line, the body must be prose of some length
        (:data:`_MIN_UNDATED_BODY` characters): an emptied article frame, a
        list of links or an error page has none.
        """
        if self.meta_line is not None:
            return True
        if self.headline is None and self.title() is None:
            return False
        body = self.body_element
        if body is None or looks_like_list(body):
            return False
        sections = self.sections()
        size = sum(len(p) for s in sections for p in s.paragraphs)
        has_date = self.date_line is not None or self._structured_date is not None
        if has_date and self.headline is not None:
            return size > 0
        return size >= _MIN_UNDATED_BODY

    def title(self) -> str | None:
        """The headline, else og:title, else ``<title>`` without its suffix."""
        headline = self.headline
        if headline is not None:
            # A date line nested in the headline (PHPCMS h1 > span) is not title text,
            # nor a badge before the words (<h2><span>原创</span>标题</h2>).
            line = self.meta_line
            skip = line if line is not None and headline in set(line.iterancestors()) else None
            first = headline[0] if len(headline) else None
            if (
                skip is None
                and first is not None
                and not (headline.text or "").strip()
                and first.tag in ("span", "em", "i", "b", "label")
                and 0 < len(badge := text_of(first).strip()) <= 3
                and len(_text(headline)) > len(badge) + 3
            ):
                skip = first
            return _text(headline, skip=skip) or None
        return metadata.first_meta(self._metas, metadata.TITLE_META_NAMES) or (
            metadata.short_title(self._document_title)
        )

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

    def published_raw(self) -> str | None:
        """The date as shown: meta line, then meta tags, JSON-LD, ``<time>``."""
        text = self.meta_text
        if text:
            label = labels.DATE_LABEL_RE.search(text)
            match = labels.DATE_TEXT.search(text, label.end() if label else 0)
            if match is None and label is not None:
                match = labels.DATE_TEXT.search(text)
            if match:
                return clean_text(match.group(0))
        value = self._structured_date
        return clean_text(value) if isinstance(value, str) else None

    def published_hint(self) -> str | None:
        """A machine-readable publication time (``<time datetime>``, meta, JSON-LD).

        Blogs often show only the day (2024年11月2日) while ``datetime`` has the
        minute; the normalizer uses this when it falls on the day shown.
        """
        value = self._structured_date
        return clean_text(value) if isinstance(value, str) else None

    @cached_property
    def _views_raw(self) -> str | None:
        """The counter as shown; a colon takes no spaces (``点击：<b>356</b>`` is ``点击：356``).

        In the date line; else in a labelled line near the article (阅读 <script/>539,
        阅读数(<em>15878</em>)); else an element named as the count
        (``<span id="viewCount">3573</span>``) or a number after an eye icon.
        """
        match = labels.VIEWS_TEXT.search(self.meta_text)
        if match:
            return clean_text(_COLON_SPACES.sub(r"\1", match.group(0)))
        if after := labels.VIEWS_BEFORE_LABEL.search(self.meta_text):
            return clean_text(after.group(0))
        return self._views_near_article()

    def views_raw(self) -> str | None:
        """The counter as shown (read once: ``views_source`` asks too)."""
        return self._views_raw

    @cached_property
    def _views_lines(self) -> list[Element]:
        return self._own_text.elements(
            labels.VIEWS_LABEL_ANY, ignore=_NO_BYLINE, within=self._article_scope()
        )

    def _views_near_article(self) -> str | None:
        for el in self._views_lines:
            text = _visible_text(el)
            if len(text) <= _MAX_META_CHARS and (match := labels.VIEWS_TEXT.search(text)):
                return clean_text(_COLON_SPACES.sub(r"\1", match.group(0)))
        # Named counts and icons are read around the headline and date line only.
        anchor = self.date_line if self.date_line is not None else self.headline
        near = anchor.getparent() if anchor is not None else None
        if near is None:
            return None
        for el in near.iter():
            if not isinstance(el.tag, str):
                continue
            names = (el.get("class") or "") + " " + (el.get("id") or "")
            if len(names) < 4:
                continue
            kind = _count_kind(names)
            if kind == "count" and (text := (el.text or "").strip()).isdigit():
                if not len(el):
                    return text
            elif kind == "eye" and el.tail and (tail := el.tail.strip()).isdigit():
                return tail
        return None

    def counter_url(self) -> str | None:
        """The script endpoint that fills the counter (count.php, api.php?op=count, ViewClick)."""
        for script in self.elements["script"]:
            src = script.get("src")
            if src is not None and labels.COUNTER_SCRIPT.search(src):
                return urljoin(self.url, src.strip())
        return None

    def views_source(self) -> ViewsSource | None:
        if self.views_raw():
            return "page"
        if self.counter_url() is not None:
            return "script"
        return None

    def _byline(self, field: str) -> str | None:
        pattern = labels.BYLINE[field]
        if match := pattern.search(self.meta_text):
            return clean_text(match.group(1))
        for text in self._byline_lines:
            if match := pattern.search(text):
                return clean_text(match.group(1))
        return None

    @cached_property
    def _byline_lines(self) -> list[str]:
        """Short lines around the article with a byline label (one scan for author and source)."""
        lines: list[str] = []
        within = self._article_scope()
        for el in self._own_text.elements(_ANY_BYLINE_LABEL, ignore=_NO_BYLINE, within=within):
            text = _text(el)
            if len(text) <= 120:
                lines.append(text)
        return lines

    def _article_scope(self) -> Element:
        """The element around headline, meta line and body (bylines are searched there)."""
        parts = [p for p in (self.headline, self.date_line, self.body_element) if p is not None]
        if not parts:
            return self.root
        common = [parts[0], *parts[0].iterancestors()]
        for part in parts[1:]:
            ancestors = {part, *part.iterancestors()}
            common = [a for a in common if a in ancestors]
        return common[0] if common else self.root

    @cached_property
    def _credits(self) -> Credits:
        """Everyone the page credits, read where credits stand, nearest first.

        The date line, labelled byline lines around the article, the body's
        own credit lines (新京报记者 陆一夫, 【编辑：姚昊】), brackets in its first and
        last paragraphs (…电（记者唐霁）), a name in brackets closing it, then
        an element classed as the author (a self-media account's name) and
        JSON-LD. See :mod:`newscrawl.pages.bylines` for what counts as a name.
        """
        found = Credits()
        if self.meta_text:
            found.add(read_credits(self.meta_text))
        for line in self._lines_beside_date():
            found.add(read_credits(line))
        for line in self._byline_lines:
            found.add(read_credits(line))
        credit_blocks = self._credit_blocks
        for block in credit_blocks:
            found.add(read_credits(block.text))
        dropped = {id(b) for b in credit_blocks}
        prose = [b.text for b in self._blocks if id(b) not in dropped]
        for text in (*prose[:2], *prose[-3:]):
            found.add(read_credits(text, bare=False))
        if not found.authors and prose and (name := closing_name(prose[-1])):
            found.authors.append(name)
        if not found.authors:
            named = self._author_element_name()
            if named:
                found.authors.append(named)
        if not found.authors and (person := metadata.jsonld_author(self._jsonld)):
            found.authors.extend(n for n in split_names(person) if n not in found.authors)
        return found

    def _lines_beside_date(self) -> list[str]:
        """Short lines next to the date line (``<p>澎湃新闻记者 贺梨萍</p><p>2020-06-…</p>``)."""
        line = self.date_line
        parent = line.getparent() if line is not None else None
        if parent is None or line is None:
            return []
        return [
            text
            for sibling in parent
            if sibling is not line and isinstance(sibling.tag, str)
            # (the raw length first: a sibling may be the whole body)
            if len(text_of(sibling)) <= 4 * _MAX_CREDIT_LINE
            if 0 < len(text := _text(sibling, sep=" ")) <= _MAX_CREDIT_LINE
        ]

    def _author_element_name(self) -> str | None:
        """The text of a short element classed or id'd as the author's name (a self-media
        account's name, ``<p class="author-name">``), near the headline."""
        for el in self._article_scope().iter(etree.Element):
            cls, ident = el.get("class"), el.get("id")
            if (cls is None and ident is None) or not _names_author(f"{cls} {ident}"):
                continue
            text = _text(el, sep=" ")
            if not text or len(text) > 20:
                continue
            credits = read_credits(text)
            if credits.authors:
                return "; ".join(credits.authors)
            if is_name(text) or (_ACCOUNT_NAME.match(text) and is_name_shaped_account(text)):
                return text
        return None

    def author(self) -> str | None:
        """Every credited writer, ``"; "`` between names; None when the page credits none."""
        return "; ".join(self._credits.authors) or None

    def editor(self) -> str | None:
        """The editors credited (编辑, 责任编辑, 责编), ``"; "`` between names."""
        return "; ".join(self._credits.editors) or None

    def source(self) -> str | None:
        """The outlet the article comes from (来源, 出处)."""
        return self._byline("source") or next(iter(self._credits.sources), None)

    @cached_property
    def _blocks(self) -> list[Block]:
        body = self.body_element
        if body is None:
            return []
        return body_blocks(body, self._not_body)

    @cached_property
    def _credit_blocks(self) -> list[Block]:
        """The body's lines that only credit people or are template lines (not article text)."""
        blocks = self._blocks
        edges = {id(b) for b in (*blocks[:3], *blocks[-4:])}
        return [
            b
            for b in blocks
            if is_boilerplate(b.text)
            or (is_credit_line(b.text) and (id(b) in edges or len(b.text) <= 20))
        ]

    def sections(self) -> list[Section]:
        if self.body_element is None:
            return []
        dropped = {id(b) for b in self._credit_blocks}
        blocks = self._blocks
        return to_sections([b for b in blocks if id(b) not in dropped] if dropped else blocks)

    @cached_property
    def _not_body(self) -> set[Element]:
        """What a body element may wrap that is not article text: headline and date line."""
        return {el for el in (self.headline, self.date_line) if el is not None}

    def page_urls(self) -> list[str]:
        """Other pages of a multi-page article: links anywhere on the page to its page 2..n."""
        return hrefs_to_pages(self.url, self._hrefs, urls.joiner(self.url))

    @cached_property
    def _hrefs(self) -> list[str]:
        """Every link's ``href``, in page order (one C call: family detection and the
        article's pages read them all)."""
        return strings(self.root, _HREFS)

    def sidebar(self) -> list[SidebarLink]:
        elements = self.elements
        return sidebar_links(
            self.root,
            self.url,
            self.body_element,
            anchors=elements["a"],
            landmarks=elements["landmarks"],
        )

    # -- the item ------------------------------------------------------------

    def to_item(self) -> PageArticle | None:
        """The page's raw article (texts clean), or None when the page is not an article
        (soft 404)."""
        if not self.is_article():
            return None
        sections = self.sections()
        return PageArticle(
            url=urls.first_page_url(self.url),
            site=urls.host_of(self.url),
            cms_id=urls.article_id(self.url),
            channel=urls.channel_id(self.url),
            title=self.title(),
            published_hint=self.published_hint(),
            published_raw=self.published_raw(),
            author=self.author(),
            source=self.source(),
            editor=self.editor(),
            views_raw=self.views_raw(),
            views_source=self.views_source(),
            sections=sections,
            body=body_text(sections),
            sidebar=self.sidebar(),
            fetched_at=self.fetched_at,
        )
