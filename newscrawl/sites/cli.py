"""``newscrawl sites add|list|remove``: edit and read the site registry (``sites.toml``)."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

from newscrawl.cli_common import parse_overrides, settings_option
from newscrawl.sites.registry import (
    RegistryError,
    add_site,
    load_registry,
    registry_path,
    remove_site,
    url_problem,
)

_REGISTRY_HELP = "The site registry (default: $NEWSCRAWL_REGISTRY, else sites.toml here)."


def _fail(message: str) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


@click.group()
def sites() -> None:
    """The site registry: the sites harvest --all crawls, each with its own settings."""


@sites.command("add")
@click.argument("name")
@click.option("--url", "urls", multiple=True, required=True, metavar="URL", help="A start URL.")
@settings_option(
    "pairs",
    help="An entry key (every, timezone, revisit, delay, concurrency, counters, timeout) "
    "or a Scrapy setting (repeatable).",
)
@click.option("--replace", is_flag=True, help="Replace the site if it is there already.")
@click.option("--registry", metavar="PATH", help=_REGISTRY_HELP)
def add(
    name: str, urls: tuple[str, ...], pairs: tuple[str, ...], replace: bool, registry: str | None
) -> None:
    """Add site NAME with its start URLs (the file's comments and layout are kept)."""
    for url in urls:
        problem = url_problem(url)
        if problem:
            _fail(f"--url: {problem}")
    try:
        settings = parse_overrides(pairs)
    except click.BadParameter as exc:
        _fail(f"-s: {exc.message}")
    path = registry_path(registry)
    try:
        entry = add_site(path, name, list(urls), settings, replace=replace)
    except RegistryError as exc:
        _fail(str(exc))
    click.echo(f"{path}: site {entry.name} ({len(entry.urls)} start URLs)")


@sites.command("remove")
@click.argument("name")
@click.option("--registry", metavar="PATH", help=_REGISTRY_HELP)
def remove(name: str, registry: str | None) -> None:
    """Remove site NAME from the registry (its archived articles stay)."""
    path = registry_path(registry)
    try:
        remove_site(path, name)
    except RegistryError as exc:
        _fail(str(exc))
    click.echo(f"{path}: site {name} removed")


@sites.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array of the sites.")
@click.option("--registry", metavar="PATH", help=_REGISTRY_HELP)
def list_sites(as_json: bool, registry: str | None) -> None:
    """The registry's sites, then the built-in ones: name, how often due, start URLs."""
    from newscrawl.sites.registry import builtin_entries

    path = registry_path(registry)
    try:
        registered = load_registry(path)
    except RegistryError as exc:
        _fail(str(exc))
    builtins = builtin_entries()
    entries = {**registered, **{n: e for n, e in builtins.items() if n not in registered}}
    names = list(entries)
    if as_json:
        click.echo(json.dumps([entries[n].as_dict() for n in names], ensure_ascii=False, indent=2))
        return
    for name in names:
        entry = entries[name]
        settings = " ".join(f"{k}={v}" for k, v in entry.settings.items())
        click.echo(
            f"{name}\tevery {_duration(entry.every)}\t{' '.join(entry.urls)}"
            + (f"\t{settings}" if settings else "")
            + f"\t({entry.origin})"
        )


def _duration(seconds: float) -> str:
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"
