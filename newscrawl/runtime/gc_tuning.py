"""Fewer garbage collections: a crawl allocates millions of short-lived objects.

CPython runs its cyclic garbage collector after every 700 net allocations of
container objects, and every tenth such pass a larger one, and so on. A crawl
makes and drops requests, responses, parsed trees, items and dicts by the
million, almost none of them in reference cycles (reference counting frees
them), so nearly all of that scanning finds nothing. Measured on the
benchmark's 5,000-article crawl (``benchmarks.run``): the collector took
1.35-1.46 s of a 22 s one-process crawl, with 10-11 full collections; with
the young generation's threshold at 10,000 it took 0.18 s (at 50,000,
0.06 s). In interleaved pairs at 10,000 the crawl kept 2-5% more pages/s in
one process and 7-10% more with worker + writer (4-8% less CPU a page over
all its processes), with the same peak RSS.

Why not higher: garbage that *is* in a cycle now waits longer. A spider
that uses Scrapy's selectors (``response.xpath``) leaves each response and
its parsed tree in one (the response caches a selector that points back at
it). The benchmark's bare spider does, and peaked at 180 MB with Python's
700, 211 MB at 10,000, 260 MB at 20,000 and 404 MB at 50,000. The cms
spider parses pages itself and held 147 MB at any of them.

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
