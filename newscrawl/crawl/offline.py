"""No traffic to anyone but the crawled site: the Public Suffix List comes bundled.

Scrapy's ``CookiesMiddleware`` asks ``tldextract`` whether a cookie's domain is
a public suffix (``_is_public_domain``), through one ``TLDExtract`` it builds at
import time with the library's defaults: on its first use, with an empty cache,
that instance downloads the Public Suffix List from public hosts. On a machine
without internet access the first crawl logs warnings while the download
times out; on any machine the crawl talks to a third party it was never told
to reach.

:class:`OfflineCookiesMiddleware` takes the place of Scrapy's middleware (same
behaviour, same settings) and, when the crawler builds it, points Scrapy's
module at :data:`OFFLINE_SPLIT`: a ``TLDExtract`` that reads the snapshot
``tldextract`` ships (no URLs to fetch, no disk cache). The snapshot is as
old as the installed ``tldextract``; a suffix added since is not known, which
at worst lets a site set a cookie for a suffix it shares with other sites,
within one crawl of that one site.

The rebinding is process-wide (Scrapy keeps the extractor in a module global,
with no setting for it); it is idempotent and only ever swaps the extractor
for one that answers the same questions from local data.
"""

from __future__ import annotations

from typing import Any, Self

from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares import cookies as _scrapy_cookies
from scrapy.downloadermiddlewares.cookies import CookiesMiddleware
from tldextract import TLDExtract

#: The public-suffix lookup with no network and no cache: the bundled snapshot only.
OFFLINE_SPLIT = TLDExtract(
    cache_dir=None,
    suffix_list_urls=(),
    fallback_to_snapshot=True,
    include_psl_private_domains=True,
)


def use_offline_suffix_list() -> None:
    """Make Scrapy's cookie handling read the bundled Public Suffix List only."""
    _scrapy_cookies._split_domain = OFFLINE_SPLIT


def suffix_list_is_offline() -> bool:
    """True when Scrapy's cookie handling cannot fetch the Public Suffix List."""
    split: Any = getattr(_scrapy_cookies, "_split_domain", None)
    return isinstance(split, TLDExtract) and not split.suffix_list_urls


class OfflineCookiesMiddleware(CookiesMiddleware):
    """Scrapy's ``CookiesMiddleware`` with the Public Suffix List read from local data."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)  # NotConfigured when COOKIES_ENABLED is off
        use_offline_suffix_list()
        return middleware
