"""Smoke test of the devset benchmark (issue 26): it runs end to end on two pages.

Only our extractor runs (the other tools are an optional extra); no figure is
asserted, only that the report has score.py's table with our row and our
speed against the lxml parse. Skipped where the development set is absent.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.devset import locate, missing
from benchmarks.extraction_devset import main

REPO = Path(__file__).resolve().parents[2]


def test_devset_benchmark_reports_our_scores_and_speed(tmp_path: Path) -> None:
    why = missing(locate())
    if why:
        pytest.skip(why)
    out = tmp_path / "DEVSET.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.extraction_devset", "--tools", "newscrawl",
         "--limit", "2", "--repeat", "1", "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = out.read_text(encoding="utf-8")
    assert report == proc.stdout
    assert "2 real news pages of" in report and "commit " in report
    assert "### all dev pages  (2 pages)" in report
    header = next(line for line in report.splitlines() if line.startswith("| tool "))
    for column in ("title_exact", "date_day", "date_min", "author_fp", "body_F1", "ms_med"):
        assert f" {column} " in header, column
    # One row in each of score.py's tables (all pages; news and gov pages).
    ours = next(line for line in report.splitlines() if line.startswith("| newscrawl "))
    cells = [cell.strip() for cell in ours.strip("|").split("|")][1:]
    assert len(cells) == header.count("|") - 2
    assert all(re.fullmatch(r"\d+\.\d{3}|\d+|-", cell) for cell in cells), ours
    assert re.search(r"\| n +\| 2 +\|", report)
    assert re.search(r"\*\*\d+\.\dx the lxml parse of the same page\*\*", report)
    assert "raised on" not in report
    for tool in ("trafilatura", "GNE", "readability-lxml"):
        assert f"| {tool}" not in report  # not asked for


def test_devset_benchmark_says_why_without_a_devset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--devset", str(tmp_path / "absent"), "--tools", "newscrawl"]) == 2
    assert f"no development set at {tmp_path / 'absent'}" in capsys.readouterr().err
