"""WARC captures: what they cost a crawl, on disk, and what re-extraction takes.

    python -m benchmarks.capture [--articles 5000] [--rounds 2] [--out FILE]

The synthetic site of ``benchmarks.run`` is crawled by the real ``cms``
spider and pipelines (``benchmarks.crawl_runner``, one subprocess each, same
settings), with ``NEWSCRAWL_CAPTURE`` off and on in the same run, alternating
which goes first each round so that a machine growing busier or quieter
weighs on both. Reported: pages/s of each (median of the rounds) and their
ratio (issue 27's target: captures cost <= 10% of throughput, a ratio >= 0.90);
the capture files' bytes per 1,000 articles; every file checked by ``warcio
check``; and ``newsarchive reextract`` over the last captured crawl, timed
against that crawl (target: less time than the crawl took).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.run import run_crawler
from benchmarks.server import SiteServer
from benchmarks.site import build_site

REPO = Path(__file__).resolve().parent.parent
WARCIO = Path(sys.executable).with_name("warcio")
NEWSARCHIVE = Path(sys.executable).with_name("newsarchive")


def _crawl(
    base: str, workdir: Path, tag: str, capture: bool, db: Path | None = None
) -> dict[str, Any]:
    db = db or workdir / f"{tag}.sqlite"
    settings: tuple[str, ...] = (f"NEWSCRAWL_CAPTURE={int(capture)}",)
    if db.exists():  # a second harvest: every known article due again
        settings += ("NEWSCRAWL_REVISIT=*=0",)
    result = run_crawler("cms", base, workdir / f"{tag}.json", f"sqlite:///{db}", None, settings)
    result["db"] = db
    return result


def _rate(result: dict[str, Any]) -> float:
    return float(result["responses"]) / float(result["seconds"])


def run(articles: int, rounds: int, workdir: Path) -> list[tuple[str, str, str]]:
    site = build_site(articles)
    off: list[dict[str, Any]] = []
    on: list[dict[str, Any]] = []
    with SiteServer(site) as server:
        for number in range(rounds):
            order = (False, True) if number % 2 == 0 else (True, False)
            for capture in order:
                tag = f"{'on' if capture else 'off'}-{number}"
                (on if capture else off).append(_crawl(server.base_url, workdir, tag, capture))
        last = on[-1]
        folder = Path(f"{last['db']}.captures")
        files = sorted(folder.glob("*.warc.gz"))
        # The same site harvested again into the last archive: its pages did not change.
        again = _crawl(server.base_url, workdir, "again", True, Path(last["db"]))
    again_files = sorted(set(folder.glob("*.warc.gz")) - set(files))
    again_bytes = sum(path.stat().st_size for path in again_files)
    warc_bytes = sum(path.stat().st_size for path in files)
    failed = [
        path.name
        for path in files + again_files
        if subprocess.run([WARCIO, "check", str(path)], capture_output=True, check=False).returncode
    ]
    started = time.perf_counter()
    reextract = subprocess.run(
        [NEWSARCHIVE, "--db", str(last["db"]), "reextract"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    reextract_seconds = time.perf_counter() - started
    if reextract.returncode != 0:
        sys.stderr.write(reextract.stdout + reextract.stderr)
        raise SystemExit(f"reextract failed (exit {reextract.returncode})")
    ratios = [_rate(r_on) / _rate(r_off) for r_on, r_off in zip(on, off, strict=True)]
    rate_off = statistics.median(_rate(r) for r in off)
    rate_on = statistics.median(_rate(r) for r in on)
    items = int(last["items"])
    db_bytes = Path(last["db"]).stat().st_size
    return [
        ("site", f"{articles} articles", f"{int(last['responses'])} responses a crawl"),
        (
            "crawl, captures off",
            f"{rate_off:.0f} pages/s",
            "median of " + ", ".join(f"{_rate(r):.0f}" for r in off),
        ),
        (
            "crawl, captures on",
            f"{rate_on:.0f} pages/s",
            "median of " + ", ".join(f"{_rate(r):.0f}" for r in on),
        ),
        (
            "throughput with captures",
            f"{rate_on / rate_off:.3f}x",
            "target >= 0.90x (captures cost <= 10%)",
        ),
        (
            "throughput with captures, round by round",
            f"{statistics.median(ratios):.3f}x",
            "median of each round's on/off ratio: " + ", ".join(f"{r:.3f}" for r in ratios),
        ),
        (
            "capture files",
            f"{warc_bytes / 1e6:.1f} MB in {len(files)} files",
            (
                f"{warc_bytes / max(1, items) * 1000 / 1e6:.1f} MB per 1,000 articles "
                f"(the archive: {db_bytes / max(1, items) * 1000 / 1e6:.1f} MB per 1,000)"
            ),
        ),
        (
            "second harvest",
            f"{again_bytes / max(1, int(again['items'])) * 1000 / 1e6:.2f} MB per 1,000 articles",
            (
                f"{int(again['items'])} articles fetched again, unchanged: "
                f"{int(again.get('capture_revisits', 0))} revisit records, "
                f"{again_bytes / 1e6:.1f} MB in {len(again_files)} files"
            ),
        ),
        ("warcio check", "pass" if not failed else f"FAIL: {', '.join(failed)}", ""),
        (
            f"reextract {items} articles",
            f"{reextract_seconds:.1f} s",
            f"the crawl took {float(last['seconds']):.1f} s "
            f"({reextract_seconds / float(last['seconds']):.2f}x); "
            + reextract.stdout.strip().splitlines()[-1],
        ),
    ]


def render(rows: list[tuple[str, str, str]], command: str) -> str:
    lines = [
        "# WARC captures",
        "",
        f"Produced by `{command}` on {time.strftime('%Y-%m-%d')}.",
        "",
        "| measure | value | note |",
        "|---|---|---|",
        *(f"| {m} | {v} | {n} |" for m, v, n in rows),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newscrawl-capture-") as tmp:
        rows = run(args.articles, args.rounds, Path(tmp))
    text = render(rows, "python -m benchmarks.capture " + " ".join(argv or sys.argv[1:]))
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
