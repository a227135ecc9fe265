"""A fast keep-alive HTTP/1.1 server for pre-rendered pages, in its own process.

The demo's ``ThreadingHTTPServer`` renders on every request and would be the
bottleneck of a throughput benchmark. Here every response is complete bytes
in memory, looked up by request target and written back by an
``asyncio.Protocol`` (no streams, no per-request parsing beyond the request
line), in a forked process so it never competes with the crawler for the GIL.

:func:`measure_ceiling` hammers it with a small asyncio client to report the
server's own rate: the crawl figures only mean something if they are well
below it.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Self

from benchmarks.site import SiteBundle, normalize_target

_END = b"\r\n\r\n"


class _HttpProtocol(asyncio.Protocol):
    """One connection: answer each complete GET head with pre-rendered bytes."""

    def __init__(self, bundle: SiteBundle) -> None:
        self.bundle = bundle
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(_END)) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
            request_line = head.split(b"\r\n", 1)[0].split(b" ")
            target = request_line[1].decode("latin-1") if len(request_line) > 1 else "/"
            assert self.transport is not None
            self.transport.write(respond(self.bundle, target))
            if b"connection: close" in head.lower():
                self.transport.close()
                return


def respond(bundle: SiteBundle, target: str) -> bytes:
    """The response to a request target, with the CMS's lenient routing.

    A list page number past the end serves page 1 (the crawler trap) and an
    unknown article id answers 200 with an empty frame (the soft 404).
    """
    found = bundle.pages.get(target)
    if found is not None:
        return found
    if target.startswith("http"):  # absolute-form target (proxies); keep the path
        target = "/" + target.split("/", 3)[-1]
    key = normalize_target(target)
    found = bundle.pages.get(key)
    if found is not None:
        return found
    path, _, query = key.partition("?")
    if path == "/list.php":
        cid = dict(arg.split("=", 1) for arg in query.split("&") if "=" in arg).get("cid", "")
        return bundle.list_page_one.get(cid, bundle.not_found)
    if path == "/show.php":
        return bundle.soft_404
    return bundle.not_found


def _serve(bundle: SiteBundle, sock: socket.socket, ready: Connection) -> None:
    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(lambda: _HttpProtocol(bundle), sock=sock, backlog=512)
        ready.send("ready")
        async with server:
            await server.serve_forever()

    asyncio.run(main())


class SiteServer:
    """The bundle served on 127.0.0.1 from a forked process (``with SiteServer(b) as s``).

    The socket is bound in the parent, so the port is known before the fork
    and nothing can race for it.
    """

    def __init__(self, bundle: SiteBundle, port: int = 0) -> None:
        self.bundle = bundle
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # A fixed port lets a changed site come back at the same origin (incremental runs).
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(512)
        self.port: int = self.sock.getsockname()[1]
        self.process: multiprocessing.process.BaseProcess | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Self:
        # fork: the child inherits the rendered pages without pickling 200 MB.
        context = multiprocessing.get_context("fork")
        parent_end, child_end = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(self.bundle, self.sock, child_end), daemon=True
        )
        self.process.start()
        if not parent_end.poll(30):
            raise RuntimeError("benchmark server did not start")
        parent_end.recv()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.join(5)
        self.sock.close()


@dataclass(frozen=True)
class Ceiling:
    """Requests the client completed, in how long, over how many connections."""

    requests: int
    seconds: float
    connections: int
    bytes: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def _client(port: int, paths: list[str], start: int, deadline: float) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    done = received = 0
    index = start
    try:
        while time.perf_counter() < deadline:
            path = paths[index % len(paths)]
            index += 1
            writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            head = await reader.readuntil(_END)
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            done += 1
            received += len(head) + length
    finally:
        writer.close()
    return done, received


def measure_ceiling(
    port: int, paths: list[str], *, seconds: float = 3.0, connections: int = 16
) -> Ceiling:
    """Pages/s the server sustains for ``connections`` keep-alive clients (a lower bound:
    the client shares this machine's cores and is Python too)."""

    async def main() -> Ceiling:
        started = time.perf_counter()
        deadline = started + seconds
        step = max(1, len(paths) // connections)
        results = await asyncio.gather(
            *(_client(port, paths, i * step, deadline) for i in range(connections))
        )
        elapsed = time.perf_counter() - started
        return Ceiling(
            requests=sum(r[0] for r in results),
            seconds=elapsed,
            connections=connections,
            bytes=sum(r[1] for r in results),
        )

    return asyncio.run(main())
