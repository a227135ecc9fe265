"""Real demo crawls with the archive's transactions in a writer process
(``ARCHIVE_WRITER=process``) or inline, and the full-text index caught up
after each batch, on a thread or at the close (``ARCHIVE_INDEX``): every article archived,
counted, recorded and indexed in each combination."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from archive import iter_articles, list_runs, open_archive
from archive.fts import pending
from newscrawl.demo import load_expected

BIN = Path(sys.executable).parent


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("writer", "workers", "index", "stored_in"),
    [
        ("process", 1, "batch", "extraction worker"),
        ("process", 1, "close", "extraction worker"),
        ("process", 0, "batch", "writer process"),
        ("process", 0, "close", "writer process"),
        ("inline", 1, "batch", "crawl process"),
        ("inline", 0, "close", "crawl process"),
        ("inline", 0, "thread", "crawl process"),
        ("inline", 1, "thread", "crawl process"),
        ("process", 0, "thread", "writer process"),  # there it is "batch"
    ],
)
def test_demo_crawl_archives_and_indexes_everything(
    tmp_path: Path, writer: str, workers: int, index: str, stored_in: str
) -> None:
    db = tmp_path / "archive.sqlite"
    done = subprocess.run(
        [str(BIN / "newscrawl"), "demo", "--db", str(db), "-s", f"ARCHIVE_WRITER={writer}",
         "-s", f"NEWSCRAWL_EXTRACT_WORKERS={workers}",
         "-s", f"ARCHIVE_INDEX={index}", "-s", "ARCHIVE_BATCH_SIZE=4"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr  # e.g. Scrapy's deprecations
    expected = {a["title"]: a for a in load_expected("http://127.0.0.1:1")}
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        archived = {a["title"]: a for a in iter_articles(session)}
        runs = list_runs(session)
        queued = pending(session.connection())
        indexed = session.execute(text("SELECT count(*) FROM articles_fts_docsize")).scalar_one()
    opened.close()
    assert set(archived) == set(expected)
    for title, article in archived.items():
        assert article["sections"] == expected[title]["sections"], title
        assert article["views"] is not None or expected[title]["views"] is None, title
    assert [run.status for run in runs] == ["finished"]
    assert runs[0].stats["newscrawl/archive/new"] == len(expected)
    assert runs[0].stats["newscrawl/archive/indexed"] == len(expected)
    assert runs[0].stats["newscrawl/archive/stored_in"] == stored_in
    assert queued == 0 and indexed == len(expected)
    on_thread = runs[0].stats.get("newscrawl/archive/indexed_on_thread")
    assert on_thread == (len(expected) if index == "thread" and writer == "inline" else None)


#: Where the batches are stored: (ARCHIVE_WRITER, NEWSCRAWL_EXTRACT_WORKERS) by name.
STORERS = {"worker": ("process", 1), "process": ("process", 0), "inline": ("inline", 0)}


def demo_with_trigger(db: Path, storer: str, trigger: str) -> subprocess.CompletedProcess[str]:
    """The demo crawl (batches of 4) into a new archive at ``db`` that has ``trigger``,
    its batches stored as ``STORERS[storer]`` says."""
    writer, workers = STORERS[storer]
    opened = open_archive(str(db))
    with opened.begin() as session:
        session.execute(text(trigger))
    opened.close()
    return subprocess.run(
        [str(BIN / "newscrawl"), "demo", "--db", str(db), "-s", f"ARCHIVE_WRITER={writer}",
         "-s", f"NEWSCRAWL_EXTRACT_WORKERS={workers}", "-s", "ARCHIVE_BATCH_SIZE=4"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.mark.e2e
@pytest.mark.parametrize("storer", sorted(STORERS))
def test_a_batch_that_cannot_be_stored_fails_the_demo_and_is_counted(
    tmp_path: Path, storer: str
) -> None:
    """The batch's error reaches the log through its item, in either mode; the demo
    counts only committed articles and exits non-zero with one line."""
    db = tmp_path / "archive.sqlite"
    done = demo_with_trigger(  # one article the archive refuses: its batch fails
        db,
        storer,
        "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN new.title = '年度盛典彩排花絮' "
        "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END",
    )
    assert done.returncode == 1
    assert "refused by test trigger" in done.stderr  # logged with the item that carried it
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        archived = session.execute(text("SELECT count(*) FROM articles")).scalar_one()
        runs = list_runs(session)
    opened.close()
    expected = len(load_expected("http://127.0.0.1:1"))
    assert 0 < archived < expected
    assert [run.status for run in runs] == ["failed"]  # its record says articles were lost
    assert runs[0].stats["finish_reason"] == "finished"
    assert f"; {archived} articles stored," in done.stdout
    lost = f"{expected - archived} of {expected} articles could not be stored in the archive"
    assert f"{lost} (errors above); the next run fetches them again" in done.stderr  # the log
    assert done.stderr.rstrip().endswith(f"Error: {lost} (see the log)")  # the demo's line


@pytest.mark.e2e
@pytest.mark.parametrize("storer", sorted(STORERS))
def test_a_crawl_stores_nothing_more_once_the_archive_was_upgraded_under_it(
    tmp_path: Path, storer: str
) -> None:
    """A newer newscrawl may upgrade the archive while a crawl runs (any of its commands
    opens the archive so): the crawl's later batches are refused, in one clear line,
    rather than written by the old revision's rules."""
    db = tmp_path / "archive.sqlite"
    done = demo_with_trigger(  # the first stored batch "upgrades" the archive
        db,
        storer,
        "CREATE TRIGGER upgraded AFTER INSERT ON articles "
        "WHEN (SELECT count(*) FROM articles) = 4 "
        "BEGIN UPDATE alembic_version SET version_num = '0099'; END",
    )
    assert done.returncode == 1
    assert "the archive's schema changed to 0099 while this crawl ran" in done.stderr
    with sqlite3.connect(db) as conn:  # newscrawl itself now refuses to open it
        archived = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        statuses = [row[0] for row in conn.execute("SELECT status FROM crawl_runs")]
    assert archived == 4
    assert statuses == ["failed"]
