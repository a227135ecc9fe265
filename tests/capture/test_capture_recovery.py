"""WARC captures after trouble and on later harvests: a half-written record cut on recovery,
a harvest killed with SIGKILL while capturing followed by one that goes on, and revisit
records for the pages that did not change."""

from __future__ import annotations

import fcntl
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from warcio.archiveiterator import ArchiveIterator

from archive import open_archive
from archive.captures import Capture, CaptureError, PriorCaptures, read_capture
from archive.cli import main as newsarchive
from newscrawl.capture.recovery import complete_length, recover
from newscrawl.capture.warc import Exchange, WarcFiles
from tests.harvest.test_crash import wait_for

pytestmark = pytest.mark.e2e


from tests.support.capture_crawls import REPO, WARCIO, RecordingServer, crawl, records


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
