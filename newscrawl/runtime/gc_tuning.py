"""Fewer garbage collections: a crawl allocates millions of short-lived objects.

CPython runs its cyclic garbage collector after every 700 net allocations of
container objects, and every tenth such pass a larger one, and so on. A crawl
makes and drops requests, responses, parsed trees, items and dicts by the
million, almost none of them in reference cycles (reference counting frees
them), so nearly all of that scanning finds nothing. The rule: the young
generation's threshold at 10,000 (the default below), which took most of the
collector's time off a crawl and kept more pages/s at the same peak RSS
(``benchmarks/TUNING.md`` holds the figures).

Why not higher: garbage that *is* in a cycle now waits longer. A spider
that uses Scrapy's selectors (``response.xpath``) leaves each response and
its parsed tree in one (the response caches a selector that points back at
it), and its peak memory grows with the threshold (figures in the same file).
The cms spider parses pages itself: its memory did not move.

``NEWSCRAWL_GC_THRESHOLD`` sets that threshold (the allocations between
young collections, Python's first ``gc.set_threshold`` value) in the crawl
process while its engine runs, and in the extraction workers and the
archive writer process for their lifetime. ``0`` leaves the interpreter's
setting alone. The older generations keep their multipliers, so cycles are
still collected, only in larger, rarer passes.

This module imports nothing of Scrapy: the extraction workers import it.
The crawl process's side is the :class:`~newscrawl.runtime.gc_extension.GcTuning`
extension.
"""

from __future__ import annotations

import gc

#: The default young-generation threshold (Python's own is 700); the setting's row, which
#: checks values, is in :mod:`newscrawl.config`.
DEFAULT_THRESHOLD = 10_000
#: The largest threshold ``gc.set_threshold`` takes (a C int).
MAX_THRESHOLD = 2**31 - 1


def set_young_threshold(threshold: int) -> tuple[int, int, int]:
    """Set the young generation's threshold (0: leave it); returns the thresholds before.

    Also the initializer of the worker and writer processes.
    """
    before = gc.get_threshold()
    if threshold:
        gc.set_threshold(threshold, *before[1:])
    return before
