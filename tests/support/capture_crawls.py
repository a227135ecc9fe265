"""Crawls of the demo site with WARC capture on, and reading the WARC files back."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from newscrawl.demo.server import DemoServer

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
