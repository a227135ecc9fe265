"""The benchmark's report: machine, versions, date and one table of figures.

Figures without the machine they came from cannot be compared across runs,
so the report always starts with CPU, cores, RAM and library versions. Rows
have fixed names (the smoke test looks for them).
"""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    measure: str
    value: str
    note: str = ""


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def machine() -> list[tuple[str, str]]:
    """(key, value) pairs describing where the figures were measured."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return [
        ("date", datetime.now(UTC).isoformat(timespec="seconds")),
        ("nproc", str(cores)),
        ("CPU", _cpu_model()),
        ("RAM", _ram()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("Scrapy", _version("scrapy")),
        ("Twisted", _version("twisted")),
        ("lxml", _version("lxml")),
        ("parsel", _version("parsel")),
        ("SQLAlchemy", _version("sqlalchemy")),
    ]


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines.extend("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows)
    return lines


def render(command: str, rows: list[Row], notes: list[str]) -> str:
    """The whole RESULTS.md text."""
    lines = [
        "# newscrawl benchmark results",
        "",
        f"Produced by `{command}` (issue 6). Rates are pages (HTTP responses) per second",
        "unless stated; in-process timings are the best of the repeats, mean per page.",
        "",
        "## Machine",
        "",
        *_table(("key", "value"), machine()),
        "",
        "## Results",
        "",
        *_table(("measure", "value", "note"), [(r.measure, r.value, r.note) for r in rows]),
    ]
    if notes:
        lines += ["", "## Notes", "", *(f"- {note}" for note in notes)]
    return "\n".join(lines) + "\n"
