"""Schema versions: new archives are stamped, older ones upgraded without losing a row."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, text

from archive import ArchiveError, count_articles, get_article, open_archive, store_articles
from archive.cli import main as newsarchive
from archive.models import Base
from archive.schema import (
    FIRST_REVISION,
    HEAD_REVISION,
    _config,
    head_revision,
    include_name,
    scripted_revisions,
)
from archive.search import search_articles
from tests.support.schema_archives import (
    article,
    first_schema_archive,
    revision_0001_archive,
    revision_of,
    table_counts,
)


def test_a_new_archive_records_the_newest_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    open_archive(str(path)).close()
    assert revision_of(path) == head_revision()


def test_the_head_revision_the_code_writes_is_the_newest_migration() -> None:
    head, known = scripted_revisions()
    assert head == HEAD_REVISION == head_revision()
    assert FIRST_REVISION in known and HEAD_REVISION in known


def test_opening_an_archive_at_the_head_does_not_import_alembic(tmp_path: Path) -> None:
    """A crawl's processes open archives at the head: Alembic's memory is for upgrades."""
    path = tmp_path / "a.sqlite"
    open_archive(str(path)).close()  # created and stamped (Alembic, here)
    script = (
        "import sys\n"
        "from archive import open_archive\n"
        "from newscrawl.storage.writer import store_in_writer, close_in_writer\n"
        f"url = 'sqlite:///{path}'\n"
        "store_in_writer(url, [], [], True, True)\n"
        "close_in_writer(url)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako', 'pygments'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stderr


def test_a_first_schema_archive_is_upgraded_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    first_schema_archive(path, 250)
    opened = open_archive(str(path), create=False)
    with opened.session() as session:
        assert count_articles(session) == 250
        stored = get_article(session, "http://news.example.cn/show.php?cid=1&id=250")
        observations = session.execute(text("select count(*) from observations")).scalar()
    opened.close()
    assert stored is not None and stored["views"] == 250
    assert observations == 250
    assert revision_of(path) == head_revision()


def test_an_archive_newer_than_the_code_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_archive(str(path)).close()
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


def test_revision_0001_is_upgraded_to_the_head_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "0001.sqlite"
    revision_0001_archive(path, 30)
    assert revision_of(path) == "0001"
    before = table_counts(path)
    opened = open_archive(str(path), create=False)
    with opened.session() as session:
        stored = get_article(session, "http://news.example.cn/show.php?cid=1&id=30")
    opened.close()
    assert revision_of(path) == "0014" == head_revision()
    assert table_counts(path) == before == {
        "articles": 30, "sections": 30, "links": 30, "observations": 30, "crawl_runs": 1
    }  # fmt: skip
    assert stored is not None and stored["views"] == 30
    assert stored["sections"] == [{"heading": None, "paragraphs": ["清淤后河水明显变清。"]}]
    with sqlite3.connect(path) as conn:
        gone = conn.execute("select count(*) from articles where gone_at is not null"
                            " or gone_reason is not null").fetchone()[0]  # fmt: skip
        versions = conn.execute("select count(*) from article_versions").fetchone()[0]
    assert (gone, versions) == (0, 0)
    # The upgraded archive takes changes like a new one.
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(session, [{**article(30), "body": "改写后的正文。", "sections": []}])
    opened.close()
    with sqlite3.connect(path) as conn:
        kept = conn.execute("select version, body from article_versions").fetchall()
    assert kept == [(1, "清淤后河水明显变清。")]
    # 0003 indexed the rows it found, and the index follows the edit.
    opened = open_archive(str(path), create=False)
    with opened.session() as session:
        before_edit = {hit.id for hit in search_articles(session, "河水", limit=100).hits}
        edited = {hit.id for hit in search_articles(session, "改写", limit=100).hits}
    opened.close()
    assert before_edit == set(range(1, 30))
    assert edited == {30}


def test_migrations_build_what_the_models_declare(tmp_path: Path) -> None:
    """The revisions build what ``Base.metadata`` declares (no autogenerate difference)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite'}")
    with engine.begin() as connection:
        command.upgrade(_config(connection), "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        assert compare_metadata(context, Base.metadata) == []
    with engine.begin() as connection:  # and 0002 goes down again
        command.downgrade(_config(connection), FIRST_REVISION)
    engine.dispose()
    assert revision_of(tmp_path / "migrated.sqlite") == FIRST_REVISION


def test_new_archives_get_large_pages_and_old_ones_keep_theirs(tmp_path: Path) -> None:
    """32 KB pages for a new file; a file made with SQLite's default still opens and stores."""
    new = tmp_path / "new.sqlite"
    opened = open_archive(str(new))
    with opened.begin() as session:
        store_articles(session, [article(1)])
    opened.close()
    old = tmp_path / "old.sqlite"
    with sqlite3.connect(old) as raw:
        raw.execute("CREATE TABLE made_elsewhere (x)")  # fixes the page size at 4096
    opened = open_archive(str(old))
    with opened.begin() as session:
        store_articles(session, [article(2)])
    with opened.session() as session:
        assert count_articles(session) == 1
    opened.close()
    page_sizes = {}
    for path in (new, old):
        with sqlite3.connect(path) as raw:
            page_sizes[path.name] = raw.execute("PRAGMA page_size").fetchone()[0]
    assert page_sizes == {"new.sqlite": 32768, "old.sqlite": 4096}


def test_a_new_archive_is_stamped_as_alembic_stamps_without_importing_it(tmp_path: Path) -> None:
    """The version table and row a new archive gets are the ones Alembic's stamp writes."""
    ours = tmp_path / "ours.sqlite"
    script = (
        "import sys\n"
        "from archive import open_archive\n"
        f"open_archive({str(ours)!r}).close()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'alembic', 'mako', 'pygments'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stderr
    theirs = tmp_path / "theirs.sqlite"
    engine = create_engine(f"sqlite:///{theirs}")
    with engine.begin() as connection:
        command.stamp(_config(connection), HEAD_REVISION)
    engine.dispose()
    schema = "select sql from sqlite_master where tbl_name = 'alembic_version' order by name"
    with sqlite3.connect(ours) as a, sqlite3.connect(theirs) as b:
        assert a.execute(schema).fetchall() == b.execute(schema).fetchall()
        rows = "select version_num from alembic_version"
        assert a.execute(rows).fetchall() == b.execute(rows).fetchall() == [(HEAD_REVISION,)]
    engine = create_engine(f"sqlite:///{ours}")
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == HEAD_REVISION
    engine.dispose()
