"""Opening an archive: engine factory, SQLite pragmas, the sessionmaker.

The default archive is one SQLite file, so a plain path must work wherever a
URL does. Reading tools must never create an empty archive by accident (a typo
in ``--db`` would otherwise "succeed" with zero articles), hence
``create=False``.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

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
    try:
        return make_url(url)
    except ArgumentError as exc:
        raise ArchiveError(f"not a database URL: {mask_url(url)}") from exc


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``, safe for logs and run records."""
    if not _is_url(url):
        return url
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        # Unparseable: still hide anything between "user:" and "@".
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work during a crawl; busy_timeout waits out short locks.

    foreign_keys makes ``ON DELETE CASCADE`` real; synchronous=NORMAL is safe
    with WAL and much faster for hourly batches.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def _json_dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def make_engine(url: str) -> Engine:
    """An Engine for a SQLAlchemy URL or a plain SQLite file path."""
    sa_url = _to_url(url)
    try:
        # Chinese text stays UTF-8 in JSON columns (ensure_ascii would double its size).
        engine = create_engine(sa_url, json_serializer=_json_dumps)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise ArchiveError(f"cannot open archive {mask_url(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
        # The full-text index's triggers call this function (archive.fts).
        event.listen(engine, "connect", fts.register)
    return engine


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite archive lives in, or None (memory or another backend)."""
    sa_url = _to_url(url)
    if sa_url.get_backend_name() != "sqlite":
        return None
    database = sa_url.database
    if not database or database == _MEMORY or database.startswith("file:"):
        return None
    return Path(database)


def open_archive(url: str, *, create: bool = True) -> sessionmaker[Session]:
    """A sessionmaker bound to the archive at ``url``.

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
        reason = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        raise ArchiveError(f"cannot open archive {mask_url(url)}: {reason}") from exc
    except ArchiveError:
        engine.dispose()
        raise
    return sessionmaker(engine)
