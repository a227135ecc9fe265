"""Finding an article's headline among its headings and title-classed elements.

Candidates are h1–h6 anywhere and ``*title*``-classed elements near the date
line (:func:`headline_candidates`); each is scored by its tag, its agreement
with ``<title>``/og:title and its standing right before the date line, and
the best one outside page chrome wins (:func:`best_headline`).
:func:`headline_text` reads its words without a nested date line or badge.
"""

from __future__ import annotations

from lxml import etree

from newscrawl.pages.dateline import HEADING_TAGS
from newscrawl.pages.dom import Element, text_of
from newscrawl.pages.element_text import shown_text

# Page chrome: a <header> inside <article> or <main> is the article's own header.
IN_CHROME = etree.XPath(
    "ancestor-or-self::*[(self::header or self::nav or self::footer)"
    " and not(ancestor::article) and not(ancestor::main)] | ancestor-or-self::a"
)
_HEADING_WEIGHT = {"h1": 3.0, "h2": 2.5, "h3": 2.0, "h4": 1.5, "h5": 1.5, "h6": 1.0}


def titled(scope: Element) -> list[Element]:
    """Elements below ``scope`` classed or named as a title (``*title*``, ``tit``, ``bt``).

    The XPath ``.//*[contains(@class,'title') or …]`` in Python: libxml2's
    ``contains`` on attributes made that XPath slower than this loop.
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


def heading_before(line: Element) -> Element | None:
    """The nearest h1–h3 before ``line`` in the document, not around it.

    XPath ``preceding::*[self::h1 or self::h2 or self::h3][1]`` without its
    walk over every earlier node: the preceding siblings of ``line`` and of
    each of its ancestors, nearest first, and the last heading inside each.
    """
    node: Element | None = line
    while node is not None:
        for sibling in node.itersiblings(preceding=True):
            if isinstance(sibling.tag, str):
                headings = list(sibling.iter(*HEADING_TAGS))
                if headings:
                    return headings[-1]
        node = node.getparent()
    return None


def headline_candidates(
    root: Element, headings: list[Element], line: Element | None
) -> list[Element]:
    """h1–h3 anywhere; ``*title*``-classed elements near the date line (or anywhere without one)."""
    scope = root
    if line is not None:
        for _ in range(3):
            parent = scope.getparent() if scope is not root else None
            scope = line if scope is root else (parent if parent is not None else scope)
    return list(headings) + [el for el in titled(scope) if el.tag not in ("h1", "h2", "h3")]


def best_headline(
    candidates: list[Element],
    line: Element | None,
    *,
    full_title: str,
    short_title: str,
    og_title: str,
) -> Element | None:
    """The best-scored candidate outside page chrome, or None when none scores enough.

    ``line`` is the labelled date line (its text is not headline text); the
    titles are the page's ``<title>``, that without its site suffix, and og:title.
    """
    before_line = heading_before(line) if line is not None else None
    line_and_above = {line, *line.iterancestors()} if line is not None else set()
    best: Element | None = None
    best_score = 2.9
    for el in candidates:
        text = shown_text(el, skip=line) if el in line_and_above else shown_text(el)
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
        if score > best_score and not IN_CHROME(el):
            best, best_score = el, score
    return best


def headline_text(headline: Element, line: Element | None) -> str | None:
    """The headline's words: without a date line nested in it (PHPCMS h1 > span), nor a
    badge before the words (<h2><span>原创</span>标题</h2>)."""
    skip = line if line is not None and headline in set(line.iterancestors()) else None
    first = headline[0] if len(headline) else None
    if (
        skip is None
        and first is not None
        and not (headline.text or "").strip()
        and first.tag in ("span", "em", "i", "b", "label")
        and 0 < len(badge := text_of(first).strip()) <= 3
        and len(shown_text(headline)) > len(badge) + 3
    ):
        skip = first
    return shown_text(headline, skip=skip) or None
