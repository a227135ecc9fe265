"""Two-process mode by default wherever this process may use a second core.

Scrapy runs a crawl on one thread. With ``NEWSCRAWL_EXTRACT_WORKERS = 1``
the article pages are parsed, extracted and normalized in a worker process,
and the crawl process stores what comes back (``ARCHIVE_WRITER = "inline"``).
On one core the extra process only adds its start-up, the pipe traffic and
its memory.

So both settings default to ``"auto"``, resolved from the CPUs this
process may run on: its affinity mask (what ``taskset`` or a container's
cpuset leave it), not the machine's count. Two or more: one extraction
worker, and the batches stored by the crawl process; one: everything in the
crawl process. A CPU quota without a cpuset (``docker --cpus``) is not seen:
set the values there.

Why the crawl process stores when a worker extracts (``auto``), and not the
worker (``ARCHIVE_WRITER = "process"``, :mod:`newscrawl.storage.worker_storage`):
an article then crosses the pipe once, to the process that stores it, instead
of coming back to the worker in a batch; the worker does not load SQLAlchemy
and the archive (the whole crawl about 40 MB smaller); and the two processes'
work per page comes out closer to even, so neither waits as long for the
other. Interleaved crawls of the benchmark site measured the split as fast or
faster (``benchmarks/TUNING.md``). Without an extraction worker, ``auto`` on
two cores stores in a writer process, which then takes the archive's share off
the crawl's thread.

How the full-text index catches up follows the mode too (``ARCHIVE_INDEX``,
:func:`index_for`): when the crawl is one process, SQLite's share of the work runs on a
thread of its own (:mod:`archive.background_index`), on the core the crawl leaves idle;
in two-process mode that core is the worker's, and the thread slowed the crawl.

Explicit values win. To turn two-process mode off::

    -s NEWSCRAWL_EXTRACT_WORKERS=0

(and ``-s ARCHIVE_WRITER=inline`` to keep the writer process off as well).
"""

from __future__ import annotations

import os
from typing import Any

#: The default of both settings: decided from the cores this process may use.
AUTO = "auto"
WRITER_MODES = ("inline", "process")


def usable_cores() -> int:
    """How many CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity masks (macOS): every CPU of the machine
        return os.cpu_count() or 1


def two_process_mode() -> bool:
    """What ``"auto"`` resolves to: a worker process that extracts, or none."""
    return usable_cores() >= 2


def _is_auto(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() == AUTO)


def resolve_workers(raw: Any) -> int:
    """``NEWSCRAWL_EXTRACT_WORKERS`` resolved: ``auto`` (the default) or a number >= 0.

    The parser of the setting's row in :mod:`newscrawl.config`, which adds the name to
    the one-line ``ValueError``."""
    if _is_auto(raw):
        return 1 if two_process_mode() else 0
    try:
        workers = int(str(raw).strip())
    except ValueError:
        workers = -1
    if workers < 0:
        raise ValueError(f"must be auto or a whole number >= 0, not {raw!r}")
    return workers


def resolve_writer(raw: Any) -> str:
    """``ARCHIVE_WRITER`` parsed: ``auto`` (the default, kept: :func:`writer_for` resolves
    it), ``inline`` or ``process``.

    The parser of the setting's row in :mod:`newscrawl.config`."""
    if _is_auto(raw):
        return AUTO
    mode = str(raw)
    if mode not in WRITER_MODES:
        raise ValueError(f"must be auto, inline or process, not {mode!r}")
    return mode


def index_for(mode: str, workers: int, writer: str) -> str:
    """How the full-text index catches up, given the parsed ``ARCHIVE_INDEX`` and the
    resolved worker count and writer: ``auto`` is ``thread`` when the crawl process
    extracts and stores (one process), else ``batch`` (see the module docstring)."""
    if mode != AUTO:
        return mode
    return "thread" if workers == 0 and writer == "inline" else "batch"


def writer_for(mode: str, workers: int) -> str:
    """Where the archive's transactions run, given the parsed ``ARCHIVE_WRITER`` and the
    resolved ``NEWSCRAWL_EXTRACT_WORKERS``: ``auto`` is ``inline`` when a worker extracts
    (see the module docstring), else ``process`` with two usable cores, else ``inline``."""
    if mode != AUTO:
        return mode
    return "process" if workers == 0 and two_process_mode() else "inline"
