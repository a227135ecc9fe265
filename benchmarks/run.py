"""``python -m benchmarks.run [--articles N] [--sample S] [--out FILE] [--profile FILE]``

Run from the repository root. One run generates the synthetic site, measures
the server's ceiling, crawls the site with the bare spider and with the real
``cms`` spider and pipelines (each in its own subprocess, same settings),
checks the archive against the truth, times the in-process stages, writes
the report and prints it. Exit status 1 when the archive check fails, so a
benchmark that got faster by archiving less cannot pass unnoticed.
"""

from __future__ import annotations

import argparse
import json
import pstats
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

from benchmarks.check import FIELDS, CheckResult, check_archive
from benchmarks.micro import MicroResult, run_micro
from benchmarks.report import Row, render
from benchmarks.server import Ceiling, SiteServer, measure_ceiling
from benchmarks.site import SiteBundle, build_site

REPO = Path(__file__).resolve().parent.parent


def crawl(spider: str, base_url: str, workdir: Path, profile: Path | None = None) -> dict[str, Any]:
    """One crawl in a fresh interpreter (``benchmarks.crawl_runner``); its JSON figures."""
    tag = f"{spider}-profiled" if profile else spider
    out = workdir / f"{tag}.json"
    archive = f"sqlite:///{workdir / f'{tag}.sqlite'}"
    command = [sys.executable, "-m", "benchmarks.crawl_runner", spider, base_url + "/", str(out)]
    command += ["--archive", archive]
    if profile is not None:
        command += ["--profile", str(profile)]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not out.exists():
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{spider} crawl failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    result["archive"] = archive
    return result


def _rate(result: dict[str, Any]) -> float:
    return float(result["responses"]) / float(result["seconds"])


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms/page"


def build_rows(
    bundle: SiteBundle,
    ceiling: Ceiling,
    bare: dict[str, Any],
    full: dict[str, Any],
    pooled: dict[str, Any],
    check: CheckResult,
    pooled_check: CheckResult,
    micro: MicroResult,
    written: dict[str, Any],
    written_check: CheckResult,
) -> list[Row]:
    """The results table, in the order the brief lists the measures."""
    sizes = [len(bundle.body(p)) for p in bundle.article_paths]
    full_rate, bare_rate = _rate(full), _rate(bare)
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
            f"{bare['responses']} responses in {bare['seconds']:.1f} s",
        ),
        Row(
            "full crawl",
            f"{full_rate:,.1f} pages/s",
            f"cms spider + pipelines into SQLite: {full['responses']} responses, "
            f"{full['items']} items in {full['seconds']:.1f} s",
        ),
        Row("full / bare", f"{full_rate / bare_rate:.3f}", "share of Scrapy's bare rate kept"),
        Row(
            "full crawl, 1 extraction worker",
            f"{_rate(pooled):,.1f} pages/s",
            f"NEWSCRAWL_EXTRACT_WORKERS=1 (the second core): {pooled['responses']} responses, "
            f"{pooled['items']} items in {pooled['seconds']:.1f} s, "
            f"{pooled_check.found}/{pooled_check.expected} archived, "
            f"{'all' if pooled_check.all_correct else 'NOT all'} fields correct",
        ),
        Row(
            "full with worker / bare",
            f"{_rate(pooled) / bare_rate:.3f}",
            "share of Scrapy's bare rate kept with the second core",
        ),
        Row(
            "full crawl, archive writer process",
            f"{_rate(written):,.1f} pages/s",
            f"ARCHIVE_WRITER=process (storage on the second core): {written['responses']} "
            f"responses, {written['items']} items in {written['seconds']:.1f} s, "
            f"{written_check.found}/{written_check.expected} archived, "
            f"{'all' if written_check.all_correct else 'NOT all'} fields correct",
        ),
        Row(
            "full with writer process / bare",
            f"{_rate(written) / bare_rate:.3f}",
            "share of Scrapy's bare rate kept, storage on the second core",
        ),
        Row(
            "peak RSS bare crawl",
            f"{bare['max_rss_kb'] / 1024:.0f} MB",
            "VmHWM of the crawl process",
        ),
        Row(
            "peak RSS full crawl",
            f"{full['max_rss_kb'] / 1024:.0f} MB",
            "VmHWM of the crawl process",
        ),
        Row(
            "peak RSS full crawl with worker",
            f"{pooled['max_rss_kb'] / 1024:.0f} MB",
            "VmHWM of the crawl process (the worker is a separate process)",
        ),
        Row(
            "archive complete",
            f"{check.found}/{n}",
            f"{check.archived} articles archived",
        ),
    ]
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
            f"store_articles, batches of 500, {micro.store_articles} articles "
            "with sections, links and observations",
        ),
    ]
    return rows


