"""A small HTTP server on 127.0.0.1 that misbehaves on purpose, over real sockets.

:class:`FaultServer` is a threaded HTTP server that records every request
(path + query, with the time it arrived) and hands each one to a
:class:`Site`, which answers with a good page or a fault. Faults write to
the socket themselves: a connection reset is a real RST (``SO_LINGER`` 0), a
cut-off body really stops short of its ``Content-Length``, a timeout is a
handler that waits (for the server to stop) instead of answering, a slow
drip writes a byte at a time until the client hangs up.

The site the fault suite crawls is :class:`tests.faults.faultysite.FaultySite`.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

#: How long a hanging handler waits at most when nobody stops the server.
HANG_LIMIT = 30.0
#: Seconds between two bytes of the slow drip.
DRIP_INTERVAL = 0.05


# -- the server -------------------------------------------------------------------


class Exchange:
    """One request as a fault sees it: the path, its query, and the raw handler."""

    def __init__(self, handler: _Handler) -> None:
        self.handler = handler
        self.path = handler.path
        parts = urlsplit(handler.path)
        self.route = parts.path
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))

    @property
    def server(self) -> FaultServer:
        return self.handler.server.fault  # type: ignore[attr-defined, no-any-return]

    # -- good answers ----------------------------------------------------------

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        h = self.handler
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers={"Location": location})

    # -- faults ------------------------------------------------------------------

    def reset(self) -> None:
        """Close the connection with a TCP RST before any response byte."""
        h = self.handler
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()

    def truncated(self, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        """Announce the whole body, send the first third, then close the connection."""
        h = self.handler
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 3])
        h.wfile.flush()
        h.close_connection = True

    def hang(self) -> None:
        """Never answer: wait until the client gives up (or the server stops)."""
        h = self.handler
        h.close_connection = True
        started = time.monotonic()
        h.connection.settimeout(0.2)  # how often to look at ``stopping``
        try:
            # recv returns b"" once the client closes its end (its download timeout).
            while not self.server.stopping.is_set() and time.monotonic() - started < HANG_LIMIT:
                try:
                    if h.connection.recv(1024) == b"":
                        break
                except TimeoutError:
                    continue
        except OSError:
            pass
        self.server.note_duration(self.path, time.monotonic() - started)

    def drip(self, content_type: str = "text/html; charset=utf-8") -> None:
        """Headers, then one byte every :data:`DRIP_INTERVAL` s for as long as the client reads."""
        h = self.handler
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        started = time.monotonic()
        chunk = b"<html><head><title>"
        try:
            h.wfile.write(chunk)
            h.wfile.flush()
            while not self.server.stopping.wait(DRIP_INTERVAL):
                if time.monotonic() - started > HANG_LIMIT:
                    break
                h.wfile.write(b"x")
                h.wfile.flush()
        except OSError:  # the client hung up: what a download timeout does
            pass
        self.server.note_duration(self.path, time.monotonic() - started)

    def stream(self, total: int, chunk: bytes, *, announce: bool) -> None:
        """``total`` bytes of ``chunk`` repeated; with or without a Content-Length."""
        h = self.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if announce:
            h.send_header("Content-Length", str(total))
        else:
            h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        sent = 0
        try:
            while sent < total:
                piece = chunk[: total - sent]
                h.wfile.write(piece)
                sent += len(piece)
        except OSError:  # the client stopped reading at its size limit
            pass
        self.server.note_sent(self.path, sent)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache/2.4.58"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the server's records instead."""

    def do_GET(self) -> None:
        fault: FaultServer = self.server.fault  # type: ignore[attr-defined]
        fault.record(self.path)
        try:
            fault.site.answer(Exchange(self))
        except OSError:  # the client went away mid-answer
            self.close_connection = True
        finally:
            fault.answered()


class _Server(ThreadingHTTPServer):
    """Python's threaded HTTP server with a web server's listen backlog.

    The default backlog is 5 connections. A crawl opens 16 at once, and when
    the accept loop falls behind on a loaded machine the kernel drops the
    extra connection attempts; the client only resends them after a second,
    which is the fault harvests' whole download timeout. nginx uses 511.
    """

    request_queue_size = 511
    daemon_threads = True


class FaultServer:
    """A :class:`Site` on ``host``:a free port, served by a thread per connection."""

    def __init__(self, site: Site, host: str = "127.0.0.1") -> None:
        self.site = site
        self.host = host
        self.port = 0
        self.hits: Counter[str] = Counter()
        self.arrivals: list[tuple[float, str]] = []
        #: Seconds each hanging or dripping answer lasted, by path.
        self.durations: dict[str, list[float]] = {}
        #: Bytes each streamed answer managed to send, by path.
        self.sent: dict[str, list[int]] = {}
        #: Set when the server stops: hanging handlers return.
        self.stopping = threading.Event()
        #: Requests received and not answered yet (hanging, dripping, streaming).
        self.active = 0
        self._lock = threading.Condition()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        httpd = _Server((self.host, 0), _Handler)
        httpd.fault = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- records -------------------------------------------------------------------

    def record(self, path: str) -> None:
        with self._lock:
            self.active += 1
            self.hits[path] += 1
            self.arrivals.append((time.monotonic(), path))
            self._lock.notify_all()

    def answered(self) -> None:
        with self._lock:
            self.active -= 1
            self._lock.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every request received so far has had its answer (or its fault)."""
        return self.wait_until(lambda: self.active == 0, timeout)

    def note_duration(self, path: str, seconds: float) -> None:
        with self._lock:
            self.durations.setdefault(path, []).append(seconds)
            self._lock.notify_all()

    def note_sent(self, path: str, count: int) -> None:
        with self._lock:
            self.sent.setdefault(path, []).append(count)
            self._lock.notify_all()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until ``condition()`` holds after some server event (or the timeout)."""
        with self._lock:
            return self._lock.wait_for(condition, timeout)

    def hits_where(self, predicate: Callable[[str], bool]) -> int:
        with self._lock:
            return sum(n for path, n in self.hits.items() if predicate(path))

    def reset_records(self) -> None:
        with self._lock:
            self.hits.clear()
            self.arrivals.clear()
            self.durations.clear()
            self.sent.clear()


class Site:
    """What a server answers; subclasses implement :meth:`answer`."""

    def answer(self, exchange: Exchange) -> None:
        exchange.send(404, b"<html><body>Not Found</body></html>")
