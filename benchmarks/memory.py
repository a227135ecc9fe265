"""The crawl's memory against the archive's size: the same harvest into bigger archives.

    python -m benchmarks.memory [--articles 1000] [--known 0,100000,400000] [--due 20000]

Issue 6 asks for memory that does not grow with the archive's size. Each run
crawls the same synthetic site (``--articles``) with the ``cms`` spider and
every pipeline in one process (the archive's transactions included), into an
archive that already holds ``--known`` other articles of the same site, and
reports the crawl process's peak RSS (``VmHWM``). Those articles are known to
the harvest (incremental discovery loads them) and not due for a revisit, so
every run fetches the same pages: what changes is only the archive under it.

A last run holds ``--due`` known articles that *are* due: each is revisited
(the server answers 404, the archive marks it gone). It shows that a harvest
with many revisits holds them on disk and feeds them to Scrapy as it has room,
rather than as a few hundred bytes of Request each in memory at once.

The extra articles are written with SQL, a few columns each, straight into
``articles``; they are left out of the full-text index (taken off its queue),
which no step here reads.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from archive import open_archive
from benchmarks.report import machine
from benchmarks.run import run_crawler
from benchmarks.server import SiteServer
from benchmarks.site import build_site

_FILL = """
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :count)
INSERT INTO articles (site, cms_id, url, channel, title, body, published_utc,
                      first_seen_at, fetched_at, content_hash)
SELECT :site, :prefix || i, :base || '/show.php?cid=99&id=' || (:offset + i), '99',
       'filler ' || i, 'filler body ' || i, :published, :fetched, :fetched, printf('%040d', i)
FROM n
"""


@dataclass
class Crawl:
    """One crawl's figures (from ``benchmarks.crawl_runner``)."""

    known: int
    due: int
    responses: int
    items: int
    seconds: float
    rss_mb: float


def fill(url: str, base: str, count: int, *, due: bool, offset: int) -> None:
    """Add ``count`` articles of ``base``'s site: fetched now (not due) or a month ago (due)."""
    now = datetime.now(UTC)
    fetched = now - timedelta(days=30) if due else now
    opened = open_archive(url)
    with opened.begin() as session:
        session.execute(
            text(_FILL),
            {
                "count": count,
                "site": "127.0.0.1",
                "prefix": "due" if due else "known",
                "base": base,
                "offset": offset,
                "published": (now - timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S.000000"),
                "fetched": fetched.isoformat(timespec="seconds"),
            },
        )
        session.execute(text("DELETE FROM articles_fts_pending"))
    opened.close()


def crawl(base: str, archive: str, out: Path, known: int, due: int) -> Crawl:
    result = run_crawler("cms", base, out, archive)
    return Crawl(
        known=known,
        due=due,
        responses=int(result["responses"]),
        items=int(result["items"]),
        seconds=float(result["seconds"]),
        rss_mb=int(result["max_rss_kb"]) / 1024,
    )


def run(articles: int, known_sizes: list[int], due: int, workdir: Path) -> list[Crawl]:
    bundle = build_site(articles)
    crawls: list[Crawl] = []
    with SiteServer(bundle) as server:
        plans = [(known, 0) for known in known_sizes]
        if due:
            plans.append((0, due))
        for number, (known, due_count) in enumerate(plans, start=1):
            archive = f"sqlite:///{workdir / f'archive{number}.sqlite'}"
            if known:
                fill(archive, server.base_url, known, due=False, offset=10_000_000)
            if due_count:
                fill(archive, server.base_url, due_count, due=True, offset=20_000_000)
            result = crawl(
                server.base_url, archive, workdir / f"crawl{number}.json", known, due_count
            )
            crawls.append(result)
            print(
                f"known {known:,}, due {due_count:,}: {result.responses} responses, "
                f"{result.items} items, peak RSS {result.rss_mb:.0f} MB",
                flush=True,
            )
    return crawls


def render(command: str, articles: int, crawls: list[Crawl]) -> str:
    baseline = next((c for c in crawls if c.known == 0 and c.due == 0), crawls[0])
    lines = [
        "# Crawl memory against the archive's size",
        "",
        f"Produced by `{command}` (issue 6: memory that does not grow with the archive's size).",
        "",
        "## Machine",
        "",
        "| key | value |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in machine()),
        "",
        "## Results",
        "",
        (
            f"Each row crawls the same {articles}-article site with the cms spider and every "
            "pipeline in one process; only the archive under it differs."
        ),
        "",
        "| archive holds | responses | items | peak RSS | vs empty archive | per archived article |",
        "|---|---|---|---|---|---|",
    ]
    for c in crawls:
        held = f"{c.known:,} known articles" if c.known else "nothing else"
        if c.due:
            held = f"{c.due:,} known articles, all due for a revisit"
        extra = c.known + c.due
        per = f"{(c.rss_mb - baseline.rss_mb) * 1024 * 1024 / extra:,.0f} bytes" if extra else "—"
        lines.append(
            f"| {held} | {c.responses:,} | {c.items:,} | {c.rss_mb:.0f} MB | "
            f"{c.rss_mb / baseline.rss_mb:.2f}× | {per} |"
        )
    lines += [
        "",
        (
            "Peak RSS is the crawl process's `VmHWM`. The due run fetches its revisits too "
            "(404s: each article is marked gone), so its responses include them. With known "
            "articles in the archive a harvest is incremental and pages through each list one "
            "next-page link at a time, so its list-page count differs a little from the first "
            "row's; every run stores the site's articles."
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000, help="articles in the site")
    parser.add_argument("--known", default="0,100000,400000", help="archive sizes, comma-separated")
    parser.add_argument("--due", type=int, default=20000, help="due articles in the last run")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    try:
        known_sizes = [int(value) for value in args.known.split(",") if value.strip()]
    except ValueError:
        parser.error("--known takes whole numbers separated by commas")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="newscrawl-memory-") as tmp:
        crawls = run(args.articles, known_sizes, args.due, Path(tmp))
    command = "python -m benchmarks.memory " + " ".join(argv if argv is not None else sys.argv[1:])
    report = render(command, args.articles, crawls)
    print(report, end="")
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    print(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
