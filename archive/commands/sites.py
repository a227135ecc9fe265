"""``newsarchive sites``: per site, its last run, health, articles, new this week, next due."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from archive.commands.common import reading
from archive.render import dumps
from archive.sites import site_statuses


@click.command("sites")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def sites_command(db: str, as_json: bool) -> None:
    """Every harvested site: last run and its status and health, articles, new this week,
    next harvest due (from the site's `every`; "now" when it has no good run yet)."""
    now = datetime.now(UTC)
    with reading(db) as session:
        statuses = sorted(site_statuses(session, now=now).values(), key=lambda s: s.site)
    if as_json:
        click.echo(dumps([status.as_dict() for status in statuses]))
        return
    if not statuses:
        click.echo("no harvested sites", err=True)
        return
    click.echo(
        f"{'SITE':20}  {'LAST RUN':25}  {'STATUS':11}  {'ARTICLES':>8}  {'WEEK':>6}  "
        f"{'NEXT DUE':25}  HEALTH"
    )
    for status in statuses:
        due = status.next_due if status.next_due and not status.due(now) else "now"
        click.echo(
            f"{status.site:20}  {status.last_started_at or '-':25}  "
            f"{status.last_status or '-':11}  {status.articles:>8}  {status.new_this_week:>6}  "
            f"{due:25}  {status.health or '-'}"
        )
