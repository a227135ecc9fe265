"""Helpers every ``newsarchive`` command module shares: the reading session and option parsers.

They live below :mod:`archive.cli` and the modules whose commands it gathers
(:mod:`archive.cli_captures`, :mod:`archive.sites_cli`), so those modules
need not import the CLI that imports them (no import cycle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

import click
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from archive.db import ArchiveError, error_line, open_archive
from archive.queries import period_bound


def first_line(exc: DBAPIError) -> str:
    """The first line of a database error, any URL in it masked."""
    return error_line(exc.orig if exc.orig is not None else exc)


@contextmanager
def reading(db: str, doing: str = "read") -> Iterator[Session]:
    """A session (one transaction) on an existing archive; errors become one line."""
    try:
        opened = open_archive(db, create=False)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        with opened.begin() as session:
            yield session
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    except DBAPIError as exc:
        raise click.ClickException(f"cannot {doing} the archive: {first_line(exc)}") from exc
    finally:
        opened.close()


def period_option(
    end: bool,
) -> Callable[[click.Context, click.Parameter, str | None], datetime | None]:
    """A click callback turning a period bound into naive UTC; a bad date is one line."""

    def convert(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
        if value is None:
            return None
        try:
            return period_bound(value, end=end)
        except ValueError:
            option = param.opts[0] if param.opts else param.name
            raise click.ClickException(
                f"not a date: {value!r} ({option} takes YYYY-MM-DD or an ISO datetime)"
            ) from None

    return convert
