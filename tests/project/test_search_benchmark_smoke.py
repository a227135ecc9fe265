"""The search benchmark runs end to end on a tiny archive (no timing asserted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from benchmarks.search import main

pytestmark = pytest.mark.slow  # builds and searches an archive: seconds


def test_search_benchmark_smoke(tmp_path: Path) -> None:
    out = tmp_path / "SEARCH.md"
    assert main(["--articles", "300", "--out", str(out)]) == 0
    report = out.read_text("utf-8")
    for measure in (
        "search median",
        "search p95",
        "export jsonl",
        "export csv",
        "index / body text",
        "storage",
        "index catch-up after each batch",
        "search with 300 more articles not yet indexed: median / p95",
    ):
        assert f"| {measure} |" in report
    assert "| articles | 300 |" in report
    # The searches ran against a built index, not only the scan of queued articles.
    ratio = re.search(r"\| index / body text \| ([0-9.]+) ", report)
    assert ratio is not None and float(ratio.group(1)) > 0.5
