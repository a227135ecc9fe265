"""Terminal display width, so CJK titles line up in tables.

A CJK character takes two terminal columns; counting characters would make
Chinese titles overflow the line and wrap the table.
"""

from __future__ import annotations

import re
import shutil
import unicodedata

_SPACE = re.compile(r"\s+")
ELLIPSIS = "…"
SPARKS = "▁▂▃▄▅▆▇█"


def terminal_width() -> int:
    """Columns of the terminal (100 when it cannot be told, as in a pipe)."""
    return shutil.get_terminal_size((100, 24)).columns


def char_width(char: str) -> int:
    """Columns one character takes: 2 for wide/full-width, 0 for combining marks."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    return sum(char_width(char) for char in text)


def one_line(text: str) -> str:
    """Whitespace runs (newlines, tabs) collapsed, so a cell stays on its row."""
    return _SPACE.sub(" ", text).strip()


def truncate(text: str, width: int) -> str:
    """``text`` cut to at most ``width`` columns, marked with an ellipsis when cut."""
    if display_width(text) <= width:
        return text
    if width <= 0:
        return ""
    kept: list[str] = []
    used = 0
    budget = width - display_width(ELLIPSIS)
    for char in text:
        step = char_width(char)
        if used + step > budget:
            break
        kept.append(char)
        used += step
    return "".join(kept) + ELLIPSIS


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (right-aligned for numbers)."""
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def sparkline(values: list[int | None]) -> str:
    """One character per value, ▁ (the lowest) to █ (the highest); a gap for None."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    low, high = min(known), max(known)
    span = high - low
    top = len(SPARKS) - 1
    return "".join(
        " " if v is None else SPARKS[round((v - low) * top / span) if span else 0] for v in values
    )
