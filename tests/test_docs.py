"""The README documents every command, option group and project setting (sqlite-utils' habit)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from archive.cli import main as newsarchive
from newscrawl import settings
from newscrawl.cli import main as newscrawl

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()
PROJECT_SETTINGS = [n for n in dir(settings) if re.match(r"^(ARCHIVE|NEWSCRAWL)_[A-Z_]+$", n)]


def _commands(group: click.Group) -> list[str]:
    return sorted(group.commands)


def test_project_settings_exist() -> None:
    assert "ARCHIVE_URL" in PROJECT_SETTINGS
    assert "NEWSCRAWL_FETCH_COUNTERS" in PROJECT_SETTINGS


@pytest.mark.parametrize("name", PROJECT_SETTINGS)
def test_setting_documented(name: str) -> None:
    assert f"`{name}`" in README


@pytest.mark.parametrize("command", _commands(newscrawl))
def test_newscrawl_command_documented(command: str) -> None:
    assert f"newscrawl {command}" in README
    assert newscrawl.commands[command].help


@pytest.mark.parametrize("command", _commands(newsarchive))
def test_newsarchive_command_documented(command: str) -> None:
    assert re.search(rf"newsarchive (?:--db \S+ )?{command}\b", README)
    assert newsarchive.commands[command].help
