"""WARC captures end to end: a real crawl of the demo site over HTTP writes them,
warcio reads back what the server sent, the archive points at them, and
``newsarchive raw`` / ``reextract`` read them without the network."""

from __future__ import annotations

import fcntl
import io
import json
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator

from archive import article_versions, get_article, iter_articles, list_runs, open_archive
from archive.captures import Capture, CaptureError, PriorCaptures, read_capture
from archive.cli import main as newsarchive
from newscrawl.capture.recovery import complete_length, recover
from newscrawl.capture.warc import Exchange, WarcFiles
from newscrawl.demo.server import DemoServer
from tests.harvest.test_crash import wait_for

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
WARCIO = Path(sys.executable).with_name("warcio")


class RecordingServer(DemoServer):
    """The demo site, keeping every body it sent, by path (a real server all the same)."""

    def __init__(self, theme: str = "phpmywind", *, hold_after: int | None = None) -> None:
        super().__init__(theme)
        self.sent: dict[str, list[bytes]] = defaultdict(list)
        self.hold_after = hold_after  # answers served before the next ones wait on ``release``
        self.held = threading.Event()  # set once a request waits
        self.release = threading.Event()
        self._served = 0
        self._count_lock = threading.Lock()

    def respond(self, path: str) -> tuple[int, str, bytes]:
        with self._count_lock:
            self._served += 1
            hold = self.hold_after is not None and self._served > self.hold_after
        if hold:
            self.held.set()
            self.release.wait(timeout=120)
        status, content_type, body = super().respond(path)
        with self._count_lock:
            self.sent[path].append(body)
        return status, content_type, body


def crawl(base_url: str, db: Path, *settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "scrapy", "crawl", "cms",
            "-a", f"start_urls={base_url}/",
            "-s", f"ARCHIVE_URL=sqlite:///{db}",
            "-s", "DOWNLOAD_DELAY=0",
            "-s", "AUTOTHROTTLE_ENABLED=0",
            "-s", "NEWSCRAWL_CAPTURE=1",
            *[arg for setting in settings for arg in ("-s", setting)],
        ],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


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


def records(path: Path) -> list[Any]:
    """(type, uri, payload as sent, headers) of every record of a file."""
    found = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            payload = record.raw_stream.read()
            found.append(
                (record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), payload)
            )
    return found


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


