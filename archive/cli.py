"""``newsarchive``: read the archive from a shell (search, list, show, top, history,
export, stats, runs, sites; upgrade, reindex and identity maintain it).

A thin layer over :mod:`archive.queries`; the CLI owns the session and its
transaction. Reading commands never create an archive, and every error a user
can cause (wrong path, unknown id, a database that cannot be read) ends in one
``Error: …`` line and exit code 1 rather than a traceback.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import click
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from archive import fts
from archive._display import display_width, one_line, pad, sparkline, truncate
from archive.cli_captures import raw_command, reextract_command
from archive.cli_common import first_line, period_option, reading
from archive.db import ArchiveError, make_engine, mask_url, sqlite_file
from archive.export import FORMATS, write_export
from archive.filters import ArticleFilters
from archive.identity_repair import MixedRow, find_mixed, repair
from archive.published import DAY_ZONE
from archive.queries import (
    FILL_FIELDS,
    VersionRow,
    archive_stats,
    article_state,
    article_versions,
    find_article_id,
    get_article,
    list_articles,
    list_runs,
    observations,
    top_articles,
)
from archive.render import as_version, dumps, render_article, state_lines
from archive.schema import SchemaError, upgrade
from archive.search import SearchError, search_articles
from archive.sites_cli import sites_command


def _terminal_width() -> int:
    return shutil.get_terminal_size((100, 24)).columns


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


def _filter_options(command: Callable[..., None]) -> Callable[..., None]:
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


@main.command("list")
@_filter_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(min=0))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_command(db: str, filters: ArticleFilters, limit: int, offset: int, as_json: bool) -> None:
    """List articles, newest published first."""
    with reading(db) as session:
        rows = list_articles(session, filters=filters, limit=limit, offset=offset)
    if as_json:
        click.echo(dumps([asdict(row) for row in rows]))
        return
    if not rows:
        click.echo("no articles", err=True)
        return
    id_width = max([2, *(len(str(row.id)) for row in rows)])
    views_width = max([5, *(len(str(row.views)) for row in rows if row.views is not None)])
    head = f"{pad('ID', id_width, right=True)}  {pad('DATE', 10)}  {pad('VIEWS', views_width)}  "
    title_width = max(10, _terminal_width() - display_width(head) - 1)
    click.echo(head + "TITLE")
    for row in rows:
        day = row.published_at[:10] if row.published_at else "-"
        views = str(row.views) if row.views is not None else "-"
        title = truncate(one_line(row.title or "(untitled)"), title_width)
        click.echo(
            f"{pad(str(row.id), id_width, right=True)}  {pad(day, 10)}  "
            f"{pad(views, views_width, right=True)}  {title}"
        )


@main.command("show")
@click.argument("id_or_url")
@click.option(
    "--version",
    "number",
    type=click.IntRange(min=1),
    help="Show earlier version N instead (1 = the oldest stored content).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.pass_obj
def show_command(db: str, id_or_url: str, number: int | None, as_json: bool) -> None:
    """Show one article by id or URL, with its sections and sidebar."""
    with reading(db) as session:
        article = get_article(session, id_or_url)
        if article is None:
            raise click.ClickException(f"no article with id or URL {id_or_url!r}")
        state = article_state(session, article["id"])
        versions = article_versions(session, article["id"]) if number is not None else []
    assert state is not None
    if number is not None:
        _show_version(article, versions, number, as_json)
        return
    if as_json:
        click.echo(dumps({**article, **asdict(state)}))
        return
    for line in render_article(article, state_lines(state, article["id"])):
        click.echo(line)


def _show_version(
    article: dict[str, Any], versions: list[VersionRow], number: int, as_json: bool
) -> None:
    if number > len(versions):
        have = f"{len(versions)} earlier version{'s' if len(versions) != 1 else ''}"
        raise click.ClickException(f"article {article['id']} has {have}, no version {number}")
    version = versions[number - 1]
    if as_json:
        # The version's own URL, where it recorded one (schema 0011 on).
        shown = {**asdict(version), "url": version.url or article["url"]}
        click.echo(dumps({"id": article["id"], "url": shown.pop("url"), **shown}))
        return
    about = (
        f"version: {number} of {len(versions)} earlier "
        f"(fetched {version.fetched_at or '-'}, replaced {version.stored_at})"
    )
    for line in render_article(as_version(article, version), [about]):
        click.echo(line)


@main.command("history")
@click.argument("id_or_url")
@click.option("--json", "as_json", is_flag=True, help="Print the series as JSON.")
@click.pass_obj
def history_command(db: str, id_or_url: str, as_json: bool) -> None:
    """Show an article's popularity observations (one per fetch), oldest first."""
    with reading(db) as session:
        article_id = find_article_id(session, id_or_url)
        if article_id is None:
            raise click.ClickException(f"no article with id or URL {id_or_url!r}")
        series = observations(session, article_id)
    if as_json:
        click.echo(dumps({"id": article_id, "observations": [asdict(o) for o in series]}))
        return
    if not series:
        click.echo("no observations", err=True)
        return
    width = max([5, *(len(str(o.views)) for o in series if o.views is not None)])
    click.echo(f"{pad('OBSERVED', 25)}  {pad('VIEWS', width, right=True)}  {pad('SOURCE', 8)}  RAW")
    for o in series:
        views = "-" if o.views is None else str(o.views)
        click.echo(
            f"{pad(o.observed_at, 25)}  {pad(views, width, right=True)}  "
            f"{pad(o.source or '-', 8)}  {one_line(o.views_raw or '-')}"
        )
    if sys.stdout.isatty():
        click.echo(sparkline([o.views for o in series]))


