"""Publication dates as the Article contract carries them, ordered and filtered.

``published_at`` keeps the precision the page shows: an ISO 8601 datetime
with offset when the page shows a time (``2019-05-22T14:30:00+08:00``), a
plain ISO date when it shows only the day (``2019-05-22``). A day is not a
midnight: nobody published at 00:00, and the archive never writes one.

``published_utc`` is for ordering and period filters only. A day-only date
gets the start of its day in :data:`DAY_ZONE`, the zone the CLI reads a bare
``--since 2019-05-22`` in, so a day and a period bound of the same day meet
exactly; among one day's articles, those with a time come first when newest
come first. A day-only date is in a period when its day overlaps the period
(``--since 2019-05-22T10:00`` keeps an article dated ``2019-05-22``), as a
person reading the page would count it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, func, or_

from archive.models import Article

#: The zone in which a day-only date's day starts, for ordering and periods, and in which
#: the CLI reads naive dates: the archive's one spelling of China's zone (the crawl's is
#: ``newscrawl.normalize.dates.DEFAULT_TZ``; tests/project/test_docs.py holds the two equal).
DAY_ZONE = "Asia/Shanghai"


def is_day(published_at: str | None) -> bool:
    """True for a day-only date (``YYYY-MM-DD``)."""
    if not published_at or len(published_at) != 10:
        return False
    try:
        date.fromisoformat(published_at)
    except ValueError:
        return False
    return True


def to_utc(published_at: str | None) -> datetime | None:
    """Naive UTC for ordering; None when the string is not ISO 8601.

    A day-only date is the start of its day in :data:`DAY_ZONE`. A datetime
    without an offset is taken as already UTC: the contract always carries
    one, so this only keeps odd input from failing the batch.
    """
    if not published_at:
        return None
    try:
        parsed = datetime.fromisoformat(published_at)
    except ValueError:
        return None
    if is_day(published_at):
        parsed = parsed.replace(tzinfo=ZoneInfo(DAY_ZONE))
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def period_conditions(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    """``since <= published < until`` (naive UTC bounds), a day-only date by its whole day.

    A day-only row's ``published_utc`` is its day's start, so its day
    overlaps the period when that start is before ``until`` and after
    ``since`` less one day. Written so that ``published_utc``'s index
    narrows both bounds.
    """
    found: list[ColumnElement[bool]] = []
    column = Article.published_utc
    if since is not None:
        found.append(column > since - timedelta(days=1))
        found.append(or_(column >= since, func.length(Article.published_at) == 10))
    if until is not None:
        found.append(column < until)
    return found
