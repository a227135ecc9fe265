"""Harvest locks: one harvest of an (archive, site) at a time, on one machine or many.

Beside a SQLite archive the lock is an OS file lock (``flock``) on
``<file>.<site>.lock``: it dies with its process, so a killed run never blocks
the next. On PostgreSQL it is a session-level advisory lock of the archive's
own server (``pg_try_advisory_lock``), held on a connection of its own for the
whole run: harvests on several machines that share the archive exclude each
other the same way, and the server drops the lock when the holder's
connection dies.

A lock is taken exclusive by a harvest. The workers of a shared queue
(:mod:`newscrawl.crawl.shared_queue`) take it shared: the first takes it exclusive,
marks the site's killed runs interrupted, then holds it shared, and the
others join with a shared hold; an exclusive harvest of the site waits for
none of them and fails with "locked" instead.

:func:`take_lock` is a harvest's use of it: the site's lock taken and the site's
killed runs marked interrupted, or a :class:`~newscrawl.harvest.verdict.HarvestError`.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, Self

from newscrawl.harvest.verdict import EXIT_LOCKED, HarvestError, db_error

#: How long a shared-queue worker waits for the first worker's brief exclusive hold.
SHARED_WAIT_SECONDS = 10.0


class LockBusy(Exception):
    """Another harvest holds the lock; the message says which."""


class LockError(Exception):
    """The lock cannot be taken at all (a file that cannot be opened, a database error)."""


def _slug(site: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"


def lock_path(archive: str, site: str) -> Path:
    """The lock file of harvests of ``site`` into the archive at URL ``archive``.

    Next to a SQLite file: ``<file>.<site>.lock``. For a server database (or an
    in-memory one) it lives in the temp directory, keyed by a hash of the
    archive URL with its password masked.
    """
    from archive.db import mask_url, sqlite_file

    path = sqlite_file(archive)
    if path is not None:
        return path.with_name(f"{path.name}.{_slug(site)}.lock")
    digest = hashlib.sha1(mask_url(archive).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newscrawl-{digest}.{_slug(site)}.lock"


def advisory_key(site: str) -> int:
    """The 64-bit advisory lock key of harvests of ``site`` (signed, as PostgreSQL takes it)."""
    digest = hashlib.sha1(f"newscrawl harvest {site}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


class SiteLock:
    """The harvest lock of ``site`` in the archive at ``url`` (file or advisory)."""

    def __init__(self, url: str, site: str) -> None:
        from archive.db import mask_url

        self.url = url
        self.site = site
        self.what = f"{mask_url(url)} for {site}"
        self.advisory = url.startswith("postgresql")
        self._handle: IO[str] | None = None
        self._connection: Any = None
        self._engine: Any = None
        self._held: set[str] = set()

    # -- taking and leaving ------------------------------------------------

    def acquire(self) -> None:
        """Take the lock exclusive; raises :class:`LockBusy` or :class:`LockError`."""
        if not self._try("exclusive"):
            raise LockBusy(self._busy_message())

    def acquire_shared(self) -> bool:
        """Join (or start) a shared hold; returns True when this holder came first.

        The first holder has the lock exclusive when this returns (it marks the
        site's killed runs, then calls :meth:`share`); the others wait up to
        :data:`SHARED_WAIT_SECONDS` for that, then hold it shared.
        """
        if self._try("exclusive"):
            return True
        deadline = time.monotonic() + SHARED_WAIT_SECONDS
        while not self._try("shared"):
            if time.monotonic() > deadline:
                raise LockBusy(self._busy_message())
            time.sleep(0.1)  # the first worker's exclusive hold lasts one UPDATE
        return False

    def share(self) -> None:
        """Turn an exclusive hold into a shared one (other workers may then join)."""
        if "exclusive" not in self._held:
            return
        if self.advisory:
            self._sql("select pg_advisory_lock_shared(:k)")
            self._sql("select pg_advisory_unlock(:k)")
        else:
            assert self._handle is not None
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_SH)
        self._held = {"shared"}

    def release(self) -> None:
        """Let go of the lock (also when it was never taken)."""
        try:
            if self.advisory and self._connection is not None:
                self._connection.close()  # the server drops the session's advisory locks
            elif self._handle is not None:
                fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
                self._handle.close()
        finally:
            if self._engine is not None:
                self._engine.dispose()
            self._connection = self._engine = self._handle = None
            self._held = set()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- the two kinds -------------------------------------------------------

    def _try(self, mode: str) -> bool:
        if self.advisory:
            function = (
                "pg_try_advisory_lock" if mode == "exclusive" else "pg_try_advisory_lock_shared"
            )
            taken = bool(self._sql(f"select {function}(:k)"))
        else:
            taken = self._flock(fcntl.LOCK_EX if mode == "exclusive" else fcntl.LOCK_SH)
        if taken:
            self._held.add(mode)
        return taken

    def _sql(self, statement: str) -> Any:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        from archive.db import ArchiveError, error_line, make_engine

        try:
            if self._connection is None:
                # The archive's own URL parsing (a password with '@' or ':' in it).
                self._engine = make_engine(self.url)
                self._connection = self._engine.connect().execution_options(
                    isolation_level="AUTOCOMMIT"
                )
            return self._connection.execute(
                text(statement), {"k": advisory_key(self.site)}
            ).scalar()
        except ArchiveError as exc:
            raise LockError(str(exc)) from None
        except SQLAlchemyError as exc:
            raise LockError(
                f"cannot take the harvest lock of {self.what}: "
                f"{error_line(getattr(exc, 'orig', None) or exc)}"
            ) from None

    def _flock(self, operation: int) -> bool:
        path = lock_path(self.url, self.site)
        if self._handle is None:
            try:
                self._handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115  # held for the run
            except OSError as exc:
                raise LockError(f"cannot open the lock file {path}: {exc.strerror}") from None
        try:
            fcntl.flock(self._handle.fileno(), operation | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise LockError(f"cannot lock {path}: {exc.strerror}") from None
            return False
        if operation == fcntl.LOCK_EX:
            try:
                self._handle.seek(0)
                self._handle.truncate()
                self._handle.write(f"{os.getpid()}\n")
                self._handle.flush()
            except OSError as exc:  # e.g. the disk is full
                raise LockError(f"cannot write the lock file {path}: {exc.strerror}") from None
        return True

    def _busy_message(self) -> str:
        if self.advisory:
            return (
                f"another harvest of {self.what} is running "
                f"(PostgreSQL advisory lock {advisory_key(self.site)})"
            )
        path = lock_path(self.url, self.site)
        try:
            pid = path.read_text(encoding="utf-8").strip() or "unknown"
        except OSError:
            pid = "unknown"
        return f"another harvest of {self.what} is running (pid {pid}; lock {path})"


# -- a harvest's lock ----------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _mark_interrupted(url: str, site: str) -> int:
    from archive import mark_interrupted, open_archive

    with open_archive(url) as opened, opened.begin() as session:
        return mark_interrupted(session, site=site, before=_now())


def take_lock(url: str, key: str, *, shared: bool = False) -> tuple[SiteLock, int]:
    """The site's harvest lock, taken, and how many killed runs of the site it marked
    interrupted (for the log, which the caller sets up after this).

    ``shared`` (a shared-queue worker): only the first worker marks them.
    Raises :class:`HarvestError` (:data:`EXIT_LOCKED` when another harvest holds it).
    """
    from sqlalchemy.exc import SQLAlchemyError

    from archive import ArchiveError, mask_url

    lock = SiteLock(url, key)
    marked = 0
    try:
        if shared:
            first = lock.acquire_shared()
        else:
            lock.acquire()
            first = True
        if first:
            try:
                marked = _mark_interrupted(url, key)
            except ArchiveError as exc:
                raise HarvestError(str(exc)) from None
            except (SQLAlchemyError, OSError) as exc:  # a database that cannot be opened
                raise HarvestError(
                    f"cannot open the archive {mask_url(url)}: {db_error(exc)}"
                ) from None
            if shared:
                lock.share()
    except LockBusy as exc:
        lock.release()
        raise HarvestError(str(exc), EXIT_LOCKED) from None
    except LockError as exc:
        lock.release()
        raise HarvestError(str(exc)) from None
    except BaseException:
        lock.release()
        raise
    return lock, marked
