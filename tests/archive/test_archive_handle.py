"""The archive handle: one object owns the engine and its sessions, and closes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from archive import Archive, ArchiveNotFound, count_articles, list_runs, make_engine, open_archive
from archive.runs import start_run


def test_open_archive_gives_a_handle_that_closes_its_connections(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    closed: list[object] = []
    with open_archive(str(path)) as opened:
        assert isinstance(opened, Archive)
        event.listen(opened.engine.pool, "close", lambda *_args: closed.append(_args))
        with opened.begin() as session:  # committed when the block ends
            start_run(session, spider="cms", archive_url=str(path), started_at="2026-01-01")
        with opened.session() as session:
            assert count_articles(session) == 0
            assert len(list_runs(session)) == 1
    assert closed  # the pooled connection was closed with the archive
    assert not path.with_name("a.sqlite-wal").exists()  # the last close folded the log back
    with open_archive(str(path), create=False) as again, again.session() as session:
        assert len(list_runs(session)) == 1


def test_a_session_commits_nothing_unless_asked(tmp_path: Path) -> None:
    path = str(tmp_path / "a.sqlite")
    with open_archive(path) as opened:
        with opened.session() as session:
            start_run(session, spider="cms", archive_url=path, started_at="2026-01-01")
        with opened.session() as session:
            assert list_runs(session) == []


def test_closing_twice_is_harmless(tmp_path: Path) -> None:
    opened = open_archive(str(tmp_path / "a.sqlite"))
    opened.close()
    opened.close()


def test_a_missing_archive_is_not_created_for_reading(tmp_path: Path) -> None:
    with pytest.raises(ArchiveNotFound):
        open_archive(str(tmp_path / "missing.sqlite"), create=False)
    assert not (tmp_path / "missing.sqlite").exists()


def test_the_handle_never_shows_a_password() -> None:
    handle = Archive(make_engine("postgresql+psycopg://reader:secret@localhost/news"))
    assert "secret" not in repr(handle)
    assert "reader:***@localhost" in repr(handle)
