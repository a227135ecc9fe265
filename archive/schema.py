"""The archive's schema version, and upgrades with Alembic.

Every archive records its schema revision in Alembic's ``alembic_version``
table. Opening an archive brings it to the newest revision: a new database
gets the tables and is stamped; an archive written before migrations existed
(tables, no ``alembic_version``) holds the first schema, revision ``0001``,
and is stamped so and upgraded; an older revision is upgraded. An archive
newer than this code is refused with one clear line instead of being
misread.
"""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

from archive import fts
from archive.models import Base

#: The revision that describes archives written before migrations existed.
FIRST_REVISION = "0001"


class SchemaError(Exception):
    """The archive's schema cannot be brought to this code's revision."""


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "archive:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's filter: the full-text index is not in the models, and not dropped."""
    return not (type_ == "table" and fts.is_index_table(name))


@functools.cache
def head_revision() -> str:
    """The newest schema revision this code knows (read once: the code does not change)."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "archive/migrations has no revisions"
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision an archive records (None: none recorded)."""
    return MigrationContext.configure(connection).get_current_revision()


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
    """Bring the archive to the head revision; returns (revision before, revision after)."""
    head = head_revision()
    known = {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}
    with engine.begin() as connection:
        before = current_revision(connection)
        if before is None:
            if not inspect(connection).has_table("articles"):
                Base.metadata.create_all(connection)
                fts.create(connection)  # a virtual table: not part of the metadata
                command.stamp(_config(connection), head)
                return None, head
            command.stamp(_config(connection), FIRST_REVISION)
        elif before not in known:
            raise SchemaError(
                f"archive schema {before} is newer than this newscrawl knows ({head}): "
                "upgrade newscrawl"
            )
        if before != head:
            command.upgrade(_config(connection), "head")
    return before, head
