"""The ``pbootcms`` demo theme: PbootCMS 3.x with its query-route URLs.

PbootCMS without URL rewriting routes everything through the query string of
``/``: a channel is ``/?article/`` (page 2 ``/?article_2/``), a content page
``/?article/4.html``. Content ids are one sequence for the whole site,
starting at 1, so most ids of a young site have one or two digits. The
counter is printed as ``访问量：N`` where N is the visits plus a constant the
site's owner set (``OFFSET``). A page number past the end serves page 1 (the
trap), an unknown content id the empty frame (a soft 404). The markup is the
``rewrite`` theme's (another designer's template).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from newscrawl.demo.content import DemoArticle, DemoSite
from newscrawl.demo.routes import Route, UrlScheme, _common_route
from newscrawl.demo.theme_rewrite import RewriteTheme

#: Demo channel -> the channel's URL name.
CHANNELS = {29: "article", 30: "company", 31: "cases"}
#: What the site adds to every visit count it prints.
OFFSET = 100
_CHANNEL = re.compile(r"^([a-z]+)(?:_(\d+))?/$")
_CONTENT = re.compile(r"^([a-z]+)/(\d+)(?:_(\d+))?\.html$")


class PbootUrls(UrlScheme):
    """``/?article/``, ``/?article_2/``, ``/?article/4.html`` (ids from 1, site-wide)."""

    name = "pbootcms"

    def __init__(self, site: DemoSite) -> None:
        self.site = site
        oldest_first = sorted(site.articles, key=lambda a: (a.published, a.id))
        #: demo article id -> PbootCMS content id (1 = the site's oldest).
        self.content_id = {a.id: n for n, a in enumerate(oldest_first, start=1)}
        self._demo_id = {n: a for a, n in self.content_id.items()}
        self._cid_of = {name: cid for cid, name in CHANNELS.items()}

    def list_url(self, cid: int, page: int | None = None) -> str:
        name = CHANNELS[cid]
        return f"/?{name}/" if page is None or page == 1 else f"/?{name}_{page}/"

    def show_url(self, cid: int, article_id: int, page: int | None = None) -> str:
        number = self.content_id.get(article_id, article_id)
        suffix = "" if page is None or page == 1 else f"_{page}"
        return f"/?{CHANNELS[cid]}/{number}{suffix}.html"

    def content_page_url(self, cid: int, article_id: int, page: int) -> str:
        return self.show_url(cid, article_id, page)

    def canonical_article(self, base_url: str, cid: int, article_id: int) -> str:
        return f"{base_url}{self.show_url(cid, article_id)}"

    def parse(self, path_qs: str) -> Route:
        parts = urlsplit(path_qs)
        route = parts.query
        if parts.path in ("/", "/index.php") and route and "=" not in route:
            if m := _CHANNEL.match(route):
                cid = self._cid_of.get(m.group(1))
                page = int(m.group(2) or 1)
                return Route("list", cid=cid, page=page) if cid else Route("missing")
            if m := _CONTENT.match(route):
                cid = self._cid_of.get(m.group(1))
                if cid is None:
                    return Route("missing")
                article_id = self._demo_id.get(int(m.group(2)), 0)
                return Route("show", cid=cid, article_id=article_id, page=int(m.group(3) or 1))
            return Route("missing")
        common = _common_route(parts.path, {})
        return common if common is not None else Route("missing")


class PbootTheme(RewriteTheme):
    """The ``rewrite`` markup; the counter is ``访问量：visits + OFFSET``."""

    name = "pbootcms"

    def article_main(self, article: DemoArticle | None, page: int, views: int) -> str:
        html = super().article_main(article, page, views)
        if article is None:
            return html
        colon = article.colon_char
        return html.replace(f"人气{colon}{views}<", f"访问量{colon}{views + OFFSET}<", 1)
