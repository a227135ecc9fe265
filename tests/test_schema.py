"""Schema versions: new archives are stamped, older ones upgraded without losing a row."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from archive import ArchiveError, count_articles, get_article, open_archive, store_articles
from archive.cli import main as newsarchive
from archive.models import Base
from archive.schema import head_revision


def article(number: int) -> dict[str, Any]:
    return {
        "url": f"http://news.example.cn/show.php?cid=1&id={number}",
        "site": "news.example.cn",
        "cms_id": str(number),
        "title": f"第{number}篇：河道清淤工程完工",
        "published_at": "2025-06-01T08:00:00+08:00",
        "views": number,
        "sections": [{"heading": None, "paragraphs": ["清淤后河水明显变清。"]}],
        "body": "清淤后河水明显变清。",
        "sidebar": [],
        "fetched_at": "2025-06-02T08:00:00+08:00",
    }


def revision_of(path: Path) -> str | None:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("select version_num from alembic_version").fetchall()
    return rows[0][0] if rows else None


def first_schema_archive(path: Path, count: int) -> None:
    """An archive as newscrawl wrote it before migrations: the tables, no version."""
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    # Written through the same store code, then the version table is removed.
    sessions = open_archive(str(path))
    with sessions.begin() as session:
        store_articles(session, [article(n) for n in range(1, count + 1)])
    sessions.kw["bind"].dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("drop table alembic_version")


def test_a_new_archive_records_the_newest_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_archive(str(path)).kw["bind"].dispose()
    assert revision_of(path) == head_revision()


def test_a_first_schema_archive_is_upgraded_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    first_schema_archive(path, 250)
    sessions = open_archive(str(path), create=False)
    with sessions() as session:
        assert count_articles(session) == 250
        stored = get_article(session, "http://news.example.cn/show.php?cid=1&id=250")
        observations = session.execute(text("select count(*) from observations")).scalar()
    sessions.kw["bind"].dispose()
    assert stored is not None and stored["views"] == 250
    assert observations == 250
    assert revision_of(path) == head_revision()


def test_an_archive_newer_than_the_code_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_archive(str(path)).kw["bind"].dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("update alembic_version set version_num = '9999'")
    with pytest.raises(ArchiveError, match="newer than this newscrawl knows"):
        open_archive(str(path), create=False)


def test_upgrade_command_reports_the_versions(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    first_schema_archive(path, 3)
    first = CliRunner().invoke(newsarchive, ["--db", str(path), "upgrade"])
    assert first.exit_code == 0, first.output
    assert f"-> {head_revision()}" in first.output
    again = CliRunner().invoke(newsarchive, ["--db", str(path), "upgrade"])
    assert again.exit_code == 0
    assert "already the newest" in again.output


def test_upgrade_command_on_a_missing_archive_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(newsarchive, ["--db", str(tmp_path / "none.sqlite"), "upgrade"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: no archive at {tmp_path / 'none.sqlite'}"
    ]
    assert not (tmp_path / "none.sqlite").exists()
