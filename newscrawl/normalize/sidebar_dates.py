"""The years of the dates a sidebar shows without one (``12-28``, ``1月3日``).

Pure functions, like :mod:`newscrawl.normalize.dates`: the year comes from an
anchor passed in (the fetch date, or the date of the entry above), never from
the clock. None of them raises on any string: bad input gives ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import lru_cache

from newscrawl.normalize.dates import DATE_TABLE, latest_month_day

__all__ = ["resolve_month_day", "resolve_sidebar_dates"]

_SIDEBAR_FULL = re.compile(
    r"(?<![0-9])(?P<y>[0-9]{4})\s*(?:(?P<sep>[-/.])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*(?P<d>[0-9]{1,2})"
    r"|年\s*(?P<m2>[0-9]{1,2})\s*月\s*(?P<d2>[0-9]{1,2}))(?![0-9])"
)
_SIDEBAR_MONTH_DAY = re.compile(
    r"(?<![0-9])(?P<m2>[0-9]{1,2})\s*月\s*(?P<d2>[0-9]{1,2})(?![0-9])"
    r"|(?<![0-9])(?P<m>[0-9]{1,2})\s*[-/.]\s*(?P<d>[0-9]{1,2})(?![0-9])"
)


def resolve_month_day(raw: str, *, anchor: date, not_after: date | None = None) -> date | None:
    """The year of a sidebar date shown without one (``MM-DD``, ``MM/DD``, ``M月D日``).

    Gives the latest date with that month and day that is <= ``anchor`` (and <=
    ``not_after`` when given): ``12-28`` with anchor 2026-01-05 is 2025-12-28,
    ``01-03`` is 2026-01-03. Feb 29 picks the latest leap year. A full
    ``YYYY-MM-DD`` (or ``Y年M月D日``) is returned as is. None when unparseable or
    impossible (``13-01``, ``04-31``); never raises.
    """
    if not raw:
        return None
    return _month_day_before(raw, anchor if not_after is None else min(anchor, not_after))


@lru_cache(maxsize=4096)
def _month_day_before(raw: str, bound: date) -> date | None:
    """``resolve_month_day`` against one bound, cached.

    Every page of a site repeats the same sidebar dates (``01-20``), read
    against the same fetch or publication day.
    """
    text = raw.translate(DATE_TABLE)
    full = _SIDEBAR_FULL.search(text)
    if full:
        try:
            return date(
                int(full.group("y")),
                int(full.group("m") or full.group("m2")),
                int(full.group("d") or full.group("d2")),
            )
        except ValueError:
            return None
    match = _SIDEBAR_MONTH_DAY.search(text)
    if not match:
        return None
    month = int(match.group("m") or match.group("m2"))
    day = int(match.group("d") or match.group("d2"))
    return latest_month_day(month, day, bound)


def resolve_sidebar_dates(raws: Sequence[str | None], *, anchor: date) -> list[date | None]:
    """Years for the ``MM-DD`` dates of one "newest" link box, listed newest first.

    The first date is resolved against ``anchor`` (the fetch date), each next one
    against the previous resolved date. Why: such a box lists articles in
    descending date order, so each date is an upper bound for the one below it;
    that carries the year across a new-year boundary (``01-06, 01-03, 12-30``
    fetched in November 2026 gives 2026-01-06, 2026-01-03, 2025-12-30), which
    resolving each entry against the fetch date alone would get wrong. If the
    box is not perfectly sorted the rule still gives a date (the latest one <=
    the previous). Entries that do not parse give None and do not move the bound.
    """
    bound = anchor
    out: list[date | None] = []
    for raw in raws:
        resolved = resolve_month_day(raw, anchor=bound) if raw else None
        out.append(resolved)
        if resolved is not None:
            bound = min(bound, resolved)
    return out
