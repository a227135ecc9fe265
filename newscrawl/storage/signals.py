"""What the storage stage tells the rest of the crawl: the signal sent when the run's
record is opened, and the stats keys of what was stored.

Apart from :mod:`newscrawl.storage.pipeline` so that the spider, the shared queue and
``newscrawl harvest`` read them without importing the pipeline's process machinery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Stats key of the run's record id, set when the archive pipeline opens the record. Kept
#: for the run record's stats (``newsarchive runs --json`` shows it); code that needs the
#: id gets it from :data:`run_opened`, never from the stats.
RUN_ID = "newscrawl/run_id"
#: Signal the archive pipeline sends when it has opened the run's record, with the
#: record's id as ``run_id``. The spider (whose "last run" is the one before this) and
#: ``newscrawl harvest`` (which writes the health verdict into the record) connect to
#: it: the id is handed to them as an argument instead of travelling through the
#: crawl stats, which are numbers for people, not control data.
run_opened = object()
#: Stats keys counting batches handed to the archive and batches committed, in order:
#: an item buffered before ``BATCHES_STARTED`` read N is committed once
#: ``BATCHES_STORED`` reaches N + 1 (the shared queue acknowledges requests by it).
BATCHES_STARTED = "newscrawl/archive/batches_started"
BATCHES_STORED = "newscrawl/archive/batches"
#: Stats key naming the process that stores the batches: ``crawl process``,
#: ``writer process`` or ``extraction worker`` (see newscrawl.storage.worker_storage).
STORED_IN = "newscrawl/archive/stored_in"


def unstored_articles(stats: Mapping[str, Any]) -> int:
    """Articles that passed normalization but were not stored (new, updated or unchanged)."""
    stored = sum(
        int(stats.get(f"newscrawl/archive/{kind}") or 0) for kind in ("new", "updated", "unchanged")
    )
    return max(0, int(stats.get("newscrawl/items") or 0) - stored)
