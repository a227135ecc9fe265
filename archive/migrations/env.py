"""Alembic environment: migrations run on the connection ``archive.schema`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from archive.models import Base
from archive.schema import include_name

connection = context.config.attributes.get("connection")


def _run(conn: Connection) -> None:
    # render_as_batch: SQLite alters tables by copying them; Alembic's batch mode does that.
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_name=include_name,  # the FTS5 tables are no models
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # the alembic command line, with sqlalchemy.url set in its config
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as conn:
        _run(conn)
