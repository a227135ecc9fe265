"""Pages/s of a shared harvest with 1, 2 and 3 worker processes (issue 29).

One synthetic site (``benchmarks.site``, 2,000 articles by default) on the
fast pre-rendered server; for each worker count, a fresh PostgreSQL database
and the real ``newscrawl harvest --redis`` command started that many times at
once. pages/s is every worker's pages (``downloader/response_count`` of their
run records) over the wall time from the first start to the last exit.
PostgreSQL and Redis come from ``NEWSCRAWL_TEST_POSTGRES_URL`` /
``NEWSCRAWL_TEST_REDIS_URL`` or are started for the run by the test helpers.

    python -m benchmarks.workers [--articles 2000] [--workers 1,2,3] [--out benchmarks/WORKERS.md]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archive import list_runs, open_archive
from benchmarks.server import SiteServer
from benchmarks.site import build_site

BIN = Path(sys.executable).parent
SETTINGS = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
            "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "LOG_LEVEL=WARNING"]  # fmt: skip


def run_workers(count: int, base_url: str, db: str, redis: str, logs: Path) -> tuple[int, float]:
    """Start ``count`` workers at once; returns (pages, wall seconds)."""
    started = time.perf_counter()
    processes = []
    for number in range(count):
        command = [str(BIN / "newscrawl"), "harvest", "--url", f"{base_url}/", "--db", db,
                   "--redis", redis, "--log-file", str(logs / f"w{count}-{number}.log"),
                   *SETTINGS]  # fmt: skip
        processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
    for process in processes:
        process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"a worker failed (exit {process.returncode}); see {logs}")
    seconds = time.perf_counter() - started
    sessions = open_archive(db, create=False)
    with sessions() as session:
        pages = sum(int(r.stats.get("downloader/response_count", 0)) for r in list_runs(session))
    sessions.kw["bind"].dispose()
    return pages, seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    from tests.pg_server import Server, create_database
    from tests.pg_server import start as start_postgres
    from tests.redis_server import start as start_redis

    bundle = build_site(args.articles)
    rows: list[tuple[int, int, float]] = []
    with start_postgres() as pg, start_redis() as redis, SiteServer(bundle) as server:
        if not isinstance(pg, Server) or redis.startswith("no redis"):
            raise SystemExit(f"needs PostgreSQL and Redis: {pg if isinstance(pg, str) else redis}")
        logs = Path(tempfile.mkdtemp(prefix="newscrawl-workers-"))
        for count in counts:
            db = create_database(pg, f"bench_workers_{count}_{os.getpid()}")
            pages, seconds = run_workers(count, server.base_url, db, redis, logs)
            rows.append((count, pages, seconds))
            print(
                f"{count} worker(s): {pages} pages in {seconds:.1f} s = {pages / seconds:.0f} pages/s"
            )
    one = rows[0][1] / rows[0][2]
    lines = [
        f"# Shared harvest: pages/s with {', '.join(map(str, counts))} workers",
        "",
        (
            f"`python -m benchmarks.workers --articles {args.articles}` on this machine "
            f"({os.cpu_count()} cores), one synthetic site of {args.articles} articles, archive on "
            "PostgreSQL, queue on Redis, every worker on this machine."
        ),
        "",
        "| workers | pages | seconds | pages/s | ratio to 1 worker |",
        "|---:|---:|---:|---:|---:|",
    ]
    for count, pages, seconds in rows:
        rate = pages / seconds
        lines.append(f"| {count} | {pages} | {seconds:.1f} | {rate:.0f} | {rate / one:.2f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
