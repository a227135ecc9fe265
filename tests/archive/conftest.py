"""Fixtures of the archive tests: a new SQLite archive per test, and the search corpus's
archive on SQLite (indexed or queued) and PostgreSQL with a session on it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from archive import Archive, index_pending, open_archive, store_articles
from archive.fts import pending
from tests.support.search_corpus import CORPUS


@pytest.fixture
def opened(tmp_path: Path) -> Archive:
    return open_archive(str(tmp_path / "archive.sqlite"))


@pytest.fixture(
    params=["sqlite", "sqlite-queued", pytest.param("postgresql", marks=pytest.mark.slow)]
)
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same archive of :data:`CORPUS` on SQLite and on PostgreSQL.

    ``sqlite`` has every article in the full-text index; ``sqlite-queued``
    has them all still queued for it, so search finds them by scanning: both
    must give the same results.
    """
    if request.param.startswith("sqlite"):
        url = str(tmp_path / "archive.sqlite")
    else:
        url = request.getfixturevalue("postgres_url")
    opened = open_archive(url)
    with opened.begin() as session:
        store_articles(session, CORPUS)
    with opened.begin() as session:
        if request.param == "sqlite":
            assert index_pending(session) == len(CORPUS)
        if request.param.startswith("sqlite"):
            queued = len(CORPUS) if request.param == "sqlite-queued" else 0
            assert pending(session.connection()) == queued
    opened.close()
    return url


@pytest.fixture
def session(archive_url: str) -> Iterator[Session]:
    opened: Archive = open_archive(archive_url, create=False)
    with opened.session() as current:
        yield current
    opened.close()
