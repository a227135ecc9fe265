"""Child processes that end with the crawl process, however it ends.

The crawl's helper processes start from multiprocessing's forkserver, so they
are the forkserver's children, not the crawl's. A ``ProcessPoolExecutor``
worker (the archive's writer process) waits for its next task on a queue
whose two ends it holds itself: when the crawl process is killed (``kill -9``,
the out-of-memory killer), it waits forever, holding the archive open and
the harvest's stdout and stderr (cron, or a test reading them, waits for their
end). Nor does the forkserver end it: every child of a forkserver holds the
write end of the pipe that would tell the forkserver its client is gone, so
the forkserver (and its resource tracker) stay too, and a parent-death signal,
which would come when the forkserver ends, never comes.

A :class:`~newscrawl.runtime.pipe_worker.PipeWorker` needs none of this: it reads its
tasks from a pipe only the crawl process writes, and exits at its end.

A :class:`Lifeline` is a pipe whose write end only the crawl process holds
(a forkserver child gets only the descriptors it is handed). The child gets
the read end and calls :func:`hold` on it: a daemon thread reads it, and its
end of file, which the kernel delivers once the crawl process is gone,
ends the child at once. Nothing is ever written to it. A child in the middle
of a transaction dies with it uncommitted: SQLite rolls it back.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from multiprocessing.connection import Connection

#: Exit status of a child whose crawl process is gone.
ORPHANED = 70
#: The ends this process holds (a Connection closes its descriptor when collected).
_held: list[Connection] = []


class Lifeline:
    """A pipe from the crawl process to its children; :attr:`end` is theirs."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("forkserver")
        self.end, self._held = context.Pipe(duplex=False)

    def close(self) -> None:
        """Let go (after the children stopped): any child still holding the end exits."""
        self._held.close()
        self.end.close()


def _watch(fd: int) -> None:
    try:
        while os.read(fd, 1):
            pass
    except OSError:
        pass
    os._exit(ORPHANED)


def hold(end: Connection) -> None:
    """In the child: exit as soon as the crawl process that made ``end`` is gone."""
    _held.append(end)
    fd = end.fileno()
    threading.Thread(target=_watch, args=(fd,), name="newscrawl-lifeline", daemon=True).start()
