"""A test probe: Scrapy's own scheduler, recording the most requests it held at once.

Harvest subprocesses load it with ``-s SCHEDULER=tests.support.scheduler_probe.PeakScheduler``
(the repository on ``PYTHONPATH``); the peak lands in the run record's stats
as ``probe/scheduler_peak``.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.core.scheduler import Scheduler


class PeakScheduler(Scheduler):
    """Scheduler that also keeps the peak of ``len(self)`` in the stats."""

    def enqueue_request(self, request: Request) -> bool:
        added = super().enqueue_request(request)
        self.stats.max_value("probe/scheduler_peak", len(self))
        return added
