"""The retry middleware's waits: Retry-After in seconds or as a date, backoff, the cap."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.http import Response
from scrapy.settings import Settings

from newscrawl import settings as project_settings
from newscrawl.middlewares import BackoffRetryMiddleware, retry_after_seconds

NOW = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"30", 30.0),
        ("0", 0.0),
        (b"Fri, 27 Nov 2026 10:00:45 GMT", 45.0),
        (b"Fri, 27 Nov 2026 09:59:00 GMT", 0.0),  # in the past: retry now
        (b"soon", None),
        (b"", None),
        (None, None),
        (b"-5", None),
    ],
)
def test_retry_after_seconds(header: bytes | str | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds


def middleware(**overrides: object) -> BackoffRetryMiddleware:
    settings = Settings()
    settings.setmodule(project_settings)
    settings.update(overrides)
    return BackoffRetryMiddleware(settings)


def test_wait_prefers_retry_after_then_doubles_backoff_and_caps() -> None:
    mw = middleware(NEWSCRAWL_RETRY_BACKOFF=0.5, NEWSCRAWL_RETRY_AFTER_MAX=10)
    url = "http://127.0.0.1/show.php?id=1"
    told = Response(url, status=429, headers={"Retry-After": "3"})
    bare = Response(url, status=503)
    assert mw.wait_for(Request(url), told) == 3.0
    assert mw.wait_for(Request(url), bare) == 0.5
    assert mw.wait_for(Request(url, meta={"retry_times": 2}), bare) == 2.0
    assert mw.wait_for(Request(url, meta={"retry_times": 9}), bare) == 10.0
    greedy = Response(url, status=429, headers={"Retry-After": "86400"})
    assert mw.wait_for(Request(url), greedy) == 10.0


def test_project_settings_replace_scrapys_retry_middleware() -> None:
    middlewares = project_settings.DOWNLOADER_MIDDLEWARES
    assert middlewares["scrapy.downloadermiddlewares.retry.RetryMiddleware"] is None
    assert middlewares["newscrawl.middlewares.BackoffRetryMiddleware"] == 550
