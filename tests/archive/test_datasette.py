"""Datasette on the archive: the full-text table is detected on ``articles`` and
our plugin makes Chinese terms of one, two and three characters searchable.

Datasette runs in this process (its ASGI client), with its plugins loaded
from the installed entry points as ``datasette archive.sqlite`` loads them.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from archive import index_pending, open_archive, store_articles
from tests.support.search_corpus import CORPUS

datasette_app = pytest.importorskip("datasette.app", reason="datasette is not installed")


@pytest.fixture
def archive_file(tmp_path: Path) -> Path:
    path = tmp_path / "archive.sqlite"
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(session, CORPUS)
    with opened.begin() as session:
        index_pending(session)  # as the crawl's pipeline does after each batch
    opened.close()
    return path


def _get(path: Path, url: str) -> Any:
    async def fetch() -> Any:
        ds = datasette_app.Datasette([str(path)])
        await ds.invoke_startup()
        response = await ds.client.get(url)
        assert response.status_code == 200, response.text
        return response.json()

    return asyncio.run(fetch())


def _titles(path: Path, query: str) -> set[str]:
    rows = _get(path, f"/archive/articles.json?_search={query}&_shape=array&_col=title")
    return {row["title"] for row in rows}


def test_articles_fts_is_detected_as_the_search_table(archive_file: Path) -> None:
    data = _get(archive_file, "/archive/articles.json?_search=%E5%B8%82&_extra=count")
    assert data.get("count", data.get("filtered_table_rows_count")) == 3


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("裁", {"科技公司宣布裁员计划"}),
        ("裁员", {"科技公司宣布裁员计划"}),
        ("图书馆", {"市图书馆试行夜间开放"}),
        ("market", {"科技公司宣布裁员计划"}),
        ("书图", set()),
    ],
)
def test_chinese_search_in_datasette(archive_file: Path, query: str, titles: set[str]) -> None:
    assert _titles(archive_file, query) == titles


def test_the_plugin_is_registered(archive_file: Path) -> None:
    plugins = _get(archive_file, "/-/plugins.json")
    assert any(plugin["hooks"] == ["prepare_connection"] for plugin in plugins)
