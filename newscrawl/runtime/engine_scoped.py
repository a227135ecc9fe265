"""Extensions that change a process-wide setting while the engine runs, then give it back.

The garbage collector's threshold (:mod:`newscrawl.runtime.gc_extension`) and the loggers'
levels (:mod:`newscrawl.runtime.log_gate`) belong to the interpreter, not to
one crawl: a script may run several crawls, or other code, in the same
process. Each is set when the engine starts and restored when it stops.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler

Saved = TypeVar("Saved")


class WhileEngineRuns(Generic[Saved]):
    """Base of such extensions: :meth:`apply` at engine start, :meth:`restore` at stop."""

    before: Saved | None = None  # what apply() returned, until restored

    def connect(self, crawler: Crawler) -> None:
        crawler.signals.connect(self.engine_started, signal=signals.engine_started)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    def apply(self) -> Saved:
        """Change the setting; return what :meth:`restore` needs to put it back."""
        raise NotImplementedError

    def restore(self, before: Saved) -> None:
        raise NotImplementedError

    def engine_started(self) -> None:
        self.before = self.apply()

    def engine_stopped(self) -> None:
        if self.before is not None:
            self.restore(self.before)
            self.before = None
