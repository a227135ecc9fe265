"""Two-process mode by default wherever this process may use a second core.

Scrapy runs a crawl on one thread. With ``NEWSCRAWL_EXTRACT_WORKERS = 1``
the article pages are parsed, extracted and normalized in a worker process,
and with ``ARCHIVE_WRITER = "process"`` that worker also stores and indexes
the batches (:mod:`newscrawl.storage.worker_storage`; without a worker, a
writer process does): on two cores the crawl keeps a larger share of a bare
Scrapy crawl's rate that way (``benchmarks/RESULTS.md``). On one core the
extra process only adds its start-up, the pipe traffic and its memory.

So both settings default to ``"auto"``, resolved here from the CPUs this
process may run on: its affinity mask (what ``taskset`` or a container's
cpuset leave it), not the machine's count. Two or more: one worker that
extracts and stores; one: everything in the crawl process. A CPU quota without a
cpuset (``docker --cpus``) is not seen: set the values there.

Explicit values win. To turn two-process mode off::

    -s NEWSCRAWL_EXTRACT_WORKERS=0 -s ARCHIVE_WRITER=inline

(either one alone turns off its half).
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
    """What ``"auto"`` resolves to: a worker process that extracts and stores, or none."""
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
    """``ARCHIVE_WRITER`` resolved: ``auto`` (the default), ``inline`` or ``process``.

    The parser of the setting's row in :mod:`newscrawl.config`."""
    if _is_auto(raw):
        return "process" if two_process_mode() else "inline"
    mode = str(raw)
    if mode not in WRITER_MODES:
        raise ValueError(f"must be auto, inline or process, not {mode!r}")
    return mode
