"""A throwaway PostgreSQL server for the tests, on 127.0.0.1.

``NEWSCRAWL_TEST_POSTGRES_URL`` (a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) names a server to
use. Otherwise the server binaries are looked for (``initdb`` on PATH or under
``/usr/lib/postgresql/*/bin``; ``.ci/run`` installs them) and a cluster is
created in a temporary directory, listening on a free loopback port with
trust authentication, and removed when the session ends. Run as root, the
cluster is owned by the ``postgres`` user (``initdb`` refuses root). When
neither works, :func:`start` returns the reason, and the tests that need the
server are skipped with it (shown by ``pytest -ra``).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ENV_URL = "NEWSCRAWL_TEST_POSTGRES_URL"


@dataclass(frozen=True)
class Server:
    """A reachable server: a SQLAlchemy URL prefix (without database) and its admin database."""

    base: str  # postgresql+psycopg://user@host:port
    admin_db: str

    def url(self, database: str) -> str:
        return f"{self.base}/{database}"


def _bin_dir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner() -> tuple[list[str], str | None]:
    """(command prefix, user) to run the server's programs as a non-root user."""
    if os.geteuid() != 0:
        return [], None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return [], None
    runuser = shutil.which("runuser")
    return ([runuser, "-u", "postgres", "--"] if runuser else []), "postgres"


@contextmanager
def start() -> Iterator[Server | str]:
    """A server for the test session, or the reason there is none."""
    given = os.environ.get(ENV_URL)
    if given:
        base, _, admin_db = given.rpartition("/")
        yield Server(base, admin_db or "postgres")
        return
    bin_dir = _bin_dir()
    if bin_dir is None:
        yield f"no PostgreSQL server: set {ENV_URL} or install PostgreSQL (.ci/run does)"
        return
    prefix, owner = _as_owner()
    if os.geteuid() == 0 and owner is None:
        yield "PostgreSQL's initdb refuses root and there is no postgres user"
        return
    with tempfile.TemporaryDirectory(prefix="newscrawl-pg-") as tmp:
        root = Path(tmp)
        if owner is not None:
            shutil.chown(root, owner)
        data, port = root / "data", _free_port()
        log = root / "server.log"
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off"
        try:
            for command in (
                [str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                 "-E", "UTF8", "--locale=C.UTF-8"],
                [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
                 "-w", "start"],
            ):  # fmt: skip
                subprocess.run(
                    [*prefix, *command], check=True, capture_output=True, text=True, timeout=120
                )
        except (OSError, subprocess.SubprocessError) as exc:
            detail = getattr(exc, "stderr", "") or str(exc)
            yield f"could not start PostgreSQL: {detail.strip().splitlines()[-1:]}"
            return
        try:
            yield Server(f"postgresql+psycopg://postgres@127.0.0.1:{port}", "postgres")
        finally:
            subprocess.run(
                [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
            )


def create_database(server: Server, name: str) -> str:
    """Create an empty database ``name`` (dropping an older one); returns its URL."""
    import psycopg

    plain = server.url(server.admin_db).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return server.url(name)
