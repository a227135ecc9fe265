"""``newsarchive upgrade``, ``reindex`` and ``identity``: keeping the archive in shape.

``upgrade`` brings the schema to the newest, ``reindex`` rebuilds the
full-text index from the stored articles, and ``identity`` finds article
rows that mix two pages (``--repair`` gives each page its row).
"""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from archive import fts
from archive.commands.common import first_line, reading
from archive.db import ArchiveError, make_engine, mask_url, sqlite_file
from archive.identity_repair import MixedRow, find_mixed, repair
from archive.render import dumps
from archive.schema import SchemaError, upgrade


@click.command("upgrade")
@click.pass_obj
def upgrade_command(db: str) -> None:
    """Bring the archive to the newest schema (opening it does so too)."""
    try:
        engine = make_engine(db)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        path = sqlite_file(db)
        if path is not None and not path.exists():
            raise click.ClickException(f"no archive at {db}")
        if not inspect(engine).has_table("articles"):
            raise click.ClickException(f"not a newscrawl archive: {mask_url(db)}")
        before, after = upgrade(engine)
    except SchemaError as exc:
        raise click.ClickException(str(exc)) from exc
    except DBAPIError as exc:
        raise click.ClickException(f"cannot upgrade the archive: {first_line(exc)}") from exc
    finally:
        engine.dispose()
    if before == after:
        click.echo(f"schema {after}: already the newest")
    else:
        click.echo(f"schema {before or 'none recorded (the first)'} -> {after}")


@click.command("reindex")
@click.pass_obj
def reindex_command(db: str) -> None:
    """Rebuild the full-text index from the stored articles (SQLite archives).

    The crawl's pipeline keeps the index caught up with what it stores; this
    is for an archive whose articles were edited by another tool.
    """
    with reading(db, doing="reindex") as session:
        connection = session.connection()
        if not fts.has_index(connection):
            click.echo("nothing to rebuild: only SQLite archives have a full-text index")
            return
        count = fts.rebuild(connection)
    click.echo(f"indexed {count} articles")


def _mixed_json(mixed: MixedRow, targets: dict[str, int]) -> dict[str, Any]:
    pages = []
    for key, strays in sorted(mixed.pages().items()):
        pages.append(
            {
                "key": key,
                "url": strays[-1].url,
                "versions": [stray.version for stray in strays],
                "evidence": sorted({stray.evidence for stray in strays}),
                "moved_to": targets.get(key),
            }
        )
    return {"id": mixed.article_id, "site": mixed.site, "url": mixed.url, "key": mixed.key,
            "other_pages": pages}  # fmt: skip


@click.command("identity")
@click.option("--site", help="Only articles of this site (host).")
@click.option("--repair", "fix", is_flag=True, help="Split each row found: one row per page.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def identity_command(db: str, site: str | None, fix: bool, as_json: bool) -> None:
    """Find article rows that mix two pages; --repair gives each page its row.

    Archives written before schema 0011 keyed articles by CMS id alone, so two
    pages with one id (news 1 and product 1) could share a row as versions of
    each other. The upgrade splits what the archive shows; this finds what
    later crawls' sidebar links reveal.
    """
    with reading(db, doing="repair" if fix else "read") as session:
        connection = session.connection()
        if fix:
            found = repair(connection, site=site)
        else:
            found = [(mixed, {}) for mixed in find_mixed(connection, site=site)]
    if as_json:
        click.echo(dumps([_mixed_json(mixed, targets) for mixed, targets in found]))
        return
    for mixed, targets in found:
        click.echo(f"{mixed.article_id}  {mixed.url}")
        for entry in _mixed_json(mixed, targets)["other_pages"]:
            versions = ", ".join(str(number) for number in entry["versions"])
            moved = f" -> article {entry['moved_to']}" if entry["moved_to"] is not None else ""
            click.echo(
                f"  versions {versions} from {entry['url']} ({', '.join(entry['evidence'])}){moved}"
            )
    if not found:
        click.echo("no article mixes two pages")
    elif fix:
        click.echo(f"split {len(found)} article{'s' if len(found) != 1 else ''}")
    else:
        plural = "s mix" if len(found) != 1 else " mixes"
        click.echo(f"{len(found)} article{plural} two pages (--repair splits them)")
