"""Several crawler processes (or machines) sharing one site's harvest through Redis.

Built on scrapy-redis: its priority queue holds the site's requests and its
duplicate filter (a Redis set of request fingerprints) makes sure a page is
requested once, whichever worker found the link first. ``newscrawl harvest
--site NAME --redis URL`` on each machine starts a worker; workers of the
same site (and archive) share ``newscrawl:<site>:*`` keys.

Three things scrapy-redis leaves to its user, done here:

- **Nothing lost when a worker dies.** A request a worker takes is moved, in
  one Redis script, from the queue to the worker's in-flight hash. Once Scrapy
  has finished with it (downloaded, its callback's links queued) it moves to
  the worker's committing hash, and it is forgotten once the archive has
  committed the batch its articles went into. Each worker keeps a heartbeat
  key alive; when one stops (killed, machine gone), the others put what it
  held (in flight and committing) back in the queue. Those pages, at most its
  downloads and one archive batch, are then fetched again: the only case in
  which a page is fetched twice.
- **When the harvest is over.** A worker with nothing to do stays open while
  the queue holds requests or another live worker has some in flight (those
  may bring new links; committing ones cannot). When neither is true the pass
  is complete: the queue and the filter are cleared, so the next harvest
  starts afresh.
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

from newscrawl.config import Config
from newscrawl.storage.signals import BATCHES_STARTED, BATCHES_STORED

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

# Record a request as seen and queue it, in one step: a worker killed between the
# two (scrapy-redis makes them two calls) left a page marked seen and never queued,
# so the worker that fetched its list page again dropped the link as a duplicate,
# and the article was lost. KEYS: filter, queue; ARGV: fingerprint, score, request.
_ENQUEUE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

# Requests Scrapy has finished with (their links are queued) whose articles wait for
# their batch's commit: moved from the in-flight hash to the committing one, where they
# no longer keep the pass open but are still put back if the worker dies.
# KEYS: in-flight hash, committing hash; ARGV: tokens.
_SETTLE = """
for _, token in ipairs(ARGV) do
  local entry = redis.call('HGET', KEYS[1], token)
  if entry then
    redis.call('HSET', KEYS[2], token, entry)
    redis.call('HDEL', KEYS[1], token)
  end
end
return #ARGV
"""

# Put the held requests of workers whose heartbeat stopped back in the queue.
# KEYS: workers set, queue; ARGV: alive-key prefix, in-flight prefix, committing
# prefix. Returns how many.
_RECOVER = """
local moved = 0
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  if redis.call('EXISTS', ARGV[1] .. worker) == 0 then
    for _, prefix in ipairs({ARGV[2], ARGV[3]}) do
      for _, entry in ipairs(redis.call('HVALS', prefix .. worker)) do
        local space = string.find(entry, ' ', 1, true)
        redis.call('ZADD', KEYS[2], tonumber(string.sub(entry, 1, space - 1)),
                   string.sub(entry, space + 1))
        moved = moved + 1
      end
      redis.call('DEL', prefix .. worker)
    end
    redis.call('SREM', KEYS[1], worker)
  end
end
return moved
"""

# Is the pass over? Busy (0) while the queue holds requests or a live worker has
# some in flight (they may bring links). Else clear the queue, the filter and the
# in-flight hashes (the next harvest starts afresh) and answer 1; committing
# hashes stay until their worker commits (or dies: the next pass fetches them).
# KEYS: workers set, queue, filter; ARGV: alive-key prefix, in-flight prefix, worker.
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
redis.call('DEL', KEYS[2], KEYS[3])
return 1
"""


