"""The parsers of the settings table (:mod:`newscrawl.config`) and the row type itself.

A parser takes a raw value, a Python value from ``settings.py`` or the text of
``-s NAME=VALUE``, and returns it typed, or raises ``ValueError("must be ...")``;
:meth:`Setting.parse` puts the setting's name in front, so every bad value is one line
naming the setting. The rules follow Scrapy's own getters (``getbool``, ``getlist``) where
a setting used to be read with them, so a value that worked before still works.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscrawl.crawl.revisit import Schedule, parse_schedule
from newscrawl.normalize.dates import DEFAULT_TZ
from newscrawl.runtime.cores import resolve_workers, resolve_writer

T = TypeVar("T")


class SettingError(ValueError):
    """A setting's value cannot be used; the message is one line naming the setting."""


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One row of the table: a Scrapy setting, its default, its parser and its help."""

    name: str
    default: Any  # as written in settings.py and the docs (``"auto"``, not what it resolves to)
    parser: Callable[[Any], T]  # raises ValueError("must be ..."), the name is added here
    help: str

    def parse(self, raw: Any) -> T:
        """``raw`` as the setting's type; raises :class:`SettingError` (one line)."""
        try:
            return self.parser(raw)
        except (TypeError, ValueError) as exc:
            message = str(exc)
            raise SettingError(
                message if self.name in message else f"{self.name} {message}"
            ) from None


# -- parsers: raw value -> typed value, ValueError("must be ...") otherwise ------------------


def boolean(raw: Any) -> bool:
    """Scrapy's ``getbool`` rules: a bool, ``0``/``1`` (any whole number), ``true``/``false``."""
    if isinstance(raw, bool):
        return raw
    try:
        return bool(int(raw))
    except (TypeError, ValueError):
        if raw in ("True", "true"):
            return True
        if raw in ("False", "false"):
            return False
    raise ValueError(f"must be true or false (1 or 0), not {raw!r}")


def whole(minimum: int | None = None, maximum: int | None = None) -> Callable[[Any], int]:
    """A whole number (an int, or its digits as text) within the bounds; never a bool or float."""
    if minimum is not None and maximum is not None:
        wanted = f"a whole number from {minimum} to {maximum}"
    elif minimum is not None:
        wanted = f"a whole number >= {minimum}"
    else:
        wanted = "a whole number"

    def parse(raw: Any) -> int:
        value: int | None = None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        elif isinstance(raw, str):
            try:
                value = int(raw.strip())
            except ValueError:
                value = None
        if (
            value is None
            or (minimum is not None and value < minimum)
            or (maximum is not None and value > maximum)
        ):
            raise ValueError(f"must be {wanted}, not {raw!r}")
        return value

    return parse


def number(raw: Any) -> float:
    """A number (Scrapy's ``getfloat``: ``float(raw)``)."""
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"must be a number, not {raw!r}") from None


def positive(raw: Any) -> float:
    """A number above 0."""
    value = number(raw)
    if value <= 0:
        raise ValueError(f"must be positive, not {raw!r}")
    return value


def text(raw: Any) -> str:
    """Any text; None (unset) is empty."""
    return "" if raw is None else str(raw)


def choice(*options: str) -> Callable[[Any], str]:
    """One of ``options``, compared in lower case."""
    wanted = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]

    def parse(raw: Any) -> str:
        value = str(raw).strip().lower()
        if value not in options:
            raise ValueError(f"must be {wanted}, not {raw!r}")
        return value

    return parse


def names(raw: Any) -> tuple[str, ...]:
    """A list, or comma-separated text (Scrapy's ``getlist``)."""
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    return tuple(str(item).strip() for item in items if str(item).strip())


def time_zone(raw: Any) -> str:
    """An IANA time zone name the interpreter knows."""
    try:
        ZoneInfo(str(raw))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"must be a time zone name such as {DEFAULT_TZ}, not {raw!r}") from None
    return str(raw)


def schedule(raw: Any) -> Schedule:
    """A revisit schedule (:func:`newscrawl.crawl.revisit.parse_schedule` names the setting)."""
    return parse_schedule(str(raw))


def workers(raw: Any) -> int:
    """``auto`` or a whole number >= 0, resolved (:mod:`newscrawl.runtime.cores`)."""
    return resolve_workers(raw)


def writer(raw: Any) -> str:
    """``auto``, ``inline`` or ``process``, resolved (:mod:`newscrawl.runtime.cores`)."""
    return resolve_writer(raw)
