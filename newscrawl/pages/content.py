"""Which element holds the article's text: scored by what its paragraphs look like.

Templates differ, prose does not: an article's paragraphs are long runs of
text with sentence punctuation (，。！？), few of their characters are link
text, and they sit together under one container near the headline. Menus,
related-link lists, comment boxes and footers fail one of those tests. So,
as readability and GNE do (and with Chinese punctuation as the main signal):

1. every run of text is attributed to the block element that shows it (a
   ``<p>``, or a ``<div>``/``<td>`` whose text is split by ``<br>``: table
   portals and old editors write whole articles that way);
2. each such paragraph scores ``1 + punctuation + min(length / 100, 3)`` when it
   has at least ten characters that are not link text, and gives that score to
   its container, half to the container's parent and a third further up;
3. a container's score is cut by the share of its text that is link text, and
   halved when it stands wholly before the headline (a header promotion, not
   the article); the best container wins.

Subtrees that never hold article text are not read at all: scripts and
forms, site headers, navs and footers, and elements whose class or id says
they are comments, share bars, related lists or ads (unless it also says
content/article/body). What counts as such a word is :data:`UNLIKELY`.

Pure functions of an lxml tree; no I/O.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection

from lxml import etree

from newscrawl.pages.blocks import BLOCK_TAGS, SKIP_TAGS
from newscrawl.pages.dom import Element, stripped_length, text_of

#: class/id words of elements that never hold the article: their subtrees are not scored.
UNLIKELY = re.compile(
    r"comment|reply|share|shar_|bdshare|social|footer|foot\b|(?<!sub)nav|menu|sidebar|side_|"
    r"aside|related|relate|recommend|tuijian|xiangguan|hot|rank|ad\b|ads\b|advert|banner|"
    r"breadcrumb|crumb|position|location|copyright|login|toolbar|subscribe|qrcode|erweima|"
    r"keyword|tags?\b|pager|pagination|page_?list|popup|modal|widget|weibo|weixin|wechat|"
    r"gotop|backtop|float|fixed|extra|sponsor|guess|more_?news|footer|bottom|header|topbar",
    re.IGNORECASE,
)
#: class/id words that keep an element in even when it also matches :data:`UNLIKELY`.
MAYBE = re.compile(
    r"artic|body|content|main|text|detail|post|entry|story|zhengwen|zw\b|news_?con",
    re.IGNORECASE,
)
# Sentence and clause punctuation of Chinese and Latin prose.
# (Not colons or ASCII full stops: contact boxes and times are full of them.)
_PUNCTUATION = re.compile(r"[，。！？；、,!?;“”「」]")
_MIN_PARAGRAPH = 10
_ROOT_TAGS = frozenset(("html", "body", "article", "main"))
#: Elements that hold a paragraph's text (their container is their parent).
_PARAGRAPH_TAGS = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dd", "pre"))
_LANDMARKS = frozenset(("header", "nav", "footer", "aside"))
# Not read for prose: scripts, styles, form controls. A <form> is read: government
# CMSs (ASP.NET, VSB) wrap the whole page, article included, in one.
_UNREAD_TAGS = SKIP_TAGS - {"form"}


def is_unlikely(el: Element) -> bool:
    """An element whose class or id names boilerplate (comments, share bars, related lists)."""
    if el.tag in _ROOT_TAGS:
        return False
    names = (el.get("class") or "") + " " + (el.get("id") or "")
    return len(names) >= 3 and _unlikely_names(names)


@functools.lru_cache(maxsize=4096)
def _unlikely_names(names: str) -> bool:
    """Memoized: a site repeats the same few class names on every element and page."""
    return UNLIKELY.search(names) is not None and MAYBE.search(names) is None


def _is_landmark_chrome(el: Element) -> bool:
    """A site header, nav, footer or aside that is not inside ``<article>``/``<main>``."""
    return el.tag in _LANDMARKS and not any(
        a.tag in ("article", "main") for a in el.iterancestors()
    )


class _Paragraph:
    """Text gathered for one block element: length, link length, ``<br>`` breaks, its text."""

    __slots__ = ("breaks", "chars", "link_chars", "texts")

    def __init__(self) -> None:
        self.chars = 0
        self.link_chars = 0
        self.breaks = 0
        self.texts: list[str] = []  # outside links: punctuation is counted once, at the end

    def add(self, text: str, in_link: bool) -> None:
        size = len(text.strip())
        if not size:
            return
        self.chars += size
        if in_link:
            self.link_chars += size
        else:
            self.texts.append(text)

    @property
    def punctuation(self) -> int:
        texts = self.texts
        return len(_PUNCTUATION.findall(texts[0] if len(texts) == 1 else "".join(texts)))


def _paragraphs(root: Element, skip: Collection[Element]) -> dict[Element, _Paragraph]:
    """Every block element's own text (inline descendants included), read in one walk.

    (The hot loop of the content score: names are bound locally, each text
    goes to its paragraph without a call per text, and the boilerplate test
    of a class/id pair is looked up in a memo before it is called.)
    """
    found: dict[Element, _Paragraph] = {}
    hosts: list[Element] = []  # the block element each open element's text belongs to
    links = 0
    blocks = BLOCK_TAGS
    unread = _UNREAD_TAGS
    landmarks = _LANDMARKS
    roots = _ROOT_TAGS
    new = _Paragraph
    verdicts = _UNLIKELY_VERDICTS

    walker = etree.iterwalk(root, events=("start", "end"))
    skip_subtree = walker.skip_subtree
    for event, el in walker:
        tag = el.tag
        if event == "end":
            if tag.__class__ is not str:
                continue
            hosts.pop()
            if tag == "a":
                links -= 1
            tail = el.tail
            if tail and hosts:
                host = hosts[-1]
                paragraph = found.get(host) or found.setdefault(host, new())
                paragraph.add(tail, links > 0)
            continue
        if tag.__class__ is not str:
            # A comment's tail is its parent's text.
            tail = el.tail
            if tail and hosts:
                host = hosts[-1]
                paragraph = found.get(host) or found.setdefault(host, new())
                paragraph.add(tail, links > 0)
            continue
        unlikely = False
        cls = el.get("class")
        ident = el.get("id")
        if (cls is not None or ident is not None) and tag not in roots:
            names = f"{cls or ''} {ident or ''}"
            unlikely = verdicts.get(names)  # type: ignore[assignment]  # None: not seen yet
            if unlikely is None:
                unlikely = verdicts[names] = len(names) >= 3 and _unlikely_names(names)
        if (
            unlikely
            or tag in unread
            or (skip and el in skip)
            or (tag in landmarks and _is_landmark_chrome(el))
        ):
            skip_subtree()  # its "end" event still comes: it pops this entry
            hosts.append(hosts[-1] if hosts else el)
            if tag == "a":
                links += 1
            continue
        host = el if (tag in blocks or not hosts) else hosts[-1]
        hosts.append(host)
        if tag == "a":
            links += 1
        elif tag == "br":
            (found.get(host) or found.setdefault(host, new())).breaks += 1
        text = el.text
        if text:
            (found.get(host) or found.setdefault(host, new())).add(text, links > 0)
    if len(verdicts) > _MAX_VERDICTS:
        verdicts.clear()
    return found


#: ``is_unlikely`` by "class id" text, for the walk (a site repeats its class names).
_UNLIKELY_VERDICTS: dict[str, bool] = {}
_MAX_VERDICTS = 8192


_LINK_TEXTS = etree.XPath("descendant::a//text()", smart_strings=False)


def _visible_length(text: str) -> int:
    """Characters that are not white space (split and join run in C)."""
    return len("".join(text.split()))


def _link_density(el: Element) -> float:
    """The share of ``el``'s visible characters that are link text (two C-level reads)."""
    total = _visible_length(text_of(el))
    if not total:
        return 1.0
    pieces = _LINK_TEXTS(el)
    linked = _visible_length("".join(map(str, pieces))) if isinstance(pieces, list) else 0
    return min(1.0, linked / total)


