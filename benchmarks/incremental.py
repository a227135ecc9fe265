"""Incremental harvests on a local site: what a second and a third run fetch.

    python -m benchmarks.incremental [--articles 5000] [--added 50] [--out FILE]

Issue 4's targets, measured with the real ``newscrawl harvest`` command
against a synthetic PHPMyWind-style site served on 127.0.0.1:

1. a first harvest of N articles;
2. a second harvest right after, nothing changed and nothing due by the
   default revisit schedule (the articles are months old): its requests as a
   share of the first's (target <= 2%);
3. ``--added`` newer articles appear (lists re-rendered, newest first, at the
   same origin); a third harvest must store exactly those and read the list
   pages only down to the first known articles.

Request counts come from the run records the harvests write
(``downloader/request_count``), article fetches from their item counts.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive import count_articles, list_runs, open_archive
from benchmarks.server import SiteServer
from benchmarks.site import render_site
from benchmarks.textpool import generate_articles

REPO = Path(__file__).resolve().parent.parent
#: Full speed on loopback, as in benchmarks.run; robots.txt is still obeyed.
FAST = (
    "CONCURRENT_REQUESTS=16",
    "CONCURRENT_REQUESTS_PER_DOMAIN=16",
    "DOWNLOAD_DELAY=0",
    "AUTOTHROTTLE_ENABLED=0",
)


@dataclass
class Run:
    """One harvest's figures from its run record."""

    requests: int
    responses: int
    items: int
    new: int
    seconds: float


def harvest(base_url: str, db: Path, log: Path) -> Run:
    """One ``newscrawl harvest`` subprocess; its run record's figures."""
    command = [sys.executable, "-m", "newscrawl.cli", "harvest", "--url", base_url + "/"]
    command += ["--db", str(db), "--log-file", str(log)]
    for setting in FAST:
        command += ["-s", setting]
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"harvest failed (exit {proc.returncode})")
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        stats: dict[str, Any] = list_runs(session, limit=1)[0].stats
    opened.close()
    return Run(
        requests=int(stats.get("downloader/request_count", 0)),
        responses=int(stats.get("downloader/response_count", 0)),
        items=int(stats.get("item_scraped_count", 0)),
        new=int(stats.get("newscrawl/archive/new", 0)),
        seconds=seconds,
    )


def archived(db: Path) -> int:
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        count = count_articles(session)
    opened.close()
    return count


def run(articles: int, added: int, workdir: Path) -> list[tuple[str, str, str]]:
    """The three harvests; the report's rows (measure, value, note)."""
    generated = generate_articles(articles + added)
    before, after = render_site(generated[added:]), render_site(generated)
    db, log = workdir / "archive.sqlite", workdir / "harvest.log"
    with SiteServer(before) as server:
        port, base = server.port, server.base_url
        first = harvest(base, db, log)
        second = harvest(base, db, log)
    with SiteServer(after, port=port):
        third = harvest(base, db, log)
    total = archived(db)
    list_pages_before = len(before.list_paths)
    share = second.requests / first.requests
    return [
        ("site", f"{articles} articles, then {added} more", f"{list_pages_before} list pages"),
        ("first harvest", f"{first.requests} requests", f"{first.new} new articles stored"),
        (
            "second harvest, nothing new or due",
            f"{second.requests} requests",
            f"{share:.2%} of the first (target <= 2%); {second.items} articles fetched",
        ),
        (
            f"third harvest, {added} added",
            f"{third.requests} requests",
            (
                f"{third.new} new stored, {third.items} articles fetched, "
                f"{third.requests - third.items} other requests (robots, home, list pages)"
            ),
        ),
        ("archive after", f"{total} articles", f"expected {articles + added}"),
    ]


def render(rows: list[tuple[str, str, str]], command: str) -> str:
    lines = [
        "# Incremental harvests",
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
    parser.add_argument("--added", type=int, default=50)
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newscrawl-incremental-") as tmp:
        rows = run(args.articles, args.added, Path(tmp))
    text = render(rows, "python -m benchmarks.incremental " + " ".join(argv or sys.argv[1:]))
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
