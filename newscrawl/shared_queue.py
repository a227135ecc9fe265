"""Several crawler processes (or machines) sharing one site's harvest through Redis.

Built on scrapy-redis: its priority queue holds the site's requests and its
duplicate filter (a Redis set of request fingerprints) makes sure a page is
requested once, whichever worker found the link first. ``newscrawl harvest
--site NAME --redis URL`` on each machine starts a worker; workers of the
same site (and archive) share ``newscrawl:<site>:*`` keys.

Three things scrapy-redis leaves to its user, done here:

- **Nothing lost when a worker dies.** A request a worker takes is moved, in
  one Redis script, from the queue to the worker's in-flight hash, and left
  there until Scrapy has finished with it: downloaded, its callback's links
  queued and its articles committed (``ARCHIVE_BATCH_SIZE`` is 1 in a shared
  crawl). Each worker keeps a heartbeat key alive; when one stops (killed,
  machine gone), the others put its in-flight requests back in the queue.
  Those few pages are then fetched again: that is the only case in which a
  page is fetched twice.
- **When the harvest is over.** A worker with nothing to do stays open while
  the queue holds requests or another live worker has some in flight (those
  may bring new links). When neither is true the pass is complete: the last
  worker to see it clears the keys, so the next harvest starts afresh.
- **Joining.** A worker that starts while others run joins their pass (its
  start requests are already in the filter); one that starts when no worker
  is alive resumes what a pass that died entirely left in Redis.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
from typing import Any

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)

#: Seconds a worker's heartbeat key lives; it is renewed every HEARTBEAT_SECONDS.
ALIVE_SECONDS = 5.0
HEARTBEAT_SECONDS = 0.25

# Take the best request and record it as in flight, in one step (a worker killed
# between the two would lose it). KEYS: queue, in-flight hash; ARGV: token.
_POP = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], found[2] .. ' ' .. found[1])
return found[1]
"""

# Put the in-flight requests of workers whose heartbeat stopped back in the queue.
# KEYS: workers set, queue; ARGV: alive-key prefix, in-flight prefix. Returns how many.
_RECOVER = """
local moved = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    local held = redis.call('HVALS', ARGV[2] .. worker)
    for _, entry in ipairs(held) do
      local space = string.find(entry, ' ', 1, true)
      redis.call('ZADD', KEYS[2], tonumber(string.sub(entry, 1, space - 1)),
                 string.sub(entry, space + 1))
      moved = moved + 1
    end
    redis.call('DEL', ARGV[2] .. worker)
    redis.call('SREM', KEYS[1], worker)
  end
end
return moved
"""

# Is the pass over? Busy (0) while the queue holds requests or a live worker has
# some in flight; else clear the pass's keys and answer 1. KEYS: workers set,
# queue, filter; ARGV: alive-key prefix, in-flight prefix, this worker.
_FINISH = """
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if worker ~= ARGV[3] and redis.call('EXISTS', ARGV[1] .. worker) == 1
     and redis.call('HLEN', ARGV[2] .. worker) > 0 then
    return 0
  end
end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  redis.call('DEL', ARGV[2] .. worker)
end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1
"""


def shared_settings(url: str) -> dict[str, Any]:
    """Scrapy settings of a shared crawl through the Redis at ``url``."""
    return {
        "SCHEDULER": "newscrawl.shared_queue.SharedScheduler",
        "NEWSCRAWL_REDIS_URL": url,
        # An article counts as done only once committed: one per transaction.
        "ARCHIVE_BATCH_SIZE": 1,
    }


