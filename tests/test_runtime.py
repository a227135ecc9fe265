"""Helper processes that end with the crawl process (newscrawl.runtime.lifeline)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: Starts the archive pipeline's writer process, prints its pid, then waits for stdin.
WRITER = """
import os, sys
from scrapy.utils.test import get_crawler
from newscrawl.pipelines import ArchivePipeline
from newscrawl.spiders.cms import CmsSpider

settings = {"ARCHIVE_URL": sys.argv[1], "ARCHIVE_WRITER": "process"}
pipeline = ArchivePipeline.from_crawler(get_crawler(CmsSpider, settings_dict=settings))
print(pipeline._writer().submit(os.getpid).result(), flush=True)
sys.stdin.read()
"""


def running(pid: int) -> bool:
    """The process exists and is not a zombie (which holds no file, lock or pipe)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return text[text.rindex(")") + 2] not in "ZX"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_the_writer_process_ends_when_its_crawl_process_is_killed(tmp_path: Path) -> None:
    crawl = subprocess.Popen(
        [sys.executable, "-c", WRITER, f"sqlite:///{tmp_path / 'a.sqlite'}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert crawl.stdout is not None
        writer = int(crawl.stdout.readline())
        assert running(writer)
        crawl.send_signal(signal.SIGKILL)
        crawl.communicate(timeout=60)  # no process of it holds its stdout and stderr
    finally:
        if crawl.poll() is None:
            crawl.kill()
    deadline = time.monotonic() + 30
    while running(writer):  # polls an observable state, with a deadline
        assert time.monotonic() < deadline, f"writer process {writer} outlived its crawl process"
        time.sleep(0.01)
