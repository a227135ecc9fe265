"""The archive's schema version, and upgrades with Alembic.

Every archive records its schema revision in Alembic's ``alembic_version``
table. Opening an archive brings it to the newest revision: a new database
gets the tables and is stamped; an archive written before migrations existed
(tables, no ``alembic_version``) holds the first schema, revision ``0001``,
and is stamped so and upgraded; an older revision is upgraded. An archive
newer than this code is refused with one clear line instead of being
misread.

Alembic (with Mako and Pygments behind it, some 12 MB of a process) is
imported only when an archive needs stamping or upgrading: a crawl's
processes open archives that are at the head already, and check the
revision before each batch, with one SELECT of ``alembic_version``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)

from archive import fts
from archive.models import Base

if TYPE_CHECKING:
    from alembic.config import Config

#: The revision that describes archives written before migrations existed.
FIRST_REVISION = "0001"
#: The newest revision in ``archive/migrations`` (tests hold it to Alembic's own
#: head): what this code writes, known without importing Alembic.
HEAD_REVISION = "0014"
#: Alembic's table of the revision an archive records.
VERSION_TABLE = "alembic_version"
#: The PostgreSQL advisory lock a schema creation or upgrade holds: a constant of our
#: own (the bytes ``schemaup``), not one of the harvests' hashed per-site keys.
SCHEMA_LOCK = int.from_bytes(b"schemaup", "big")


class SchemaError(Exception):
    """The archive's schema cannot be brought to this code's revision."""


def _config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "archive:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's filter: the full-text index is not in the models, and not dropped."""
    return not (type_ == "table" and fts.is_index_table(name))


def head_revision() -> str:
    """The newest schema revision this code knows."""
    return HEAD_REVISION


def scripted_revisions() -> tuple[str | None, set[str]]:
    """Alembic's head of ``archive/migrations`` and every revision there (imports Alembic)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config())
    return scripts.get_current_head(), {script.revision for script in scripts.walk_revisions()}


def current_revision(connection: Connection) -> str | None:
    """The revision an archive records (None: none recorded)."""
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def check_unchanged(connection: Connection) -> None:
    """Raise :class:`SchemaError` unless the archive still records this code's revision.

    A crawl checks the revision when it opens the archive, and its writes
    follow that revision's rules for hours. If a newer newscrawl upgrades the
    archive meanwhile (any of its commands opens the archive so), those rules
    may no longer hold (revision 0006 changed what a section row means), so
    each stored batch asks first: one small SELECT, and the crawl stores
    nothing more once the archive has moved on.
    """
    found = current_revision(connection)
    head = head_revision()
    if found != head:
        raise SchemaError(
            f"the archive's schema changed to {found} while this crawl ran "
            f"(this newscrawl writes {head}): nothing more is stored; "
            f"crawl again with a newscrawl that writes {found}"
        )


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the archive to the head revision; returns (revision before, revision after).

    Several processes may open a new archive at once (two machines' crontabs,
    a harvest's worker): the revision is read again once this process holds
    the right to change the schema (on PostgreSQL an advisory lock for the
    transaction), so one creates or upgrades and the others find it done.
    """
    head = head_revision()
    with engine.connect() as connection:
        if current_revision(connection) == head:  # the usual case: nothing to load or lock
            return head, head
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
        before = current_revision(connection)
        if before == head:
            return before, head
        if before is None and not inspect(connection).has_table("articles"):
            Base.metadata.create_all(connection)
            fts.create(connection)  # a virtual table: not part of the metadata
            record_revision(connection, head)
            return None, head
        from alembic import command

        _head, known = scripted_revisions()
        if before is None:
            command.stamp(_config(connection), FIRST_REVISION)
        elif before not in known:
            raise SchemaError(
                f"archive schema {before} is newer than this newscrawl knows ({head}): "
                "upgrade newscrawl"
            )
        if before != head:
            command.upgrade(_config(connection), "head")
    return before, head


def record_revision(connection: Connection, revision: str) -> None:
    """Record ``revision`` in a new database: the table and row Alembic's ``stamp`` writes
    (``alembic.runtime.migration``: ``version_num VARCHAR(32) NOT NULL``, primary key
    ``alembic_version_pkc``), without importing Alembic.

    A new archive is made from the models and stamped at the head on every first
    crawl; importing Alembic for the stamp was most of that crawl's start (0.15 s
    of a process, ``benchmarks/TUNING.md``). A test holds this to Alembic's stamp.
    """
    table = Table(
        VERSION_TABLE,
        MetaData(),
        Column("version_num", String(32), nullable=False),
        PrimaryKeyConstraint("version_num", name=f"{VERSION_TABLE}_pkc"),
    )
    table.create(connection)
    connection.execute(table.insert().values(version_num=revision))
