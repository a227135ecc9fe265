"""Smoke test of the memory benchmark (issue 6): it runs end to end on a tiny site.

No memory figure is asserted (it depends on the machine); the test checks
that every run crawled the same site completely into its archive, that the
due run revisited every due article, and that the report has a row per run.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
ARTICLES = 20
DUE = 50


def _rows(report: str) -> list[list[str]]:
    body = report.split("| archive holds |", 1)[1].splitlines()[2:]
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in body
        if line.startswith("| ")
    ]


def test_memory_benchmark_runs_and_reports_each_archive(tmp_path: Path) -> None:
    out = tmp_path / "MEMORY.md"
    command = [sys.executable, "-m", "benchmarks.memory", "--articles", str(ARTICLES)]
    command += ["--known", "0,2000", "--due", str(DUE), "--out", str(out)]
    proc = subprocess.run(
        command, cwd=REPO, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rows = _rows(out.read_text(encoding="utf-8"))
    assert [row[0] for row in rows] == [
        "nothing else",
        "2,000 known articles",
        f"{DUE} known articles, all due for a revisit",
    ]
    for held, _responses, items, rss, ratio, _per in rows:
        assert items == str(ARTICLES), held
        assert rss.endswith(" MB") and float(rss[:-3]) > 0, held
        assert ratio.endswith("×"), held
    site_responses = int(rows[0][1].replace(",", ""))
    assert site_responses > ARTICLES
    # The due articles were each requested once more (404: gone) on top of the site.
    assert int(rows[2][1].replace(",", "")) >= DUE + ARTICLES
