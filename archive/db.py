"""Opening an archive: engine factory, SQLite pragmas, the :class:`Archive` handle.

The default archive is one SQLite file, so a plain path must work wherever a
URL does. Reading tools must never create an empty archive by accident (a typo
in ``--db`` would otherwise "succeed" with zero articles), hence
``create=False``.
"""

from __future__ import annotations

import json
import logging
import re
from contextlib import AbstractContextManager
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from archive import fts
from archive.schema import SchemaError, upgrade

_MEMORY = ":memory:"
logger = logging.getLogger(__name__)


class ArchiveError(Exception):
    """Any problem opening or using the archive that a user can act on."""


class ArchiveNotFound(ArchiveError):
    """The archive does not exist and the caller asked not to create it."""


def _is_url(value: str) -> bool:
    return "://" in value


def _to_url(url: str) -> URL:
    """A SQLAlchemy URL for a URL string or a plain file path."""
    if not _is_url(url):
        if url == _MEMORY:
            return URL.create("sqlite", database=_MEMORY)
        path = Path(url).expanduser().resolve()
        return URL.create("sqlite", database=str(path))
    userinfo = _USERINFO_PASSWORD.match(url)
    if userinfo is not None and re.search(r"@[^/?#]*$", userinfo.group(2)):
        # The parser would take the password's tail for the host, and the driver's
        # "cannot resolve host" error would print it.
        raise ArchiveError(
            f"not a database URL: {mask_url(url)} (percent-encode '@' in a password as %40)"
        )
    try:
        return make_url(url)
    except (ArgumentError, ValueError) as exc:  # ValueError: a port that is not a number
        raise ArchiveError(f"not a database URL: {mask_url(url)}") from exc


