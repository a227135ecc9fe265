"""The README and docs/ document every command, option group and project setting
(sqlite-utils' and datasette's habit), and cannot drift from the code they describe.

The README keeps the everyday commands; reference material lives in ``docs/*.md``,
each page linked from the README. The settings reference is generated from the table
in :mod:`newscrawl.config`, and checked here against it.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from archive.cli import main as newsarchive
from archive.published import DAY_ZONE
from newscrawl import settings
from newscrawl.cli import main as newscrawl
from newscrawl.config import Config, defaults, markdown_table, table
from newscrawl.dates import DEFAULT_TZ
from newscrawl.normalize_item import DEFAULT_TZ as NORMALIZE_TZ

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
DOCS = ROOT / "docs"
SETTINGS_DOC = (DOCS / "settings.md").read_text()
PROJECT_SETTINGS = [n for n in dir(settings) if re.match(r"^(ARCHIVE|NEWSCRAWL)_[A-Z_]+$", n)]


def _commands(group: click.Group) -> list[str]:
    return sorted(group.commands)


def test_project_settings_exist() -> None:
    assert "ARCHIVE_URL" in PROJECT_SETTINGS
    assert "NEWSCRAWL_FETCH_COUNTERS" in PROJECT_SETTINGS


@pytest.mark.parametrize("name", PROJECT_SETTINGS)
def test_setting_documented(name: str) -> None:
    assert f"`{name}`" in SETTINGS_DOC


def test_settings_reference_is_the_generated_table() -> None:
    """docs/settings.md holds ``python -m newscrawl.config``'s output, as it is today."""
    assert markdown_table() in SETTINGS_DOC, (
        "run `python -m newscrawl.config` into docs/settings.md"
    )


def test_settings_module_takes_every_default_from_the_table() -> None:
    assert {name: getattr(settings, name) for name in PROJECT_SETTINGS} == defaults()


def test_every_default_parses() -> None:
    config = Config.from_settings({})
    assert config.tz == DEFAULT_TZ
    assert all(row.help and "\n" not in row.help for row in table())


def test_one_zone_on_each_side_of_the_archive_boundary() -> None:
    """``archive`` imports nothing of newscrawl, so it spells China's zone once itself."""
    assert DAY_ZONE == DEFAULT_TZ == NORMALIZE_TZ


@pytest.mark.parametrize("command", _commands(newscrawl))
def test_newscrawl_command_documented(command: str) -> None:
    assert f"newscrawl {command}" in README
    assert newscrawl.commands[command].help


@pytest.mark.parametrize("command", _commands(newsarchive))
def test_newsarchive_command_documented(command: str) -> None:
    assert re.search(rf"newsarchive (?:--db \S+ )?{command}\b", README)
    assert newsarchive.commands[command].help
