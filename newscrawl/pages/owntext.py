"""Every element's own text on a page, gathered once and searched by label all at once.

The date line, the counter line and the byline lines are each found the same
way: the elements whose own text (their text, or a child's tail: XPath
``text()``) holds a label (发布时间, 点击, 作者：…). Walking the tree once per
label kind and calling a regex on each piece of text cost a fifth of a page's
extraction. Here the tree is walked once: the pieces are joined into one
string (NUL between pieces, which no label pattern matches, so no match spans
two), each label kind is one regex scan of that string in C, and a match's
offset names its piece's element.

What is never read, as a reader skips it: the text inside links (a link's
tail is its parent's text) and inside the site's header, nav and footer
(``<header>`` and the like not inside ``<article>`` or ``<main>``).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Collection

from newscrawl.pages.dom import Element

_LANDMARKS = ("header", "nav", "footer")
_UNSHOWN = frozenset(("script", "style"))
_SEPARATOR = "\x00"  # parse_html drops NUL from pages: it never occurs in a piece
_PLUS_ONE = (1).__add__


def _is_read(owner: Element) -> bool:
    """Whether a reader sees ``owner``'s own text: not a link's, not the site chrome's."""
    chrome = False
    for el in (owner, *owner.iterancestors()):
        tag = el.tag
        if tag == "a":
            return False
        if tag in _LANDMARKS:
            chrome = True
        elif chrome and tag in ("article", "main"):
            chrome = False  # the article's own header: read
    return not chrome


def _document_key(el: Element) -> tuple[int, ...]:
    """Sorts elements into document order: the child index of each ancestor, root first."""
    path = []
    parent = el.getparent()
    while parent is not None:
        path.append(parent.index(el))
        el, parent = parent, parent.getparent()
    return tuple(reversed(path))


class OwnText:
    """The own text of every element below ``scope``, searchable at once.

    Built in one ``iter()`` of the tree that only reads text: which pieces a
    reader sees (not inside a link or the site chrome) is decided for the
    few pieces a pattern finds, not for every piece of the page.
    """

    __slots__ = ("_owners", "_starts", "_tails", "_text")

    def __init__(self, scope: Element) -> None:
        pieces: list[str] = []
        owners: list[Element] = []  # a text's element, or the element a tail follows
        tails: set[int] = set()  # pieces that are tails (owned by the element's parent)
        # (Bound once: this loop runs for every element of the page.)
        add_piece, add_owner, add_tail = pieces.append, owners.append, tails.add
        for el in scope.iter():
            # (Not a comment's text, nor a script's or a style's: never shown, and
            # often longer than the page's text. The tag first: each ``.tag`` and
            # ``.text`` makes a new string, and a script's text is long.)
            tag = el.tag
            if tag.__class__ is str and tag not in _UNSHOWN and (text := el.text):
                add_piece(text)
                add_owner(el)
            if el is not scope and (tail := el.tail):
                add_tail(len(pieces))
                add_piece(tail)
                add_owner(el)
        self._text = _SEPARATOR.join(pieces)
        # Where each piece starts in the joined text.
        # (map and accumulate of C functions: no Python frame a piece)
        self._starts = [0, *itertools.accumulate(map(_PLUS_ONE, map(len, pieces[:-1])))]
        self._owners = owners
        self._tails = tails

    def elements(
        self,
        pattern: re.Pattern[str],
        *,
        ignore: Collection[str] = (),
        within: Element | None = None,
    ) -> list[Element]:
        """Elements whose own text ``pattern`` finds, in document order, each once.

        ``ignore``: tags whose elements are not read (``script``: long, never a
        label). ``within``: only elements inside it (or itself).
        """
        found: set[Element] = set()
        starts, owners, tails = self._starts, self._owners, self._tails
        text = self._text
        position = 0
        while (match := pattern.search(text, position)) is not None:
            piece = bisect.bisect_right(starts, match.start()) - 1
            owner: Element | None = owners[piece]
            if piece in tails and owner is not None:
                owner = owner.getparent()
            if (
                owner is not None
                and owner.tag not in ignore
                and owner not in found
                and (within is None or owner is within or within in owner.iterancestors())
                and _is_read(owner)
            ):
                found.add(owner)
            # On from the next piece: one match a piece is all the question needs.
            position = starts[piece + 1] if piece + 1 < len(starts) else len(text)
            if position <= match.start():
                break  # (a pattern matching the empty string at the end)
        return sorted(found, key=_document_key)