def test_recover_cuts_a_half_written_record_and_keeps_the_rest(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, base=tmp_path, max_size=10**9)
    written = [
        files.write(Exchange(f"http://a.cn/{n}", "GET", [], b"", 200, "HTTP/1.1", [], bytes([n]) * 5000))
        for n in range(5)
    ]  # fmt: skip
    open_path = next(tmp_path.glob("*.open"))
    # What a kill -9 in the middle of the last write leaves: its member cut short.
    whole = open_path.read_bytes()
    open_path.write_bytes(whole[: written[-1].offset + written[-1].length // 2])
    # Kept: every record before it, its request record included (written first).
    assert complete_length(open_path) == written[-1].offset
    # The writer's lock dies with its process; here the file is closed by hand.
    assert files._file is not None
    files._file.close()
    files._file = None
    lines = recover(tmp_path)
    assert len(lines) == 1 and "left open" in lines[0]
    final = next(tmp_path.glob("*.warc.gz"))
    for capture in written[:-1]:
        assert (
            read_capture(capture, tmp_path).body
            == bytes([int(capture.url.rsplit("/", 1)[1])]) * 5000
        )
    with pytest.raises(CaptureError):
        read_capture(written[-1], tmp_path)
    check = subprocess.run(
        [WARCIO, "check", str(final)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout


def responses_written(folder: Path) -> int:
    """Response records complete in the capture file being written in ``folder``."""
    count = 0
    for path in folder.glob("*.warc.gz.open"):
        prefix = path.read_bytes()[: complete_length(path)]
        count += sum(r.rec_type == "response" for r in ArchiveIterator(io.BytesIO(prefix)))
    return count


def test_kill_9_while_capturing_then_the_next_harvest_goes_on(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    folder = tmp_path / "archive.sqlite.captures"
    with RecordingServer(hold_after=12) as server:
        proc = subprocess.Popen(
            [sys.executable, "-m", "newscrawl.cli", "harvest", "--url", f"{server.base_url}/",
             "--db", str(db), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert server.held.wait(timeout=120)
        # Killed once the capture process wrote at least one page of those answered.
        wait_for(lambda: responses_written(folder) >= 1)
        proc.kill()  # SIGKILL: no handler runs, the capture file stays .open
        proc.communicate(timeout=60)
        server.release.set()
        left = list(folder.glob("*.warc.gz.open"))
        assert len(left) == 1
        # The capture process writes what it was handed, reads the end of its pipe and
        # exits without closing the file: its lock is free once it is gone.
        with left[0].open("rb") as held:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        prefix = left[0].read_bytes()[: complete_length(left[0])]
        earlier = [r.rec_type for r in ArchiveIterator(io.BytesIO(prefix))]
        # Every record written before the kill reads (how many depends on what the
        # crawl had received of the answers sent before the server held the rest).
        assert earlier.count("response") >= 1
        assert earlier.count("response") in (earlier.count("request"), earlier.count("request") - 1)
        server.hold_after = None
        again = subprocess.run(
            [sys.executable, "-m", "newscrawl.cli", "harvest", "--url", f"{server.base_url}/",
             "--db", str(db), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"],
            cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    assert again.returncode == 0, again.stderr[-3000:]
    assert "left open by a stopped crawl" in again.stderr
    files = sorted(folder.glob("*.warc.gz"))
    assert len(files) == 2 and not list(folder.glob("*.open"))
    for path in files:
        check = subprocess.run(
            [WARCIO, "check", str(path)], capture_output=True, text=True, check=False
        )
        assert check.returncode == 0, check.stdout
    recovered = [r for r in records(files[0]) if r[0] == "response"]
    assert len(recovered) == earlier.count("response")


def test_a_second_harvest_writes_revisits_of_the_pages_that_did_not_change(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.sqlite"
    folder = tmp_path / "archive.sqlite.captures"
    # The DedeCMS theme fills its 人气 counter by a script: its article pages stay the
    # same from fetch to fetch (PHPMyWind's count the fetch in the page itself).
    with RecordingServer("dedecms") as server:
        first = crawl(server.base_url, db)
        assert first.returncode == 0, first.stderr[-3000:]
        before = set(folder.glob("*.warc.gz"))
        # Every known article due again: the second harvest fetches them all.
        again = crawl(server.base_url, db, "NEWSCRAWL_REVISIT=*=0")
        assert again.returncode == 0, again.stderr[-3000:]
        sent = dict(server.sent)
        base_url = server.base_url
    originals = {}  # (uri, date) -> payload digest of the first harvest's responses
    for path in before:
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    headers = record.rec_headers
                    key = (headers.get_header("WARC-Target-URI"), headers.get_header("WARC-Date"))
                    originals[key] = headers.get_header("WARC-Payload-Digest")
    (second,) = set(folder.glob("*.warc.gz")) - before
    check = subprocess.run(
        [WARCIO, "check", str(second)], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stdout
    revisits = responses = 0
    with second.open("rb") as stream:
        for record in ArchiveIterator(stream):
            headers = record.rec_headers
            if record.rec_type == "response":
                responses += 1
            if record.rec_type != "revisit":
                continue
            revisits += 1
            assert headers.get_header("WARC-Profile").endswith("/identical-payload-digest")
            referred = (
                headers.get_header("WARC-Refers-To-Target-URI"),
                headers.get_header("WARC-Refers-To-Date"),
            )
            # Each points at a response record of the first harvest with its payload.
            assert originals[referred] == headers.get_header("WARC-Payload-Digest")
    assert revisits >= 5  # the demo's articles did not change between the harvests
    assert second.stat().st_size < sum(path.stat().st_size for path in before) / 2
    # The archive's links still lead to the bytes: through the revisit, the first record.
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        rows = session.execute(text("SELECT url, captures FROM articles")).all()
    opened.close()
    base = db.parent
    reached = 0
    for url, raw in rows:
        page = Capture.from_json(json.loads(raw)[0])
        if Path(page.file).name == second.name:
            continue  # changed (or new): a response record of its own
        reached += 1
        assert page.digest is not None
        result = CliRunner().invoke(newsarchive, ["--db", str(db), "raw", url, "--page", "1"])
        assert result.exit_code == 0, result.output
        path_qs = url.removeprefix(base_url)
        assert read_capture(page, base).body in sent[path_qs]
        assert result.stdout_bytes == read_capture(page, base).body
    assert reached >= 5
    # A capture whose file went away is no record to refer to: that page is written whole.
    stored = next(
        capture
        for capture in (Capture.from_json(json.loads(raw)[0]) for _url, raw in rows)
        if Path(capture.file).name != second.name
    )
    url = stored.url
    assert stored.digest is not None
    prior = PriorCaptures(f"sqlite:///{db}")
    assert prior.get(url, stored.digest) is not None
    prior.close()
    for path in before:
        path.rename(tmp_path / path.name)
    prior = PriorCaptures(f"sqlite:///{db}")
    assert prior.get(url, stored.digest) is None
    prior.close()
