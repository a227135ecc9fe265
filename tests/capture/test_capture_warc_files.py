"""WARC captures end to end: a real crawl of the demo site over HTTP (once for the module)
writes them, warcio reads back what the server sent, the archive points at them, and
``newsarchive raw`` / ``reextract`` read them without the network."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from archive import article_versions, get_article, iter_articles, list_runs, open_archive
from archive.captures import Capture, read_capture
from archive.cli import main as newsarchive
from newscrawl.capture.warc import Exchange, WarcFiles

pytestmark = pytest.mark.e2e


from tests.support.capture_crawls import WARCIO, RecordingServer, crawl, records


@dataclass
class Captured:
    db: Path
    folder: Path
    base_url: str
    sent: dict[str, list[bytes]]
    proc: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def captured(tmp_path_factory: pytest.TempPathFactory) -> Captured:
    tmp = tmp_path_factory.mktemp("capture")
    db = tmp / "archive.sqlite"
    with RecordingServer() as server:
        # Rotate every 100 KB: several files, records of one article in two of them.
        # At most 2 exchanges waiting for the capture process: the crawl waits for it.
        proc = crawl(
            server.base_url, db, "NEWSCRAWL_CAPTURE_MAX_SIZE=100000", "NEWSCRAWL_CAPTURE_QUEUE=2"
        )
        sent = dict(server.sent)
        base = server.base_url
    assert proc.returncode == 0, proc.stderr[-3000:]
    return Captured(db, tmp / "archive.sqlite.captures", base, sent, proc)


def test_warcs_hold_byte_for_byte_what_the_server_sent(captured: Captured) -> None:
    files = sorted(captured.folder.glob("*.warc.gz"))
    assert len(files) > 1  # rotated
    assert not list(captured.folder.glob("*.open"))  # every file closed
    responses = 0
    for path in files:
        for kind, uri, payload in records(path):
            if kind != "response":
                continue
            responses += 1
            path_qs = uri.removeprefix(captured.base_url)
            assert payload in captured.sent[path_qs], uri
    served = sum(len(bodies) for bodies in captured.sent.values())
    revisits = sum(kind == "revisit" for path in files for kind, _u, _p in records(path))
    assert responses + revisits == served
    requests = sum(kind == "request" for path in files for kind, _u, _p in records(path))
    assert requests == served


def test_every_file_passes_warcio_check_and_index(captured: Captured) -> None:
    for path in sorted(captured.folder.glob("*.warc.gz")):
        check = subprocess.run(
            [WARCIO, "check", str(path)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout + check.stderr
        index = subprocess.run(
            [WARCIO, "index", str(path)], capture_output=True, text=True, check=False
        )
        assert index.returncode == 0 and '"warc-type": "response"' in index.stdout


def test_every_article_points_at_its_pages_and_the_run_lists_the_files(captured: Captured) -> None:
    opened = open_archive(str(captured.db), create=False)
    with opened.session() as session:
        rows = session.execute(text("SELECT url, captures FROM articles")).all()
        runs = list_runs(session)
    base = captured.db.parent
    multi = 0
    for url, raw in rows:
        entries = [Capture.from_json(e) for e in __import__("json").loads(raw)]
        assert entries and entries[0].url == url
        multi += len(entries) > 1
        for entry in entries:
            page = read_capture(entry, base)
            assert page.body in captured.sent[entry.url.removeprefix(captured.base_url)]
    assert multi >= 1  # the two-page article has both pages
    listed = runs[0].stats["newscrawl/capture/files"]
    assert sorted(Path(name).name for name in listed) == sorted(
        p.name for p in captured.folder.glob("*.warc.gz")
    )
    assert runs[0].stats["newscrawl/capture/records"] > len(rows)


def test_raw_writes_the_captured_pages(captured: Captured) -> None:
    opened = open_archive(str(captured.db), create=False)
    with opened.session() as session:
        article = next(a for a in iter_articles(session) if "&page" not in a["url"])
    runner = CliRunner()
    result = runner.invoke(
        newsarchive, ["--db", str(captured.db), "raw", article["url"], "--page", "1"]
    )
    assert result.exit_code == 0, result.output
    path_qs = article["url"].removeprefix(captured.base_url)
    assert result.stdout_bytes in captured.sent[path_qs]
    http = runner.invoke(newsarchive, ["--db", str(captured.db), "raw", article["url"], "--http"])
    assert http.stdout_bytes.startswith(b"HTTP/1.1 200 OK\r\n")
    missing = runner.invoke(newsarchive, ["--db", str(captured.db), "raw", "999999"])
    assert missing.exit_code == 1 and missing.output.count("\n") == 1


def damaged_copy(captured: Captured, tmp: Path) -> Path:
    db = tmp / "archive.sqlite"
    shutil.copy(captured.db, db)
    (tmp / "archive.sqlite.captures").symlink_to(captured.folder)
    opened = open_archive(str(db), create=False)
    with opened.begin() as session:
        session.execute(
            text(
                # As an extractor with a bug would have stored it: the hash is the damaged
                # content's, so the restored content keeps it as a version.
                "UPDATE articles SET title = 'X', body = substr(body, 1, 5), "
                "author = CASE WHEN author IS NULL THEN NULL ELSE 'nobody' END, "
                "content_hash = 'damaged' WHERE id IN (1, 2, 3)"
            )
        )
        session.execute(text("UPDATE articles SET published_at = NULL WHERE id = 4"))
    opened.close()
    return db


def snapshot(db: Path) -> dict[str, dict[str, Any]]:
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        found = {a["url"]: a for a in iter_articles(session)}
    opened.close()
    return found


def test_reextract_restores_damaged_fields_from_the_captures(
    captured: Captured, tmp_path: Path
) -> None:
    before = snapshot(captured.db)
    db = damaged_copy(captured, tmp_path)
    runner = CliRunner()
    dry = runner.invoke(newsarchive, ["--db", str(db), "reextract", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "title: 'X' -> " in dry.output and "4 changed" in dry.output
    assert snapshot(db) != before  # a dry run stores nothing

    result = runner.invoke(newsarchive, ["--db", str(db), "reextract"])
    assert result.exit_code == 0, result.output
    assert "4 changed (stored)" in result.output
    assert "published_at: None -> " in result.output
    after = snapshot(db)
    for url, article in before.items():
        for key in ("title", "author", "body", "sections", "published_at"):
            assert after[url][key] == article[key], (url, key)
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        damaged = get_article(session, "1")
        assert damaged is not None
        versions = article_versions(session, damaged["id"])
        observed = session.scalar(text("SELECT count(*) FROM observations"))
    assert [v.title for v in versions] == ["X"]  # the damaged content is kept as a version
    assert observed == len(before)  # re-extraction fetched nothing
    again = runner.invoke(newsarchive, ["--db", str(db), "reextract"])
    assert "0 changed" in again.output


def test_bad_captures_get_one_line_each_and_the_rest_goes_on(
    captured: Captured, tmp_path: Path
) -> None:
    db = damaged_copy(captured, tmp_path)
    folder = tmp_path / "elsewhere"
    other = WarcFiles(folder, base=tmp_path, max_size=10**9)
    foreign = other.write(
        Exchange("http://other.example.cn/show.php?id=1", "GET", [], b"", 200, "HTTP/1.1",
                 [(b"Content-Type", b"text/html")], b"<html><h1>x</h1></html>")
    )  # fmt: skip
    other.close()
    opened = open_archive(str(db), create=False)
    with opened.begin() as session:
        rows = dict(session.execute(text("SELECT id, captures FROM articles")).all())
        import json

        def entries(article_id: int) -> list[dict[str, Any]]:
            loaded: list[dict[str, Any]] = json.loads(rows[article_id])
            return loaded

        missing = entries(1)
        missing[0]["file"] = "archive.sqlite.captures/gone.warc.gz"
        truncated_file = tmp_path / "cut.warc.gz"
        cut = entries(2)
        source = db.parent / cut[0]["file"]
        truncated_file.write_bytes(source.read_bytes()[: cut[0]["offset"] + 100])
        cut[0]["file"] = str(truncated_file)
        foreign_page = entries(3)
        foreign_page[0] = {**foreign.to_json(), "role": "page"}
        for article_id, value in ((1, missing), (2, cut), (3, foreign_page)):
            session.execute(
                text("UPDATE articles SET captures = :c WHERE id = :id"),
                {"c": json.dumps(value), "id": article_id},
            )
    opened.close()
    result = CliRunner().invoke(newsarchive, ["--db", str(db), "reextract"])
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith("skipped")]
    assert len(problems) == 3, result.stderr
    assert "capture file missing" in problems[0]
    assert "truncated" in problems[1]
    assert "another site's page" in problems[2]
    assert "Traceback" not in result.output
    assert "1 changed (stored)" in result.stdout  # article 4 restored all the same
    after = snapshot(db)
    assert sum(a["title"] == "X" for a in after.values()) == 3  # kept, not lost
