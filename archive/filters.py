"""Which articles a command covers: site, channel, author and publication period.

Shared by ``newsarchive search``, ``export`` and ``list`` so that one option
means the same everywhere. Every value is a bound parameter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement

from archive.models import Article
from archive.published import period_conditions


@dataclass(frozen=True)
class ArticleFilters:
    """Conditions on articles; ``since``/``until`` are naive UTC (``since <= t < until``;
    a day-only date is in when its day overlaps, see :mod:`archive.published`)."""

    site: str | None = None
    channel: str | None = None
    author: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    captured: bool = False  # only articles whose pages are captured (revision 0014)

    def conditions(self) -> list[ColumnElement[bool]]:
        """The WHERE conditions, empty when nothing is filtered."""
        found: list[ColumnElement[bool]] = []
        if self.site is not None:
            found.append(Article.site == self.site)
        if self.channel is not None:
            found.append(Article.channel == self.channel)
        if self.author is not None:
            found.append(Article.author == self.author)
        found.extend(period_conditions(self.since, self.until))
        if self.captured:
            found.append(Article.captures.is_not(None))
        return found
