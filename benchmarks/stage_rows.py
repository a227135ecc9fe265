"""The rows of the stages report (``python -m benchmarks.run``): each crawl against the bare
one, the archive check, the in-process stages, the memory and the budget per article."""

from __future__ import annotations

import statistics
from typing import Any

from benchmarks.check import FIELDS, CheckResult
from benchmarks.crawl_runner import WRITER_MODES
from benchmarks.micro import MicroResult
from benchmarks.report import Row
from benchmarks.server import Ceiling
from benchmarks.site import SiteBundle

#: The issue's machine ran the bare crawl at about 2.4 ms CPU a page, and set
#: the storage target (5,000 articles/s) there. Machines here run faster or
#: slower from one session to the next (a parse floor of 0.26 ms one day,
#: 0.48 ms another); an absolute rate is read against that yardstick, measured
#: in the same run, as well as shown as it is.
ISSUE_BARE_CPU_MS = 2.4


def fastest(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return max(runs, key=pages_per_second)


def median_ratio(runs: list[dict[str, Any]], bare_runs: list[dict[str, Any]]) -> str:
    """The median of each round's rate over the same round's bare rate, then every one."""
    ratios = [
        pages_per_second(run) / pages_per_second(bare)
        for run, bare in zip(runs, bare_runs, strict=True)
    ]
    every = ", ".join(f"{ratio:.3f}" for ratio in ratios)
    return f"{statistics.median(ratios):.3f} ({every})"


def worst(checks: list[CheckResult]) -> CheckResult:
    """The check with the fewest correct articles: every round must archive everything."""
    return min(
        checks, key=lambda check: (check.all_correct, check.found, sum(check.correct.values()))
    )


def pages_per_second(result: dict[str, Any]) -> float:
    return float(result["responses"]) / float(result["seconds"])


def _cpu_ms(result: dict[str, Any]) -> str:
    """CPU time of the crawl process (all its threads, not its workers) per response."""
    return f"{float(result['cpu_seconds']) * 1000 / max(1, int(result['responses'])):.2f} ms/page"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms/page"


#: The crawls that archive nothing: (spider mode for crawl_runner, label).
BASELINE_LABELS: tuple[tuple[str, str], ...] = (
    ("bare", "bare crawl"),
    ("download", "download-only crawl"),
)

#: The full crawls: (spider mode for crawl_runner, label, how it runs).
VARIANTS: tuple[tuple[str, str, str], ...] = (
    ("cms", "full crawl", "cms spider + pipelines into SQLite, all in the crawl process"),
    (
        "cms-pool",
        "full crawl, extraction worker",
        "NEWSCRAWL_EXTRACT_WORKERS=1: parsing, extraction, normalization in a worker",
    ),
    (
        "cms-writer",
        "full crawl, writer process",
        "ARCHIVE_WRITER=process: storage and indexing in a writer process",
    ),
    (
        "cms-both",
        "full crawl, worker + writer",
        "NEWSCRAWL_EXTRACT_WORKERS=1 and ARCHIVE_WRITER=process",
    ),
)


def _crawl_rows(
    label: str,
    how: str,
    result: dict[str, Any],
    check: CheckResult,
    bare_rate: float,
    download_rate: float,
) -> list[Row]:
    rate = pages_per_second(result)
    index_s = float(result.get("index_ms", 0)) / 1000
    # Inline, catching the index up holds the crawl; a writer process does it
    # while the crawl goes on, so there it is not a part of the crawl's time.
    if result.get("spider") in WRITER_MODES:
        index = f"the writer process spent {index_s:.1f} s catching the search index up"
    else:
        index = f"of which {index_s:.1f} s catching the search index up"
    return [
        Row(
            label,
            f"{rate:,.1f} pages/s",
            f"{how}: {result['responses']} responses, {result['items']} items in "
            f"{result['seconds']:.1f} s ({index}); crawl process CPU {_cpu_ms(result)}; "
            f"{check.found}/{check.expected} archived, "
            f"{'all' if check.all_correct else 'NOT all'} fields correct",
        ),
        Row(
            f"{label} / bare",
            f"{rate / bare_rate:.3f}",
            f"share of Scrapy's bare rate kept; {rate / download_rate:.3f} of the "
            "download-only rate",
        ),
    ]


def build_rows(
    bundle: SiteBundle,
    ceiling: Ceiling,
    bare: dict[str, Any],
    download: dict[str, Any],
    crawls: list[tuple[str, str, dict[str, Any], CheckResult]],
    micro: MicroResult,
) -> list[Row]:
    """The results table, in the order the brief lists the measures.

    ``crawls``: (label, how it ran, figures, archive check) of each full crawl,
    the one-process crawl first.
    """
    sizes = [len(bundle.body(p)) for p in bundle.article_paths]
    bare_rate, download_rate = pages_per_second(bare), pages_per_second(download)
    check = crawls[0][3]
    n = check.expected
    rows = [
        Row(
            "synthetic site",
            f"{len(bundle.truth)} articles, {len(bundle.list_paths)} list pages",
            f"article pages {min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KB, "
            f"mean {sum(sizes) / len(sizes) / 1024:.1f} KB",
        ),
        Row(
            "server ceiling",
            f"{ceiling.rate:,.0f} pages/s",
            f"{ceiling.connections} keep-alive connections, asyncio client, "
            f"{ceiling.bytes / ceiling.seconds / 1e6:,.0f} MB/s (a lower bound)",
        ),
        Row(
            "bare crawl",
            f"{bare_rate:,.1f} pages/s",
            f"the cms spider's discovery (every page's links read), nothing extracted: "
            f"{bare['responses']} responses in {bare['seconds']:.1f} s; "
            f"crawl process CPU {_cpu_ms(bare)}",
        ),
        Row(
            "download-only crawl",
            f"{download_rate:,.1f} pages/s",
            f"list pages read, article pages fetched and never read: "
            f"{download['responses']} responses in {download['seconds']:.1f} s; "
            f"crawl process CPU {_cpu_ms(download)}",
        ),
    ]
    for label, how, result, crawl_check in crawls:
        rows += _crawl_rows(label, how, result, crawl_check, bare_rate, download_rate)
    rows.append(
        Row(
            "peak RSS bare crawl",
            f"{bare['max_rss_kb'] / 1024:.0f} MB",
            "VmHWM of the crawl process",
        )
    )
    for label, _how, result, _check in crawls:
        rows.append(Row(f"peak RSS {label}", *_rss(result)))
    rows.append(
        Row("archive complete", f"{check.found}/{n}", f"{check.archived} articles archived")
    )
    rows += [Row(f"{name} correct", f"{check.correct[name]}/{n}") for name in FIELDS]
    rows += [
        Row(
            "lxml parse (floor)",
            _ms(micro.parse),
            f"lxml.html.fromstring, {micro.sample} pages x {micro.repeat}",
        ),
        Row("extraction", _ms(micro.extract), f"{micro.extract / micro.parse:.1f}x the floor"),
        Row(
            "whole article page",
            _ms(micro.links),
            f"extract_page: decode, parse, fields, links, normalization; "
            f"{micro.links / micro.parse:.1f}x the floor",
        ),
        Row(
            "normalization",
            _ms(micro.normalize),
            f"{micro.normalize / micro.extract * 100:.1f}% of extraction",
        ),
        Row(
            "storage",
            f"{micro.store_rate:,.0f} articles/s",
            f"store_articles, batches of 500, {micro.store_articles} articles with sections, "
            f"links and observations (each queued for the search index), best of {micro.repeat}",
        ),
        Row(
            "search index",
            f"{micro.index_rate:,.0f} articles/s",
            f"index_pending after each stored batch: the full-text index catching up, "
            f"best of {micro.repeat}",
        ),
    ]
    bare_cpu_ms = float(bare["cpu_seconds"]) * 1000 / max(1, int(bare["responses"]))
    if bare_cpu_ms and micro.store_rate:
        speed = bare_cpu_ms / ISSUE_BARE_CPU_MS
        rows.append(
            Row(
                "storage, at the issue's machine speed",
                f"{micro.store_rate * speed:,.0f} articles/s",
                f"the storage rate x {speed:.2f}: this machine's bare crawl took "
                f"{bare_cpu_ms:.2f} ms CPU a page, the issue's {ISSUE_BARE_CPU_MS} ms "
                "(target 5,000/s was set there)",
            )
        )
    rows += _budget_rows(bare, download, crawls, micro)
    return rows


def _rss(result: dict[str, Any]) -> tuple[str, str]:
    """The crawl process's peak RSS, and with its worker processes' (value, note)."""
    crawl_mb = result["max_rss_kb"] / 1024
    others = int(result.get("descendants", 0))
    if not others:
        return f"{crawl_mb:.0f} MB", "VmHWM of the crawl process (no worker process)"
    total_mb = crawl_mb + result["descendants_rss_kb"] / 1024
    return (
        f"{crawl_mb:.0f} MB",
        (
            f"VmHWM of the crawl process; {total_mb:.0f} MB with its {others} child "
            "processes (workers, forkserver, resource tracker), the sum of each one's peak"
        ),
    )


def _budget_rows(
    bare: dict[str, Any],
    download: dict[str, Any],
    crawls: list[tuple[str, str, dict[str, Any], CheckResult]],
    micro: MicroResult,
) -> list[Row]:
    """What the CPU figures above allow: the ratios a CPU-bound crawl could reach at most.

    Our work per page is the whole article page (its links included), storing
    and indexing it (the in-process rows), spread over every response. In one
    process it adds to what Scrapy costs to fetch the pages (the download-only
    crawl's CPU); on two cores the busier of the crawl process (as measured
    with worker + writer) and half of all the CPU decides. A CPU-bound crawl's
    rate is the inverse of its CPU per page, so each bound is a ratio of CPUs.
    """
    results = {result["spider"]: result for _label, _how, result, _check in crawls}
    cms, both = results.get("cms"), results.get("cms-both")
    if cms is None or both is None or not micro.store_rate or not micro.index_rate:
        return []
    per_article = micro.links + 1 / micro.store_rate + 1 / micro.index_rate
    ours = per_article * int(cms["items"]) / max(1, int(cms["responses"]))
    bare_cpu = float(bare["cpu_seconds"]) / max(1, int(bare["responses"]))
    fetch_cpu = float(download["cpu_seconds"]) / max(1, int(download["responses"]))
    crawl_cpu = float(both["cpu_seconds"]) / max(1, int(both["responses"]))
    busiest = max(crawl_cpu, (crawl_cpu + ours) / 2)
    rows = [
        Row(
            "our CPU per page",
            _ms(ours),
            "whole article page + storage + index (rows above), per response",
        ),
        Row(
            "one-process ceiling",
            f"{bare_cpu / (fetch_cpu + ours):.3f}",
            f"bare CPU {_ms(bare_cpu)} / (download-only CPU {_ms(fetch_cpu)} + ours): the "
            "most one process can keep (target 0.60)",
        ),
        Row(
            "two-core ceiling",
            f"{bare_cpu / busiest:.3f}",
            f"bare CPU / max(crawl process with worker + writer {_ms(crawl_cpu)}, "
            "(that + ours) / 2): the most two cores could keep if the processes cost each "
            "other nothing (target 0.85)",
        ),
    ]
    machine = float(both.get("machine_cpu_seconds") or 0) / max(1, int(both["responses"]))
    if machine:
        # What every process of the crawl took, measured: the in-process rows
        # above leave out the traffic between them (pickling, pipes, switches).
        rows += [
            Row(
                "machine CPU per page, worker + writer",
                _ms(machine),
                "every core's busy time during that crawl (/proc/stat) per response: the "
                "crawl process, its worker and writer, the site's server",
            ),
            Row(
                "two-core ceiling, measured",
                f"{min(1.0, 2 * bare_cpu / machine):.3f}",
                "bare CPU / (that / 2): the most two cores can keep with the CPU this "
                "crawl took per page (target 0.85)",
            ),
        ]
    return rows
