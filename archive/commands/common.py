"""What the ``newsarchive`` commands share: the reading session, the period and filter options.

It lives below :mod:`archive.cli` and the command modules it gathers
(:mod:`archive.commands`), so those need not import the CLI that imports
them (no import cycle).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import click
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from archive.db import ArchiveError, error_line, open_archive
from archive.filters import ArticleFilters
from archive.published import DAY_ZONE
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


def filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """``--site --channel --author --since --until``, handed to ``command`` as one
    ``filters: ArticleFilters`` (list, search and export take the same ones)."""

    @functools.wraps(command)
    def with_filters(
        *args: Any,
        site: str | None,
        channel: str | None,
        author: str | None,
        since: datetime | None,
        until: datetime | None,
        **kwargs: Any,
    ) -> None:
        filters = ArticleFilters(
            site=site, channel=channel, author=author, since=since, until=until
        )
        command(*args, filters=filters, **kwargs)

    options = (
        click.option("--site", help="Only articles of this site (host)."),
        click.option("--channel", help="Only articles of this channel (as stored, e.g. 29)."),
        click.option("--author", help="Only articles by this author (exact)."),
        click.option(
            "--since",
            metavar="DATE",
            callback=period_option(end=False),
            help="Only articles published on or after DATE (YYYY-MM-DD or ISO; "
            f"naive = {DAY_ZONE}).",
        ),
        click.option(
            "--until",
            metavar="DATE",
            callback=period_option(end=True),
            help="Only articles published up to DATE, that whole day included.",
        ),
    )
    decorated: Callable[..., None] = with_filters
    for option in reversed(options):
        decorated = option(decorated)
    return decorated
