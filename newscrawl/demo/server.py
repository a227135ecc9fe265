"""Serve the demo site over real HTTP on 127.0.0.1.

The demo exists so that ``newscrawl demo`` and the end-to-end tests exercise
the whole stack (robots.txt, pagination, traps, soft 404s, counters that move
on every fetch) without touching the network. The server behaves like the
example CMS: every fetch of an existing article adds one to its counter and the
page prints the new value, a list page number out of range silently serves page
1, and an unknown article id answers 200 with an empty article frame.

The ``dedecms`` theme behaves like a DedeCMS site instead: pages are static
files (a list or article page that was never generated is a plain 404), they
are GB18030 bytes declared only by a gb2312 ``<meta>`` while the HTTP header
says a bare ``text/html``, and an article fetch counts nothing: the page's
``<script src="/plus/count.php?view=yes&aid=N&mid=1">`` adds one and answers
``document.write('N');``. Its soft 404 is ``/plus/view.php?aid=999``.

``fetch_counts`` records every request (path + query) so tests can assert what
a crawler fetched, and that it skipped what robots.txt disallows.
"""

from __future__ import annotations

import argparse
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

from newscrawl.demo.content import DemoSite, load_site
from newscrawl.demo.routes import ALL_THEMES, DedeUrls, Route, UrlScheme
from newscrawl.demo.schemes import url_scheme
from newscrawl.demo.theme_dedecms import DedeCmsTheme
from newscrawl.demo.theme_phpmywind import PhpMyWindTheme
from newscrawl.demo.theme_rewrite import RewriteTheme

ROBOTS_TXT = "User-agent: *\nDisallow: /admin/\nDisallow: /search.php\n"
#: robots.txt of the ``dedecms`` theme: the counter script ``/plus/count.php`` is allowed.
DEDE_ROBOTS_TXT = (
    "User-agent: *\n"
    "Disallow: /plus/ad_js.php\n"
    "Disallow: /plus/search.php\n"
    "Disallow: /member/\n"
    "Disallow: /dede/\n"
)
#: The ``robots_disallow_counter=True`` variant: all of ``/plus/`` (the counter too).
DEDE_ROBOTS_TXT_NO_COUNTER = (
    "User-agent: *\nDisallow: /plus/\nDisallow: /member/\nDisallow: /dede/\n"
)
#: The DedeCMS theme's encoding: GBK as declared, written as GB18030 so any character fits.
DEDE_ENCODING = "gb18030"
#: A 1x1 transparent GIF for the pictures the editor HTML references.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
#: The session id PHP themes set (one for everyone: the demo keeps no sessions).
SESSION_ID = "5f0c1e2d3b4a69788776a5b4c3d2e1f0"
_ASSET_TYPES = {".css": "text/css", ".js": "application/javascript"}


