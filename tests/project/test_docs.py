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
from newscrawl.normalize.article import DEFAULT_TZ as NORMALIZE_TZ
from newscrawl.normalize.dates import DEFAULT_TZ

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
DOCS = ROOT / "docs"
SETTINGS_DOC = (DOCS / "settings.md").read_text()
PROJECT_SETTINGS = [n for n in dir(settings) if re.match(r"^(ARCHIVE|NEWSCRAWL)_[A-Z_]+$", n)]

#: The README's first two commands: the offline demo and the tests, on a fresh clone.
DEMO_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/newscrawl demo "
    "&& .venv/bin/newsarchive list"
)
TEST_COMMAND = (
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && .venv/bin/python -m pytest -q"
)
#: The fast subset for development, beside the full command (pyproject's markers).
FAST_COMMAND = '.venv/bin/python -m pytest -q -m "not e2e and not slow"'


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


def test_readme_starts_with_the_demo_and_test_commands() -> None:
    commands = [line.strip() for line in README.splitlines() if line.startswith("    ")]
    assert commands[:2] == [DEMO_COMMAND, TEST_COMMAND]


def test_readme_gives_the_fast_test_command() -> None:
    assert FAST_COMMAND in README


@pytest.mark.parametrize("page", sorted(p.name for p in DOCS.glob("*.md")))
def test_every_docs_page_is_linked_from_the_readme(page: str) -> None:
    assert f"`docs/{page}`" in README


def test_docs_pages_named_anywhere_exist() -> None:
    """Every ``docs/NAME.md`` the README, the docs and the docstrings name is a real file."""
    sources = [ROOT / "README.md", *DOCS.glob("*.md")]
    sources += [*(ROOT / "newscrawl").rglob("*.py"), *(ROOT / "archive").rglob("*.py")]
    named = {
        (source.name, match)
        for source in sources
        for match in re.findall(r"docs/[\w-]+\.md", source.read_text(encoding="utf-8"))
    }
    assert named
    assert [pair for pair in sorted(named) if not (ROOT / pair[1]).is_file()] == []


def test_no_docstring_points_to_a_design_file_outside_the_repository() -> None:
    pointing = {
        path.name
        for folder in ("newscrawl", "archive")
        for path in (ROOT / folder).rglob("*.py")
        if "DESIGN.md" in path.read_text(encoding="utf-8")
    }
    assert pointing == set()


@pytest.mark.parametrize("command", _commands(newscrawl))
def test_newscrawl_command_documented(command: str) -> None:
    assert f"newscrawl {command}" in README
    assert newscrawl.commands[command].help


@pytest.mark.parametrize("command", _commands(newsarchive))
def test_newsarchive_command_documented(command: str) -> None:
    assert re.search(rf"newsarchive (?:--db \S+ )?{command}\b", README)
    assert newsarchive.commands[command].help
