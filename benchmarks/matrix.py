"""``python -m benchmarks.matrix [--quick] [--articles 2000,5000,50000] [--concurrency 16,32]``

The throughput matrix (issue 28): for every site size and concurrency, the
full crawl in one process and in two-process mode (``NEWSCRAWL_EXTRACT_WORKERS=1``,
the crawl process storing: what ``auto`` gives wherever there are two cores)
against a bare Scrapy spider that follows the
same links and yields nothing. Each cell runs its crawls interleaved,
``--rounds`` times, each crawl in a fresh interpreter against the same locally
served synthetic site, and the table gives the median of each round's ratio
(this machine is shared and noisy: a ratio measured side by side is what
carries, not a rate).

Every full crawl is bracketed by bare crawls, and its ratio is to the
geometric mean of the bare crawl just before it and the one just after it:
bare, one process, bare, two-process, bare, two-process, bare, one process,
bare… (the modes' order alternates from round to round). The machine goes
through slow and fast phases that last minutes; with one bare crawl a round
as reference, a round whose bare crawl fell in a slow phase read as a ratio
above 1 and one whose full crawl did as half the truth (single rounds of one
cell ranged 0.70-1.12). A reference from both sides of the crawl cancels a
drift that is steady across it. Until `edd11cb` the two full crawls of a
round shared one pair of bare crawls around both; at 50,000 articles that
put the second full crawl of a round four minutes from its nearer bare
crawl, and the slow spells of a session come and go within that. A bare
crawl beside each full crawl costs a fifth more time.

Also per cell: the peak RSS (the crawl process; in two-process mode the
crawl and its worker together, each at its own peak: an upper
bound, since the processes share the pages of what they inherited), the
largest sampled PSS of the whole process tree (those shared pages counted
once: what the crawl costs the machine) and where the CPU went per page: Scrapy (the crawl process less what
our stages took in it), extraction, normalization and storage (with the
full-text index), measured in whichever process ran them. The archive of
every full crawl is checked against the site's truth: a crawl that got
faster by archiving less fails the benchmark (exit 1).

``--quick``: 2,000 articles, concurrency 16 and 32, one round (a few minutes).
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.check import check_archive
from benchmarks.run import REPO, crawl
from benchmarks.server import SiteServer
from benchmarks.site import build_site

#: (crawl_runner mode, label) of the two ways a user runs the full crawl.
ONE, TWO = "cms", "cms-pool"
MODES = ((ONE, "one process"), (TWO, "two-process"))
#: The issue's targets: the share of the bare rate each mode keeps, in every cell.
TARGETS = {ONE: 0.60, TWO: 0.85}
#: The stages each crawl_runner mode runs in the crawl process itself (the rest run in
#: its worker or writer process, whose CPU is not the crawl process's).
IN_CRAWL_PROCESS = {
    "cms": ("extract", "normalize", "store"),
    "cms-pool": ("store",),
    "cms-writer": ("extract", "normalize"),
    "cms-both": (),
}
RSS_TARGET_MB = 300


@dataclass
class Cell:
    """The rounds of one (articles, concurrency) cell."""

    articles: int
    concurrency: int
    #: Every bare crawl in the order run: one first, then one after each full crawl.
    bare: list[dict[str, Any]] = field(default_factory=list)
    full: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: For each mode's full crawl of each round, the index in ``bare`` of the bare
    #: crawl just before it (the one just after it is the next).
    before: dict[str, list[int]] = field(default_factory=dict)
    complete: dict[str, bool] = field(default_factory=dict)

    def reference(self, mode: str, number: int) -> float:
        """The bare rate for ``mode``'s crawl of round ``number``: the geometric mean of
        the bare crawls just before and just after it."""
        first = self.before[mode][number]
        return math.sqrt(_rate(self.bare[first]) * _rate(self.bare[first + 1]))

    def ratio(self, mode: str) -> float:
        """The median over rounds of (full crawl rate / its bare reference)."""
        return statistics.median(
            _rate(full) / self.reference(mode, number)
            for number, full in enumerate(self.full[mode])
        )

    def rate(self, mode: str) -> float:
        return statistics.median(_rate(run) for run in self.full[mode])

    def bare_rate(self) -> float:
        return statistics.median(_rate(run) for run in self.bare)

    def rss_mb(self, mode: str) -> float:
        """The largest peak of any round: the crawl process plus its workers' peaks."""
        return max(
            (int(run["max_rss_kb"]) + int(run.get("descendants_rss_kb") or 0)) / 1024
            for run in self.full[mode]
        )

    def pss_mb(self, mode: str) -> float:
        """The largest sampled PSS of the crawl's process tree (shared pages once)."""
        return max(int(run.get("tree_pss_kb") or 0) / 1024 for run in self.full[mode])

    def cpu_split(self, mode: str) -> str:
        """Scrapy / extraction / normalization / storage, CPU ms a page (medians of rounds)."""
        parts: dict[str, list[float]] = {"scrapy": [], "extract": [], "normalize": [], "store": []}
        for run in self.full[mode]:
            pages = max(1, int(run["responses"]))
            stages = {k: v / 1e6 for k, v in run["stage_cpu_us"].items()}
            ours_here = sum(stages[stage] for stage in IN_CRAWL_PROCESS[mode])
            parts["scrapy"].append((float(run["cpu_seconds"]) - ours_here) * 1000 / pages)
            for stage, seconds in stages.items():
                parts[stage].append(seconds * 1000 / pages)
        return " / ".join(f"{statistics.median(values):.2f}" for values in parts.values())