class _Handler(BaseHTTPRequestHandler):
    """One request; all state lives on the :class:`DemoServer` (``server.demo``)."""

    server_version = "Apache/2.4.58"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: tests and the demo command print their own progress."""

    def do_GET(self) -> None:
        demo: DemoServer = self.server.demo  # type: ignore[attr-defined]
        demo._record(self.path, self.headers.get("Cookie"))
        status, content_type, body = demo.respond(self.path)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Powered-By", "PHP/5.6.40")
        if demo.sends_session_cookie:
            # PHP sites start a session on every page: a crawler's cookie handling
            # (and Scrapy's public-suffix check of the cookie's domain) runs on them.
            self.send_header("Set-Cookie", f"PHPSESSID={SESSION_ID}; path=/")
        self.end_headers()
        self.wfile.write(body)


class DemoServer:
    """The demo site on a local port, served from a daemon thread.

    Use as a context manager (``with DemoServer() as server: server.base_url``)
    or call :meth:`start` and :meth:`stop`. ``port=0`` picks a free port.
    """

    def __init__(
        self,
        theme: str = "phpmywind",
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        robots_disallow_counter: bool = False,
    ) -> None:
        self.theme_name = theme
        self.urls = url_scheme(theme)
        self.site: DemoSite = load_site()
        self.theme = make_theme(theme, self.site, self.urls)
        if robots_disallow_counter and not isinstance(self.theme, DedeCmsTheme):
            raise ValueError("robots_disallow_counter applies to the dedecms themes only")
        self.robots_disallow_counter = robots_disallow_counter
        self.host = host
        self.port = port
        self.fetch_counts: dict[str, int] = Counter()
        #: Requests that sent a cookie back (the crawler kept the session cookie).
        self.cookie_requests = 0
        self._views = {a.id: a.base_views for a in self.site.articles}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> Self:
        """Bind and serve in a daemon thread; returns ``self`` for chaining."""
        if self._httpd is not None:
            return self
        httpd = ThreadingHTTPServer((self.host, self.port), _Handler)
        httpd.daemon_threads = True
        httpd.demo = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, name="demo-site", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (safe to call twice)."""
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    # -- state ----------------------------------------------------------------

    @property
    def robots_txt(self) -> str:
        """The robots.txt this server answers with."""
        if not isinstance(self.theme, DedeCmsTheme):
            return ROBOTS_TXT
        return DEDE_ROBOTS_TXT_NO_COUNTER if self.robots_disallow_counter else DEDE_ROBOTS_TXT

    def views(self, article_id: int) -> int:
        """The current counter of an article (what the next fetch shows, minus one).

        On the ``dedecms`` theme only ``/plus/count.php`` moves it.
        """
        with self._lock:
            return self._views[article_id]

    @property
    def sends_session_cookie(self) -> bool:
        """PHP themes answer with a ``PHPSESSID`` cookie; static DedeCMS files do not."""
        return not isinstance(self.theme, DedeCmsTheme)

    def _record(self, path: str, cookie: str | None = None) -> None:
        with self._lock:
            self.fetch_counts[path] = self.fetch_counts.get(path, 0) + 1
            if cookie:
                self.cookie_requests += 1

    def _hit(self, article_id: int) -> int:
        with self._lock:
            self._views[article_id] += 1
            return self._views[article_id]

    # -- responses --------------------------------------------------------------

    def respond(self, path: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a request path with its query."""
        route = self.urls.parse(path)
        if isinstance(self.theme, DedeCmsTheme):
            return self._respond_dedecms(self.theme, route, path)
        html = "text/html; charset=utf-8"
        if route.kind == "robots":
            return 200, "text/plain; charset=utf-8", ROBOTS_TXT.encode()
        if route.kind == "asset":
            return self._asset(path)
        if route.kind == "missing":
            return 404, html, _not_found().encode("utf-8")
        return 200, html, self.render(route).encode("utf-8")

    def render(self, route: Route) -> str:
        """The HTML of a page route; counts an article view as a side effect."""
        theme = self.theme
        assert isinstance(theme, PhpMyWindTheme), "render() serves the PHPMyWind themes"
        if route.kind == "home":
            return theme.home()
        if route.kind == "search":
            return theme.search(route.keyword)
        if route.kind == "admin":
            return theme.admin()
        if route.kind == "list":
            last = self.site.list_page_count(route.cid) if route.cid is not None else 1
            page = route.page if 1 <= route.page <= last else 1  # the trap: page 1 again
            return theme.listing(route.cid, page)
        article = self.site.article(route.article_id or 0)
        if article is None:  # soft 404: HTTP 200, full frame, empty article
            return theme.article(None, route.cid, 1, 0)
        page = route.page if 1 <= route.page <= article.page_count else 1
        return theme.article(article, route.cid, page, self._hit(article.id))

    def _respond_dedecms(
        self, theme: DedeCmsTheme, route: Route, path: str
    ) -> tuple[int, str, bytes]:
        """DedeCMS: GB18030 pages under a charset-less ``text/html``, script counters."""
        html = "text/html"  # no charset: many old servers send none; the page's <meta> says gb2312
        if route.kind == "robots":
            return 200, "text/plain", self.robots_txt.encode("ascii")
        if route.kind == "counter":
            return 200, "application/x-javascript", self._count(route).encode("ascii")
        if route.kind == "adjs":
            return 200, "application/x-javascript", b"document.write('');\r\n"
        if route.kind == "asset":
            if path.split("?", 1)[0].endswith((".gif", ".jpg", ".png")):
                return 200, "image/gif", PIXEL
            return self._asset(path)
        if route.kind == "missing":
            return 404, "text/html; charset=iso-8859-1", _not_found().encode("ascii")
        page: str
        if route.kind == "home":
            page = theme.home()
        elif route.kind == "list" and route.cid is not None:
            page = theme.listing(route.cid, route.page)
        elif route.kind == "show" and (article := self.site.article(route.article_id or 0)):
            page = theme.article(article, route.page)
        elif route.kind == "view":
            article = self.site.article(route.article_id or 0)
            if article is None or not 1 <= route.page <= article.page_count:
                page = theme.missing()  # soft 404: HTTP 200 and 文档不存在
            else:
                page = theme.article(article, route.page, dynamic=True)
        elif route.kind == "search":
            page = theme.search(route.keyword)
        else:
            page = theme.admin()
        return 200, html, page.encode(DEDE_ENCODING)

    def _count(self, route: Route) -> str:
        """``/plus/count.php``: add one to a known article; with ``view=yes`` print it."""
        article_id = route.article_id or 0
        if self.site.article(article_id) is None:
            return "document.write('0');\r\n" if route.view else ""
        views = self._hit(article_id)
        return f"document.write('{views}');\r\n" if route.view else ""

    def _asset(self, path: str) -> tuple[int, str, bytes]:
        clean = path.split("?", 1)[0]
        if clean.startswith("/uploads/"):
            return 200, "image/gif", PIXEL
        for suffix, content_type in _ASSET_TYPES.items():
            if clean.endswith(suffix):
                return 200, f"{content_type}; charset=utf-8", b"/* demo placeholder */\n"
        return 404, "text/html; charset=utf-8", _not_found().encode("utf-8")


def make_theme(name: str, site: DemoSite, urls: UrlScheme) -> PhpMyWindTheme | DedeCmsTheme:
    """The renderer of theme ``name`` over its URL scheme ``urls``."""
    from newscrawl.demo.theme_dedecms57 import Dede57Theme
    from newscrawl.demo.theme_pbootcms import PbootTheme
    from newscrawl.demo.theme_phpmywind56 import Phpmywind56Theme

    if isinstance(urls, DedeUrls):
        return (Dede57Theme if name == "dedecms57" else DedeCmsTheme)(site, urls)
    themes: dict[str, type[PhpMyWindTheme]] = {
        "rewrite": RewriteTheme,
        "phpmywind56": Phpmywind56Theme,
        "pbootcms": PbootTheme,
    }
    return themes.get(name, PhpMyWindTheme)(site, urls)


def _not_found() -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8" /><title>404 Not Found</title></head>'
        "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>"
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m newscrawl.demo.server [--theme dedecms] [--port 8000]``: serve until Ctrl-C."""
    parser = argparse.ArgumentParser(description="Serve the newscrawl offline demo site.")
    parser.add_argument("--theme", choices=ALL_THEMES, default="phpmywind")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "--robots-disallow-counter",
        action="store_true",
        help="dedecms theme: robots.txt disallows /plus/ (the counter script) entirely",
    )
    args = parser.parse_args(argv)
    server = DemoServer(
        theme=args.theme,
        host=args.host,
        port=args.port,
        robots_disallow_counter=args.robots_disallow_counter,
    ).start()
    print(f"demo site ({args.theme}) on {server.base_url}/  (Ctrl-C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
