"""Page objects: pure functions of (url, html) that build PageArticle items.

``ArticlePage`` reads any article page; it reads the page as the CMS family
the page shows (``families.detect_family``), whose XPath hints it tries
before its generic chains. ``encoding`` decodes a response's bytes as the page
says; ``extraction`` runs the whole reading of one page (decode, page object,
links, normalization) as one call that a worker process can take.
"""

from __future__ import annotations

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.families import FAMILIES, GENERIC, Family, detect_family

__all__ = ["FAMILIES", "GENERIC", "ArticlePage", "Family", "detect_family"]
