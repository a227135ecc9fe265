"""Page objects: pure functions of (url, html) that build Article items.

``page_class_for`` is the one place that decides which class reads a page:
the generic ``ArticlePage`` bound to the CMS family the page shows
(``families.detect_family``), whose XPath hints it tries before its generic
chains.
"""

from __future__ import annotations

from functools import cache

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.families import FAMILIES, GENERIC, Family, detect_family


@cache
def _class_for(family: Family) -> type[ArticlePage]:
    if family is GENERIC:
        return ArticlePage
    name = f"{family.name.title()}ArticlePage"
    return type(name, (ArticlePage,), {"profile": family, "__doc__": f"{family.name} pages."})


def page_class_for(url: str, html: str) -> type[ArticlePage]:
    """The page class that reads ``url``: ``ArticlePage`` with the detected family's hints."""
    return _class_for(detect_family(url, html))


__all__ = ["FAMILIES", "ArticlePage", "detect_family", "page_class_for"]
