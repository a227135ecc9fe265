"""Reading the demo site's dedecms theme over HTTP: raw answers, GBK pages, article paths."""

from __future__ import annotations

import re
import urllib.error
import urllib.request

from newscrawl.demo import load_site


def fetch(url: str) -> tuple[int, str, bytes]:
    """(status, Content-Type header, raw body) of a GET, HTTP errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def dede_get(url: str) -> tuple[int, str]:
    """(status, text) of a dedecms page, decoded as its <meta> says (gb2312 -> gb18030)."""
    status, _, body = fetch(url)
    return status, body.decode("gb18030")


def dede_path(article_id: int, page: int = 1) -> str:
    article = load_site().article(article_id)
    assert article is not None
    day = article.published_dt
    dirs = {29: "news", 30: "hangye", 31: "yule"}
    name = f"{article_id}.html" if page == 1 else f"{article_id}_{page}.html"
    return f"/a/{dirs[article.cid]}/{day:%Y}/{day:%m%d}/{name}"


def dede_titles(html: str) -> list[str]:
    return re.findall(r'<a href="/a/\w+/\d{4}/\d{4}/\d+\.html" class="title">([^<]+)</a>', html)
