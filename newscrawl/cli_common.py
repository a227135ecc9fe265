"""What the ``newscrawl`` commands and the harvest share: project settings, ``-s``, ``--db``.

These live below :mod:`newscrawl.cli`, the :mod:`newscrawl.harvest` package
(its command, plan and all-sites loop) and
:mod:`newscrawl.sites.cli`, so none of those has to import the command module
that imports it: no import cycle, and each helper (the ``-s NAME=VALUE``
option among them) is defined once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from scrapy.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

#: Help of the ``-s`` option where it takes Scrapy settings (demo, harvest).
SETTING_HELP = "A Scrapy setting, as with scrapy crawl -s (repeatable)."


def project_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """newscrawl's Scrapy settings, wherever the command runs (no scrapy.cfg needed)."""
    settings = Settings()
    settings.setmodule("newscrawl.settings", priority="project")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    return settings


def settings_option(dest: str = "overrides", help: str = SETTING_HELP) -> Callable[[F], F]:
    """The repeatable ``-s/--set NAME=VALUE`` option, as ``scrapy crawl -s`` has it.

    It hands the command the raw pairs (a tuple under ``dest``): each command
    reports a bad pair its own way (exit 2 either way), through
    :func:`parse_overrides`.
    """
    return click.option("-s", "--set", dest, multiple=True, metavar="NAME=VALUE", help=help)


def parse_overrides(pairs: tuple[str, ...]) -> dict[str, str]:
    """``NAME=VALUE`` pairs of ``-s`` options; a pair without ``=`` is a usage error."""
    settings: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {pair!r}", param_hint="-s")
        settings[name] = value
    return settings


def archive_url(db: str) -> str:
    """``--db`` takes a SQLAlchemy URL or a file path."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"
