"""URL schemes of the two demo themes, in both directions (build and parse).

The default theme uses PHPMyWind's dynamic URLs (``show.php?cid=29&id=613``);
the ``rewrite`` theme uses its URL-rewrite rules (``show-29-613-1.html``). Both
serve the same content, so a crawler that matches pages by structure and URL
shape must archive the same articles from either.

Parsing is lenient the way the CMS is: a page number that is missing, zero,
non-numeric or past the end means page 1 (the crawler trap), an unknown article
id still yields an article route (the soft 404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

RouteKind = Literal["home", "list", "show", "robots", "search", "admin", "asset", "missing"]
THEMES = ("phpmywind", "rewrite")


@dataclass(frozen=True)
class Route:
    """What a request asks for; ``page`` is the raw number, clamped later."""

    kind: RouteKind
    cid: int | None = None
    article_id: int | None = None
    page: int = 1
    keyword: str = ""


def _int(value: str | None, default: int | None = None) -> int | None:
    return int(value) if value is not None and value.isdigit() else default


class UrlScheme:
    """PHPMyWind's dynamic URLs; subclassed by :class:`RewriteUrls`."""

    name = "phpmywind"

    def home(self) -> str:
        return "/"

    def list_url(self, cid: int, page: int | None = None) -> str:
        return f"list.php?cid={cid}" if page is None else f"list.php?cid={cid}&page={page}"

    def show_url(self, cid: int, article_id: int, page: int | None = None) -> str:
        base = f"show.php?cid={cid}&id={article_id}"
        return base if page is None else f"{base}&page={page}"

    def content_page_url(self, cid: int, article_id: int, page: int) -> str:
        """Links of the in-body pager (PHPMyWind writes them query-only)."""
        return f"?cid={cid}&id={article_id}&page={page}"

    def canonical_article(self, base_url: str, cid: int, article_id: int) -> str:
        """Page-1 URL as a crawler archives it (query keys sorted: cid, id)."""
        return f"{base_url}/show.php?cid={cid}&id={article_id}"

    def parse(self, path_qs: str) -> Route:
        parts = urlsplit(path_qs)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        path = parts.path
        common = _common_route(path, query)
        if common is not None:
            return common
        if path == "/list.php":
            return Route("list", cid=_int(query.get("cid")), page=_int(query.get("page"), 1) or 1)
        if path == "/show.php":
            return Route(
                "show",
                cid=_int(query.get("cid")),
                article_id=_int(query.get("id"), 0),
                page=_int(query.get("page"), 1) or 1,
            )
        return Route("missing")


_REWRITE_LIST = re.compile(r"^/list-(\d+)(?:-([^./]*))?\.html$")
_REWRITE_SHOW = re.compile(r"^/show-(\d+)-([^./-]*)(?:-([^./]*))?\.html$")


class RewriteUrls(UrlScheme):
    """PHPMyWind's URL-rewrite rules: ``list-29-2.html``, ``show-29-613-1.html``."""

    name = "rewrite"

    def list_url(self, cid: int, page: int | None = None) -> str:
        return f"/list-{cid}-{page or 1}.html"

    def show_url(self, cid: int, article_id: int, page: int | None = None) -> str:
        return f"/show-{cid}-{article_id}-{page or 1}.html"

    def content_page_url(self, cid: int, article_id: int, page: int) -> str:
        return self.show_url(cid, article_id, page)

    def canonical_article(self, base_url: str, cid: int, article_id: int) -> str:
        return f"{base_url}/show-{cid}-{article_id}-1.html"

    def parse(self, path_qs: str) -> Route:
        parts = urlsplit(path_qs)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        common = _common_route(parts.path, query)
        if common is not None:
            return common
        if m := _REWRITE_LIST.match(parts.path):
            return Route("list", cid=int(m.group(1)), page=_int(m.group(2), 1) or 1)
        if m := _REWRITE_SHOW.match(parts.path):
            return Route(
                "show",
                cid=int(m.group(1)),
                article_id=_int(m.group(2), 0),
                page=_int(m.group(3), 1) or 1,
            )
        return Route("missing")


def _common_route(path: str, query: dict[str, str]) -> Route | None:
    """Paths both themes share: home, robots, search, admin, static files."""
    if path in ("/", "/index.php", "/index.html"):
        return Route("home")
    if path == "/robots.txt":
        return Route("robots")
    if path == "/search.php":
        return Route("search", keyword=query.get("kw", ""))
    if path.startswith("/admin/"):
        return Route("admin")
    if path.startswith(("/templates/", "/uploads/")):
        return Route("asset")
    return None


def url_scheme(theme: str) -> UrlScheme:
    """The URL scheme of ``theme`` ("phpmywind" or "rewrite")."""
    if theme == "phpmywind":
        return UrlScheme()
    if theme == "rewrite":
        return RewriteUrls()
    raise ValueError(f"unknown demo theme {theme!r}; choose one of {', '.join(THEMES)}")
