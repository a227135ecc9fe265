"""The synthetic site: every page pre-rendered to HTTP response bytes, plus its truth.

Rendering reuses the demo's PHPMyWind theme (the same markup the end-to-end
tests crawl), fed with generated articles. Two things differ from the demo
because they only matter at scale:

- the site object caches per-channel lists, neighbours and the hot box, since
  the demo's linear scans would make rendering 5000 articles quadratic;
- list pages show a window of page numbers (首页 上一页 … 下一页 尾页) like the
  real template, instead of linking every page of a 100-page channel.

Counters are static here (each page shows its stored count), so the truth is
known before the crawl and pages can be served from memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from benchmarks.textpool import CHANNELS, generate_articles
from newscrawl.demo.content import DemoArticle, DemoSite
from newscrawl.demo.render import url_attr
from newscrawl.demo.routes import UrlScheme
from newscrawl.demo.server import ROBOTS_TXT
from newscrawl.demo.theme_phpmywind import PhpMyWindTheme

#: Page numbers shown on each side of the current one in a list pager.
PAGER_WINDOW = 4
SITE_OFFSET = "+08:00"
HTML_TYPE = "text/html; charset=utf-8"


class SyntheticSite(DemoSite):
    """A :class:`DemoSite` whose lookups are precomputed (O(1) per page rendered)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self._by_channel: dict[int, list[DemoArticle]] = {}
        for article in self.articles:
            self._by_channel.setdefault(article.cid, []).append(article)
        self._position = {
            a.id: index for same in self._by_channel.values() for index, a in enumerate(same)
        }
        self._hot = sorted(self.articles, key=lambda a: (-a.base_views, a.id))

    def in_channel(self, cid: int) -> list[DemoArticle]:
        return self._by_channel.get(cid, [])

    def hottest(self, count: int = 5) -> list[DemoArticle]:
        return self._hot[:count]

    def neighbours(self, article: DemoArticle) -> tuple[DemoArticle | None, DemoArticle | None]:
        same = self._by_channel[article.cid]
        index = self._position[article.id]
        older = same[index + 1] if index + 1 < len(same) else None
        newer = same[index - 1] if index > 0 else None
        return older, newer


class SyntheticTheme(PhpMyWindTheme):
    """The demo theme with a windowed list pager and a sidebar rendered once."""

    _sidebar_html: str | None = None

    def sidebar(self) -> str:
        if self._sidebar_html is None:
            self._sidebar_html = super().sidebar()
        return self._sidebar_html

    def list_pager(self, cid: int, page: int, last: int) -> str:
        url = self.urls.list_url
        parts = [f'<a href="{url_attr(url(cid, 1))}" title="首页">首页</a>']
        if page > 1:
            parts.append(f'<a href="{url_attr(url(cid, page - 1))}" title="上一页">上一页</a>')
        else:
            parts.append('<a href="javascript:;" title="已是第一页">上一页</a>')
        for k in range(max(1, page - PAGER_WINDOW), min(last, page + PAGER_WINDOW) + 1):
            on = ' class="on"' if k == page else ""
            parts.append(f'<a href="{url_attr(url(cid, k))}"{on}>{k}</a>')
        if page < last:
            parts.append(f'<a href="{url_attr(url(cid, page + 1))}" title="下一页">下一页</a>')
        else:
            parts.append('<a href="javascript:;" title="已是最后一页">下一页</a>')
        parts.append(f'<a href="{url_attr(url(cid, last))}" title="尾页">尾页</a>')
        return "\n".join(parts)


@dataclass(frozen=True)
class Truth:
    """What the archive must hold for one article (page-1 path, without the host)."""

    path: str
    title: str
    published_at: str
    views: int
    author: str | None
    sections: int


@dataclass
class SiteBundle:
    """Everything the server and the checks need, rendered once in the parent process.

    ``pages`` maps a normalized request target (query arguments sorted) to a
    complete HTTP/1.1 response, so serving is a dict lookup and one write.
    """

    pages: dict[str, bytes]
    list_page_one: dict[str, bytes]
    soft_404: bytes
    not_found: bytes
    truth: list[Truth]
    article_paths: list[str]
    list_paths: list[str]

    def body(self, path: str) -> bytes:
        """The HTML body of a pre-rendered page (the response minus its headers)."""
        response = self.pages[normalize_target(path)]
        return response[response.index(b"\r\n\r\n") + 4 :]


def normalize_target(target: str) -> str:
    """``/list.php?page=2&cid=29`` -> ``/list.php?cid=29&page=2`` (the lookup key)."""
    path, _, query = target.partition("?")
    if not query:
        return path
    pairs = sorted(parse_qsl(query, keep_blank_values=True))
    return path + "?" + "&".join(f"{k}={v}" for k, v in pairs)


def http_response(status: int, content_type: str, body: bytes) -> bytes:
    """A complete keep-alive HTTP/1.1 response, headers like the example CMS sends."""
    reason = {200: "OK", 404: "Not Found"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nServer: Apache/2.4.58\r\nX-Powered-By: PHP/5.6.40\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


def _html(text: str) -> bytes:
    return http_response(200, HTML_TYPE, text.encode("utf-8"))


def build_site(count: int, seed: int = 6) -> SiteBundle:
    """Generate ``count`` articles and render home, lists, articles and robots.txt."""
    return render_site(generate_articles(count, seed))


def render_site(articles: list[DemoArticle]) -> SiteBundle:
    """Render a site of these articles (newest first), e.g. a subset of a generated set."""
    site = SyntheticSite(
        name="星澜娱乐",
        company="杭州星澜文化传媒有限公司",
        icp="浙ICP备20250613号-1",
        channels=list(CHANNELS),
        articles=articles,
    )
    urls = UrlScheme()
    theme = SyntheticTheme(site, urls)
    pages: dict[str, bytes] = {}
    home = _html(theme.home())
    for path in ("/", "/index.php"):
        pages[path] = home
    pages["/robots.txt"] = http_response(200, "text/plain; charset=utf-8", ROBOTS_TXT.encode())
    list_paths: list[str] = []
    list_page_one: dict[str, bytes] = {}
    for channel in site.channels:
        last = site.list_page_count(channel.cid)
        for page in range(1, last + 1):
            response = _html(theme.listing(channel.cid, page))
            path = "/" + urls.list_url(channel.cid, page)
            pages[normalize_target(path)] = response
            list_paths.append(path)
            if page == 1:
                pages["/" + urls.list_url(channel.cid)] = response
                list_page_one[str(channel.cid)] = response
    truth: list[Truth] = []
    article_paths: list[str] = []
    for article in site.articles:
        path = "/" + urls.show_url(article.cid, article.id)
        pages[normalize_target(path)] = _html(
            theme.article(article, article.cid, 1, article.base_views)
        )
        article_paths.append(path)
        truth.append(
            Truth(
                path=path,
                title=article.title,
                published_at=article.published.replace(" ", "T") + SITE_OFFSET,
                views=article.base_views,
                author=article.author,
                sections=len(article.merged_sections()),
            )
        )
    not_found = (
        '<!DOCTYPE html><html><head><meta charset="utf-8" /><title>404 Not Found</title>'
        "</head><body><h1>Not Found</h1></body></html>"
    )
    return SiteBundle(
        pages=pages,
        list_page_one=list_page_one,
        soft_404=_html(theme.article(None, CHANNELS[0].cid, 1, 0)),
        not_found=http_response(404, HTML_TYPE, not_found.encode("utf-8")),
        truth=truth,
        article_paths=article_paths,
        list_paths=list_paths,
    )