#: ``scheme://user:PASSWORD@host``: the password runs to the *last* ``@`` before the
#: host, so an unescaped ``@`` or ``:`` inside it is hidden too (SQLAlchemy's parser
#: stops at the first ``@`` and would show the rest of such a password as the host).
_USERINFO_PASSWORD = re.compile(r"^([^:/?#]+://[^:/?#@]*:)(.*)@(?=[^@]*$)", re.DOTALL)
#: ``password=…`` in the query string (libpq and some drivers take it there too).
_QUERY_PASSWORD = re.compile(r"([?&](?:password|passwd|pwd)=)[^&#]*", re.IGNORECASE)


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, safe for logs and run records.

    Works on the text itself, so it never fails and also hides passwords that
    a URL parser would misread (an unescaped ``@``, a port that is not a number).
    """
    if not _is_url(url):
        return url
    masked = _USERINFO_PASSWORD.sub(r"\1***@", url)
    return _QUERY_PASSWORD.sub(r"\1***", masked)


#: Page size of a new SQLite archive. An article's body is about 15 KB (and was
#: 30 KB a row with its sections, before they became spans of the body: revision
#: 0006); with SQLite's default 4 KB pages each row spills into a chain of
#: overflow pages, each written and checkpointed on its own. 32 KB pages hold a
#: typical row whole: storing a batch measured (with 30 KB rows) 1.2-1.3x faster (``benchmarks.run``'s storage rate), export 1.1x, search the
#: same, and the file 6% smaller. Existing archives keep the size they were
#: created with.
PAGE_SIZE = 32_768

#: How long a SQLite connection waits for another writer's lock before "database is locked".
BUSY_TIMEOUT_MS = 30_000


def _sqlite_pragmas(busy_timeout_ms: int | None) -> Any:
    """The connect hook: WAL lets readers work during a crawl; busy_timeout waits out locks.

    foreign_keys makes ``ON DELETE CASCADE`` real; synchronous=NORMAL is safe
    with WAL and much faster for hourly batches. ``busy_timeout_ms`` None keeps
    the wait the URL asked for (``sqlite:///archive.sqlite?timeout=SECONDS``).

    A new archive file gets :data:`PAGE_SIZE` pages (the pragma is ignored by a
    file that already has tables, and must come before WAL is switched on).
    """

    def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA page_size={PAGE_SIZE}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            if busy_timeout_ms is not None:
                cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        finally:
            cursor.close()

    return set_pragmas


def error_line(exc: BaseException) -> str:
    """The first line of an error's text, with any database URL in it masked."""
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return re.sub(r"[A-Za-z][A-Za-z0-9+.-]*://\S+", lambda m: mask_url(m.group(0)), line)


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    """An Engine for a SQLAlchemy URL or a plain SQLite file path."""
    sa_url = _to_url(url)
    try:
        # Chinese text stays UTF-8 in JSON columns (ensure_ascii would double its size).
        engine = create_engine(sa_url, json_serializer=_json_dumps)
    except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
        raise ArchiveError(f"cannot open archive {mask_url(url)}: {error_line(exc)}") from exc
    if engine.dialect.name == "sqlite":
        busy = None if "timeout" in sa_url.query else BUSY_TIMEOUT_MS
        event.listen(engine, "connect", _sqlite_pragmas(busy))
        # The full-text index's triggers call this function (archive.fts).
        event.listen(engine, "connect", fts.register)
    return engine


def sqlite_file(url: str | URL) -> Path | None:
    """The file a SQLite archive lives in, or None (memory or another backend).

    Takes a URL string, a plain path, or an engine's :class:`~sqlalchemy.engine.URL`.
    """
    sa_url = url if isinstance(url, URL) else _to_url(url)
    if sa_url.get_backend_name() != "sqlite":
        return None
    database = sa_url.database
    if not database or database == _MEMORY or database.startswith("file:"):
        return None
    return Path(database)


class Archive:
    """An open archive: the engine and the sessionmaker bound to it, closed together.

    One object owns the connections, so whoever opened the archive closes it
    with :meth:`close` (or a ``with`` block) instead of reaching into the
    sessionmaker for its engine. The rule the code keeps: whoever closes the
    archive holds the ``Archive``; code that only runs transactions takes a
    ``Session`` (the archive functions) or the :attr:`sessions` factory, so
    it cannot close what it does not own.

    Built by :func:`open_archive`, which upgrades the schema first; wrapping an
    engine directly skips that, which only tests of the upgrade itself want.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(engine)

    def session(self) -> Session:
        """A new Session (use it in a ``with`` block; nothing is committed unless asked)."""
        return self.sessions()

    def begin(self) -> AbstractContextManager[Session]:
        """A Session in a transaction, committed when the ``with`` block ends without error."""
        return self.sessions.begin()

    def close(self) -> None:
        """Close the archive's pooled connections (SQLite folds its write-ahead log back
        into the file when the last one closes). Closing twice is harmless."""
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Archive({self.engine.url.render_as_string()!r})"  # password hidden


def open_archive(url: str, *, create: bool = True) -> Archive:
    """The archive at ``url``, open (close it, or use it in a ``with`` block).

    The archive is brought to the newest schema revision (``archive.schema``).
    With ``create=True`` the tables are created when missing. With
    ``create=False`` a missing SQLite file raises :class:`ArchiveNotFound`
    without creating it, and a database without archive tables raises
    :class:`ArchiveError`, so reading tools fail with one clear line.
    """
    if not create:
        path = sqlite_file(url)
        if path is not None and not path.exists():
            shown = url if not _is_url(url) else str(path)
            raise ArchiveNotFound(f"no archive at {shown}")
    engine = make_engine(url)
    try:
        if not create and not inspect(engine).has_table("articles"):
            raise ArchiveError(f"not a newscrawl archive: {mask_url(url)}")
        before, after = upgrade(engine)
        if before is not None and before != after:
            logger.warning("archive %s upgraded from schema %s to %s", mask_url(url), before, after)
    except SchemaError as exc:
        engine.dispose()
        raise ArchiveError(str(exc)) from exc
    except DBAPIError as exc:
        engine.dispose()
        reason = error_line(exc.orig if exc.orig is not None else exc)
        raise ArchiveError(f"cannot open archive {mask_url(url)}: {reason}") from exc
    except ArchiveError:
        engine.dispose()
        raise
    return Archive(engine)
