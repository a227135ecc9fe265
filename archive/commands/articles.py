"""``newsarchive list``, ``show`` and ``history``: articles, one article, its popularity."""

from __future__ import annotations

import sys
from dataclasses import asdict
from typing import Any

import click

from archive._display import display_width, one_line, pad, sparkline, terminal_width, truncate
from archive.commands.common import filter_options, reading
from archive.filters import ArticleFilters
from archive.queries import (
    VersionRow,
    article_state,
    article_versions,
    find_article_id,
    get_article,
    list_articles,
    observations,
)
from archive.render import as_version, dumps, render_article, state_lines


@click.command("list")
@filter_options
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
    title_width = max(10, terminal_width() - display_width(head) - 1)
    click.echo(head + "TITLE")
    for row in rows:
        day = row.published_at[:10] if row.published_at else "-"
        views = str(row.views) if row.views is not None else "-"
        title = truncate(one_line(row.title or "(untitled)"), title_width)
        click.echo(
            f"{pad(str(row.id), id_width, right=True)}  {pad(day, 10)}  "
            f"{pad(views, views_width, right=True)}  {title}"
        )


@click.command("show")
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


@click.command("history")
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
