"""Page objects: (url, html) -> Article, with no I/O.

``ArticlePage`` finds each field by what readers see, so it works across the
templates of one CMS family (class names and wrappers differ, labels do not):

- the *meta line* is the first element outside link lists whose own text has a
  date label (日期 发布时间 …) followed by a date; counters (人气 点击 …) and
  bylines often share it;
- the *title* is the nearest heading (h1–h3) before the meta line, else the
  ``<title>`` minus its site suffix;
- the *body* is the following block with the most paragraph text;
- *sidebar boxes* are headed link lists outside the article.

Subclasses for CMS families override single methods. Everything returns raw
text; ``newscrawl.normalize_item`` turns it into typed values.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urljoin

from lxml.html import HtmlElement
from parsel import Selector

from newscrawl import urls
from newscrawl.items import Article, Section, SidebarLink, ViewsSource
from newscrawl.normalize import clean_text, is_truncated
from newscrawl.pages import labels
from newscrawl.pages.blocks import body_blocks, body_text, is_pager, to_sections

_TITLE_SPLIT = re.compile(r"\s*(?:[-_|–—]|\s{2,})\s*")
_HEADINGS_BEFORE = "preceding::*[self::h1 or self::h2 or self::h3][1]"
_CHROME = "ancestor::*[self::header or self::nav or self::footer or self::li]"
_SIDEBAR_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}|\d{1,2}月\d{1,2}日"
)
_MIN_BODY_CHARS = 20


class ArticlePage:
    """An article page of a PHPMyWind-like template, read by labels and structure."""

    def __init__(self, url: str, html: str, *, fetched_at: str | None = None) -> None:
        self.url = url
        self.html = html
        self.fetched_at = fetched_at

    # -- parsed document -------------------------------------------------

    @cached_property
    def selector(self) -> Selector:
        # lxml refuses an empty document; a lone <html/> is the empty page.
        return Selector(text=self.html if self.html.strip() else "<html></html>", type="html")

    @cached_property
    def meta_line(self) -> HtmlElement | None:
        """The element holding the date (and often the counter) of the article."""
        label_test = " or ".join(f"contains(., '{label}')" for label in labels.DATE_LABELS)
        for node in self.selector.xpath(f"//body//*[text()[{label_test}]]"):
            el = node.root
            if el.xpath(_CHROME) or el.tag in ("script", "style", "a", "title"):
                continue
            text = " ".join(el.itertext())
            if len(text) > 300 or not labels.DATE_TEXT.search(text):
                continue
            parent = el.getparent()
            if parent is not None and not labels.VIEWS_TEXT.search(text):
                parent_text = " ".join(parent.itertext())
                if len(parent_text) <= 200 and labels.VIEWS_LABEL_ONLY.search(parent_text):
                    return parent  # 日期 and 人气 in sibling spans of one line
            return el
        return None

    @cached_property
    def meta_text(self) -> str:
        line = self.meta_line
        return clean_text(" ".join(line.itertext())) or "" if line is not None else ""

    @cached_property
    def body_element(self) -> HtmlElement | None:
        """The block after the meta line with the most paragraph text."""
        anchor = self.meta_line
        for _ in range(4):
            if anchor is None:
                return None
            best: HtmlElement | None = None
            best_len = _MIN_BODY_CHARS
            for sibling in anchor.itersiblings():
                if not isinstance(sibling.tag, str) or sibling.tag in ("script", "style"):
                    continue
                size = len("".join(t.strip() for t in sibling.itertext()))
                if size > best_len:
                    best, best_len = sibling, size
            if best is not None:
                return best
            anchor = anchor.getparent()
        return None

    @cached_property
    def article_root(self) -> HtmlElement | None:
        """The smallest element holding both the meta line and the body."""
        line, body = self.meta_line, self.body_element
        if line is None:
            return None
        if body is None:
            return line.getparent()
        body_ancestors = set(body.iterancestors())
        for ancestor in line.iterancestors():
            if ancestor in body_ancestors:
                return ancestor
        return None

    # -- fields ------------------------------------------------------------

    def is_article(self) -> bool:
        """False for soft 404s: the article frame without its date line and body.

        A page that has them but no title is still an article: the pipeline
        drops it with a warning, so the loss is visible in the stats.
        """
        return self.meta_line is not None

    def title(self) -> str | None:
        """The heading right before the date line, else the page title's first part."""
        line = self.meta_line
        if line is not None:
            heads = line.xpath(_HEADINGS_BEFORE)
            if heads and (text := clean_text(" ".join(heads[0].itertext()))):
                return text
        return self.document_title()

    def document_title(self) -> str | None:
        """``<title>`` without the site or channel suffix (``标题 - 站名``)."""
        raw = clean_text(self.selector.xpath("string(//title)").get())
        if not raw:
            return None
        return _TITLE_SPLIT.split(raw)[0] or raw

    def published_raw(self) -> str | None:
        text = self.meta_text
        label = labels.DATE_LABEL_RE.search(text)
        match = labels.DATE_TEXT.search(text, label.end() if label else 0)
        if match is None and label is not None:
            match = labels.DATE_TEXT.search(text)
        return clean_text(match.group(0)) if match else None

    def views_raw(self) -> str | None:
        match = labels.VIEWS_TEXT.search(self.meta_text)
        return clean_text(match.group(0)) if match else None

    def views_source(self) -> ViewsSource | None:
        return "page" if self.views_raw() else None

    def _byline(self, field: str) -> str | None:
        pattern = labels.BYLINE[field]
        if match := pattern.search(self.meta_text):
            return clean_text(match.group(1))
        root = self.article_root
        scope = root if root is not None else self.selector.root
        test = " or ".join(
            f"contains(., '{label}')" for label in labels.AUTHOR_LABELS + labels.SOURCE_LABELS
        )
        for el in scope.xpath(f".//*[text()[{test}]]"):
            if el.xpath(_CHROME):
                continue
            text = clean_text(" ".join(el.itertext())) or ""
            if len(text) <= 120 and (match := pattern.search(text)):
                return clean_text(match.group(1))
        return None

    def author(self) -> str | None:
        return self._byline("author")

    def source(self) -> str | None:
        return self._byline("source")

    def sections(self) -> list[Section]:
        body = self.body_element
        if body is None:
            return []
        blocks = [b for b in body_blocks(body) if not labels.BYLINE["author"].match(b.text)]
        return to_sections(blocks)

    def page_urls(self) -> list[str]:
        """Other pages of a multi-page article, from the pager inside the body."""
        body = self.body_element
        if body is None:
            return []
        first = urls.first_page_url(self.url)
        found: list[str] = []
        for pager in body.iter("div", "p", "span", "ul"):
            if not is_pager(pager):
                continue
            for href in pager.xpath(".//a/@href"):
                absolute = urljoin(self.url, str(href))
                if not urls.is_followable(absolute) or urls.page_number(absolute) == 1:
                    continue
                if urls.first_page_url(absolute) == first and absolute not in found:
                    found.append(urls.canonical_url(absolute))
        return sorted(set(found), key=urls.page_number)

    def sidebar(self) -> list[SidebarLink]:
        root = self.article_root
        links: list[SidebarLink] = []
        for ul in self.selector.root.iter("ul", "ol"):
            if root is not None and (ul is root or root in ul.iterancestors()):
                continue
            if ul.xpath("ancestor::*[self::header or self::nav or self::footer]"):
                continue
            box = self._box_name(ul)
            items = [self._sidebar_link(li, box) for li in ul.iterchildren("li")]
            found = [item for item in items if item is not None]
            if box and len(found) >= 2 and any(i.date_raw or i.truncated for i in found):
                links.extend(found)
        return links

    def _box_name(self, ul: HtmlElement) -> str | None:
        """The heading right before a link list: its own text, without <small>News</small>."""
        heading = ul.getprevious()
        while heading is not None and not isinstance(heading.tag, str):
            heading = heading.getprevious()
        if heading is None:
            parent = ul.getparent()
            heading = parent.getprevious() if parent is not None else None
        if heading is None or not isinstance(heading.tag, str):
            return None
        own = clean_text("".join(heading.xpath("text()")))
        name = own or clean_text(" ".join(heading.itertext()))
        return name if name and len(name) <= 20 else None

    def _sidebar_link(self, li: HtmlElement, box: str | None) -> SidebarLink | None:
        anchors = li.xpath(".//a[@href]")
        if not anchors:
            return None
        a = anchors[0]
        href = urljoin(self.url, str(a.get("href")))
        if not urls.is_followable(href):
            return None
        text = clean_text(" ".join(a.itertext())) or ""
        full = clean_text(a.get("title"))
        title = full or text
        if not title:
            return None
        outside = " ".join(t for t in li.xpath(".//text()[not(ancestor::a)]"))
        date = _SIDEBAR_DATE.search(outside)
        return SidebarLink(
            box=box,
            title=title,
            url=urls.canonical_url(href),
            date=None,
            date_raw=date.group(0) if date else None,
            truncated=is_truncated(text, full),
        )

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
