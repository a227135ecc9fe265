"""A throwaway Redis server for the tests, on 127.0.0.1.

``NEWSCRAWL_TEST_REDIS_URL`` names a server to use (``redis://127.0.0.1:6379/0``).
Otherwise ``redis-server`` (on PATH; Debian's ``redis-server`` package, which
``.ci/run`` installs) is started on a free loopback port with no persistence,
in a temporary directory, and stopped when the session ends. When neither
works, :func:`start` yields the reason and the tests that need it skip (or,
with ``NEWSCRAWL_REQUIRE_REDIS=1`` as in ``.ci/run``, fail).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV_URL = "NEWSCRAWL_TEST_REDIS_URL"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def start() -> Iterator[str]:
    """Yield a Redis URL, or a reason (``"no redis: …"``) when no server can run."""
    import redis

    url = os.environ.get(ENV_URL)
    if url:
        yield url
        return
    binary = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
    )
    if binary is None:
        yield f"no redis: redis-server not found and {ENV_URL} unset"
        return
    folder = tempfile.mkdtemp(prefix="newscrawl-redis-")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", folder, "--loglevel", "notice"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        assert process.stdout is not None
        # The server says when it listens: read its log up to that line (or its exit).
        ready = any("Ready to accept connections" in line for line in process.stdout)
        if not ready:
            yield f"no redis: redis-server did not start (exit {process.wait()})"
            return
        redis.Redis.from_url(url).ping()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
