"""Fixtures shared by test modules: a real PostgreSQL server when one can run."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests.support.pg_server import Server, create_database, start

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    """A PostgreSQL server on 127.0.0.1 for the session (skips with the reason if none)."""
    with start() as server:
        if isinstance(server, str):
            if os.environ.get("NEWSCRAWL_REQUIRE_POSTGRES"):  # .ci/run: never skip
                pytest.fail(server)
            pytest.skip(server)
        yield server


@pytest.fixture
def postgres_url(postgres_server: Server) -> str:
    """A fresh, empty PostgreSQL database for one test, as a SQLAlchemy URL."""
    return create_database(postgres_server, f"newscrawl_test_{next(_numbers)}")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A Redis server on 127.0.0.1 for the session (skips with the reason if none)."""
    from tests.support.redis_server import start as start_redis

    with start_redis() as url:
        if url.startswith("no redis"):
            if os.environ.get("NEWSCRAWL_REQUIRE_REDIS"):  # .ci/run: never skip
                pytest.fail(url)
            pytest.skip(url)
        yield url


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that need a PostgreSQL server are ``slow``: the session starts one (seconds),
    and stops it at the end. ``-m "not e2e and not slow"`` (the README's fast command)
    leaves them out; the full suite, which ``.ci/run`` runs, keeps them."""
    for item in items:
        if "postgres_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
