"""Parsing HTML into an lxml tree, once per page, shared by every page object.

Page objects walk lxml elements directly (compiled XPath, ``iter``) rather
than through parsel's Selector wrappers: extraction must cost a few times
the parse itself (issue 6), and wrapping every match in a Selector object
costs more than the match.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

#: Plain lxml elements: lxml.html's HtmlElement classes cost a Python-level
#: class lookup for every element proxy, about a fifth of extraction time.
Element = etree._Element

#: One parser per process; page objects run in one thread of each process.
_PARSER = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True, no_network=True)


def parse_html(html: str) -> Element:
    """The document root of ``html``; an empty or unparseable page is an empty ``<html>``."""
    # UTF-8 bytes with a fixed parser encoding: lxml refuses str input that
    # carries an XML encoding declaration, and NUL bytes end its input.
    body = html.replace("\x00", "").encode("utf-8", "surrogatepass")
    root = etree.fromstring(body, parser=_PARSER) if body.strip() else None
    if root is None:
        root = etree.fromstring(b"<html></html>", parser=_PARSER)
    return root


def select(xpath: etree.XPath, node: Element) -> list[Element]:
    """The elements a compiled element-returning XPath finds under ``node``."""
    result = xpath(node)
    return [el for el in result if isinstance(el, Element)] if isinstance(result, list) else []


def with_own_text(root: Element, pattern: re.Pattern[str]) -> Iterator[Element]:
    """Elements in document order whose own text (text or a child's tail) matches ``pattern``.

    The equivalent of XPath ``//*[text()[contains(., …)]]`` for many labels at
    once, several times faster than XPath with one ``contains`` per label.
    """
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions
        text = el.text
        if text and pattern.search(text):
            yield el
            continue
        for child in el:
            tail = child.tail
            if tail and pattern.search(tail):
                yield el
                break


def find_all(node: Element, expr: str) -> list[Element]:
    """Elements an XPath expression finds (typed wrapper over ``node.xpath``)."""
    result = node.xpath(expr)
    return [el for el in result if isinstance(el, Element)] if isinstance(result, list) else []


def strings(node: Element, expr: str) -> list[str]:
    """Text or attribute values an XPath expression finds, as ``str``."""
    result = node.xpath(expr)
    return [str(value) for value in result] if isinstance(result, list) else []


def text_of(el: Element) -> str:
    """All text inside ``el``, as is (no separators added between elements)."""
    return "".join(str(t) for t in el.itertext())