@main.command("top")
@click.option("--site", help="Only articles of this site (host).")
@click.option(
    "--since",
    metavar="DATE",
    callback=period_option(end=False),
    help=f"Only articles published on or after DATE (YYYY-MM-DD or ISO; naive = {DAY_ZONE}).",
)
@click.option(
    "--until",
    metavar="DATE",
    callback=period_option(end=True),
    help="Only articles published up to DATE, that whole day included.",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def top_command(
    db: str,
    site: str | None,
    since: datetime | None,
    until: datetime | None,
    limit: int,
    as_json: bool,
) -> None:
    """Rank articles by views, using each article's latest observation."""
    with reading(db) as session:
        rows = top_articles(session, site=site, since=since, until=until, limit=limit)
    if as_json:
        click.echo(dumps([asdict(row) for row in rows]))
        return
    if not rows:
        click.echo("no articles with views", err=True)
        return
    rank_width = max(4, len(str(len(rows))))
    views_width = max([5, *(len(str(row.views)) for row in rows)])
    id_width = max([2, *(len(str(row.id)) for row in rows)])
    head = f"{pad('RANK', rank_width, right=True)}  {pad('VIEWS', views_width, right=True)}  "
    head += f"{pad('DATE', 10)}  "
    titles = [one_line(row.title or "(untitled)") for row in rows]
    room = max(10, _terminal_width() - display_width(head) - id_width - 3)
    title_width = min(room, max([5, *(display_width(title) for title in titles)]))
    click.echo(f"{head}{pad('TITLE', title_width)}  {pad('ID', id_width, right=True)}")
    for rank, (row, title) in enumerate(zip(rows, titles, strict=True), start=1):
        day = row.published_at[:10] if row.published_at else "-"
        click.echo(
            f"{pad(str(rank), rank_width, right=True)}  "
            f"{pad(str(row.views), views_width, right=True)}  {pad(day, 10)}  "
            f"{pad(truncate(title, title_width), title_width)}  "
            f"{pad(str(row.id), id_width, right=True)}"
        )


def _mark(snippet: str, spans: list[tuple[int, int]], styled: bool) -> str:
    """The snippet with its matches shown: reverse video on a terminal, else [brackets]."""
    parts: list[str] = []
    last = 0
    for start, end in spans:
        parts.append(snippet[last:start])
        found = snippet[start:end]
        parts.append(click.style(found, reverse=True) if styled else f"[{found}]")
        last = end
    parts.append(snippet[last:])
    return "".join(parts)


@main.command("search")
@click.argument("query", nargs=-1, required=True)
@_filter_options
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1, max=1000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(min=0))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object: hits and paging.")
@click.pass_obj
def search_command(
    db: str,
    query: tuple[str, ...],
    filters: ArticleFilters,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Full-text search of titles and bodies, best match first.

    Words must all occur; "double quotes" group a phrase; Chinese terms of
    any length match (裁员, 人气, 一). Other characters (- * % _ OR) are
    literal, not operators.
    """
    with reading(db) as session:
        try:
            page = search_articles(
                session, " ".join(query), filters=filters, limit=limit, offset=offset
            )
        except SearchError as exc:
            raise click.ClickException(str(exc)) from exc
    if as_json:
        hits = [
            {**asdict(hit), "highlights": [list(span) for span in hit.highlights]}
            for hit in page.hits
        ]
        next_offset = offset + len(page.hits) if page.more else None
        click.echo(dumps({"hits": hits, "offset": offset, "next_offset": next_offset}))
        return
    if not page.hits:
        click.echo("no matches", err=True)
        return
    styled = sys.stdout.isatty()
    id_width = max(len(str(hit.id)) for hit in page.hits)
    title_width = max(10, _terminal_width() - id_width - 14)
    for hit in page.hits:
        day = hit.published_at[:10] if hit.published_at else "-"
        title = truncate(one_line(hit.title or "(untitled)"), title_width)
        click.echo(f"{pad(str(hit.id), id_width, right=True)}  {pad(day, 10)}  {title}")
        click.echo(f"{' ' * id_width}  {_mark(hit.snippet, hit.highlights, styled)}")
    if page.more:
        click.echo(f"more: --offset {offset + len(page.hits)}", err=True)


_FIELD_LABELS = {"body": "body (non-empty)", "sidebar": "sidebar links", "sections": "sections"}


@main.command("stats")
@click.option("--site", help="Only this site (host): its articles, observations and runs.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object.")
@click.pass_obj
def stats_command(db: str, site: str | None, as_json: bool) -> None:
    """Count articles, sites, observations and runs; show field fill rates."""
    with reading(db) as session:
        stats = archive_stats(session, site=site)
    rates = stats.fill_rates()
    if as_json:
        fields = {name: {"filled": stats.filled[name], "rate": rates[name]} for name in FILL_FIELDS}
        click.echo(
            dumps(
                {
                    "articles": stats.articles,
                    "sites": stats.sites,
                    "observations": stats.observations,
                    "runs": stats.runs,
                    "fields": fields,
                }
            )
        )
        return
    click.echo(f"{'articles:':14}{stats.articles}")
    click.echo(f"{'sites:':14}{len(stats.sites)}")
    site_width = max([0, *(display_width(name) for name in stats.sites)])
    count_width = max([1, *(len(str(count)) for count in stats.sites.values())])
    for name, count in stats.sites.items():
        click.echo(f"  {pad(name, site_width)}  {count:>{count_width}}")
    click.echo(f"{'observations:':14}{stats.observations}")
    click.echo(f"{'runs:':14}{stats.runs}")
    click.echo("fill rates:")
    label_width = max(len(_FIELD_LABELS.get(name, name)) for name in FILL_FIELDS)
    total_width = len(str(stats.articles))
    for name in FILL_FIELDS:
        rate = rates[name]
        shown = "-" if rate is None else f"{rate * 100:.1f}%"
        click.echo(
            f"  {_FIELD_LABELS.get(name, name):{label_width}}  {shown:>6}  "
            f"({stats.filled[name]:>{total_width}} of {stats.articles})"
        )


@main.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="jsonl",
    show_default=True,
    help="jsonl: one Article JSON object per line; csv: sections and sidebar as JSON.",
)
@_filter_options
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


@main.command("runs")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def runs_command(db: str, limit: int, as_json: bool) -> None:
    """List crawl runs, newest first."""
    with reading(db) as session:
        runs = list_runs(session, limit=limit)
    if as_json:
        click.echo(dumps([asdict(run) for run in runs]))
        return
    if not runs:
        click.echo("no crawl runs", err=True)
        return
    columns = (
        ("REQ", "downloader/request_count"),
        ("NEW", "newscrawl/archive/new"),
        ("UPD", "newscrawl/archive/updated"),
        ("REV", "newscrawl/revisited"),
        ("GONE", "newscrawl/gone"),
        ("ERR", "newscrawl/request_failed"),
    )
    head = "".join(f"  {name:>5}" for name, _ in columns)
    click.echo(f"{'ID':>4}  {'STATUS':11}  {'STARTED':25}  {'SECONDS':>7}{head}  SITE / HEALTH")
    for run in runs:
        stats = run.stats
        seconds = stats.get("elapsed_time_seconds")
        shown = f"{float(seconds):.0f}" if isinstance(seconds, int | float) else "-"
        counts = "".join(f"  {stats.get(key, '-')!s:>5}" for _, key in columns)
        site = stats.get("newscrawl/site") or run.spider
        health = stats.get("health")
        note = f"{site}" + (f" ({health})" if health and health != "ok" else "")
        click.echo(f"{run.id:>4}  {run.status:11}  {run.started_at:25}  {shown:>7}{counts}  {note}")


@main.command("upgrade")
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


@main.command("reindex")
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


@main.command("identity")
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


main.add_command(raw_command)
main.add_command(reextract_command)
main.add_command(sites_command)

if __name__ == "__main__":  # pragma: no cover
    main()
