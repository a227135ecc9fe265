"""The ``phpmywind56`` demo theme: PHPMyWind 5.6 as installed, with its stock script URLs.

A stock PHPMyWind 5.6 site has one script pair per content type, not the
``list.php`` / ``show.php`` of a customized template: channels are
``news.php?cid=4`` (``&page=2``), items ``newsshow.php?cid=4&id=55``, and so on
for products (``product.php?cid=7``, ``productshow.php?cid=7&id=1``) and
software (``soft.php?cid=9``, ``softshow.php?cid=9&id=1``). Each content type
is a table of its own with its own id sequence, so news id 1 and product id 1
are two different pages: a crawler that keys pages by (site, id) mixes them.

The demo's three channels become the three content types; inside a type the
articles are numbered from 1, oldest first. Nothing in these URLs is a shape
``newscrawl.crawl.urls`` lists: the crawler has to find the pages' roles from what
they show. Markup, counters, the trap and the soft 404 are the default theme's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from newscrawl.demo.content import DemoSite
from newscrawl.demo.routes import Route, UrlScheme, _common_route, _int
from newscrawl.demo.theme_phpmywind import PhpMyWindTheme

#: Demo channel -> (script stem, the CMS's cid of that content type's channel).
CONTENT_TYPES = {29: ("news", 4), 30: ("product", 7), 31: ("soft", 9)}
_SCRIPT = re.compile(r"^/([a-z]+?)(show)?\.php$")


class Phpmywind56Urls(UrlScheme):
    """``news.php?cid=4&page=2`` and ``newsshow.php?cid=4&id=55``, ids per content type."""

    name = "phpmywind56"

    def __init__(self, site: DemoSite) -> None:
        self.site = site
        #: demo article id -> its id within its content type (1 = the type's oldest).
        self.local_id: dict[int, int] = {}
        self._global: dict[tuple[int, int], int] = {}
        for cid in CONTENT_TYPES:
            for number, article in enumerate(reversed(site.in_channel(cid)), start=1):
                self.local_id[article.id] = number
                self._global[(cid, number)] = article.id
        self._cid_of: dict[tuple[str, int], int] = {
            (stem, type_cid): cid for cid, (stem, type_cid) in CONTENT_TYPES.items()
        }

    def list_url(self, cid: int, page: int | None = None) -> str:
        stem, type_cid = CONTENT_TYPES[cid]
        base = f"{stem}.php?cid={type_cid}"
        return base if page is None else f"{base}&page={page}"

    def show_url(self, cid: int, article_id: int, page: int | None = None) -> str:
        stem, type_cid = CONTENT_TYPES[cid]
        # An id no article has (the home page's stale link) stays as it is: a soft 404.
        base = f"{stem}show.php?cid={type_cid}&id={self.local_id.get(article_id, article_id)}"
        return base if page is None else f"{base}&page={page}"

    def content_page_url(self, cid: int, article_id: int, page: int) -> str:
        """The in-body pager's query-only links, in the content type's ids."""
        _stem, type_cid = CONTENT_TYPES[cid]
        return f"?cid={type_cid}&id={self.local_id.get(article_id, article_id)}&page={page}"

    def canonical_article(self, base_url: str, cid: int, article_id: int) -> str:
        return f"{base_url}/{self.show_url(cid, article_id)}"

    def parse(self, path_qs: str) -> Route:
        parts = urlsplit(path_qs)
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        common = _common_route(parts.path, query)
        if common is not None:
            return common
        match = _SCRIPT.match(parts.path)
        type_cid = _int(query.get("cid"))
        cid = self._cid_of.get((match.group(1), type_cid or 0)) if match else None
        if match is None or cid is None:
            return Route("missing")
        page = _int(query.get("page"), 1) or 1
        if match.group(2) is None:
            return Route("list", cid=cid, page=page)
        local = _int(query.get("id"), 0) or 0
        return Route("show", cid=cid, article_id=self._global.get((cid, local), 0), page=page)


class Phpmywind56Theme(PhpMyWindTheme):
    """The default PHPMyWind markup under PHPMyWind 5.6's stock URLs."""

    name = "phpmywind56"
