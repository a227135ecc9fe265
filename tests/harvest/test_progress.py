"""Harvest progress: a live line on a terminal, progress log lines under cron."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.demo.server import DemoServer
from newscrawl.progress import progress_text

BIN = Path(sys.executable).parent
SLOW = ["-s", "DOWNLOAD_DELAY=0.02", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]


def test_progress_text() -> None:
    stats = {
        "downloader/response_count": 120,
        "item_scraped_count": 98,
        "newscrawl/request_failed": 2,
        "spider_exceptions/count": 1,
    }
    assert progress_text(stats, 35, 4.0) == (
        "pages 120 done / 35 queued, items 98, errors 3, 30.0 pages/s"
    )
    assert progress_text({}, 0, 0.0).endswith("0.0 pages/s")


@pytest.mark.e2e
def test_a_terminal_gets_a_live_line(tmp_path: Path) -> None:
    with DemoServer() as server:
        primary, replica = pty.openpty()
        command = [str(BIN / "newscrawl"), "harvest", "--url", server.base_url + "/"]
        command += ["--db", str(tmp_path / "a.sqlite"), "--log-file", str(tmp_path / "h.log")]
        command += [*SLOW, "-s", "NEWSCRAWL_PROGRESS_INTERVAL=0.05"]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=replica, text=True)
        os.close(replica)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        out, _ = proc.communicate(timeout=120)
        os.close(primary)
    assert proc.returncode == 0, shown.decode(errors="replace")
    text = shown.decode()
    assert "\rpages " in text
    assert "items 33" in text  # the final update shows the whole run
    assert text.endswith("\n")
    assert out.strip().endswith("-> ok")


@pytest.mark.e2e
def test_without_a_terminal_progress_goes_to_the_log(tmp_path: Path) -> None:
    log = tmp_path / "harvest.log"
    with DemoServer() as server:
        result = subprocess.run(
            [str(BIN / "newscrawl"), "harvest", "--url", server.base_url + "/",
             "--db", str(tmp_path / "a.sqlite"), "--log-file", str(log), *SLOW,
             "-s", "NEWSCRAWL_PROGRESS_LOG_INTERVAL=0.2"],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "\r" not in result.stderr
    lines = [line for line in log.read_text().splitlines() if "progress: pages" in line]
    assert lines, "no progress line in the log"
    assert "queued" in lines[-1] and "pages/s" in lines[-1]