def top_functions(profile: Path, count: int = 15) -> str:
    """Top ``count`` functions by cumulative time (all, then project code) and by self time."""
    out = StringIO()
    full = pstats.Stats(str(profile), stream=out)
    out.write("== project code (newscrawl/, archive/) by cumulative time ==\n")
    full.sort_stats("cumulative").print_stats(r"/(newscrawl|archive)/", count)
    stats = pstats.Stats(str(profile), stream=out)
    stats.strip_dirs()
    out.write("== by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(count)
    out.write("== by self time ==\n")
    stats.sort_stats("tottime").print_stats(count)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000, help="articles in the site")
    parser.add_argument("--sample", type=int, default=200, help="pages timed in-process")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the sample")
    parser.add_argument("--ceiling-seconds", type=float, default=3.0)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    parser.add_argument("--profile", type=Path, help="also crawl under cProfile; write top here")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])

    started = time.perf_counter()
    bundle = build_site(args.articles, args.seed)
    print(f"site: {len(bundle.pages)} pages in {time.perf_counter() - started:.1f} s", flush=True)
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as tmp:
        workdir = Path(tmp)
        with SiteServer(bundle) as server:
            base = server.base_url
            ceiling = measure_ceiling(
                server.port, bundle.article_paths, seconds=args.ceiling_seconds
            )
            print(f"server ceiling: {ceiling.rate:,.0f} pages/s", flush=True)
            bare = crawl("bare", base, workdir)
            print(f"bare crawl: {_rate(bare):,.1f} pages/s", flush=True)
            full = crawl("cms", base, workdir)
            print(f"full crawl: {_rate(full):,.1f} pages/s", flush=True)
            pooled = crawl("cms-pool", base, workdir)
            print(f"full crawl with a worker: {_rate(pooled):,.1f} pages/s", flush=True)
            written = crawl("cms-writer", base, workdir)
            print(f"full crawl with a writer process: {_rate(written):,.1f} pages/s", flush=True)
            profiled = None
            if args.profile is not None:
                prof = workdir / "cms.prof"
                profiled = crawl("cms", base, workdir, profile=prof)
            check = check_archive(full["archive"], base, bundle.truth)
            pooled_check = check_archive(pooled["archive"], base, bundle.truth)
            written_check = check_archive(written["archive"], base, bundle.truth)
        micro = run_micro(
            bundle, base, sample=args.sample, repeat=args.repeat, store_count=args.articles
        )
        notes = [f"archive mismatch: {example}" for example in check.examples]
        if profiled is not None and args.profile is not None:
            text = top_functions(workdir / "cms.prof")
            args.profile.write_text(text, encoding="utf-8")
            notes.append(
                f"a separate cProfile'd full crawl ran at {_rate(profiled):,.1f} pages/s; "
                f"top functions in {args.profile.name}"
            )
    report = render(
        command,
        build_rows(
            bundle, ceiling, bare, full, pooled, check, pooled_check, micro, written, written_check
        ),
        notes,
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out} in {time.perf_counter() - started:.0f} s")
    return 0 if check.all_correct and pooled_check.all_correct else 1


if __name__ == "__main__":
    raise SystemExit(main())
