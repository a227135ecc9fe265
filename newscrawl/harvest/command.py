"""The ``newscrawl harvest`` command: one site (``--site``/``--url``) or every due site (``--all``)."""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from newscrawl.cli_common import archive_url, parse_overrides, settings_option
from newscrawl.harvest.all_sites import ALL_EXIT_CODES, harvest_sites, summary_code, summary_line
from newscrawl.harvest.one_site import run_harvest
from newscrawl.harvest.verdict import EXIT_CODES, EXIT_FAILED, EXIT_USAGE, HarvestError
from newscrawl.sites.registry import (
    RegistryError,
    SiteEntry,
    all_sites,
    load_registry,
    registry_path,
)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


_EXIT_HELP = (
    "\b\nExit codes (one site):\n"
    + "\n".join(f"  {code}  {meaning}" for code, meaning in sorted(EXIT_CODES.items()))
    + "\n\n\b\nExit codes (--all, the worst of its sites):\n"
    + "\n".join(f"  {code}  {meaning}" for code, meaning in sorted(ALL_EXIT_CODES.items()))
)


def _site_entry(name: str, registry: str | None) -> SiteEntry | None:
    """The registry's (or a built-in) entry called ``name``, None when there is none."""
    try:
        return all_sites(registry_path(registry)).get(name)
    except RegistryError as exc:
        _fail(str(exc), EXIT_USAGE)


@click.command(epilog=_EXIT_HELP)
@click.option("--site", help="A site of the registry or a built-in one (e.g. xingyuyle).")
@click.option(
    "--url",
    "urls",
    multiple=True,
    metavar="URL",
    help="A start URL (repeatable), instead of --site.",
)
@click.option("--all", "every_site", is_flag=True, help="Every due site of the registry.")
@click.option(
    "--registry",
    metavar="PATH",
    help="The site registry (default: $NEWSCRAWL_REGISTRY, else sites.toml here).",
)
@click.option("--db", default="archive.sqlite", show_default=True, help="Archive path or URL.")
@click.option(
    "--redis",
    metavar="URL",
    help="Share the site's requests with other workers through this Redis (one site only).",
)
@settings_option()
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False),
    help="Write the Scrapy log here (appended); stdout then gets only the summary line(s).",
)
def harvest(
    site: str | None,
    urls: tuple[str, ...],
    every_site: bool,
    registry: str | None,
    db: str,
    redis: str | None,
    overrides: tuple[str, ...],
    log_file: str | None,
) -> None:
    """One harvest of a site (or of every due site) into the archive, meant for crontab.

    Takes a lock on the archive and site (a second harvest of both exits 3),
    marks runs of the site that were killed as interrupted, crawls with the
    cms spider, checks the run's health and prints one summary line:
    harvest SITE: N pages, M articles (new X, updated Y, revisited R, gone G), K known skipped,
    E errors, T s -> ok. With --all, every site of the registry that is due
    is crawled side by side in this process, one line per site and a last
    line counting them.
    """
    if every_site and (site or urls):
        _fail("give --all, or --site NAME, or --url URL", EXIT_USAGE)
    if not every_site and not site and not urls:
        _fail("give --site NAME, --url URL or --all", EXIT_USAGE)
    if every_site and redis:
        _fail("--redis shares one site's requests: give --site NAME with it", EXIT_USAGE)
    try:
        extra: dict[str, Any] = dict(parse_overrides(overrides))
    except click.BadParameter as exc:
        _fail(f"-s: {exc.message}", EXIT_USAGE)
    if redis:
        extra["NEWSCRAWL_REDIS_URL"] = redis
    url = archive_url(db)
    try:
        if every_site:
            _harvest_all(registry, url, extra, log_file)
        entry = _site_entry(site, registry) if site and not urls else None
        if entry is not None:
            extra = {"NEWSCRAWL_EVERY": entry.every, **entry.settings, **extra}
        outcome = run_harvest(
            site=site,
            start_urls=list(entry.urls if entry is not None else urls),
            url=url,
            overrides=extra,
            log_file=log_file,
        )
    except HarvestError as exc:
        _fail(str(exc), exc.code)
    except Exception as exc:  # noqa: BLE001  # never a traceback in a cron mail
        from archive.db import error_line

        _fail(f"harvest failed: {type(exc).__name__}: {error_line(exc)}", EXIT_FAILED)
    click.echo(outcome.summary())
    sys.exit(outcome.code)


def _harvest_all(
    registry: str | None, url: str, extra: dict[str, Any], log_file: str | None
) -> NoReturn:
    path = registry_path(registry)
    try:
        entries = load_registry(path, missing_ok=False)
    except RegistryError as exc:
        _fail(str(exc), EXIT_USAGE)
    results = harvest_sites(list(entries.values()), url=url, overrides=extra, log_file=log_file)
    for result in results:
        click.echo(result.line)
    click.echo(summary_line(results))
    sys.exit(summary_code(results))
