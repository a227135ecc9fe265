"""Run one crawl in this process and write its figures as JSON (one subprocess per crawl).

``python -m benchmarks.crawl_runner {bare|download|cms…} URL OUT.json [--archive URL] [--profile F]``

Each crawl gets a fresh interpreter so Twisted reactors never clash and the
peak RSS measured here (``ru_maxrss`` of this process) belongs to one crawl
only. Every spider runs with the same settings, so the ratio of their rates is
what newscrawl's extraction, normalization and storage cost on top of Scrapy.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import re
import resource
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any, Self

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response
from scrapy.utils.project import get_project_settings

from newscrawl.spiders.cms import CmsSpider

#: Identical for both crawls (the benchmark brief: full speed, robots still obeyed).
CRAWL_SETTINGS: dict[str, Any] = {
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": True,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
}

#: The crawl modes whose storing and indexing run in a writer process.
WRITER_MODES = ("cms-writer", "cms-both")

_LIST = re.compile(r"/list\.php\?")
_SHOW = re.compile(r"/show\.php\?")


class BareSpider(scrapy.Spider):
    """The cms spider's discovery with no extraction: Scrapy's own cost on this site.

    The issue's baseline is "a bare Scrapy spider (same discovery, yields
    nothing)". The cms spider reads the links of every page it fetches: list
    pages, and on each article page its sidebar boxes, neighbours and pager.
    So does this one: every page's ``a/@href``, list links and article links
    followed, each URL requested once (a set, as the cms spider keeps, so
    Scrapy's duplicate filter does not fingerprint the same links again and
    again). The pager's ``javascript:;`` last-page link is not a URL and is
    skipped. Nothing is extracted, nothing is yielded but requests.
    """

    name = "bare"

    def __init__(self, start_urls: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [u for u in start_urls.split(",") if u]
        self.allowed_domains = ["127.0.0.1"]
        self.requested: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for url in self.start_urls:
            self.requested.add(url)
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        for href in response.xpath("//a/@href").getall():
            url = response.urljoin(href)
            if url in self.requested:
                continue
            if _LIST.search(url):
                self.requested.add(url)
                yield scrapy.Request(url, callback=self.parse)
            elif _SHOW.search(url):
                self.requested.add(url)
                yield scrapy.Request(url, callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[scrapy.Request]:
        """An article page's links, read as the cms spider reads them."""
        return self.parse(response)


class DownloadOnlySpider(BareSpider):
    """Less than the same discovery: article pages are downloaded and never read.

    Scrapy's cost of fetching every page, the lowest any spider of this site
    can pay; reported beside the bare crawl so the ratios can be read
    against it too.
    """

    name = "download"

    def parse_article(self, response: Response) -> Iterator[scrapy.Request]:
        return iter(())


#: The spiders that only crawl: mode name -> spider class.
BASELINES: dict[str, type[BareSpider]] = {"bare": BareSpider, "download": DownloadOnlySpider}


class DescendantPeaks:
    """Peak RSS (``VmHWM``) of this process's descendants, read from ``/proc`` once a second.

    The extraction worker and the archive writer are forkserver children:
    children of the forkserver, not of this process, so neither
    ``RUSAGE_CHILDREN`` nor a wait sees them. ``VmHWM`` is each process's
    own high-water mark, so keeping its last reading misses only what a
    process grows in its last second. Reading once a second costs the crawl
    process about 2 ms a second (one walk of ``/proc``).
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (command, VmHWM in KiB)
        #: The largest sum, at one reading, of the proportional set size (PSS) of this
        #: process and every descendant: pages they share (the interpreter, lxml,
        #: SQLAlchemy, inherited from the forkserver) counted once, not once each
        #: as the VmHWM sum does. Sampled, so it may miss a peak between readings.
        self.tree_pss_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="rss-peaks", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(self.interval):
            self.read()

    def read(self) -> None:
        """One reading of every living descendant."""
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue  # ended meanwhile
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        mine = {os.getpid()}
        grew = True
        while grew:
            found = {pid for pid, parent in parents.items() if parent in mine} - mine
            grew = bool(found)
            mine |= found
        self.tree_pss_kb = max(self.tree_pss_kb, sum(map(_pss_kb, mine)))
        for pid in mine - {os.getpid()}:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    kb = int(line.split()[1])
                    self.peaks[pid] = (command.decode(errors="replace").strip(), kb)

    @property
    def total_kb(self) -> int:
        """The sum of every descendant's peak (an upper bound: peaks need not coincide)."""
        return sum(kb for _command, kb in self.peaks.values())