def shared_settings(url: str) -> dict[str, Any]:
    """Scrapy settings of a shared crawl through the Redis at ``url``."""
    return {"SCHEDULER": "newscrawl.crawl.shared_queue.SharedScheduler", "NEWSCRAWL_REDIS_URL": url}


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
        #: Finished requests whose articles may not be committed yet: (batch, token),
        #: acknowledged once the archive has committed batch number ``batch``.
        self._committing: list[tuple[int, str]] = []
        #: BATCHES_STORED when _ack last ran.
        self._acked_at = 0
        self._pop = server.register_script(_POP)
        self._enqueue = server.register_script(_ENQUEUE)
        self._recover = server.register_script(_RECOVER)
        self._settle = server.register_script(_SETTLE)
        self._finish = server.register_script(_FINISH)
        self._beat: Any = None
        #: This worker is idle, kept open for the pass (see spider_idle).
        self._waiting = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedScheduler:
        import redis

        url = Config.from_settings(crawler.settings).redis_url
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
            args=[self.key("alive:"), self.key("inflight:"), self.key("committing:")],
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
        """After the archive pipeline's last batch: forget what this worker held (a
        request Scrapy had not finished goes back to the queue) and leave the pass."""
        if self._beat is not None and self._beat.running:
            self._beat.stop()
        self._ack(everything=True)
        self.server.delete(self.key(f"alive:{self.worker}"))
        self.server.srem(self.key("workers"), self.worker)

    # -- requests ----------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        """Queue ``request`` unless any worker requested the page before (the shared filter),
        both in one Redis step (see ``_ENQUEUE``)."""
        if request.dont_filter:
            self.queue.push(request)
        else:
            fingerprint = self.df.request_fingerprint(request)
            score = -request.priority
            data = self.queue._encode_request(request)  # scrapy-redis's own encoding
            if not self._enqueue(
                keys=[self.df.key, self.queue.key], args=[fingerprint, score, data]
            ):
                return False
        if self.stats is not None:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        stats = self.stats
        if stats is not None and stats.get_value(BATCHES_STORED, 0) != self._acked_at:
            self._ack()  # a batch was committed: forget its requests now, not at the next beat
        token = f"{next(self._tokens)}"
        data = self._pop(
            keys=[self.key("requests"), self.key(f"inflight:{self.worker}")], args=[token]
        )
        if not data:
            return None
        self._waiting = False
        request: Request = self.queue._decode_request(data)
        self._held[token] = request
        if self.stats is not None:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0

    def _ack(self, *, everything: bool = False) -> None:
        """Settle the requests Scrapy has finished with, and forget those whose
        articles are committed (``BATCHES_STARTED``/``BATCHES_STORED`` of the archive
        pipeline: what was buffered when N batches had started is in batch N + 1).

        ``everything`` (closing, after the pipeline's last batch): forget them all; a
        request still unfinished goes back to the queue.
        """
        stats = self.stats
        started = int(stats.get_value(BATCHES_STARTED, 0)) if stats is not None else 0
        stored = int(stats.get_value(BATCHES_STORED, 0)) if stats is not None else 0
        self._acked_at = stored
        inflight = self.key(f"inflight:{self.worker}")
        committing = self.key(f"committing:{self.worker}")
        busy = self._in_progress()
        settled = [t for t, r in self._held.items() if everything or r not in busy]
        for token in settled:
            request = self._held.pop(token)
            if everything and request in busy:
                self.queue.push(request)
            self._committing.append((started + 1, token))
        if settled and not everything:
            self._settle(keys=[inflight, committing], args=settled)
        done = [t for batch, t in self._committing if everything or batch <= stored]
        if done:
            self._committing = [(b, t) for b, t in self._committing if b > stored]
            if everything:
                self._committing = []
                self.server.hdel(inflight, *done)
            self.server.hdel(committing, *done)

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
            if self._waiting or len(self.queue):
                # Work others queued, or a pass that may have ended: look now rather
                # than at the engine's next idle tick (every 5 s).
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
            args=[self.key("alive:"), self.key("inflight:"), self.key("committing:")],
        )
        done = self._finish(
            keys=[self.key("workers"), self.key("requests"), self.key("dupefilter")],
            args=[self.key("alive:"), self.key("inflight:"), self.worker],
        )
        self._waiting = not done
        if done:
            return
        raise DontCloseSpider("the shared queue is not finished")


def hash_text(text: str) -> int:
    """A stable hash of ``text`` (Python's own ``hash`` differs between processes)."""
    import hashlib

    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "big", signed=True)
