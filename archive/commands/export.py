"""``newsarchive export``: articles in the Article contract shape, to a file or stdout."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

import click

from archive.commands.common import filter_options, reading
from archive.export import FORMATS, write_export
from archive.filters import ArticleFilters


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: one Article JSON object per line; csv: sections and sidebar as JSON.",
)
@filter_options
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.pass_obj
def export_command(db: str, fmt: str, filters: ArticleFilters, output: Path | None) -> None:
    """Export articles in the Article contract shape, streamed in id order."""
    with reading(db) as session:
        if output is None:
            write_export(session, sys.stdout, fmt, filters)
            return
        with _open_output(output) as out:
            count = write_export(session, out, fmt, filters)
    click.echo(f"exported {count} articles to {output}", err=True)


def _open_output(path: Path) -> IO[str]:
    """Open the export file for writing, never through a symbolic link.

    A symlink planted where the export goes (``-o /tmp/x.jsonl``) would make
    the export overwrite whatever file it points to; ``O_NOFOLLOW`` refuses it.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if path.is_symlink():
            raise click.ClickException(f"will not write through a symbolic link: {path}") from exc
        raise click.ClickException(f"cannot write {path}: {exc.strerror}") from exc
    return os.fdopen(fd, "w", encoding="utf-8", newline="")
