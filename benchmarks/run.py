"""``python -m benchmarks.run [--articles N] [--sample S] [--out FILE] [--profile FILE]``

Run from the repository root. One run generates the synthetic site, measures
the server's ceiling, crawls the site with the bare spider (the cms
spider's discovery, nothing extracted), a download-only spider (article
pages fetched, never read) and the real ``cms`` spider and pipelines (each in its own subprocess, same settings),
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

from benchmarks.check import CheckResult, check_archive
from benchmarks.micro import run_micro
from benchmarks.report import render
from benchmarks.server import SiteServer, measure_ceiling
from benchmarks.site import build_site
from benchmarks.stage_rows import (
    BASELINE_LABELS,
    VARIANTS,
    build_rows,
    fastest,
    median_ratio,
    pages_per_second,
    worst,
)

REPO = Path(__file__).resolve().parent.parent


def crawl(
    spider: str,
    base_url: str,
    workdir: Path,
    profile: Path | None = None,
    settings: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One crawl in a fresh interpreter (``benchmarks.crawl_runner``); its JSON figures.

    ``settings``: ``KEY=VALUE`` Scrapy settings for this crawl.
    """
    tag = f"{spider}-profiled" if profile else spider
    if settings:
        tag += "-" + "-".join(setting.replace("=", "_") for setting in settings)
    archive = f"sqlite:///{workdir / f'{tag}.sqlite'}"
    result = run_crawler(spider, base_url, workdir / f"{tag}.json", archive, profile, settings)
    result["archive"] = archive
    return result


def run_crawler(
    spider: str,
    base_url: str,
    out: Path,
    archive: str,
    profile: Path | None = None,
    settings: tuple[str, ...] = (),
) -> dict[str, Any]:
    """``benchmarks.crawl_runner`` in a subprocess into ``archive``; the figures it wrote to ``out``.

    A failed crawl prints its stderr and ends the benchmark.
    """
    command = [sys.executable, "-m", "benchmarks.crawl_runner", spider, base_url + "/", str(out)]
    command += ["--archive", archive]
    if profile is not None:
        command += ["--profile", str(profile)]
    for setting in settings:
        command += ["-s", setting]
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not out.exists():
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{spider} crawl failed (exit {proc.returncode})")
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


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
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "STAGES.md")
    parser.add_argument("--profile", type=Path, help="also crawl under cProfile; write top here")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument(
        "--rounds", type=int, default=1, help="crawl each way this many times; keep the fastest"
    )
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
            rounds: dict[str, list[dict[str, Any]]] = {"bare": [], "download": []}
            checks: dict[str, list[CheckResult]] = {}
            for number in range(args.rounds):
                # Each round crawls into fresh archives (a second crawl into the same
                # one would be incremental); bare and full crawls interleave, so a
                # slow spell of this machine hits every kind alike.
                folder = workdir / f"round{number + 1}"
                folder.mkdir()
                for mode, label in BASELINE_LABELS:
                    baseline = crawl(mode, base, folder)
                    rounds[mode].append(baseline)
                    print(
                        f"round {number + 1}: {label} {pages_per_second(baseline):,.1f} pages/s",
                        flush=True,
                    )
                for mode, label, _how in VARIANTS:
                    result = crawl(mode, base, folder)
                    rounds.setdefault(mode, []).append(result)
                    checks.setdefault(mode, []).append(
                        check_archive(result["archive"], base, bundle.truth)
                    )
                    print(
                        f"round {number + 1}: {label} {pages_per_second(result):,.1f} pages/s",
                        flush=True,
                    )
            profiled = None
            if args.profile is not None:
                prof = workdir / "cms.prof"
                profiled = crawl("cms", base, workdir, profile=prof)
            bare, download = fastest(rounds["bare"]), fastest(rounds["download"])
            crawls = [
                (label, how, fastest(rounds[mode]), worst(checks[mode]))
                for mode, label, how in VARIANTS
            ]
        micro = run_micro(
            bundle, base, sample=args.sample, repeat=args.repeat, store_count=args.articles
        )
        notes = [
            f"archive mismatch ({label}): {example}"
            for label, _how, _result, check in crawls
            for example in check.examples
        ]
        if args.rounds > 1:
            spread = "; ".join(
                f"{label}: " + ", ".join(f"{pages_per_second(run):,.0f}" for run in rounds[mode])
                for mode, label in (*BASELINE_LABELS, *((m, lb) for m, lb, _how in VARIANTS))
            )
            notes.append(
                f"each crawl ran {args.rounds} times, interleaved; the table shows the "
                f"fastest run of each (pages/s of every run: {spread})"
            )
            # The fastest run of each kind may come from different spells of a noisy
            # machine; a round's full crawls and its bare crawl ran minutes apart.
            paired = "; ".join(
                f"{label} {median_ratio(rounds[mode], rounds['bare'])}"
                for mode, label, _how in VARIANTS
            )
            notes.append(
                "each round's full crawls against that round's bare crawl, the median "
                f"ratio (every round's in brackets): {paired}"
            )
        if profiled is not None and args.profile is not None:
            text = top_functions(workdir / "cms.prof")
            args.profile.write_text(text, encoding="utf-8")
            notes.append(
                f"a separate cProfile'd full crawl ran at {pages_per_second(profiled):,.1f} pages/s; "
                f"top functions in {args.profile.name}"
            )
    report = render(command, build_rows(bundle, ceiling, bare, download, crawls, micro), notes)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    print(f"written to {args.out} in {time.perf_counter() - started:.0f} s")
    return 0 if all(check.all_correct for _label, _how, _result, check in crawls) else 1


if __name__ == "__main__":
    raise SystemExit(main())
