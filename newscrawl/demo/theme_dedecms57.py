"""The ``dedecms57`` demo theme: DedeCMS 5.7 static HTML with nested channel directories.

The ``dedecms`` theme with what a stock 5.7 installation adds:

- channel indexes are directories, one nested in another: ``/a/news/`` and
  ``/a/news/gongsi/`` (its sub-channel), ``/a/yule/``; their later pages are
  ``list_{typeid}_{page}.html`` relative to the directory, and typeids are
  small (``list_1_2.html``);
- article ids run from 1 (site-wide, oldest first): ``/a/news/2026/0108/1.html``,
  page 2 ``1_2.html``;
- the multi-page pager ``div.dede_pages`` comes after the body's
  ``div.content``, not inside it.

Everything else (GBK pages, the script counter, the soft 404 of
``/plus/view.php``) is the ``dedecms`` theme's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from newscrawl.demo.content import DemoSite
from newscrawl.demo.routes import DedeUrls, Route, _int, article_file
from newscrawl.demo.theme_dedecms import DedeCmsTheme

#: Demo channel -> (directory under /a/, DedeCMS typeid).
CHANNEL_DIRS = {29: ("news", 1), 30: ("news/gongsi", 2), 31: ("yule", 3)}
_LIST_INDEX = re.compile(r"^/a/([a-z/]+?)/(?:index\.html)?$")
_LIST = re.compile(r"^/a/([a-z/]+?)/list_(\d+)_(\d+)\.html$")
_SHOW = re.compile(r"^/a/([a-z/]+?)/(\d{4})/(\d{4})/(\d+)(?:_(\d+))?\.html$")


class Dede57Urls(DedeUrls):
    """``/a/news/gongsi/``, ``list_2_2.html``, ``/a/news/2026/0108/1.html`` (ids from 1)."""

    name = "dedecms57"

    def __init__(self, site: DemoSite) -> None:
        super().__init__(site)
        oldest_first = sorted(site.articles, key=lambda a: (a.published, a.id))
        #: demo article id -> DedeCMS aid (1 = the site's oldest).
        self.aid = {a.id: n for n, a in enumerate(oldest_first, start=1)}
        self._demo_id = {n: a for a, n in self.aid.items()}
        self._cid_of_dir = {d: cid for cid, (d, _typeid) in CHANNEL_DIRS.items()}

    def cms_id(self, article_id: int) -> int:
        return self.aid.get(article_id, article_id)

    def channel_dir(self, cid: int) -> str:
        return f"/a/{CHANNEL_DIRS[cid][0]}/"

    def list_file(self, cid: int, page: int) -> str:
        return f"list_{CHANNEL_DIRS[cid][1]}_{page}.html"

    def _article_stem(self, article_id: int) -> str:
        article = self.site.article(article_id)
        if article is None:
            raise KeyError(f"no demo article {article_id}")
        day = article.published_dt
        return f"{self.channel_dir(article.cid)}{day:%Y}/{day:%m%d}/{self.aid[article.id]}"

    def content_page_url(self, cid: int, article_id: int, page: int) -> str:
        return article_file(self.aid.get(article_id, article_id), page)

    def parse(self, path_qs: str) -> Route:
        """Channel directories, their list files and the articles; the rest as ``dedecms``."""
        path = urlsplit(path_qs).path
        if m := _LIST_INDEX.match(path):
            cid = self._cid_of_dir.get(m.group(1))
            return Route("list", cid=cid, page=1) if cid is not None else Route("missing")
        if m := _LIST.match(path):
            cid = self._cid_of_dir.get(m.group(1))
            page = int(m.group(3))
            if cid is None or int(m.group(2)) != CHANNEL_DIRS[cid][1]:
                return Route("missing")
            if not 1 <= page <= self.site.list_page_count(cid):
                return Route("missing")
            return Route("list", cid=cid, page=page)
        if m := _SHOW.match(path):
            article = self.site.article(self._demo_id.get(int(m.group(4)), 0))
            page = int(m.group(5) or 1)
            if article is None or self.show_url(article.cid, article.id) != (
                f"/a/{m.group(1)}/{m.group(2)}/{m.group(3)}/{m.group(4)}.html"
            ):
                return Route("missing")
            if m.group(5) is not None and not 2 <= page <= article.page_count:
                return Route("missing")
            return Route("show", cid=article.cid, article_id=article.id, page=page)
        route = super().parse(path_qs)
        if route.kind in ("view", "counter"):  # aid is DedeCMS's id: back to the demo's
            query = parse_qs(urlsplit(path_qs).query)
            aid = _int((query.get("aid") or [""])[-1], 0) or 0
            return Route(
                route.kind, article_id=self._demo_id.get(aid, 0), page=route.page, view=route.view
            )
        return route if route.kind not in ("list", "show") else Route("missing")


class Dede57Theme(DedeCmsTheme):
    """The ``dedecms`` markup with the article pager after ``div.content``."""

    name = "dedecms57"
    pager_after_content = True
