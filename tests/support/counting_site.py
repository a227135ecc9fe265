"""A synthetic site (``benchmarks.site``) served on 127.0.0.1, counting every request.

Threads, one per connection (keep-alive), so several crawler processes can
fetch at once; ``fetches`` counts request targets, and ``reached(n)`` is an
Event set once ``n`` article pages have been served (to act mid-crawl
without sleeping).
"""

from __future__ import annotations

import socketserver
import threading
from collections import Counter
from types import TracebackType
from typing import Self

from benchmarks.server import respond
from benchmarks.site import SiteBundle


class _Handler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        site: CountingSite = self.server.site  # type: ignore[attr-defined]  # set below
        while True:
            line = self.rfile.readline()
            if not line:
                return
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # headers: nothing in them changes the answer
            target = line.split(b" ")[1].decode("latin-1")
            site.count(target)
            self.wfile.write(respond(site.bundle, target))


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class CountingSite:
    """``with CountingSite(bundle) as site: site.base_url``."""

    def __init__(self, bundle: SiteBundle) -> None:
        self.bundle = bundle
        self.fetches: Counter[str] = Counter()
        self.articles_served = 0
        self._lock = threading.Lock()
        self._events: list[tuple[int, threading.Event]] = []
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.site = self  # type: ignore[attr-defined]  # the handler's way back
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def reached(self, articles: int) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._events.append((articles, event))
            if self.articles_served >= articles:
                event.set()
        return event

    def count(self, target: str) -> None:
        with self._lock:
            self.fetches[target] += 1
            if target.startswith("/show.php"):
                self.articles_served += 1
                for threshold, event in self._events:
                    if self.articles_served >= threshold:
                        event.set()

    def __enter__(self) -> Self:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
