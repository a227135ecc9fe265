"""``newsarchive search``: titles and marked snippets, JSON, filters, one-line errors, no injection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from archive.cli import main
from tests.support.search_corpus import CORPUS, SITE_B


def run_cli(url: str, *args: str) -> Any:
    return CliRunner().invoke(main, ["--db", url, "search", *args])


def test_cli_search_prints_titles_and_marked_snippets(archive_url: str) -> None:
    result = run_cli(archive_url, "裁员")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "科技公司宣布裁员计划" in lines[0]
    assert "[裁员]" in lines[1]


def test_cli_search_json_has_hits_and_paging(archive_url: str) -> None:
    result = run_cli(archive_url, "市", "--limit", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["hits"]) == 2 and data["next_offset"] == 2
    assert set(data["hits"][0]) >= {"id", "title", "url", "snippet", "highlights", "published_at"}
    last = json.loads(run_cli(archive_url, "市", "--offset", "2", "--json").stdout)
    assert len(last["hits"]) == 1 and last["next_offset"] is None


def test_cli_search_filters(archive_url: str) -> None:
    args = ["市", "--json", "--site", SITE_B, "--channel", "7", "--since", "2026-03-01"]
    data = json.loads(run_cli(archive_url, *args).stdout)
    assert [hit["title"] for hit in data["hits"]] == ["周末天气提示"]
    data = json.loads(run_cli(archive_url, "市", "--json", "--author", "王芳").stdout)
    assert [hit["title"] for hit in data["hits"]] == ["市图书馆试行夜间开放"]


@pytest.mark.parametrize(
    "args",
    [
        ['"unbalanced'],
        ["裁员", "--since", "yesterday"],
        ["裁员", "--until", "2026-13-40"],
        ["裁员", "--limit", "0"],
        ["裁员", "--offset", "-1"],
    ],
)
def test_cli_search_errors_are_one_line(archive_url: str, args: list[str]) -> None:
    result = run_cli(archive_url, *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("Error")]) == 1


INJECTIONS = ["'; DROP TABLE articles; --", '" OR 1=1 --', "%' OR '1'='1", "*", "NEAR(a b)"]


@pytest.mark.parametrize("injection", INJECTIONS)
def test_cli_search_arguments_cannot_inject(archive_url: str, injection: str) -> None:
    if injection.count('"') % 2:  # a search syntax error: one line, nothing run
        result = run_cli(archive_url, injection, "--json")
        assert result.exit_code == 1
        assert result.output.startswith("Error: unbalanced quote") and not result.stdout.strip()
    else:
        result = run_cli(archive_url, injection, "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)["hits"] == []
    for args in (
        ["市", "--site", injection],
        ["市", "--channel", injection],
        ["市", "--author", injection],
    ):
        result = run_cli(archive_url, *args, "--json")
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.stdout)["hits"] == []
    listing = CliRunner().invoke(main, ["--db", archive_url, "list", "--json"])
    assert len(json.loads(listing.stdout)) == len(CORPUS)


def test_cli_search_missing_archive_is_one_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sqlite"
    result = run_cli(str(missing), "裁员")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no archive at {missing}"
    assert not missing.exists()
