"""Two-process mode by default where there is a second core (newscrawl.runtime.cores),
and helper processes that end with the crawl process (newscrawl.runtime.lifeline).

The cores are real: each case runs a Python process pinned with ``taskset`` to
one CPU or to two, and reads what the spider and the archive pipeline made
of the project's settings there.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newscrawl.config import Config, setting

#: Prints what a crawl of the project's settings (plus the JSON overrides in argv[1])
#: would run with: the usable cores, the spider's extraction workers, the pipeline's writer.
RESOLVE = """
import json, sys
from scrapy.settings import Settings
from scrapy.utils.reactor import install_reactor
from scrapy.utils.test import get_crawler
from newscrawl.storage.pipeline import ArchivePipeline
from newscrawl.runtime.cores import usable_cores
from newscrawl.spiders.cms import CmsSpider

settings = Settings()
settings.setmodule("newscrawl.settings")
settings.setdict(json.loads(sys.argv[1]))
install_reactor(settings["TWISTED_REACTOR"])
crawler = get_crawler(CmsSpider, settings_dict=settings.copy_to_dict())
spider = CmsSpider.from_crawler(crawler, start_urls="http://127.0.0.1:9/")
pipeline = ArchivePipeline.from_crawler(crawler)
print(json.dumps([usable_cores(), spider.extractor.workers, pipeline.writer_mode]))
"""

CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
needs_two_cpus = pytest.mark.skipif(
    shutil.which("taskset") is None or len(CPUS) < 2,
    reason="needs taskset and two CPUs this process may use",
)


def pinned(cpus: list[int], tmp_path: Path, **overrides: object) -> list[object]:
    """[cores, workers, writer] in a process that may run on ``cpus`` only."""
    settings = {"ARCHIVE_URL": f"sqlite:///{tmp_path / 'a.sqlite'}", **overrides}
    result = subprocess.run(
        ["taskset", "-c", ",".join(map(str, cpus)), sys.executable, "-c", RESOLVE,
         json.dumps(settings)],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    answer: list[object] = json.loads(result.stdout.strip().splitlines()[-1])
    return answer


@needs_two_cpus
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_auto_is_two_process_mode_on_two_cores_and_one_process_on_one(tmp_path: Path) -> None:
    assert pinned(CPUS[:1], tmp_path) == [1, 0, "inline"]
    # The worker extracts, the crawl process stores what comes back.
    assert pinned(CPUS[:2], tmp_path) == [2, 1, "inline"]
    # Without a worker, a second core stores in a writer process.
    assert pinned(CPUS[:2], tmp_path, NEWSCRAWL_EXTRACT_WORKERS="0") == [2, 0, "process"]


@needs_two_cpus
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_explicit_values_win_over_the_cores(tmp_path: Path) -> None:
    off = {"NEWSCRAWL_EXTRACT_WORKERS": "0", "ARCHIVE_WRITER": "inline"}
    assert pinned(CPUS[:2], tmp_path, **off) == [2, 0, "inline"]
    on = {"NEWSCRAWL_EXTRACT_WORKERS": "1", "ARCHIVE_WRITER": "process"}
    assert pinned(CPUS[:1], tmp_path, **on) == [1, 1, "process"]
    # Each half on its own; "auto" may also be given explicitly.
    half = {"NEWSCRAWL_EXTRACT_WORKERS": "auto", "ARCHIVE_WRITER": "inline"}
    assert pinned(CPUS[:2], tmp_path, **half) == [2, 1, "inline"]


@pytest.mark.parametrize("value", ["some", "-1", "1.5", ""])
def test_a_bad_worker_count_is_one_line(value: str) -> None:
    with pytest.raises(ValueError, match="NEWSCRAWL_EXTRACT_WORKERS must be auto or a whole"):
        setting("NEWSCRAWL_EXTRACT_WORKERS").parse(value)


def test_a_bad_writer_mode_is_one_line() -> None:
    with pytest.raises(ValueError, match="ARCHIVE_WRITER must be auto, inline or process, not 'x'"):
        setting("ARCHIVE_WRITER").parse("x")
    # "auto" is kept by the row's parser; the Config resolves it with the workers.
    assert setting("ARCHIVE_WRITER").parse("AUTO") == "auto"
    assert Config.from_settings({"NEWSCRAWL_EXTRACT_WORKERS": 3}).extract_workers == 3
    assert Config.from_settings({"NEWSCRAWL_EXTRACT_WORKERS": 1}).archive_writer == "inline"
    explicit = {"NEWSCRAWL_EXTRACT_WORKERS": 1, "ARCHIVE_WRITER": "process"}
    assert Config.from_settings(explicit).archive_writer == "process"


#: Starts the archive pipeline's writer process, prints its pid, then waits for stdin.
WRITER = """
import os, sys
from scrapy.utils.test import get_crawler
from newscrawl.storage.pipeline import ArchivePipeline
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
