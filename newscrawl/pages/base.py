"""The generic article page object: (url, html) -> Article, with no I/O.

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

CMS family subclasses override single methods. Everything returns raw text;
``newscrawl.normalize_item`` turns it into typed values.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urljoin

from lxml.html import HtmlElement
from parsel import Selector

from newscrawl import urls
from newscrawl.items import Article, Section, SidebarLink, ViewsSource
from newscrawl.normalize import clean_text
from newscrawl.pages import labels, metadata
from newscrawl.pages.blocks import body_blocks, body_text, densest_block, is_pager, to_sections
from newscrawl.pages.sidebar import sidebar_links

# Page chrome: a <header> inside <article> or <main> is the article's own header.
_CHROME = (
    "ancestor-or-self::*[(self::header or self::nav or self::footer)"
    " and not(ancestor::article) and not(ancestor::main)] | ancestor-or-self::a"
)
_META_LABELS = (
    *labels.DATE_LABELS, *labels.SOURCE_LABELS, "作者", "記者", "点击", "點擊", "人气", "浏览", "阅读",
)  # fmt: skip
_HEADING_XPATH = (
    "//h1|//h2|//h3|//*[contains(@class,'title') or contains(@class,'Title')"
    " or contains(@id,'title') or @class='tit' or @class='bt']"
)
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_HEADING_WEIGHT = {"h1": 3.0, "h2": 2.5, "h3": 2.0}
_MIN_BODY_CHARS = 20
_COLON_SPACES = re.compile(r"\s*([：:])\s*")
_MAX_META_CHARS = 300


def _text(el: HtmlElement, *, skip: HtmlElement | None = None, sep: str = "") -> str:
    """An element's text as shown (tags add no spaces), without the subtree ``skip``.

    ``sep=" "`` keeps the words of separate elements apart, for bylines where
    ``<span>来源：本站</span><span>3小时前</span>`` must not run together.
    """
    if skip is None:
        return clean_text(sep.join(str(t) for t in el.itertext())) or ""
    parts: list[str] = []

    def walk(node: HtmlElement) -> None:
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


class ArticlePage:
    """An article page of any Chinese news template, read by labels and structure."""

    #: The CMS family this class reads best ("generic" reads them all).
    family = "generic"

    def __init__(self, url: str, html: str, *, fetched_at: str | None = None) -> None:
        self.url = url
        self.html = html
        self.fetched_at = fetched_at

    # -- parsed document -------------------------------------------------

    @cached_property
    def selector(self) -> Selector:
        # lxml refuses an empty document; a lone <html/> is the empty page.
        return Selector(text=self.html if self.html.strip() else "<html></html>", type="html")

    @property
    def root(self) -> HtmlElement:
        root: HtmlElement = self.selector.root
        return root

    @cached_property
    def meta_line(self) -> HtmlElement | None:
        """The element holding the date (and often byline and counter) of the article."""
        test = " or ".join(f"contains(., '{label}')" for label in _META_LABELS)
        for node in self.selector.xpath(f"//body//*[text()[{test}]]"):
            el = node.root
            if el.tag in ("script", "style", "title", "option") or el.xpath(_CHROME):
                continue
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
            if labels.DATE_TEXT.search(text):
                return el
        return None

    @cached_property
    def meta_text(self) -> str:
        line = self.meta_line
        return _text(line, sep=" ") if line is not None else ""

    @cached_property
    def headline(self) -> HtmlElement | None:
        """The headline element: the best-scored heading-like element."""
        full_title = metadata.full_document_title(self.root) or ""
        short_title = metadata.document_title(self.root) or ""
        og_title = metadata.meta_content(self.root, metadata.TITLE_META_NAMES) or ""
        line = self.meta_line
        before_line = (
            set(line.xpath("preceding::*[self::h1 or self::h2 or self::h3][1]"))
            if (line is not None)
            else set()
        )
        best: HtmlElement | None = None
        best_score = 2.9
        for el in self.selector.root.xpath(_HEADING_XPATH):
            if el.xpath(_CHROME):
                continue
            text = _text(el, skip=line) if line is not None else _text(el)
            if not 4 <= len(text) <= 120:
                continue
            score = _HEADING_WEIGHT.get(el.tag, 1.5)
            if text in (short_title, og_title):
                score += 4
            elif len(text) >= 5 and (text in full_title or (short_title and short_title in text)):
                score += 3
            if el in before_line:
                score += 2.5
            if el.xpath(".//a") and el not in before_line:
                score -= 1.5  # headings that link elsewhere are box titles
            if score > best_score:
                best, best_score = el, score
        return best

    @cached_property
    def body_element(self) -> HtmlElement | None:
        """The block after the meta line with the most text, else the densest container."""
        anchor = self.meta_line if self.meta_line is not None else self.headline
        for _ in range(4):
            if anchor is None:
                break
            best: HtmlElement | None = None
            best_len = _MIN_BODY_CHARS
            for sibling in anchor.itersiblings():
                if not isinstance(sibling.tag, str) or sibling.tag in ("script", "style", "ul"):
                    continue
                size = len("".join(str(t).strip() for t in sibling.itertext()))
                if size > best_len:
                    best, best_len = sibling, size
            if best is not None:
                return best
            anchor = anchor.getparent()
        return densest_block(self.root)

    # -- fields ------------------------------------------------------------

    def is_article(self) -> bool:
        """False for soft 404s and list pages: no date line, headline or body of its own."""
        if self.meta_line is not None:
            return True
        has_date = self._structured_date() is not None
        return self.headline is not None and has_date and bool(self.sections())

    def title(self) -> str | None:
        """The headline, else og:title, else ``<title>`` without its suffix."""
        if self.headline is not None:
            # A date line nested in the headline (PHPCMS h1 > span) is not title text.
            return _text(self.headline, skip=self.meta_line) or None
        return metadata.meta_content(self.root, metadata.TITLE_META_NAMES) or (
            metadata.document_title(self.root)
        )

    def _structured_date(self) -> str | None:
        return (
            metadata.meta_content(self.root, metadata.DATE_META_NAMES)
            or metadata.jsonld_article(self.root).get("datePublished")
            or metadata.time_element(self.root)
        )

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
        value = self._structured_date()
        return clean_text(value) if isinstance(value, str) else None

    def published_hint(self) -> str | None:
        """A machine-readable publication time (``<time datetime>``, meta, JSON-LD).

        Blogs often show only the day (2024年11月2日) while ``datetime`` has the
        minute; the normalizer uses this when it falls on the day shown.
        """
        value = self._structured_date()
        return clean_text(value) if isinstance(value, str) else None

    def views_raw(self) -> str | None:
        """The counter as shown; a colon takes no spaces (``点击：<b>356</b>`` is ``点击：356``)."""
        match = labels.VIEWS_TEXT.search(self.meta_text)
        return clean_text(_COLON_SPACES.sub(r"\1", match.group(0))) if match else None

    def counter_url(self) -> str | None:
        """The script endpoint that fills the counter (count.php, api.php?op=count, ViewClick)."""
        for src in self.root.xpath("//script/@src"):
            if labels.COUNTER_SCRIPT.search(str(src)):
                return urljoin(self.url, str(src).strip())
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
        scope = self._article_scope()
        test = " or ".join(
            f"contains(., '{label}')"
            for label in (labels.AUTHOR_LABELS if field == "author" else labels.SOURCE_LABELS)
        )
        for el in scope.xpath(f".//*[text()[{test}]]"):
            if el.xpath(_CHROME) or el.tag in ("script", "style"):
                continue
            text = _text(el)
            if len(text) <= 120 and (match := pattern.search(text)):
                return clean_text(match.group(1))
        if field == "author":
            return metadata.jsonld_author(metadata.jsonld_article(self.root))
        return None

    def _article_scope(self) -> HtmlElement:
        """The element around headline, meta line and body (bylines are searched there)."""
        parts = [p for p in (self.headline, self.meta_line, self.body_element) if p is not None]
        if not parts:
            return self.root
        common = [parts[0], *parts[0].iterancestors()]
        for part in parts[1:]:
            ancestors = {part, *part.iterancestors()}
            common = [a for a in common if a in ancestors]
        return common[0] if common else self.root

    def author(self) -> str | None:
        return self._byline("author")

    def source(self) -> str | None:
        return self._byline("source")

    def sections(self) -> list[Section]:
        body = self.body_element
        if body is None:
            return []
        return to_sections(body_blocks(body))

    def page_urls(self) -> list[str]:
        """Other pages of a multi-page article, from the pager inside the body."""
        body = self.body_element
        if body is None:
            return []
        first = urls.first_page_url(self.url)
        found: set[str] = set()
        for pager in body.iter("div", "p", "span", "ul", "td"):
            if not is_pager(pager):
                continue
            for href in pager.xpath(".//a/@href"):
                absolute = urljoin(self.url, str(href).strip())
                if not urls.is_followable(absolute) or urls.page_number(absolute) == 1:
                    continue
                if urls.first_page_url(absolute) == first:
                    found.add(urls.canonical_url(absolute))
        return sorted(found, key=urls.page_number)

    def sidebar(self) -> list[SidebarLink]:
        return sidebar_links(self.root, self.url, self.body_element)

    # -- the item ------------------------------------------------------------

    def to_item(self) -> Article | None:
        """The raw Article, or None when the page is not an article (soft 404)."""
        if not self.is_article():
            return None
        sections = self.sections()
        return Article(
            url=urls.first_page_url(self.url),
            site=urls.host_of(self.url),
            cms_id=urls.article_id(self.url),
            channel=urls.channel_id(self.url),
            title=self.title(),
            published_at=self.published_hint(),
            published_raw=self.published_raw(),
            author=self.author(),
            source=self.source(),
            views_raw=self.views_raw(),
            views_source=self.views_source(),
            sections=sections,
            body=body_text(sections),
            sidebar=self.sidebar(),
            fetched_at=self.fetched_at,
        )