def _order(root: Element, wanted: Collection[Element]) -> dict[Element, int]:
    """Document positions of ``wanted`` elements (one walk)."""
    positions: dict[Element, int] = {}
    if not wanted:
        return positions
    for index, el in enumerate(root.iter()):
        if el in wanted:
            positions[el] = index
            if len(positions) == len(wanted):
                break
    return positions


def content_scores(root: Element, *, skip: Collection[Element] = ()) -> list[tuple[float, Element]]:
    """The leading containers with their scores before the link-density cut, best first.

    (See the module docstring; :func:`best_content` applies the cut.)
    """
    scores: dict[Element, float] = {}
    found = _paragraphs(root, skip)
    if root.getparent() is None:
        # Markup after </html> (a second <html>, a saved page's tail) is a sibling of
        # the root, not inside it: lxml keeps it, and readers see it.
        for extra in root.itersiblings():
            if isinstance(extra.tag, str):
                found.update(_paragraphs(extra, skip))
    for host, paragraph in found.items():
        own = paragraph.chars - paragraph.link_chars
        if own < _MIN_PARAGRAPH:
            continue
        score = 1.0 + paragraph.punctuation + min(own / 100.0, 3.0)
        if paragraph.breaks >= 2:
            # Text split by <br>: each line a paragraph; the host is its own container.
            score += min(paragraph.breaks, 30) * 0.5
            container: Element | None = host
        elif host.tag in _PARAGRAPH_TAGS or host.tag in ("div", "span", "font", "section"):
            container = host.getparent()
            if host.tag not in _PARAGRAPH_TAGS:
                # A <div> paragraph also counts for itself: a lone text <div> may be the body.
                scores[host] = scores.get(host, 0.0) + score
        else:
            container = host
        level = 0
        while container is not None and level < 3:
            if container.tag in ("html",):
                break
            scores[container] = scores.get(container, 0.0) + score / (1, 2, 3)[level]
            container = container.getparent()
            level += 1
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:5]
    return [(score, el) for el, score in ranked]


