"""Alembic environment: migrations run on the connection ``archive.schema`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from archive.models import Base

connection = context.config.attributes.get("connection")


def _run(conn: Connection) -> None:
    # render_as_batch: SQLite alters tables by copying them; Alembic's batch mode does that.
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    _run(connection)
else:  # the alembic command line, with sqlalchemy.url set in its config
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.connect() as conn:
        _run(conn)
