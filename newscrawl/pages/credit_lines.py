"""Where a page credits people, beside what :mod:`newscrawl.pages.bylines` reads in a text.

Short lines next to the date line (``<p>澎湃新闻记者 贺梨萍</p><p>2020-06-…</p>``),
and an element classed or id'd as the author's name (a self-media account's
name, ``<p class="author-name">``). ``ArticlePage`` reads these with the
date line, the labelled byline lines and the body's credit lines.
"""

from __future__ import annotations

import functools
import re

from lxml import etree

from newscrawl.pages import labels
from newscrawl.pages.bylines import is_name, is_name_shaped_account, read_credits
from newscrawl.pages.dom import Element, text_longer_than
from newscrawl.pages.element_text import shown_text

#: A byline label and its colon (作者： 来源: …): a line's own text that shows one.
ANY_BYLINE_LABEL = re.compile(
    "(?:" + "|".join((*labels.AUTHOR_LABELS, *labels.SOURCE_LABELS)) + r")\s*[：:]"
)
#: Elements whose text is never a byline.
NO_BYLINE = frozenset(("script", "style"))
#: A line this short beside the date line may be a byline without a label.
_MAX_CREDIT_LINE = 40
#: A self-media account's name: short, no sentence marks, no digits only.
_ACCOUNT_NAME = re.compile(r"^[\w\u4e00-\u9fff·\-]{2,16}$")


@functools.lru_cache(maxsize=4096)
def _names_author(names: str) -> bool:
    """A class/id naming the author (not "authority", "authorize"); memoized per template."""
    lowered = names.lower()
    return "author" in lowered and "authori" not in lowered


def lines_beside(line: Element | None) -> list[str]:
    """Short lines next to the date line ``line`` (its siblings' texts)."""
    parent = line.getparent() if line is not None else None
    if parent is None or line is None:
        return []
    return [
        text
        for sibling in parent
        if sibling is not line and isinstance(sibling.tag, str)
        # (the raw length first, read only as far as the limit: a sibling may be the
        # whole body)
        if not text_longer_than(sibling, 4 * _MAX_CREDIT_LINE)
        if 0 < len(text := shown_text(sibling, sep=" ")) <= _MAX_CREDIT_LINE
    ]


def author_element_name(scope: Element) -> str | None:
    """The text of a short element in ``scope`` classed or id'd as the author's name."""
    for el in scope.iter(etree.Element):
        cls, ident = el.get("class"), el.get("id")
        if (cls is None and ident is None) or not _names_author(f"{cls} {ident}"):
            continue
        text = shown_text(el, sep=" ")
        if not text or len(text) > 20:
            continue
        credits = read_credits(text)
        if credits.authors:
            return "; ".join(credits.authors)
        if is_name(text) or (_ACCOUNT_NAME.match(text) and is_name_shaped_account(text)):
            return text
    return None
