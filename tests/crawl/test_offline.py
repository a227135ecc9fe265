"""No traffic to anyone but the crawled site (issue 25, point 5).

A crawl of the demo site runs in a subprocess whose every name lookup and
socket connection goes through an audit hook: anything but 127.0.0.1 is
written down. The demo's PHP theme sets a session cookie, so Scrapy's cookie
handling asks whether the cookie's domain is a public suffix, which with
Scrapy's own ``TLDExtract`` and an empty cache downloads the Public Suffix
List from public hosts. The cache directory is an empty one of the test's, so
a cached list left by another program cannot hide a download.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.crawl.offline import OfflineCookiesMiddleware, suffix_list_is_offline
from newscrawl.demo.server import DemoServer
from newscrawl.spiders.cms import CmsSpider

REPO = Path(__file__).resolve().parents[2]

#: Runs ``scrapy crawl`` with an audit hook that records every host looked up or
#: connected to that is not the loopback address, into the file named by argv[1].
RUNNER = """
import atexit, json, sys
out, args = sys.argv[1], sys.argv[2:]
hosts = []
LOCAL = ("127.0.0.1", "localhost", "::1")
def hook(event, details):
    if event == "socket.getaddrinfo":
        host = details[0]
    elif event == "socket.connect":
        address = details[1]
        host = address[0] if isinstance(address, tuple) else None
    else:
        return
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if host is not None and host not in LOCAL:
        hosts.append(str(host))
sys.addaudithook(hook)
atexit.register(lambda: open(out, "w").write(json.dumps(hosts)))
from scrapy.cmdline import execute
execute(["scrapy", *args])
"""


def test_project_settings_use_the_offline_cookie_middleware() -> None:
    from newscrawl import settings

    middlewares = settings.DOWNLOADER_MIDDLEWARES
    assert middlewares["scrapy.downloadermiddlewares.cookies.CookiesMiddleware"] is None
    assert middlewares["newscrawl.crawl.offline.OfflineCookiesMiddleware"] == 700


def test_middleware_makes_the_suffix_list_local() -> None:
    crawler = get_crawler(CmsSpider, {"COOKIES_ENABLED": True})
    OfflineCookiesMiddleware.from_crawler(crawler)
    assert suffix_list_is_offline()


@pytest.mark.e2e
def test_crawl_reaches_no_host_but_the_site(tmp_path: Path) -> None:
    cache = tmp_path / "tldextract-cache"
    cache.mkdir()
    found = tmp_path / "hosts.json"
    env = {**os.environ, "TLDEXTRACT_CACHE": str(cache)}
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    with DemoServer(theme="phpmywind") as server:
        proc = subprocess.run(
            [
                sys.executable, "-c", RUNNER, str(found),
                "crawl", "cms",
                "-a", f"start_urls={server.base_url}/",
                "-s", f"ARCHIVE_URL=sqlite:///{tmp_path / 'a.sqlite'}",
                "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=0",
                "-s", "CLOSESPIDER_PAGECOUNT=8",
            ],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        cookies_sent_back = server.cookie_requests
    assert proc.returncode == 0, proc.stderr[-3000:]
    # The session cookie went through Scrapy's cookie handling (and its suffix check).
    assert cookies_sent_back > 0
    assert json.loads(found.read_text()) == []
    assert list(cache.iterdir()) == []
