"""Meta refresh redirects: the same answers as Scrapy's middleware, without decoding pages.

``ByteCheckedMetaRefreshMiddleware`` must follow every refresh Scrapy's
``MetaRefreshMiddleware`` follows (compared on crafted pages and every saved
fixture page), and leave a page without one undecoded. A crawl end to end
follows an old article address that refreshes to the new one.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler
from sqlalchemy import select

from archive import open_archive
from archive.models import Article
from newscrawl.crawl.meta_refresh import ByteCheckedMetaRefreshMiddleware, may_hold_meta_refresh

FIXTURES = Path(__file__).parents[1] / "fixtures"
BIN = Path(sys.executable).parent

HEAD = '<!DOCTYPE html><html><head><meta charset="{charset}">{meta}<title>旧地址</title></head>'
BODY = "<body><p>本页已迁移，正在跳转到新的地址。</p></body></html>"
REFRESH = '<meta http-equiv="refresh" content="0;url=/show.php?cid=1&amp;id=7">'

#: name -> (page bytes, whether Scrapy follows a refresh on it; None: it depends on the
#: w3lib release, some replace character references before they look)
PAGES: dict[str, tuple[bytes, bool | None]] = {
    "no tag": ((HEAD.format(charset="utf-8", meta="") + BODY).encode("utf-8"), False),
    "tag": ((HEAD.format(charset="utf-8", meta=REFRESH) + BODY).encode("utf-8"), True),
    "upper case": (
        (
            HEAD.format(charset="utf-8", meta=REFRESH.upper().replace("0;URL", "0;url")) + BODY
        ).encode(),
        True,
    ),
    "gbk": ((HEAD.format(charset="gbk", meta=REFRESH) + BODY).encode("gbk"), True),
    "decimal reference": (
        (
            HEAD.format(charset="utf-8", meta=REFRESH.replace("refresh", "&#114;efresh")) + BODY
        ).encode(),
        None,
    ),
    "hex reference": (
        (
            HEAD.format(charset="utf-8", meta=REFRESH.replace("refresh", "r&#x65;fresh")) + BODY
        ).encode(),
        None,
    ),
    # A reference to another character that starts like one of the word's letters.
    "longer reference": (
        (
            HEAD.format(charset="utf-8", meta=REFRESH.replace("refresh", "&#1140;efresh")) + BODY
        ).encode(),
        False,
    ),
    "utf-16": (
        ("\ufeff" + HEAD.format(charset="utf-16", meta=REFRESH) + BODY).encode("utf-16-le"),
        True,
    ),
    # Within Scrapy's first 4,096 characters, after 12,000 bytes of them.
    "late tag": (
        (
            HEAD.format(charset="utf-8", meta="").replace("</head>", "")
            + "<!--"
            + "新" * 3900
            + "-->"
            + REFRESH
            + "</head>"
            + BODY
        ).encode(),
        True,
    ),
    # Past them: Scrapy does not look there.
    "tag past the first characters": (
        (
            HEAD.format(charset="utf-8", meta="").replace("</head>", "")
            + "<!--"
            + "新" * 5000
            + "-->"
            + REFRESH
            + "</head>"
            + BODY
        ).encode(),
        False,
    ),
    "word in text only": (
        (
            HEAD.format(charset="utf-8", meta="") + "<body><p>refresh 按钮</p></body></html>"
        ).encode(),
        False,
    ),
}


def _middlewares() -> tuple[MetaRefreshMiddleware, ByteCheckedMetaRefreshMiddleware]:
    crawler = get_crawler(settings_dict={})
    return MetaRefreshMiddleware.from_crawler(
        crawler
    ), ByteCheckedMetaRefreshMiddleware.from_crawler(crawler)


def _answer(result: Request | Response) -> tuple[str, str]:
    if isinstance(result, Request):
        return ("request", result.url)
    return ("response", result.url)


def _response(body: bytes, content_type: bytes | None = None) -> HtmlResponse:
    headers = {"Content-Type": content_type} if content_type else {}
    return HtmlResponse(url="http://127.0.0.1/show.php?cid=1&id=1", body=body, headers=headers)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_same_answer_as_scrapys_middleware(name: str) -> None:
    body, follows = PAGES[name]
    scrapys, ours = _middlewares()
    request = Request("http://127.0.0.1/show.php?cid=1&id=1")
    expected = _answer(scrapys.process_response(request, _response(body)))
    if follows is not None:
        assert expected[0] == ("request" if follows else "response")
    assert _answer(ours.process_response(request, _response(body))) == expected


def test_same_answer_on_every_saved_page() -> None:
    scrapys, ours = _middlewares()
    pages = sorted(FIXTURES.rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        body = page.read_bytes()
        request = Request("http://127.0.0.1/a/page.html")
        expected = _answer(scrapys.process_response(request, _response(body)))
        assert _answer(ours.process_response(request, _response(body))) == expected, page


def test_a_page_without_a_refresh_is_not_decoded() -> None:
    body, _ = PAGES["no tag"]
    scrapys, ours = _middlewares()
    request = Request("http://127.0.0.1/show.php?cid=1&id=1")
    theirs = _response(body, b"text/html; charset=utf-8")
    scrapys.process_response(request, theirs)
    assert theirs._cached_ubody is not None  # Scrapy's middleware decodes the whole page
    mine = _response(body, b"text/html; charset=utf-8")
    assert ours.process_response(request, mine) is mine
    assert mine._cached_ubody is None


def test_the_byte_check() -> None:
    assert not may_hold_meta_refresh(b"<html><head><title>x</title></head></html>")
    assert may_hold_meta_refresh(b'<meta HTTP-EQUIV="Refresh" content="0;url=/a">')
    assert may_hold_meta_refresh(b"<p>&#82;EFRESH</p>")
    assert may_hold_meta_refresh(b"<p>&#X00066;</p>")
    assert not may_hold_meta_refresh(b"<p>&#1020; &#x650;</p>")
    assert may_hold_meta_refresh("<p>x</p>".encode("utf-16-le"))
    assert may_hold_meta_refresh("<p>新闻</p>".encode("iso2022_jp_2"))
    assert may_hold_meta_refresh("<p>新闻</p>".encode("hz"))
    assert not may_hold_meta_refresh(b"<p>" + b"x" * 20000 + b"refresh</p>")


def test_the_project_settings_use_it() -> None:
    from newscrawl import settings

    middlewares = settings.DOWNLOADER_MIDDLEWARES
    assert middlewares["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert "newscrawl.crawl.meta_refresh.ByteCheckedMetaRefreshMiddleware" in middlewares


# -- end to end ------------------------------------------------------------

_LIST = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例新闻网</title></head><body>'
    "<h1>新闻中心</h1><ul>"
    '<li><a href="/show.php?cid=1&amp;id=1">旧城改造第一期完成</a> <span>2026-01-01</span></li>'
    '<li><a href="/show.php?cid=1&amp;id=2">新建社区食堂开业</a> <span>2026-01-02</span></li>'
    "</ul></body></html>"
)


def _article(number: int, title: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title} - 示例新闻网</title></head><body>"
        f'<div class="content"><h1>{title}</h1>'
        f'<div class="info">发布时间：2026-01-0{number} 09:30 作者：王芳 人气：{number * 10}</div>'
        '<div class="text"><p>街道办介绍了工程的进展，居民们对新的环境很满意。</p>'
        "<p>下一步还将继续完善配套设施。</p></div></div></body></html>"
    )


class _Site(BaseHTTPRequestHandler):
    """Article 1 has moved: its old address refreshes to id 7."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        pages = {
            "/": _LIST,
            "/show.php?cid=1&id=1": HEAD.format(charset="utf-8", meta=REFRESH) + BODY,
            "/show.php?cid=1&id=2": _article(2, "新建社区食堂开业"),
            "/show.php?cid=1&id=7": _article(1, "旧城改造第一期完成"),
        }
        html = pages.get(self.path)
        body = (html or "<html><body>404</body></html>").encode("utf-8")
        self.send_response(200 if html else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.e2e
def test_a_crawl_follows_a_moved_article(site: str, tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    done = subprocess.run(
        [str(BIN / "scrapy"), "crawl", "cms", "-a", f"start_urls={site}/",
         "-s", f"ARCHIVE_URL=sqlite:///{db}", "-s", "DOWNLOAD_DELAY=0",
         "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "LOG_LEVEL=INFO"],
        cwd=Path(__file__).parents[2], capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        stored = {url: title for url, title in session.execute(select(Article.url, Article.title))}
    opened.close()
    assert stored.get(f"{site}/show.php?cid=1&id=7") == "旧城改造第一期完成"
    assert stored.get(f"{site}/show.php?cid=1&id=2") == "新建社区食堂开业"
