"""Sidebar link boxes: headed lists of article links beside or below the article.

A box is a ``ul``/``ol`` (or a run of ``li``/``dd``) outside the article body
and outside the page chrome (header, nav, footer), preceded by a short
heading (新闻资讯 News, 最新文章, 热门文章, 相关阅读 …), whose items are article
links: long link texts or article-shaped URLs, often with an ``MM-DD`` date.
Navigation menus and tag clouds (short texts, list/channel URLs) are not boxes.

A box read once is kept (:class:`_BoxCache`): the next page that shows the
same box under the same heading gets its links without reading it again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any

from lxml import etree

from newscrawl.crawl import urls
from newscrawl.items import SidebarLink
from newscrawl.normalize.text import clean_text, is_truncated_clean
from newscrawl.pages.dom import Element, strings, text_nodes, text_of
from newscrawl.pages.labels import TAG_URL

# The lookahead names every first character of the alternatives: the regex engine then
# skips other positions at once instead of trying each alternative there.
_DATE = re.compile(
    r"(?=[\d刚剛昨前今])(?:"
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}年\d{1,2}月\d{1,2}日|\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}"
    r"|\d{1,2}月\d{1,2}日|刚刚|剛剛|\d+\s*(?:分钟|分鐘|小时|小時|天)前|昨天|前天|今天)"
)
_DATE_ONLY = re.compile(
    r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?\s*(?:\(\d+\))?\s*$"
)
_WORDS = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{3}")
_PRENEXT = re.compile(r"^\s*(?:[←→«»]|(?:上一篇|下一篇|上一条|下一条|上篇|下篇))")
_LABEL = re.compile(r"[：:]")
_PRENEXT_ANYWHERE = re.compile(r"(?=[←→«»上下])(?:[←→«»]|上一|下一|上篇|下篇)")
# Page header and footer; a <nav> of its own may be a sidebar widget (近期文章).
_IS_CHROME = etree.XPath(
    "ancestor-or-self::*[(self::header or self::footer) and not(ancestor::article)"
    " and not(ancestor::main)]"
)
_TEXT_OUTSIDE_LINKS = etree.XPath(".//text()[not(ancestor::a)]")
_MIN_TITLE_CHARS = 6


def _text(el: Element) -> str:
    return clean_text(text_of(el)) or ""


def _own_text(el: Element) -> str:
    """Text directly inside ``el`` (its text and its children's tails), as XPath ``text()``."""
    parts = [el.text or ""]
    parts.extend(child.tail or "" for child in el)
    return "".join(parts)


def _longer_than(el: Element, limit: int) -> bool:
    """Whether ``el`` holds more than ``limit`` characters (stops reading once it does).

    Counts what ``itertext`` yields, each piece stripped, but walks ``el.iter()``
    itself: building an ``itertext`` iterator costs more than reading a heading.
    """
    size = 0
    for node in el.iter():
        if isinstance(node.tag, str) and node.text:
            size += len(node.text.strip())
        if node is not el and node.tail:
            size += len(node.tail.strip())
        if size > limit:
            return True
    return False


def box_name(ul: Element) -> str | None:
    """The heading right before a link list: its own text, without ``<small>News</small>``.

    Looks at the list's previous sibling, else at the previous sibling of its
    parent (``<dt>`` before ``<dd><ul>``, a panel heading before a panel body).
    """
    node: Element | None = ul
    for _ in range(3):
        if node is None:
            return None
        heading = node.getprevious()
        while heading is not None and not isinstance(heading.tag, str):
            heading = heading.getprevious()
        if heading is not None:
            if heading.tag in ("ul", "ol", "li", "a", "img", "script") or _longer_than(heading, 24):
                return None
            own = clean_text(_own_text(heading))
            name = own or _text(heading)
            # A heading that only wraps its words in <strong>/<span>: take that text.
            if not own and len(heading):
                first = heading[0]
                first_own = clean_text(_own_text(first))
                name = first_own or name
            # "标签：" or "上一篇：" label a line of links; they are not box headings.
            return name if name and len(name) <= 20 and not _LABEL.search(name) else None
        node = node.getparent()
    return None


def _first_anchor(row: Element, *, with_href: bool) -> Element | None:
    """The first ``<a>`` in a row (the first with an ``href`` if asked).

    Most rows start with their link (``<li><a …>``): that is looked at before
    starting a walk of the row.
    """
    if len(row):
        first = row[0]
        if first.tag == "a" and (not with_href or first.get("href")):
            return first
    for a in row.iter("a"):
        if not with_href or a.get("href"):
            return a
    return None


def _link(li: Element, join: Callable[[str], str], box: str | None) -> SidebarLink | None:
    a = li if li.tag == "a" else _first_anchor(li, with_href=True)
    if a is None:
        return None
    raw_href = (a.get("href") or "").strip()
    if not raw_href or raw_href.startswith(("#", "javascript:", "mailto:")):
        return None
    href = join(raw_href)
    if not urls.is_followable(href):
        return None
    a_raw = a.text or "" if len(a) == 0 else text_of(a)
    text = clean_text(a_raw) or ""
    full = clean_text(a.get("title"))
    title = full or text
    # Calendar days, archive months and counters ("2023-5-3 (1)", "2024年11月") are no titles.
    if not title or not _WORDS.search(title) or _DATE_ONLY.match(title):
        return None
    if li.tag == "a":  # a bare link: its date is the text right after it
        outside = li.tail or ""
        following = li.getnext()
        if following is not None and following.tag not in ("a", "br"):
            outside += _text(following)
    else:
        row_raw = text_of(li)
        if _PRENEXT.match(row_raw):  # (its ^\s* skips leading space)
            return None
        outside = row_raw.replace(a_raw, " ", 1) if a_raw else row_raw
    date = _DATE.search(outside)
    return SidebarLink(
        box=box,
        title=title,
        url=urls.canonical_url(href),
        date=None,
        date_raw=date.group(0) if date else None,
        # Only a visible text ending in an ellipsis can have been cut.
        truncated=is_truncated_clean(text, full),
    )


def _is_article_box(links: list[SidebarLink]) -> bool:
    """Article lists, not menus, tag clouds or category boxes."""
    if len(links) < 2:
        return False
    articleish = sum(
        1
        for link in links
        if link.date_raw or urls.looks_like_article(link.url) or len(link.title) >= _MIN_TITLE_CHARS
    )
    navigation = sum(
        1 for link in links if urls.looks_like_listing(link.url) or TAG_URL.search(link.url)
    )
    return articleish * 2 > len(links) and navigation * 2 < len(links)


def _row_of(a: Element) -> Element:
    """The list row an anchor sits in (``li``, ``tr``, ``dd``), else the anchor itself."""
    node = a.getparent()
    for _ in range(3):
        if node is None:
            break
        if node.tag in ("li", "tr", "dd"):
            return node
        node = node.getparent()
    return a


def _heading_row(rows: list[Element]) -> str | None:
    """A table box's title row: the nearest earlier ``tr`` with short text and no link."""
    row = rows[0].getprevious()
    while row is not None:
        if isinstance(row.tag, str) and row.tag == "tr":
            if row.find(".//a") is None:
                name = _text(row)
                return name if name and len(name) <= 20 else None
            return None
        row = row.getprevious()
    return None


def _inline_heading(container: Element, first_row: Element) -> str | None:
    """For ``<td><b>热门</b><br><a>…</a><br><a>…</a>``: a bold/heading child before the links."""
    for child in container:
        if child is first_row:
            return None
        if isinstance(child.tag, str) and child.tag in (
            "b",
            "strong",
            "h3",
            "h4",
            "h5",
            "span",
            "font",
        ):
            name = _text(child)
            if child.find(".//a") is None and name and len(name) <= 20:
                return None if _LABEL.search(name) else name
    return None


def _looks_like_menu(container: Element, rows: list[Element]) -> bool:
    """A cheap first look: short link texts and no dates make a menu, not an article box.

    Saves building links for navigation lists; ``_is_article_box`` decides the rest.
    """
    total = len(rows)
    needed = total // 2 + 1  # long link texts that make it an article box
    long_texts = 0
    for read, row in enumerate(rows, start=1):
        a = row if row.tag == "a" else _first_anchor(row, with_href=False)
        text = (a.get("title") or text_of(a)) if a is not None else ""
        if len(text.strip()) >= _MIN_TITLE_CHARS:
            long_texts += 1
            if long_texts >= needed:
                return False
        elif long_texts + total - read < needed:
            break  # too few long texts even if all the unread ones are: stop reading
    return not _DATE.search(text_of(container))


def _inside(el: Element, roots: set[Element]) -> bool:
    return el in roots or any(ancestor in roots for ancestor in el.iterancestors())


def sidebar_links(
    root: Element,
    page_url: str,
    body: Element | None,
    *,
    anchors: Iterable[Element] | None = None,
    landmarks: Iterable[Element] | None = None,
) -> list[SidebarLink]:
    """Every link of every article box on the page, in page order.

    Anchors are grouped by their row's parent: the ``li`` of one ``ul``, the
    ``tr`` of one table, or bare ``<br>``-separated links of one cell.
    ``anchors`` (every ``<a>``) and ``landmarks`` (every ``<header>`` and
    ``<footer>``), in document order, spare a walk of the tree each when the
    page object has them already.
    """
    groups: dict[Element, list[Element]] = {}
    in_body = set(body.iter("a")) if body is not None else set()
    for a in root.iter("a") if anchors is None else anchors:
        if a in in_body or not a.get("href"):
            continue
        row = _row_of(a)
        parent = row.getparent()
        if parent is None:
            continue
        rows = groups.setdefault(parent, [])
        if not rows or rows[-1] is not row:  # anchors of one row come together
            rows.append(row)
    found: list[SidebarLink] = []
    join = urls.joiner(page_url)
    page_path = urls.before_query(page_url)  # what its links resolve against
    around_body: set[Element] | None = None
    chrome: set[Element] | None = None
    # The most selective tests first: four groups in five are menus (short link
    # texts, no dates), dropped before their heading is looked for.
    for container, rows in groups.items():
        if len(rows) < 2 or _looks_like_menu(container, rows):
            continue
        name = _group_name(container, rows)
        if not name:
            continue
        if chrome is None:
            if landmarks is None:
                landmarks = root.iter("header", "footer")
            chrome = {el for el in landmarks if _IS_CHROME(el)}
        if chrome and _inside(container, chrome):
            continue
        if around_body is None:
            around_body = set(body.iterancestors()) if body is not None else set()
        if container in around_body:  # its rows depend on where the body is: read them
            found.extend(_box_links(container, rows, join, name))
        else:
            found.extend(_BOXES.links(container, rows, join, name, page_path))
    return found


def _box_links(
    container: Element, rows: list[Element], join: Callable[[str], str], name: str
) -> list[SidebarLink]:
    """The links of one headed group of rows, none if it is no article box."""
    if _prev_next_lines(container):
        return []
    links = [link for link in (_link(row, join, name) for row in rows) if link]
    return links if _is_article_box(links) else []


class _BoxCache:
    """Sidebar boxes already read, by their markup: sites repeat them on every page.

    A site's 最新文章 / 热门文章 boxes are the same on page after page of a
    crawl, and reading a box (each row's link, title, date, the box test)
    cost about as much as the rest of the sidebar search together. A box's
    links depend only on its own markup, its heading and the page URL up to
    its query (``urls.before_query``; a fragment-only link is never a sidebar
    link), so those are the key; the heading and the chrome test, which look
    outside the box, are worked out on every page.
    A box that holds the article body is never cached (its rows depend on
    where the body is). Links are handed out as new objects each time: the
    normalizer fills in their dates. Bounded: the oldest entries go first.

    Kept because a site's boxes repeat on every page; were every box new on
    every page, the key (the box serialized) would cost a little more than
    reading without a cache (``benchmarks/EXTRACTION.md`` holds the page
    object's timing).
    """

    def __init__(self, size: int = 1024, largest: int = 16_384) -> None:
        self.size = size  # boxes kept; 0 keeps none (every box is read)
        # A box whose markup is longer (a wrapper of bare links around half the
        # page) is read each time: memory stays under size x largest (16 MB).
        self.largest = largest
        self._boxes: dict[tuple[str, str, bytes], tuple[tuple[Any, ...], ...]] = {}

    def links(
        self,
        container: Element,
        rows: list[Element],
        join: Callable[[str], str],
        name: str,
        page_path: str,
    ) -> list[SidebarLink]:
        key = (name, page_path, etree.tostring(container, encoding="utf-8", with_tail=False))
        boxes = self._boxes
        cached = boxes.get(key)
        if cached is None:
            links = _box_links(container, rows, join, name)
            if self.size > 0 and len(key[2]) <= self.largest:
                if len(boxes) >= self.size:
                    del boxes[next(iter(boxes))]
                boxes[key] = tuple(tuple(getattr(link, f) for f in _LINK_FIELDS) for link in links)
            return links
        return [SidebarLink(*args) for args in cached]


#: SidebarLink's fields in ``__init__`` order: a cached box is kept as tuples of them.
_LINK_FIELDS = tuple(f.name for f in fields(SidebarLink))
_BOXES = _BoxCache()


def _group_name(container: Element, rows: list[Element]) -> str | None:
    """The heading of a group of link rows: a table's title row, an inline or a preceding one."""
    if rows[0].tag == "tr":
        name = _heading_row(rows)
        table = container.getparent()
        if name is None and container.tag == "tbody" and table is not None:
            name = box_name(table)
        return name
    if rows[0].tag == "a":
        return _inline_heading(container, rows[0]) or box_name(container)
    return box_name(container)


def _prev_next_lines(container: Element) -> bool:
    """A ``上一篇：<a>…</a> 下一篇：<a>…</a>`` block: its text outside links starts with the label."""
    # One search of the whole text rules out most boxes: a piece of text can only
    # hold a label if the text they make up together does.
    if not _PRENEXT_ANYWHERE.search(text_of(container)):
        return False
    if any(map(_PRENEXT_ANYWHERE.search, text_nodes(container))):
        return bool(_PRENEXT.search("".join(strings(container, _TEXT_OUTSIDE_LINKS))))
    return False
