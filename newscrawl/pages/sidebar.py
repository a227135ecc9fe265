"""Sidebar link boxes: headed lists of article links beside or below the article.

A box is a ``ul``/``ol`` (or a run of ``li``/``dd``) outside the article body
and outside the page chrome (header, nav, footer), preceded by a short
heading (新闻资讯 News, 最新文章, 热门文章, 相关阅读 …), whose items are article
links: long link texts or article-shaped URLs, often with an ``MM-DD`` date.
Navigation menus and tag clouds (short texts, list/channel URLs) are not boxes.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from lxml.html import HtmlElement

from newscrawl import urls
from newscrawl.items import SidebarLink
from newscrawl.normalize import clean_text, is_truncated

_DATE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}|\d{1,2}月\d{1,2}日"
)
_PRENEXT = re.compile(r"^\s*(?:←|→)?\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇)")
_CHROME = "ancestor::*[self::header or self::nav or self::footer]"
_MIN_TITLE_CHARS = 6


def _text(el: HtmlElement) -> str:
    return clean_text(" ".join(str(t) for t in el.itertext())) or ""


def box_name(ul: HtmlElement) -> str | None:
    """The heading right before a link list: its own text, without ``<small>News</small>``.

    Looks at the list's previous sibling, else at the previous sibling of its
    parent (``<dt>`` before ``<dd><ul>``, a panel heading before a panel body).
    """
    node: HtmlElement | None = ul
    for _ in range(3):
        if node is None:
            return None
        heading = node.getprevious()
        while heading is not None and not isinstance(heading.tag, str):
            heading = heading.getprevious()
        if heading is not None:
            if heading.tag in ("ul", "ol", "li", "a", "img", "script"):
                return None
            own = clean_text("".join(str(t) for t in heading.xpath("text()")))
            name = own or _text(heading)
            # A heading that only wraps its words in <strong>/<span>: take that text.
            if not own and len(heading):
                first = heading[0]
                first_own = clean_text("".join(str(t) for t in first.xpath("text()")))
                name = first_own or name
            return name if name and len(name) <= 20 else None
        node = node.getparent()
    return None


def _link(li: HtmlElement, page_url: str, box: str | None) -> SidebarLink | None:
    anchors = li.xpath(".//a[@href]")
    if not anchors:
        return None
    a = anchors[0]
    href = urljoin(page_url, str(a.get("href")).strip())
    if not urls.is_followable(href):
        return None
    text = _text(a)
    full = clean_text(a.get("title"))
    title = full or text
    if not title or _PRENEXT.match(_text(li)):
        return None
    outside = " ".join(str(t) for t in li.xpath(".//text()[not(ancestor::a)]"))
    date = _DATE.search(outside)
    return SidebarLink(
        box=box,
        title=title,
        url=urls.canonical_url(href),
        date=None,
        date_raw=date.group(0) if date else None,
        truncated=is_truncated(text, full),
    )


def _is_article_box(links: list[SidebarLink]) -> bool:
    """Article lists, not menus or tag clouds: long titles, article URLs or dates."""
    if len(links) < 2:
        return False
    articleish = sum(
        1
        for link in links
        if link.date_raw or urls.looks_like_article(link.url) or len(link.title) >= _MIN_TITLE_CHARS
    )
    listing = sum(1 for link in links if urls.looks_like_listing(link.url))
    return articleish * 2 > len(links) and listing * 2 < len(links)


def sidebar_links(root: HtmlElement, page_url: str, body: HtmlElement | None) -> list[SidebarLink]:
    """Every link of every article box on the page, in page order."""
    found: list[SidebarLink] = []
    for ul in root.iter("ul", "ol"):
        if body is not None and (ul is body or body in ul.iterancestors()):
            continue
        if ul.xpath(_CHROME) or ul.xpath("ancestor::ul|ancestor::ol"):
            continue
        name = box_name(ul)
        if not name:
            continue
        items = [_link(li, page_url, name) for li in ul.iterchildren("li")]
        links = [item for item in items if item is not None]
        if _is_article_box(links):
            found.extend(links)
    return found
