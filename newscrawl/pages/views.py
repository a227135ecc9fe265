"""Reading an article's read count as the page shows it (``views_raw``).

In the date line's text (:func:`views_in_text`); else in a labelled line
near the article (:func:`views_in_lines`: 阅读 <script/>539, 阅读数(<em>15878</em>));
else an element named as the count (``<span id="viewCount">3573</span>``) or a
number after an eye icon, beside the headline or date line (:func:`count_near`).
A colon takes no spaces: ``点击：<b>356</b>`` is ``点击：356``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from newscrawl.normalize.text import clean_text
from newscrawl.pages import labels
from newscrawl.pages.dateline import MAX_META_CHARS
from newscrawl.pages.dom import Element
from newscrawl.pages.element_text import visible_text

_COLON_SPACES = re.compile(r"\s*([：:])\s*")
#: An element named as a read count, whose text is the number (not a comment count).
_COUNT_NAME = re.compile(
    r"view_?count|views?[-_]?num|read_?count|read[-_]?num|click_?count|hits?(?:\b|_)|pv_?count",
    re.IGNORECASE,
)
#: An eye icon (font icon classes) printed before a read count.
_EYE_ICON = re.compile(r"(?:^|[\s-])(?:fa-eye|icon-eye|eye)(?:\s|$)")


@functools.lru_cache(maxsize=4096)
def _count_kind(names: str) -> str | None:
    """ "count" for a class/id naming a read count, "eye" for an eye icon (memoized: a
    template repeats its class names)."""
    if _COUNT_NAME.search(names):
        return "count"
    return "eye" if _EYE_ICON.search(names) else None


def views_in_text(text: str) -> str | None:
    """The count in a line's text (the date line's): after its label, or before it."""
    match = labels.VIEWS_TEXT.search(text)
    if match:
        return clean_text(_COLON_SPACES.sub(r"\1", match.group(0)))
    if after := labels.VIEWS_BEFORE_LABEL.search(text):
        return clean_text(after.group(0))
    return None


def views_in_lines(lines: Iterable[Element]) -> str | None:
    """The count in the first short labelled line that shows one."""
    for el in lines:
        text = visible_text(el)
        if len(text) <= MAX_META_CHARS and (match := labels.VIEWS_TEXT.search(text)):
            return clean_text(_COLON_SPACES.sub(r"\1", match.group(0)))
    return None


def count_near(anchor: Element | None) -> str | None:
    """A number in an element named as the count, or after an eye icon, in ``anchor``'s parent.

    Named counts and icons are read around the headline and date line only.
    """
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
