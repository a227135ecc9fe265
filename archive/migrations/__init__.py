"""Alembic migrations of the archive schema (see ``archive.schema``)."""