def best_content(
    root: Element, *, headline: Element | None = None, skip: Collection[Element] = ()
) -> Element | None:
    """The element most likely to hold the article's text, or None when no prose is found.

    A leader's score is cut by its link density and halved when it stands
    before the headline. Both only lower a score, so leaders are weighed
    from the highest possible score down, and the link density (a read of
    the container's text) is computed only while a leader could still win.
    """
    scope = root
    if headline is not None:
        # An article frame around the headline holds its body: when its body is
        # empty (a soft 404's frame) the page has none, not a contact box's text.
        frame = next(headline.iterancestors("article"), None)
        if frame is not None:
            scope = frame
    candidates = content_scores(scope, skip=skip)
    if not candidates:
        return None
    if headline is not None:
        positions = _order(scope, {headline, *(el for _, el in candidates)})
        at = positions.get(headline)
        if at is not None:
            around = set(headline.iterancestors())
            adjusted = []
            for score, el in candidates:
                before = positions.get(el, 0) < at and el not in around
                adjusted.append((score * 0.5 if before else score, el))
            candidates = adjusted
    # Highest bound first; among equal bounds, the leaders' order (as max() would take them).
    order = sorted(range(len(candidates)), key=lambda i: (-candidates[i][0], i))
    best: Element | None = None
    best_score = -1.0
    best_index = len(candidates)
    for i in order:
        bound, el = candidates[i]
        if bound < best_score or (bound == best_score and i > best_index):
            break  # no later leader can score above the best one
        score = bound * (1.0 - _link_density(el))
        if score > best_score or (score == best_score and i < best_index):
            best, best_score, best_index = el, score, i
    return best if best_score >= 3.0 else None


#: A link text of headline length: what a list page's items link with.
_TITLE_LENGTH = range(6, 81)


def looks_like_list(el: Element) -> bool:
    """A run of headline links (a list page's items), not one article's prose.

    Three or more links of headline length whose text is at least a quarter
    of all the text: a list of articles with a line of summary each. An
    article's own links (a source, a related title or two) are a small part
    of its text.
    """
    titles = 0
    linked = 0
    for a in el.iter("a"):
        size = len(text_of(a).strip())
        if size in _TITLE_LENGTH:
            titles += 1
            linked += size
    if titles < 3:
        return False
    return linked * 4 >= stripped_length(el)
