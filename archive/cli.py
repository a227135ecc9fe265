"""``newsarchive``: read the archive from a shell (search, list, show, top, history,
export, stats, runs, sites; upgrade, reindex and identity maintain it).

This module is the command group and its ``--db`` option; each command lives
in :mod:`archive.commands`, a thin layer over :mod:`archive.queries` and the
other readers. The CLI owns the session and its transaction. Reading commands
never create an archive, and every error a user can cause (wrong path,
unknown id, a database that cannot be read) ends in one ``Error: …`` line and
exit code 1 rather than a traceback.
"""

from __future__ import annotations

import click

from archive.commands.articles import history_command, list_command, show_command
from archive.commands.captures import raw_command, reextract_command
from archive.commands.export import export_command
from archive.commands.maintenance import identity_command, reindex_command, upgrade_command
from archive.commands.reports import runs_command, stats_command, top_command
from archive.commands.search import search_command
from archive.commands.sites import sites_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    default="archive.sqlite",
    show_default=True,
    envvar="NEWSARCHIVE_DB",
    show_envvar=True,
    metavar="PATH_OR_URL",
    help="Archive: a SQLite file path or a SQLAlchemy URL.",
)
@click.pass_context
def main(ctx: click.Context, db: str) -> None:
    """Query the newscrawl archive."""
    ctx.obj = db


for _command in (
    list_command,
    show_command,
    history_command,
    top_command,
    search_command,
    stats_command,
    export_command,
    runs_command,
    upgrade_command,
    reindex_command,
    identity_command,
    raw_command,
    reextract_command,
    sites_command,
):
    main.add_command(_command)

if __name__ == "__main__":  # pragma: no cover
    main()
