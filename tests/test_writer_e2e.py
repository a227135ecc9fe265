"""A real demo crawl with the archive's transactions in a writer process
(``ARCHIVE_WRITER=process``): every article archived, counted and recorded as
with the default inline writer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from archive import iter_articles, list_runs, open_archive
from newscrawl.demo import load_expected

BIN = Path(sys.executable).parent


@pytest.mark.e2e
def test_demo_crawl_with_a_writer_process(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    done = subprocess.run(
        [str(BIN / "newscrawl"), "demo", "--db", str(db), "-s", "ARCHIVE_WRITER=process",
         "-s", "ARCHIVE_BATCH_SIZE=4"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    expected = {a["title"]: a for a in load_expected("http://127.0.0.1:1")}
    sessions = open_archive(str(db), create=False)
    with sessions() as session:
        archived = {a["title"]: a for a in iter_articles(session)}
        runs = list_runs(session)
    sessions.kw["bind"].dispose()
    assert set(archived) == set(expected)
    for title, article in archived.items():
        assert article["sections"] == expected[title]["sections"], title
        assert article["views"] is not None or expected[title]["views"] is None, title
    assert [run.status for run in runs] == ["finished"]
    assert runs[0].stats["newscrawl/archive/new"] == len(expected)
