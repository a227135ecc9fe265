"""The text an element shows, as the page object's readers take it.

Lines, bylines and headlines are compared by the text a reader sees:
:func:`shown_text` joins an element's text as the page shows it (tags add no
spaces, unless told to keep words of separate elements apart),
:func:`visible_text` leaves scripts and styles out, :func:`own_text` is an
element's own words without its children's. :func:`following` walks the
document from an element on, as a reader's eye goes.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from newscrawl.normalize.text import clean_text
from newscrawl.pages.dom import Element, text_of

_VISIBLE_TEXT = etree.XPath(
    "descendant::text()[not(ancestor::script) and not(ancestor::style)]", smart_strings=False
)


def visible_text(el: Element) -> str:
    """The text a reader sees in ``el``, pieces joined by spaces, scripts and styles left out."""
    pieces = _VISIBLE_TEXT(el)
    return clean_text(" ".join(str(p) for p in pieces) if isinstance(pieces, list) else "") or ""


def own_text(el: Element) -> str:
    """An element's own text: its text and its children's tails."""
    parts = [el.text or ""]
    parts.extend(child.tail or "" for child in el)
    return "".join(parts).strip()


def following(start: Element) -> Iterator[Element]:
    """``start``, its descendants, then every element after it, in document order."""
    yield from start.iter()
    node: Element | None = start
    while node is not None:
        for sibling in node.itersiblings():
            yield from sibling.iter()
        node = node.getparent()


def shown_text(el: Element, *, skip: Element | None = None, sep: str = "") -> str:
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
