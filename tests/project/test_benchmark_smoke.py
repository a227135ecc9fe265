"""Smoke test of the throughput benchmark (issue 6): it runs end to end and stays honest.

A tiny site keeps it quick; no timing is asserted (figures depend on the
machine), only that the one command serves, crawls twice, checks the archive
against the truth, and writes a report with every expected row, and that
the full crawl archived every article with correct fields.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from benchmarks.crawl_runner import BareSpider, DownloadOnlySpider
from benchmarks.site import build_site

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTICLES = 30

CRAWLS = (
    "full crawl",
    "full crawl, extraction worker",
    "full crawl, writer process",
    "full crawl, worker + writer",
)
EXPECTED_ROWS = (
    "synthetic site",
    "server ceiling",
    "bare crawl",
    "download-only crawl",
    *CRAWLS,
    *(f"{crawl} / bare" for crawl in CRAWLS),
    "peak RSS bare crawl",
    *(f"peak RSS {crawl}" for crawl in CRAWLS),
    "archive complete",
    "title correct",
    "published_at correct",
    "views correct",
    "author correct",
    "sections correct",
    "lxml parse (floor)",
    "extraction",
    "whole article page",
    "normalization",
    "storage",
    "search index",
    "our CPU per page",
    "one-process ceiling",
    "two-core ceiling",
    "machine CPU per page, worker + writer",
    "two-core ceiling, measured",
)


def _rows(report: str) -> dict[str, str]:
    """``measure -> value`` of the results table."""
    rows: dict[str, str] = {}
    for line in report.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 3:
            rows[cells[0]] = cells[1]
    return rows


def rows_note(report: str, measure: str) -> str:
    """The note cell of one row of the results table."""
    (line,) = [line for line in report.splitlines() if line.startswith(f"| {measure} |")]
    return line.strip().strip("|").split("|")[2]


def test_benchmark_writes_report_and_archives_every_article(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [
            sys.executable, "-m", "benchmarks.run",
            "--articles", str(ARTICLES), "--sample", "5", "--repeat", "1",
            "--ceiling-seconds", "0.3", "--rounds", "2", "--out", str(out),
        ],
        cwd=REPO, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:] + proc.stdout[-3000:]
    report = out.read_text(encoding="utf-8")
    assert "## Machine" in report
    for key in ("nproc", "CPU", "RAM", "Python", "Scrapy", "lxml", "SQLAlchemy", "date"):
        assert f"| {key} |" in report
    rows = _rows(report)
    for name in EXPECTED_ROWS:
        assert name in rows, f"missing row {name!r}"
    assert rows["archive complete"] == f"{ARTICLES}/{ARTICLES}"
    for name in ("title", "published_at", "views", "author", "sections"):
        assert rows[f"{name} correct"] == f"{ARTICLES}/{ARTICLES}"
    for crawl in CRAWLS:
        assert re.fullmatch(r"[\d,.]+ pages/s", rows[crawl])
        (line,) = [line for line in report.splitlines() if line.startswith(f"| {crawl} |")]
        assert f"{ARTICLES}/{ARTICLES} archived, all fields correct" in line
        # Index catch-up is part of the crawl's time only when the crawl process does it.
        in_writer = "writer" in crawl
        assert ("the writer process spent" in line) == in_writer, line
        assert ("of which" in line) != in_writer, line
    # Worker modes count their worker processes' memory too (read from /proc).
    for crawl in ("full crawl, extraction worker", "full crawl, worker + writer"):
        (line,) = [line for line in report.splitlines() if line.startswith(f"| peak RSS {crawl} |")]
        found = re.search(r"(\d+) MB with its (\d+) child processes", line)
        assert found, line
        assert int(found.group(2)) >= (3 if "writer" in crawl else 2), line
        assert int(found.group(1)) > int(rows[f"peak RSS {crawl}"].split()[0]), line
    assert "no worker process" in rows_note(report, "peak RSS full crawl")
    for crawl in CRAWLS:  # each share read against the download-only rate too
        assert re.search(
            r"; [\d.]+ of the download-only rate", rows_note(report, f"{crawl} / bare")
        )
    # Shares of the bare rate: our work costs something, so one process keeps less than all.
    one, two = float(rows["one-process ceiling"]), float(rows["two-core ceiling"])
    assert 0 < one < 1 and two > 0
    # Every process's CPU: more than the crawl process's own (its workers start and work).
    (line,) = [
        line for line in report.splitlines() if line.startswith("| full crawl, worker + writer |")
    ]
    found = re.search(r"crawl process CPU ([\d.]+) ms/page", line)
    assert found, line
    crawl_ms = float(found.group(1))
    machine_ms = float(rows["machine CPU per page, worker + writer"].split()[0])
    assert machine_ms > crawl_ms
    assert 0 < float(rows["two-core ceiling, measured"]) <= 1
    assert "archive complete" in proc.stdout  # the report is printed too
    assert "each crawl ran 2 times, interleaved" in report
    # Each round's ratio to its own bare crawl: the median of two is their mean.
    for crawl in CRAWLS:
        found = re.search(re.escape(crawl) + r" ([\d.]+) \(([\d.]+), ([\d.]+)\)", report)
        assert found, crawl
        median, first, second = map(float, found.groups())
        assert first > 0 and second > 0
        assert abs(median - (first + second) / 2) <= 0.0015


def test_extraction_benchmark_reports_every_measure(tmp_path: Path) -> None:
    out = tmp_path / "extraction.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.extraction", "--repeat", "1", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = out.read_text()
    for measure in ("title exact", "date to the minute", "author not invented", "body token F1"):
        assert re.search(rf"\| {measure} \| \d+\.\d%", report), measure
    assert re.search(r"\| page object \(all fields\) \| [\d.]+ ms/page, [\d.]+x the floor", report)


def test_incremental_benchmark_fetches_only_what_is_new(tmp_path: Path) -> None:
    out = tmp_path / "incremental.md"
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.incremental", "--articles", "60", "--added", "6",
         "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = out.read_text()
    assert "| first harvest | " in report and "60 new articles stored" in report
    assert re.search(
        r"\| second harvest, nothing new or due \| \d+ requests \| [\d.]+% .*; 0 articles", report
    )
    assert "6 new stored, 6 articles fetched" in report
    # Besides the new articles: robots.txt, the home page and the first list page(s) of
    # each of the 4 channels, paged one 下一页 at a time until a page brings nothing new.
    other = int(re.search(r"(\d+) other requests", report).group(1))  # type: ignore[union-attr]
    assert other <= 2 + 4 * 2
    assert "| archive after | 66 articles |" in report


def test_the_bare_spider_reads_article_pages_and_the_download_only_one_does_not() -> None:
    """The bare crawl is the cms spider's discovery: an article page's sidebar,
    neighbours and pager are read (each URL requested once); the download-only
    crawl fetches article pages without reading them."""
    bundle = build_site(12)
    path = bundle.article_paths[5]
    url = "http://127.0.0.1:8000" + path
    page = HtmlResponse(url=url, body=bundle.body(path), encoding="utf-8")

    bare = BareSpider(start_urls=url)
    followed = [request.url for request in bare.parse_article(page)]
    assert any("/show.php?" in link and link != url for link in followed)
    assert any("/list.php?" in link for link in followed)
    assert len(followed) == len(set(followed))
    assert list(bare.parse_article(page)) == []  # every link already requested
    assert list(DownloadOnlySpider(start_urls=url).parse_article(page)) == []


def test_matrix_smoke_run_reports_every_cell_and_checks_the_archives(tmp_path: Path) -> None:
    out = tmp_path / "MATRIX.md"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.matrix",
            "--articles",
            "20",
            "--concurrency",
            "2,4",
            "--rounds",
            "1",
            "--out",
            str(out),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    rows = [line for line in out.read_text().splitlines() if re.match(r"\| 20 \| \d ", line)]
    assert [row.split("|")[2].strip() for row in rows] == ["2", "4"]
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        ratios = [float(cells[4].split()[0]), float(cells[6].split()[0])]
        assert all(0 < ratio < 10 for ratio in ratios)
        # Scrapy / extraction / normalization / storage: the stages were measured.
        # Peak memory of the process tree, shared pages counted once, was read.
        assert all(float(mb) > 0 for mb in cells[8].split(" / "))
        one_process = [float(v) for v in cells[9].split(" / ")]
        assert len(one_process) == 4 and one_process[1] > 0 and one_process[3] > 0
        assert cells[11] == "complete"
