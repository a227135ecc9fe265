"""``newsarchive search``: full-text search, matches marked in each snippet."""

from __future__ import annotations

import sys
from dataclasses import asdict

import click

from archive._display import one_line, pad, terminal_width, truncate
from archive.commands.common import filter_options, reading
from archive.filters import ArticleFilters
from archive.render import dumps
from archive.search import SearchError, search_articles


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


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@filter_options
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
    title_width = max(10, terminal_width() - id_width - 14)
    for hit in page.hits:
        day = hit.published_at[:10] if hit.published_at else "-"
        title = truncate(one_line(hit.title or "(untitled)"), title_width)
        click.echo(f"{pad(str(hit.id), id_width, right=True)}  {pad(day, 10)}  {title}")
        click.echo(f"{' ' * id_width}  {_mark(hit.snippet, hit.highlights, styled)}")
    if page.more:
        click.echo(f"more: --offset {offset + len(page.hits)}", err=True)