class SharedScheduler(Scheduler):  # type: ignore[misc]  # scrapy-redis ships no type hints
    """scrapy-redis's scheduler with in-flight records, recovery and a shared end."""

    def __init__(self, server: Any, crawler: Crawler) -> None:
        super().__init__(server, persist=True, idle_before_close=0)
        self.crawler = crawler
        self.stats = crawler.stats
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.prefix = ""
        self._tokens = itertools.count(1)
        #: Requests handed to the engine and not yet finished, by token.
        self._held: dict[str, Request] = {}
        self._pop = server.register_script(_POP)
        self._recover = server.register_script(_RECOVER)
        self._finish = server.register_script(_FINISH)
        self._beat: Any = None
        self.finished = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        import redis

        url = crawler.settings.get("NEWSCRAWL_REDIS_URL")
        server = redis.Redis.from_url(str(url), socket_timeout=30)
        try:
            server.ping()
        except redis.RedisError as exc:
            raise RuntimeError(f"cannot reach Redis at {url}: {exc}") from None
        scheduler = cls(server, crawler)
        crawler.signals.connect(scheduler.spider_idle, signal=signals.spider_idle)
        return scheduler

    # -- keys -------------------------------------------------------------------

    def key(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def open(self, spider: Spider) -> None:
        from archive.db import mask_url

        self.spider = spider
        site = getattr(spider, "site_key", spider.name)
        archive = mask_url(str(self.crawler.settings.get("ARCHIVE_URL") or ""))
        self.prefix = f"newscrawl:{site}:{abs(hash_text(archive)) % 10**8}"
        self.queue = PriorityQueue(self.server, spider, self.key("requests"))
        self.df = RFPDupeFilter(self.server, self.key("dupefilter"))
        self._alive()
        self.server.sadd(self.key("workers"), self.worker)
        moved = self._recover(
            keys=[self.key("workers"), self.key("requests")],
            args=[self.key("alive:"), self.key("inflight:")],
        )
        if moved:
            logger.warning("shared queue: %d requests of stopped workers queued again", moved)
        if self.stats is not None:
            self.stats.set_value("newscrawl/shared_worker", self.worker)
        from twisted.internet import task

        self._beat = task.LoopingCall(self._heartbeat)
        self._beat.start(HEARTBEAT_SECONDS, now=False)
        logger.info(
            "shared queue %s: worker %s, %d requests queued",
            self.prefix,
            self.worker,
            len(self.queue),
        )

    def close(self, reason: str) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        self._ack(everything=True)
        self.server.delete(self.key(f"alive:{self.worker}"))
        if not self.finished:
            # Stopped before the pass ended (a signal, a time limit): what this
            # worker holds is already back in the queue (see _ack); others go on.
            self.server.srem(self.key("workers"), self.worker)

    # -- requests ----------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` unless any worker requested the page before (the shared filter)."""
        if not request.dont_filter and self.df.request_seen(request):
            return False
        self.queue.push(request)
        if self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        token = f"{next(self._tokens)}"
        data = self._pop(
            keys=[self.key("requests"), self.key(f"inflight:{self.worker}")], args=[token]
        )
        if not data:
            return None
        request: Request = self.queue._decode_request(data)
        self._held[token] = request
        if self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0

    def _ack(self, *, everything: bool = False) -> None:
        """Forget the in-flight records of requests Scrapy has finished with.

        ``everything`` (closing): requests still unfinished go back to the queue.
        """
        if not self._held:
            return
        busy = self._in_progress()
        done = [t for t, r in self._held.items() if everything or r not in busy]
        if not done:
            return
        inflight = self.key(f"inflight:{self.worker}")
        if everything:
            unfinished = [self._held[t] for t in done if self._held[t] in busy]
            for request in unfinished:
                self.queue.push(request)
        self.server.hdel(inflight, *done)
        for token in done:
            del self._held[token]

    def _in_progress(self) -> set[Request]:
        """The requests the engine has not finished with (downloading, parsing, storing)."""
        engine = self.crawler.engine
        slot = getattr(engine, "_slot", None)  # Scrapy keeps them there; no public accessor
        return set(getattr(slot, "inprogress", ()))

    # -- liveness and the end ----------------------------------------------------

    def _alive(self) -> None:
        self.server.set(self.key(f"alive:{self.worker}"), "1", px=int(ALIVE_SECONDS * 1000))

    def _heartbeat(self) -> None:
        try:
            self._alive()
            # A pass that ended while this worker was still starting: be a worker of the next.
            self.server.sadd(self.key("workers"), self.worker)
            self._ack()
            if len(self.queue):
                # Work others queued: wake the engine now rather than at its next idle tick.
                engine = self.crawler.engine
                slot = getattr(engine, "_slot", None)  # no public "look again" call
                if slot is not None:
                    slot.nextcall.schedule()
        except Exception:  # a Redis hiccup must not stop the beat; the next one retries
            logger.warning("shared queue heartbeat failed", exc_info=True)

    def spider_idle(self, spider: Spider) -> None:
        """Stay open while the shared pass may still bring this worker work."""
        self._ack()
        self._recover(
            keys=[self.key("workers"), self.key("requests")],
            args=[self.key("alive:"), self.key("inflight:")],
        )
        done = self._finish(
            keys=[self.key("workers"), self.key("requests"), self.key("dupefilter")],
            args=[self.key("alive:"), self.key("inflight:"), self.worker],
        )
        if done:
            self.finished = True
            return
        raise DontCloseSpider("the shared queue is not finished")


def hash_text(text: str) -> int:
    """A stable hash of ``text`` (Python's own ``hash`` differs between processes)."""
    import hashlib

    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "big", signed=True)
