"""Downloader middlewares of newscrawl.

:class:`BackoffRetryMiddleware` replaces Scrapy's ``RetryMiddleware``. Scrapy
retries a 429 or 503 at once, which is exactly what a site that answered "too
many requests, come back in 30 s" does not want, and it ignores
``Retry-After``. This one retries the same responses and exceptions, the same
number of times (``RETRY_TIMES``, ``RETRY_HTTP_CODES``), but first waits:
``Retry-After`` when the response carries one (seconds or an HTTP date),
otherwise ``NEWSCRAWL_RETRY_BACKOFF`` seconds doubled at each retry, never
more than ``NEWSCRAWL_RETRY_AFTER_MAX``. The request keeps its download slot
while it waits, so a site that asks to slow down gets fewer parallel requests.
Exceptions (timeouts, resets) are retried at once, as Scrapy does: they are
not the site asking for a pause.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Self

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message
from twisted.internet import defer

from newscrawl.config import Config


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait, or None when absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, with a wait before retrying a response (see the module)."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        config = Config.from_settings(settings)
        self.backoff = max(0.0, config.retry_backoff)
        self.max_wait = max(0.0, config.retry_after_max)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler.settings)
        middleware.crawler = crawler
        return middleware

    def wait_for(self, request: Request, response: Response) -> float:
        """How long to wait before retrying ``request`` after ``response``."""
        asked = retry_after_seconds(response.headers.get(b"Retry-After"))
        if asked is None:
            asked = self.backoff * 2 ** int(request.meta.get("retry_times", 0))
        return min(asked, self.max_wait)

    async def process_response(  # type: ignore[override]  # a coroutine, which Scrapy awaits
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        wait = self.wait_for(request, response)
        if wait > 0:
            stats = self.crawler.stats
            if stats is not None:
                stats.inc_value("newscrawl/retry_wait_ms", round(wait * 1000))
            await maybe_deferred_to_future(_sleep(wait))
        return retry


def _sleep(seconds: float) -> defer.Deferred[Any]:
    # Imported here: importing the reactor at module import would install
    # Twisted's default one before Scrapy installs the asyncio reactor.
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    return deferLater(reactor, seconds, lambda: None)
