"""``newsarchive top``, ``stats`` and ``runs``: what the archive holds, in summary."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import click

from archive._display import display_width, one_line, pad, terminal_width, truncate
from archive.commands.common import period_option, reading
from archive.crawl_history import list_runs
from archive.published import DAY_ZONE
from archive.render import dumps
from archive.stats import FILL_FIELDS, archive_stats, top_articles


@click.command("top")
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
    room = max(10, terminal_width() - display_width(head) - id_width - 3)
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


_FIELD_LABELS = {"body": "body (non-empty)", "sidebar": "sidebar links", "sections": "sections"}


@click.command("stats")
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


@click.command("runs")
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