def _rate(run: dict[str, Any]) -> float:
    return float(run["responses"]) / float(run["seconds"])


def run_cell(
    base: str, folder: Path, articles: int, concurrency: int, rounds: int, truth: Any
) -> Cell:
    """The crawls of a cell: a bare crawl, then ``rounds`` times each full crawl followed
    by a bare crawl (see the module docstring)."""
    cell = Cell(articles, concurrency)
    settings = (
        f"CONCURRENT_REQUESTS={concurrency}",
        f"CONCURRENT_REQUESTS_PER_DOMAIN={concurrency}",
    )
    first = folder / f"c{concurrency}-r0"
    first.mkdir(parents=True)
    cell.bare.append(crawl("bare", base, first, settings=settings))
    for number in range(rounds):
        where = folder / f"c{concurrency}-r{number + 1}"
        where.mkdir(parents=True)
        line = f"{articles} articles, concurrency {concurrency}, round {number + 1}:"
        for mode, label in MODES if number % 2 == 0 else MODES[::-1]:
            cell.before.setdefault(mode, []).append(len(cell.bare) - 1)
            result = crawl(mode, base, where, settings=settings)
            cell.full.setdefault(mode, []).append(result)
            check = check_archive(result["archive"], base, truth)
            cell.complete[mode] = cell.complete.get(mode, True) and check.all_correct
            after = where / f"after-{mode}"
            after.mkdir()
            cell.bare.append(crawl("bare", base, after, settings=settings))
            rate, reference = _rate(result), cell.reference(mode, number)
            line += (
                f" bare {_rate(cell.bare[-2]):,.0f}, {label} {rate:,.0f} ({rate / reference:.3f}),"
            )
        print(f"{line} bare {_rate(cell.bare[-1]):,.0f} pages/s", flush=True)
    return cell


def commit() -> str:
    """The commit measured (with ``+`` when the work tree has changes)."""
    head = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        check=False,
        cwd=REPO,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (head or "unknown") + ("+" if dirty else "")


def render(cells: list[Cell], command: str, rounds: int, seconds: float) -> str:
    """The report: one row per cell, targets checked."""
    lines = [
        "# Throughput matrix",
        "",
        (
            f"`{command}` at commit `{commit()}`, {time.strftime('%Y-%m-%d')}, "
            f"{rounds} round(s) a cell, {seconds / 60:.0f} min in all. Machine: 2 cores shared "
            "with other work; see the module docstring of `benchmarks/matrix.py` for what "
            "each figure is."
        ),
        "",
        (
            "Ratios are the median over rounds of each full crawl over its bare "
            "reference, the geometric mean of the bare crawls run just before and just after "
            f"it (targets: one process >= {TARGETS[ONE]:.2f}, two-process >= "
            f"{TARGETS[TWO]:.2f}). RSS: peak MB, two-process counts the crawl process "
            f"and its worker each at its own peak (target <= {RSS_TARGET_MB} MB at 50,000 "
            "articles); PSS: the largest sampled sum over the crawl's process tree, pages "
            "they share counted once. CPU: ms a page, Scrapy / extraction / normalization / "
            "storage."
        ),
        "",
        (
            "| articles | concurrency | bare pages/s | one process pages/s | ratio | two-process "
            "pages/s | ratio | RSS one / two (MB) | PSS one / two (MB) | CPU one process | "
            "CPU two-process | "
            "archive |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for cell in cells:
        marks = {
            mode: ("" if cell.ratio(mode) >= TARGETS[mode] else " (below)") for mode, _ in MODES
        }
        complete = all(cell.complete.values())
        lines.append(
            f"| {cell.articles:,} | {cell.concurrency} | {cell.bare_rate():,.0f} | "
            f"{cell.rate(ONE):,.0f} | {cell.ratio(ONE):.3f}{marks[ONE]} | "
            f"{cell.rate(TWO):,.0f} | {cell.ratio(TWO):.3f}{marks[TWO]} | "
            f"{cell.rss_mb(ONE):.0f} / {cell.rss_mb(TWO):.0f} | "
            f"{cell.pss_mb(ONE):.0f} / {cell.pss_mb(TWO):.0f} | "
            f"{cell.cpu_split(ONE)} | {cell.cpu_split(TWO)} | "
            f"{'complete' if complete else 'INCOMPLETE'} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 articles, one round")
    parser.add_argument("--articles", default="2000,5000,50000", help="site sizes, comma-separated")
    parser.add_argument("--concurrency", default="16,32", help="comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS.md")
    args = parser.parse_args(argv)
    sizes = [2000] if args.quick else [int(n) for n in args.articles.split(",") if n]
    levels = [int(n) for n in args.concurrency.split(",") if n]
    rounds = 1 if args.quick else args.rounds
    command = "python -m benchmarks.matrix " + " ".join(argv if argv is not None else sys.argv[1:])
    started = time.perf_counter()
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix="newscrawl-matrix-") as tmp:
        for articles in sizes:
            bundle = build_site(articles, args.seed)
            with SiteServer(bundle) as server:
                for concurrency in levels:
                    folder = Path(tmp) / f"a{articles}"
                    cells.append(
                        run_cell(
                            server.base_url, folder, articles, concurrency, rounds, bundle.truth
                        )
                    )
    report = render(cells, command.strip(), rounds, time.perf_counter() - started)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report, encoding="utf-8")
    print(report)
    return 0 if all(all(cell.complete.values()) for cell in cells) else 1


if __name__ == "__main__":
    sys.exit(main())
