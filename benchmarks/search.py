"""Search and export on a synthetic archive of N articles (default 100,000).

    python -m benchmarks.search [--articles 100000] [--out benchmarks/SEARCH.md]

The archive is written through :func:`archive.store_articles`, and the
full-text index caught up after each batch with :func:`archive.fts.index_pending`
(the way a crawl's archive pipeline builds it), with text of our own:
words of one to three characters drawn from a generated lexicon by a Zipf
law (a few words very common, most rare, as in real news text), five headed
sections of two paragraphs (about 1,500 characters of body, a typical news
article) and a sidebar per article, and some English words. Then, in one run:

- search: a fixed mix of one-, two- and three-character Chinese terms and
  English words, common and rare, each run several times: median and 95th
  percentile latency, plus a few with a site filter and a deep page;
- export: ``newsarchive export`` to a null sink, articles per second (the
  fastest of three passes);
- the same searches with one more batch stored and not yet indexed (what a
  search costs while a crawl is running: queued articles are scanned);
- the full-text index's size (``dbstat``) against the body text's size;
- storage rate, and the index's catch-up rate, for reference.

Targets (issue #5): median <= 20 ms, p95 <= 100 ms, export >= 20,000
articles/s, index <= 2x the body text.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text

from archive.db import open_archive
from archive.export import write_export
from archive.filters import ArticleFilters
from archive.fts import index_pending
from archive.search import search_articles
from archive.store.upsert import store_articles
from benchmarks.report import machine

#: Characters the lexicon draws from: the first 3,500 of the CJK block.
_CHARS = [chr(code) for code in range(0x4E00, 0x4E00 + 3500)]
_ENGLISH = ("cloud", "studio", "market", "drama", "stream", "festival", "budget", "camera")
_HEADINGS = ("一、", "二、", "三、", "四、", "五、")
SITES = ("news.example.test", "www.example.test", "media.example.test")
STORE_BATCH = 500
REPEAT = 5


@dataclass(frozen=True)
class Lexicon:
    """Words by rank (rank 0 the most common) and the Zipf cumulative weights."""

    words: list[str]
    cumulative: list[float]

    def draw(self, rng: random.Random, count: int) -> list[str]:
        return rng.choices(self.words, cum_weights=self.cumulative, k=count)


def make_lexicon(rng: random.Random, size: int = 30000) -> Lexicon:
    """Distinct words of 1-3 characters (one-character words the most common)."""
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        length = 1 if len(words) < 300 else rng.choice((2, 2, 2, 3))
        word = "".join(rng.choice(_CHARS) for _ in range(length))
        if word not in seen:
            seen.add(word)
            words.append(word)
    total = 0.0
    cumulative: list[float] = []
    for rank in range(size):
        total += 1.0 / (rank + 1)
        cumulative.append(total)
    return Lexicon(words, cumulative)


def _sentence(rng: random.Random, lexicon: Lexicon) -> str:
    words = lexicon.draw(rng, rng.randint(8, 20))
    if rng.random() < 0.05:
        words.insert(rng.randrange(len(words)), f" {rng.choice(_ENGLISH)} ")
    return "".join(words) + "。"


def make_article(number: int, rng: random.Random, lexicon: Lexicon) -> dict[str, Any]:
    """One Article-contract dict: five sections of two paragraphs (~1,500 characters), six links."""
    site = SITES[number % len(SITES)]
    sections: list[dict[str, Any]] = []
    parts: list[str] = []
    for heading in _HEADINGS:
        title = heading + "".join(lexicon.draw(rng, 3))
        paragraphs = [
            "".join(_sentence(rng, lexicon) for _ in range(rng.randint(4, 8))) for _ in range(2)
        ]
        sections.append({"heading": title, "paragraphs": paragraphs})
        parts.append("\n".join([title, *paragraphs]))
    body = "\n\n".join(parts)
    day = 1 + number % 28
    return {
        "url": f"http://{site}/show.php?cid=29&id={number}",
        "site": site,
        "cms_id": str(number),
        "channel": "29",
        "title": "".join(lexicon.draw(rng, 6)),
        "published_at": f"2026-01-{day:02d}T10:00:00+08:00",
        "published_raw": f"2026-01-{day:02d} 10:00",
        "author": "林晓" if number % 7 == 0 else "星澜编辑部",
        "source": None,
        "views": number % 5000,
        "views_raw": str(number % 5000),
        "views_source": "page",
        "sections": sections,
        "body": body,
        "sidebar": [
            {
                "box": "新闻资讯",
                "title": "".join(lexicon.draw(rng, 5)),
                "url": f"http://{site}/show.php?cid=29&id={number - k}",
                "date": None,
                "date_raw": None,
                "truncated": False,
            }
            for k in range(1, 7)
        ],
        "fetched_at": "2026-01-29T00:00:00+00:00",
    }


def build_archive(path: Path, count: int, seed: int = 5) -> tuple[Lexicon, float, float]:
    """Write ``count`` articles, indexing after each batch.

    Returns the lexicon, the seconds storing took and the seconds indexing took.
    """
    rng = random.Random(seed)
    lexicon = make_lexicon(rng)
    stored, indexed = store_batches(path, range(1, count + 1), rng, lexicon, index=True)
    return lexicon, stored, indexed


def store_batches(
    path: Path, numbers: range, rng: random.Random, lexicon: Lexicon, *, index: bool
) -> tuple[float, float]:
    """Store articles ``numbers`` in batches; with ``index``, catch the index up after each.

    Returns (seconds storing, seconds indexing).
    """
    opened = open_archive(str(path))
    stored = indexed = 0.0
    try:
        for start in range(numbers.start, numbers.stop, STORE_BATCH):
            batch = [
                make_article(n, rng, lexicon)
                for n in range(start, min(numbers.stop, start + STORE_BATCH))
            ]
            began = time.perf_counter()
            with opened.begin() as session:
                store_articles(session, batch)
            stored += time.perf_counter() - began
            if index:
                began = time.perf_counter()
                with opened.begin() as session:
                    index_pending(session)
                indexed += time.perf_counter() - began
    finally:
        opened.close()
    return stored, indexed


def query_mix(lexicon: Lexicon) -> list[tuple[str, str]]:
    """(kind, query): ranks spread from the most common words to rare ones."""
    one = [w for w in lexicon.words if len(w) == 1]
    two = [w for w in lexicon.words if len(w) == 2]
    three = [w for w in lexicon.words if len(w) == 3]
    mix: list[tuple[str, str]] = []
    for kind, words in (("1 char", one), ("2 chars", two), ("3 chars", three)):
        for rank in (0, 2, 10, 40, 150, len(words) // 4, len(words) // 2, len(words) - 1):
            mix.append((kind, words[min(rank, len(words) - 1)]))
    mix += [("English", word) for word in _ENGLISH[:6]]
    mix += [("2 terms", f"{two[5]} {two[300]}"), ("phrase", f'"{_ENGLISH[0]} {one[0]}"')]
    return mix


def _timed(function: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    result = function()
    return (time.perf_counter() - began) * 1000, result


def time_searches(path: Path, mix: list[tuple[str, str]]) -> dict[str, Any]:
    """Latencies (ms) of every query in the mix, ``REPEAT`` times each, warm."""
    opened = open_archive(str(path), create=False)
    latencies: list[float] = []
    by_kind: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    try:
        with opened.session() as session:
            for kind, query in mix:
                search_articles(session, query)  # warm the page cache for this term
                for _ in range(REPEAT):
                    ms, page = _timed(lambda q=query: search_articles(session, q))
                    latencies.append(ms)
                    by_kind.setdefault(kind, []).append(ms)
                hits[query] = len(page.hits)
            filtered: list[float] = []
            for _, query in mix[:: max(1, len(mix) // 6)]:
                for _ in range(REPEAT):
                    ms, _page = _timed(
                        lambda q=query: search_articles(
                            session, q, filters=ArticleFilters(site=SITES[1])
                        )
                    )
                    filtered.append(ms)
            deep, _page = _timed(lambda: search_articles(session, mix[0][1], offset=6000))
    finally:
        opened.close()
    return {
        "latencies": latencies,
        "by_kind": by_kind,
        "filtered": filtered,
        "deep": deep,
        "empty": sum(1 for count in hits.values() if count == 0),
    }


class _NullSink(io.StringIO):
    """Counts characters written and keeps none (export speed, not the disk's)."""

    def __init__(self) -> None:
        super().__init__()
        self.chars = 0

    def write(self, s: str) -> int:
        self.chars += len(s)
        return len(s)


def time_export(path: Path, fmt: str, repeat: int = 3) -> tuple[int, float]:
    """(articles, seconds) of the fastest of ``repeat`` full exports (the machine is noisy)."""
    opened = open_archive(str(path), create=False)
    best = float("inf")
    count = 0
    try:
        for _ in range(repeat):
            with opened.session() as session:
                began = time.perf_counter()
                count = write_export(session, _NullSink(), fmt)
                best = min(best, time.perf_counter() - began)
    finally:
        opened.close()
    return count, best


def sizes(path: Path) -> tuple[int, int]:
    """(bytes of the full-text index's tables, bytes of the body text)."""
    opened = open_archive(str(path), create=False)
    try:
        with opened.session() as session:
            index = session.execute(
                text("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'articles_fts%'")
            ).scalar_one()
            body = session.execute(
                text("SELECT sum(length(CAST(body AS BLOB))) FROM articles")
            ).scalar_one()
            return int(index or 0), int(body or 0)
    finally:
        opened.close()


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def run(count: int, workdir: Path) -> list[tuple[str, str, str]]:
    """Build, measure, and return the report's rows (measure, value, target)."""
    path = workdir / "search-bench.sqlite"
    lexicon, stored, indexed = build_archive(path, count)
    mix = query_mix(lexicon)
    searches = time_searches(path, mix)
    exported, export_seconds = time_export(path, "jsonl")
    exported_csv, csv_seconds = time_export(path, "csv")
    index_bytes, body_bytes = sizes(path)
    # One more batch stored and left queued, as while a crawl is writing.
    queued = min(STORE_BATCH, count)
    store_batches(
        path, range(count + 1, count + 1 + queued), random.Random(count), lexicon, index=False
    )
    with_queue = time_searches(path, mix)["latencies"]
    latencies = searches["latencies"]
    rows = [
        ("articles", f"{count:,}", ""),
        ("queries", f"{len(mix)} x {REPEAT} ({searches['empty']} with no match)", ""),
        ("search median", f"{statistics.median(latencies):.1f} ms", "<= 20 ms"),
        ("search p95", f"{_percentile(latencies, 0.95):.1f} ms", "<= 100 ms"),
        ("search max", f"{max(latencies):.1f} ms", ""),
    ]
    for kind, values in searches["by_kind"].items():
        spread = f"{statistics.median(values):.1f} / {max(values):.1f} ms"
        rows.append((f"  {kind}: median / max", spread, ""))
    ratio = f"{index_bytes / body_bytes:.2f} ({index_bytes >> 20} MiB / {body_bytes >> 20} MiB)"
    rows += [
        ("search with --site, median", f"{statistics.median(searches['filtered']):.1f} ms", ""),
        ("search, page at offset 6,000", f"{searches['deep']:.1f} ms", ""),
        (
            f"search with {queued:,} more articles not yet indexed: median / p95",
            f"{statistics.median(with_queue):.1f} / {_percentile(with_queue, 0.95):.1f} ms",
            "",
        ),
        ("export jsonl", f"{exported / export_seconds:,.0f} articles/s", ">= 20,000/s"),
        ("export csv", f"{exported_csv / csv_seconds:,.0f} articles/s", ">= 20,000/s"),
        ("index / body text", ratio, "<= 2"),
        ("storage", f"{count / stored:,.0f} articles/s", ""),
        ("index catch-up after each batch", f"{count / indexed:,.0f} articles/s", ""),
    ]
    return rows


def render(rows: list[tuple[str, str, str]], command: str) -> str:
    lines = ["# Search and export benchmark", "", f"Command: `{command}`", ""]
    lines += [f"- {key}: {value}" for key, value in machine()]
    lines += ["", "| measure | value | target |", "|---|---|---|"]
    lines += [f"| {m} | {v} | {t} |" for m, v, t in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newscrawl-search-") as tmp:
        rows = run(args.articles, Path(tmp))
    command = "python -m benchmarks.search" + " ".join(
        [""] + (argv if argv is not None else sys.argv[1:])
    )
    report = render(rows, command)
    sys.stdout.write(report)
    if args.out is not None:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
