"""Which articles a command covers: site, channel, author and publication period.

Shared by ``newsarchive search``, ``export`` and ``list`` so that one option
means the same everywhere. Every value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from archive.models import Article


@dataclass(frozen=True)
class ArticleFilters:
    """Conditions on articles; ``since``/``until`` are naive UTC (``since <= t < until``)."""

    site: str | None = None
    channel: str | None = None
    author: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions, empty when nothing is filtered."""
        found: list[ColumnElement[bool]] = []
        if self.site is not None:
            found.append(Article.site == self.site)
        if self.channel is not None:
            found.append(Article.channel == self.channel)
        if self.author is not None:
            found.append(Article.author == self.author)
        if self.since is not None:
            found.append(Article.published_utc >= self.since)
        if self.until is not None:
            found.append(Article.published_utc < self.until)
        return found
