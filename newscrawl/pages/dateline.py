"""Finding an article's date line: the element that shows its date (and often its
bylines and counter).

Two ways, as :attr:`newscrawl.pages.base.ArticlePage.date_line` combines them:
the first short element whose own text has a date or byline label and that
holds a date (:func:`labelled_line`), and the first dated element after the
headline (:func:`date_after`), widened to its line (:func:`widen`).
"""

from __future__ import annotations

import re

from newscrawl.pages import labels
from newscrawl.pages.dom import Element
from newscrawl.pages.element_text import following, own_text, shown_text
from newscrawl.pages.owntext import OwnText

_META_LABELS = (
    *labels.DATE_LABELS, *labels.SOURCE_LABELS, "作者", "記者", "点击", "點擊", "人气", "浏览", "阅读",
)  # fmt: skip
#: A label a date line's own text shows: a date, source, author or counter label.
META_LABEL_RE = re.compile("(?:" + "|".join(_META_LABELS) + ")")
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Elements whose text is never the date line.
_NO_META_LINE = frozenset(("script", "style", "title", "option"))
#: A line longer than this is not a date line (nor a counter's line).
MAX_META_CHARS = 300
# A date that stands on its own: it names the year, or is relative (3小时前, 昨天).
_DATED = re.compile(r"\d{4}|前|刚刚|剛剛|昨天|前天|今天")
#: Characters of text after the headline within which its date line is looked for.
_DATE_WINDOW = 400
#: An element's own text longer than this is a paragraph, never the date line.
_MAX_DATE_TEXT = 120
#: A date line longer than this must put its date right after a date label.
_LONG_META_LINE = 80
_LABELLED_DATE = re.compile(
    labels.DATE_LABEL_RE.pattern + r"\s*[\[【(（]?\s*" + labels.DATE_TEXT.pattern
)


def labelled_line(own: OwnText, body: Element | None) -> Element | None:
    """The first short line in ``body`` whose own text has a label, and that holds a date."""
    for el in own.elements(META_LABEL_RE, ignore=_NO_META_LINE, within=body):
        # Labels often sit in <small>/<span>/<em>; the line is their block parent.
        while el.tag in ("small", "span", "em", "b", "strong", "label", "font", "i"):
            parent = el.getparent()
            if parent is None or parent.tag in HEADING_TAGS:  # PHPCMS: h1 > span line
                break
            if len(shown_text(parent)) > MAX_META_CHARS:
                break
            el = parent
        text = shown_text(el)
        if len(text) > MAX_META_CHARS or labels.TODAY_LINE.search(text):
            continue
        if len(text) > _LONG_META_LINE and not _LABELLED_DATE.search(text):
            continue  # a sentence that says 时间 and names a day, not a date line
        if labels.DATE_TEXT.search(text):
            return el
    return None


def date_after(headline: Element, labelled: Element | None, body: Element | None) -> Element | None:
    """The first dated element after the headline, else None; ``labelled`` when met first.

    The headline's own words are not read for a date (…今天成立了), nor the
    body's: the scan ends where the body starts. A long run of text is a
    paragraph, not a date line.
    """
    if labelled is not None and (labelled is headline or headline in labelled.iterancestors()):
        return labelled  # a date line inside the headline (PHPCMS h1 > span)
    inside = set(headline.iter())
    seen = 0
    for el in following(headline):
        if el is labelled:
            return el
        if el in inside:
            continue
        if el is body:
            return None
        tag = el.tag
        if not isinstance(tag, str) or tag in _NO_META_LINE:
            continue
        own = own_text(el)
        if not own or (tag == "a" and len(own) > 30):  # a link may hold the date, no title
            continue
        seen += len(own)
        match = labels.DATE_TEXT.search(own) if len(own) <= _MAX_DATE_TEXT else None
        if match is not None and _DATED.search(match.group(0)):
            return widen(el, headline)
        if seen > _DATE_WINDOW:
            return None
    return None


def widen(el: Element, headline: Element) -> Element:
    """A date's element widened to its line: inline parents, then a short block parent."""
    while True:
        parent = el.getparent()
        if parent is None or parent is headline or parent.tag in ("body", "html"):
            return el
        if headline in set(parent.iterancestors()) or parent in set(headline.iterancestors()):
            return el
        if len(shown_text(parent)) > 200 or sum(1 for _ in parent.iter("a")) > 3:
            return el
        el = parent
