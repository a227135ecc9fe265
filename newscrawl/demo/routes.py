"""URL schemes of the demo themes, in both directions (build and parse).

The default theme uses PHPMyWind's dynamic URLs (``show.php?cid=29&id=613``);
the ``rewrite`` theme uses its URL-rewrite rules (``show-29-613-1.html``); the
``dedecms`` theme uses DedeCMS's generated static files (``/a/news/`` with
``list_29_2.html``, ``/a/news/2026/0108/613.html`` with ``613_2.html``). All
serve the same content, so a crawler that matches pages by structure and URL
shape must archive the same articles from any of them.

PHPMyWind parsing is lenient the way the CMS is: a page number that is missing,
zero, non-numeric or past the end means page 1 (the crawler trap), an unknown
article id still yields an article route (the soft 404). DedeCMS pages are
static files: a list page or article page that was never generated is a plain
404, and only the dynamic ``/plus/view.php?aid=N`` answers an unknown id with a
soft 404.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qs, urlsplit

from newscrawl.demo.content import DemoSite

RouteKind = Literal[
    "home", "list", "show", "robots", "search", "admin", "asset", "missing",
    "counter", "view", "adjs",
]  # fmt: skip
THEMES = ("phpmywind", "rewrite", "dedecms")
#: Themes of site shapes found on real installations (issue 25): the same articles
#: under URLs no list of shapes names. Checked end to end by the pages archived, not
#: field by field (they have no ``expected/<theme>.json``).
SHAPE_THEMES = ("phpmywind56", "pbootcms", "dedecms57")
ALL_THEMES = THEMES + SHAPE_THEMES


@dataclass(frozen=True)
class Route:
    """What a request asks for; ``page`` is the raw number, clamped later."""

    kind: RouteKind
    cid: int | None = None
    article_id: int | None = None
    page: int = 1
    keyword: str = ""
    #: ``count.php?view=yes``: answer with ``document.write('N')`` (DedeCMS only).
    view: bool = False


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


#: The channel directories of the DedeCMS theme (``typedir`` under ``/a/``).
DEDE_DIRS = {29: "news", 30: "hangye", 31: "yule"}
_DEDE_LIST_INDEX = re.compile(r"^/a/([a-z]+)/(?:index\.html)?$")
_DEDE_LIST = re.compile(r"^/a/([a-z]+)/list_(\d+)_(\d+)\.html$")
_DEDE_SHOW = re.compile(r"^/a/([a-z]+)/(\d{4})/(\d{4})/(\d+)(?:_(\d+))?\.html$")


class DedeUrls(UrlScheme):
    """DedeCMS static URLs: ``{typedir}/{Y}/{M}{D}/{aid}.html`` and ``list_{tid}_{page}.html``.

    An article URL carries no channel id (only the channel's directory), so
    building one needs the article's date: the scheme looks articles up in
    ``site``. Parsing is strict: only files the CMS would have generated route
    to a page (see :meth:`parse`).
    """

    name = "dedecms"

    def __init__(self, site: DemoSite) -> None:
        self.site = site
        self._cid_of_dir = {d: cid for cid, d in DEDE_DIRS.items()}

    def channel_dir(self, cid: int) -> str:
        return f"/a/{DEDE_DIRS[cid]}/"

    def list_url(self, cid: int, page: int | None = None) -> str:
        """``/a/news/`` (the channel's index.html) or ``/a/news/list_29_2.html``."""
        base = self.channel_dir(cid)
        return base if page is None else f"{base}{self.list_file(cid, page)}"

    def cms_id(self, article_id: int) -> int:
        """The id DedeCMS gives the demo article (``aid`` of its scripts): the same here."""
        return article_id

    def list_file(self, cid: int, page: int) -> str:
        """The list file of a channel's page, relative to its directory (typeid = cid)."""
        return list_file(cid, page)

    def _article_stem(self, article_id: int) -> str:
        article = self.site.article(article_id)
        if article is None:
            raise KeyError(f"no demo article {article_id}")
        day = article.published_dt
        return f"{self.channel_dir(article.cid)}{day:%Y}/{day:%m%d}/{article.id}"

    def show_url(self, cid: int, article_id: int, page: int | None = None) -> str:
        """``/a/news/2026/0108/613.html``; page 2 is ``613_2.html`` (``cid`` is unused)."""
        stem = self._article_stem(article_id)
        return f"{stem}.html" if page is None or page == 1 else f"{stem}_{page}.html"

    def content_page_url(self, cid: int, article_id: int, page: int) -> str:
        """In-body pager links are bare file names: ``620.html``, ``620_2.html``."""
        return article_file(article_id, page)

    def canonical_article(self, base_url: str, cid: int, article_id: int) -> str:
        return f"{base_url}{self.show_url(cid, article_id)}"

    def parse(self, path_qs: str) -> Route:
        """Route a request; anything DedeCMS would not have generated is ``missing``.

        A list page past the end, an article page past its last page, an
        article under another channel's directory or date are all 404s.
        """
        parts = urlsplit(path_qs)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        path = parts.path
        if path in ("/", "/index.html"):
            return Route("home")
        if path == "/robots.txt":
            return Route("robots")
        if path == "/plus/count.php":
            return Route(
                "counter", article_id=_int(query.get("aid"), 0), view=query.get("view") == "yes"
            )
        if path == "/plus/view.php":
            return Route(
                "view", article_id=_int(query.get("aid"), 0), page=_int(query.get("pageno"), 1) or 1
            )
        if path == "/plus/search.php":
            return Route("search", keyword=query.get("q", ""))
        if path == "/plus/ad_js.php":
            return Route("adjs")
        if path.startswith(("/member/", "/dede/")) or path in ("/member", "/dede"):
            return Route("admin")
        if path.startswith(("/templets/", "/uploads/", "/include/")):
            return Route("asset")
        if m := _DEDE_LIST_INDEX.match(path):
            cid = self._cid_of_dir.get(m.group(1))
            return Route("list", cid=cid, page=1) if cid is not None else Route("missing")
        if m := _DEDE_LIST.match(path):
            cid = self._cid_of_dir.get(m.group(1))
            page = int(m.group(3))
            if cid is None or int(m.group(2)) != cid:
                return Route("missing")
            if not 1 <= page <= self.site.list_page_count(cid):
                return Route("missing")
            return Route("list", cid=cid, page=page)
        if m := _DEDE_SHOW.match(path):
            article = self.site.article(int(m.group(4)))
            page = int(m.group(5) or 1)
            if article is None or self.show_url(article.cid, article.id) != (
                f"/a/{m.group(1)}/{m.group(2)}/{m.group(3)}/{m.group(4)}.html"
            ):
                return Route("missing")
            if m.group(5) is not None and not 2 <= page <= article.page_count:
                return Route("missing")  # 613_1.html is never generated, nor 613_9.html
            return Route("show", cid=article.cid, article_id=article.id, page=page)
        return Route("missing")


def list_file(cid: int, page: int) -> str:
    """DedeCMS's list file name ``list_{typeid}_{page}.html``."""
    return f"list_{cid}_{page}.html"


def article_file(article_id: int, page: int) -> str:
    """DedeCMS's article file name: ``613.html`` for page 1, ``613_2.html`` after."""
    return f"{article_id}.html" if page == 1 else f"{article_id}_{page}.html"
