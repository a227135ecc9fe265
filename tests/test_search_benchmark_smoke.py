"""The search benchmark runs end to end on a tiny archive (no timing asserted)."""

from __future__ import annotations

from pathlib import Path

from benchmarks.search import main


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
    ):
        assert f"| {measure} |" in report
    assert "| articles | 300 |" in report
