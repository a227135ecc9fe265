"""Pages/s of a shared harvest with 1, 2 and 3 worker processes (issue 29).

One synthetic site (``benchmarks.site``, 2,000 articles by default) on the
fast pre-rendered server; for each worker count, a fresh PostgreSQL database
and the real ``newscrawl harvest --redis`` command started that many times at
once. pages/s is every worker's pages (``downloader/response_count`` of their
run records) over the wall time from the first start to the last exit.
PostgreSQL and Redis come from ``NEWSCRAWL_TEST_POSTGRES_URL`` /
``NEWSCRAWL_TEST_REDIS_URL`` or are started for the run by the test helpers.

    python -m benchmarks.workers [--articles 2000] [--workers 1,2,3] [--repeat 3] [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import resource
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


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_workers(
    count: int, base_url: str, db: str, redis: str | None, logs: Path
) -> tuple[int, float, float]:
    """Start ``count`` workers at once (``redis`` None: one plain harvest); returns
    (pages, wall seconds, CPU seconds of the workers and their own processes)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    processes = []
    shared = ["--redis", redis] if redis else []
    for number in range(count):
        command = [str(BIN / "newscrawl"), "harvest", "--url", f"{base_url}/", "--db", db,
                   *shared, "--log-file", str(logs / f"w{count}-{number}.log"),
                   *SETTINGS]  # fmt: skip
        processes.append(subprocess.Popen(command, stdout=subprocess.PIPE, text=True))
    for process in processes:
        process.communicate()
        if process.returncode != 0:
            raise SystemExit(f"a worker failed (exit {process.returncode}); see {logs}")
    seconds = time.perf_counter() - started
    opened = open_archive(db, create=False)
    with opened.session() as session:
        pages = sum(int(r.stats.get("downloader/response_count", 0)) for r in list_runs(session))
    opened.close()
    return pages, seconds, _children_cpu() - cpu


Row = tuple[str, int, int, float, float]  # name, workers, pages, seconds, CPU seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", default="1,2,3")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the fastest is shown.")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.workers.split(",")]
    from tests.support.pg_server import Server, create_database
    from tests.support.pg_server import start as start_postgres
    from tests.support.redis_server import start as start_redis

    bundle = build_site(args.articles)
    rows: list[Row] = []
    with start_postgres() as pg, start_redis() as redis, SiteServer(bundle) as server:
        if not isinstance(pg, Server) or redis.startswith("no redis"):
            raise SystemExit(f"needs PostgreSQL and Redis: {pg if isinstance(pg, str) else redis}")
        logs = Path(tempfile.mkdtemp(prefix="newscrawl-workers-"))
        load = os.getloadavg()[0]
        runs: list[tuple[str, int, str | None]] = [("plain harvest (no Redis)", 1, None)]
        runs += [(f"{n} shared worker(s)", n, redis) for n in counts]
        every: dict[str, list[float]] = {}
        for repeat in range(args.repeat):  # interleaved, so a busy moment hits every kind
            for number, (name, count, queue) in enumerate(runs):
                db = create_database(pg, f"bench_workers_{number}_{repeat}_{os.getpid()}")
                pages, seconds, cpu = run_workers(count, server.base_url, db, queue, logs)
                every.setdefault(name, []).append(pages / seconds)
                print(f"{name}: {pages} pages in {seconds:.1f} s, {pages / seconds:.0f} pages/s")
                best = next((r for r in rows if r[0] == name), None)
                if best is None or pages / seconds > best[2] / best[3]:
                    rows = [r for r in rows if r[0] != name] + [(name, count, pages, seconds, cpu)]
        rows.sort(key=lambda r: [n for n, _, _ in runs].index(r[0]))
    one = rows[1][2] / rows[1][3]
    lines = [
        f"# Shared harvest: pages/s with {', '.join(map(str, counts))} workers",
        "",
        (
            f"`python -m benchmarks.workers --articles {args.articles} --repeat {args.repeat}` "
            "on this machine "
            f"({os.cpu_count()} cores, load average {load:.2f} when it began), one synthetic "
            f"site of {args.articles} articles, archive on PostgreSQL, queue on Redis, every "
            "worker on this machine. CPU is the workers' own (user + system), not "
            "PostgreSQL's, Redis's or the site server's."
        ),
        "",
        "| run | pages | seconds | pages/s | ratio to 1 shared worker | worker CPU s | CPU ms/page |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, _count, pages, seconds, cpu in rows:
        rate = pages / seconds
        lines.append(
            f"| {name} | {pages} | {seconds:.1f} | {rate:.0f} | {rate / one:.2f} | {cpu:.1f} "
            f"| {1000 * cpu / pages:.1f} |"
        )
    lines += [
        "",
        f"Each run {args.repeat} times, interleaved; the table shows the fastest of each "
        "(pages/s of every run: "
        + "; ".join(f"{n}: {', '.join(f'{r:.0f}' for r in rates)}" for n, rates in every.items())
        + ").",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