def _pss_kb(pid: int) -> int:
    """A process's proportional set size in KiB (``smaps_rollup``), 0 when unreadable."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def run(
    spider: str,
    url: str,
    archive: str | None,
    profile: str | None,
    extra: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Crawl ``url`` with ``spider`` and return pages, seconds and peak RSS.

    ``extra``: further Scrapy settings (``-s KEY=VALUE``), applied last.
    """
    settings = get_project_settings()
    overrides: dict[str, Any] = dict(CRAWL_SETTINGS)
    if spider in BASELINES:
        overrides["ITEM_PIPELINES"] = {}
    else:
        # cms-pool: the same spider with parsing and extraction in one worker process,
        # the crawl process storing (what "auto" gives on two cores);
        # cms-writer: with the archive's transactions in a writer process instead;
        # cms-both: the worker extracts and stores (ARCHIVE_WRITER=process with a worker).
        pooled = spider in ("cms-pool", "cms-both")
        overrides["NEWSCRAWL_EXTRACT_WORKERS"] = 1 if pooled else 0
        written = spider in WRITER_MODES
        overrides["ARCHIVE_WRITER"] = "process" if written else "inline"
        if not archive:
            raise SystemExit("the cms crawl needs --archive")
        overrides["ARCHIVE_URL"] = archive
    overrides.update(extra or {})
    settings.setdict(overrides, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(BASELINES.get(spider, CmsSpider))
    process.crawl(crawler, start_urls=url)
    descendants = DescendantPeaks()
    # Also read once the crawl is idle, while the workers still run: a crawl
    # shorter than the interval would otherwise see none of them.
    crawler.signals.connect(descendants.read, signal=signals.spider_idle)
    started = time.perf_counter()
    cpu_started = time.process_time()
    reactor_started = time.thread_time()
    machine_started = machine_busy_seconds()
    with descendants:
        if profile:
            profiler = cProfile.Profile()
            profiler.runcall(process.start)
            profiler.dump_stats(profile)
        else:
            process.start()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    reactor_cpu_seconds = time.thread_time() - reactor_started
    machine_seconds = machine_busy_seconds() - machine_started
    assert crawler.stats is not None
    stats = crawler.stats.get_stats()
    return {
        "spider": spider,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,  # of the crawl process alone, all its threads
        # Of its main thread alone, which runs the event loop: the crawl's critical path.
        "reactor_cpu_seconds": reactor_cpu_seconds,
        # Every core's busy time meanwhile: the crawl, its workers, the site's server.
        "machine_cpu_seconds": machine_seconds,
        "elapsed_stat": stats.get("elapsed_time_seconds"),
        "responses": stats.get("downloader/response_count", 0),
        "status_200": stats.get("downloader/response_status_count/200", 0),
        "items": stats.get("item_scraped_count", 0),
        "errors": stats.get("log_count/ERROR", 0),
        "finish_reason": stats.get("finish_reason"),
        "max_rss_kb": peak_rss_kb(),
        # The worker processes (extraction, writer, their forkserver), each at its peak.
        "descendants_rss_kb": descendants.total_kb,
        # The whole tree's PSS, at its largest reading (shared pages counted once).
        "tree_pss_kb": descendants.tree_pss_kb,
        "descendants": len(descendants.peaks),
        "descendant_peaks_kb": sorted(kb for _command, kb in descendants.peaks.values()),
        "index_ms": stats.get("newscrawl/archive/index_ms", 0),
        # CPU of each stage, wherever it ran (this process, a worker, the writer).
        "stage_cpu_us": {
            stage: int(stats.get(f"newscrawl/cpu_us/{stage}", 0))
            for stage in ("extract", "normalize", "store")
        },
        "capture_revisits": stats.get("newscrawl/capture/revisits", 0),
    }


def machine_busy_seconds() -> float:
    """CPU seconds all cores have been busy since boot (``/proc/stat``), 0.0 if unknown.

    Busy is user, nice, system, irq and softirq time; idle, I/O wait and
    steal (another guest's use of this machine's host) are not. The
    difference over a crawl is the CPU the crawl took in every process it
    started, which no rusage of this process can see (see :class:`DescendantPeaks`),
    plus the little the site's server and the machine's own housekeeping take.
    """
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return 0.0
    if not fields or fields[0] != "cpu":
        return 0.0
    user, nice, system, _idle, _iowait, irq, softirq = (int(v) for v in fields[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def peak_rss_kb() -> int:
    """This process's peak RSS in KiB, since its ``exec``.

    ``VmHWM`` is per address space; ``ru_maxrss`` is not usable here because
    Linux carries it across ``fork``+``exec``, so a crawl started by a parent
    holding 200 MB of rendered pages would report the parent's size.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, crawl, write the JSON figures to OUT."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("spider", choices=(*BASELINES, "cms", "cms-pool", "cms-writer", "cms-both"))
    parser.add_argument("url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--archive")
    parser.add_argument("--profile")
    parser.add_argument("-s", dest="settings", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)
    extra = dict(setting.split("=", 1) for setting in args.settings)
    result = run(args.spider, args.url, args.archive, args.profile, extra)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
