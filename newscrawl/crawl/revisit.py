"""When a known article is due again: the revisit schedule, as pure functions.

A schedule is a list of rules ``AGE=INTERVAL`` (``NEWSCRAWL_REVISIT``, default
``1d=0,7d=6h,30d=1d,*=7d``): an article younger than ``AGE`` is due once its
last fetch is ``INTERVAL`` old or more; ``*`` is every older article. Rules are
tried youngest first; an article older than every rule (no ``*``) is never due.
Durations are a number with a unit (``s m h d w``); ``0`` needs none.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

#: The default of ``NEWSCRAWL_REVISIT``.
DEFAULT_SCHEDULE = "1d=0,7d=6h,30d=1d,*=7d"

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([smhdw]?)$")


class Rule(NamedTuple):
    """Articles younger than ``max_age`` seconds are due every ``interval`` seconds."""

    max_age: float
    interval: float


Schedule = tuple[Rule, ...]


def parse_duration(text: str) -> float:
    """``90s`` ``15m`` ``6h`` ``1d`` ``2w`` or ``0`` -> seconds; raises ``ValueError``."""
    match = _DURATION.match(text.strip().lower())
    if match is None or (not match.group(2) and float(match.group(1)) != 0):
        raise ValueError(f"not a duration: {text!r} (use a number with s, m, h, d or w)")
    return float(match.group(1)) * _UNITS.get(match.group(2), 1)


def parse_schedule(text: str) -> Schedule:
    """``1d=0,7d=6h,30d=1d,*=7d`` -> rules; raises ``ValueError`` with one line."""
    rules: list[Rule] = []
    prefix = f"bad NEWSCRAWL_REVISIT {text!r}"
    parts = [part.strip() for part in str(text).split(",") if part.strip()]
    if not parts:
        raise ValueError(f"{prefix}: empty (e.g. {DEFAULT_SCHEDULE})")
    for part in parts:
        age_text, sep, interval_text = part.partition("=")
        if not sep:
            raise ValueError(f"{prefix}: {part!r} is not AGE=INTERVAL (e.g. {DEFAULT_SCHEDULE})")
        try:
            age = math.inf if age_text.strip() == "*" else parse_duration(age_text)
            interval = parse_duration(interval_text)
        except ValueError as exc:
            raise ValueError(f"{prefix}: {exc}") from None
        if rules and rules[-1].max_age == math.inf:
            raise ValueError(f"{prefix}: '*' must be the last rule")
        if rules and age <= rules[-1].max_age:
            raise ValueError(f"{prefix}: ages must grow from rule to rule")
        if age <= 0:
            raise ValueError(f"{prefix}: an age must be more than 0")
        rules.append(Rule(age, interval))
    return tuple(rules)


def due(age: float, since_fetch: float, schedule: Schedule) -> bool:
    """Whether an article ``age`` seconds old, last fetched ``since_fetch`` ago, is due.

    A date in the future (negative age) counts as the youngest.
    """
    for rule in schedule:
        if age < rule.max_age:
            return since_fetch >= rule.interval
    return False
