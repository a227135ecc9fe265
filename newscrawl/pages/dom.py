"""Parsing HTML into an lxml tree, once per page, shared by every page object.

Page objects walk lxml elements directly (compiled XPath, ``iter``) rather
than through parsel's Selector wrappers: extraction must cost a few times
the parse itself (issue 6), and wrapping every match in a Selector object
costs more than the match.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import cast

from lxml import etree

#: Plain lxml elements: lxml.html's HtmlElement classes cost a Python-level
#: class lookup for every element proxy, about a fifth of extraction time.
Element = etree._Element

#: One parser per process; page objects run in one thread of each process.
#: Comments and processing instructions are dropped while parsing (their tails
#: kept): no reader looks at them, and every walk of the tree skipped them one
#: by one (``benchmarks/EXTRACTION.md`` holds the page object's timing).
_PARSER = etree.HTMLParser(
    recover=True,
    encoding="utf-8",
    huge_tree=True,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
)


def parse_html(html: str, utf8: bytes | None = None) -> Element:
    """The document root of ``html``; an empty or unparseable page is an empty ``<html>``.

    ``utf8``, when given, must be ``html`` encoded as UTF-8 (the response's own
    bytes, :class:`newscrawl.pages.encoding.DecodedPage`): they are parsed as they
    are, which spares encoding the text again and scanning it for NUL
    (``benchmarks/EXTRACTION.md`` holds the parse's timing).
    """
    # UTF-8 bytes with a fixed parser encoding: lxml refuses str input that
    # carries an XML encoding declaration, and NUL bytes end its input.
    if utf8 is not None and b"\x00" not in utf8:  # bytes: one memchr
        body = utf8
    else:
        if "\x00" in html:
            html = html.replace("\x00", "")
        body = html.encode("utf-8", "surrogatepass")
    # isspace() stops at the first visible byte; strip() would copy the whole page.
    root = etree.fromstring(body, parser=_PARSER) if body and not body.isspace() else None
    if root is None:
        root = etree.fromstring(b"<html></html>", parser=_PARSER)
    return root


def collect(root: Element, groups: Mapping[str, tuple[str, ...]]) -> dict[str, list[Element]]:
    """The elements of each group of tags, in document order, found in one walk of the tree.

    Each ``root.iter(tag)`` walks the whole tree and page objects look up a
    dozen tags (meta, script, time, headings, links …): one walk serves the
    field chains, the sidebar and the link listing of the same page.
    """
    group_of = {tag: group for group, tags in groups.items() for tag in tags}
    found: dict[str, list[Element]] = {group: [] for group in groups}
    lists = {tag: found[group] for tag, group in group_of.items()}
    for el in root.iter(*group_of):
        lists[el.tag].append(el)
    return found


@functools.cache
def compiled(expr: str) -> etree.XPath:
    """``expr`` compiled once per process: ``el.xpath(str)`` parses the expression on every call."""
    return etree.XPath(expr)


def find_all(node: Element, expr: str | etree.XPath) -> list[Element]:
    """Elements an XPath expression finds (typed, and compiled once when given as text)."""
    result = (compiled(expr) if isinstance(expr, str) else expr)(node)
    return [el for el in result if isinstance(el, Element)] if isinstance(result, list) else []


def strings(node: Element, expr: str | etree.XPath) -> list[str]:
    """Text or attribute values an XPath expression finds, as ``str``."""
    result = (compiled(expr) if isinstance(expr, str) else expr)(node)
    return [str(value) for value in result] if isinstance(result, list) else []


def text_of(el: Element) -> str:
    """All text inside ``el``, as is (no separators added between elements).

    Equal to ``"".join(el.itertext())`` (comments and processing instructions
    add nothing, the element's own tail is left out), but serialized by
    libxml2 in one C call rather than a Python generator over ``itertext``,
    on a three-node ``<li>`` as on a whole ``<body>`` (``tests/pages/test_speed_equivalence.py``
    checks that both agree).
    """
    if not len(el):  # no children: its text is all there is (and needs no serializer)
        return el.text or ""
    return etree.tostring(el, method="text", encoding="unicode", with_tail=False)


def has_text(el: Element, min_chars: int) -> bool:
    """``len(text_of(el).strip()) >= min_chars``, reading no more text than it needs.

    A hint's body check needs 20 characters, not the 5,000 of the body: the
    pieces are joined only until the stripped text is long enough (a prefix
    that is long enough stripped means the whole text is).
    """
    if not len(el):
        return len((el.text or "").strip()) >= min_chars
    shown = ""
    for piece in cast("Iterator[str]", el.itertext()):  # the stubs allow bytes; HTML gives str
        shown += piece
        if len(shown.strip()) >= min_chars:
            return True
    return False


def text_longer_than(el: Element, limit: int) -> bool:
    """``len(text_of(el)) > limit``, reading no more text than it needs.

    A line next to the date line is a credit only when short, and one of its
    siblings is often the whole body: joining 5,000 characters to learn they
    are more than 160 cost more than reading every credit on the page.
    """
    if not len(el):
        return len(el.text or "") > limit
    size = 0
    for piece in cast("Iterator[str]", el.itertext()):  # the stubs allow bytes; HTML gives str
        size += len(piece)
        if size > limit:
            return True
    return False


_TEXT_NODES = etree.XPath("descendant::text()", smart_strings=False)


def text_nodes(el: Element) -> list[str]:
    """The pieces ``el.itertext()`` yields, as a list made in one C call (not a generator).

    XPath hands over the descendant text nodes as plain strings; libxml2 keeps
    one node per run of text, so they are the pieces ``itertext`` yields.
    """
    return cast("list[str]", _TEXT_NODES(el))


def stripped_length(el: Element) -> int:
    """``sum(len(t.strip()) for t in el.itertext())``: how much text ``el`` shows."""
    return sum(map(len, map(str.strip, text_nodes(el))))
