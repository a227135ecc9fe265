"""What a harvest already knows: archived article URLs, which are due, when to stop paging.

Loaded once at spider open from the archive (``archive.known_articles``): the
start hosts' article URLs with two timestamps each. The spider asks it, for
each article link, whether to request it (unknown, or known and due by the
revisit schedule) and, for each list page, whether the page brought anything
(an unknown or due article). Lists run newest first, so after
``stop_after`` list pages in a row that brought nothing, the rest of that
list's chain is old news and its pager is not followed.

Pure state, no Scrapy: the spider counts and logs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from archive.queries import KnownArticle
from newscrawl.revisit import DEFAULT_SCHEDULE, Schedule, due, parse_schedule

logger = logging.getLogger(__name__)


class Incremental:
    """Known articles of one run, the due ones among them, and the list-stop rule.

    ``active`` is False when the archive holds no article of the start hosts
    (a first harvest) or incremental discovery is off: every link is wanted
    and every list followed, as in a full crawl.
    """

    def __init__(
        self,
        known: dict[str, KnownArticle],
        schedule: Schedule,
        *,
        stop_after: int = 1,
        now: float | None = None,
    ) -> None:
        self.known = known
        self.stop_after = max(1, stop_after)
        moment = time.time() if now is None else now
        #: Known URLs due for a revisit in this run (requested at start).
        self.due: set[str] = {
            url
            for url, (since, fetched) in known.items()
            if due(moment - since, moment - fetched, schedule)
        }

    @classmethod
    def off(cls) -> Incremental:
        return cls({}, ())

    @property
    def active(self) -> bool:
        return bool(self.known)

    def wanted(self, url: str) -> bool:
        """Request this article? Unknown ones and due ones, yes."""
        return url not in self.known or url in self.due

    def brings_something(self, article_urls: Iterable[str]) -> bool:
        """Does a list page with these article links show an unknown or a due article?"""
        return any(self.wanted(url) for url in article_urls)

    def stops(self, quiet_streak: int) -> bool:
        """After this many list pages in a row that brought nothing, stop paging."""
        return self.active and quiet_streak >= self.stop_after


def restrict_to(known: dict[str, KnownArticle], origins: Iterable[str]) -> None:
    """Keep only URLs on these ``host`` or ``host:port`` origins (in place)."""
    allowed = {origin.lower() for origin in origins}
    for url in [u for u in known if urlsplit(u).netloc.lower() not in allowed]:
        del known[url]


def incremental_settings(settings: Any) -> tuple[bool, int, Schedule]:
    """``NEWSCRAWL_INCREMENTAL``, ``NEWSCRAWL_STOP_AFTER_KNOWN_PAGES``, ``NEWSCRAWL_REVISIT``.

    ``settings`` is Scrapy's Settings. Raises ``ValueError`` with a one-line
    message for a bad value.
    """
    try:
        incremental = settings.getbool("NEWSCRAWL_INCREMENTAL", True)
    except ValueError:
        raise ValueError("NEWSCRAWL_INCREMENTAL must be true or false (1 or 0)") from None
    try:
        stop_after = settings.getint("NEWSCRAWL_STOP_AFTER_KNOWN_PAGES", 1)
    except ValueError:
        stop_after = 0
    if stop_after < 1:
        raise ValueError("NEWSCRAWL_STOP_AFTER_KNOWN_PAGES must be a whole number >= 1")
    schedule = parse_schedule(settings.get("NEWSCRAWL_REVISIT", DEFAULT_SCHEDULE))
    return incremental, stop_after, schedule
