"""Every ``newsarchive`` argument is a bound value: injection-shaped strings find
nothing, change nothing, and never reach SQL or FTS5 syntax (issue #5, #7)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive import index_pending, open_archive, store_articles
from archive.cli import main
from tests.support.search_corpus import CORPUS

INJECTIONS = [
    "'; DROP TABLE articles; --",
    "1 OR 1=1",
    "1; DELETE FROM articles",
    "%' OR '1'='1",
    '"" OR title MATCH "*"',
    "articles_fts MATCH '市'",
    "\\x00\\u0000",
]


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "archive.sqlite"
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(session, CORPUS)
        index_pending(session)  # the injections must also reach the index's path
    opened.close()
    return str(path)


def snapshot(db: str) -> tuple[set[str], int, int]:
    with sqlite3.connect(db) as conn:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        indexed = conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0]
    return names, articles, indexed


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--db", db, *args])


@pytest.mark.parametrize("value", INJECTIONS)
def test_every_argument_is_a_plain_value(db: str, value: str) -> None:
    before = snapshot(db)
    for command in (["show", value], ["history", value], ["show", value, "--version", "1"]):
        result = run(db, *command)
        assert result.exit_code == 1
        assert result.output == f"Error: no article with id or URL {value!r}\n"
    for option in ("--site", "--channel", "--author"):
        result = run(db, "search", "市", option, value, "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)["hits"] == []
        result = run(db, "export", option, value)
        assert result.exit_code == 0 and result.stdout == ""
        result = run(db, "list", option, value, "--json")
        assert result.exit_code == 0 and json.loads(result.stdout) == []
    for option in ("--since", "--until"):
        for command in ("search", "export", "list"):
            args = [command, "市"] if command == "search" else [command]
            result = run(db, *args, option, value)
            assert result.exit_code == 1 and result.output.startswith("Error: not a date")
    result = run(db, "search", value, "--json")
    if value.count('"') % 2 == 0:
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["hits"] == []
    else:
        assert result.exit_code == 1 and result.output.startswith("Error: unbalanced quote")
    assert snapshot(db) == before
    assert before[1] == len(CORPUS) == before[2]
