"""The throughput matrix's ratios: each full crawl against the bare crawls around its round.

Pure arithmetic on recorded runs (no crawl): the smoke run in
``test_benchmark_smoke`` runs the matrix itself.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from benchmarks.matrix import ONE, TWO, Cell


def _run(pages_per_second: float) -> dict[str, Any]:
    return {"responses": 1000, "seconds": 1000 / pages_per_second}


def test_a_round_is_measured_against_the_bare_crawls_before_and_after_it() -> None:
    # The machine slowed down during the round: bare 400 before it, 100 after it.
    cell = Cell(2000, 16, bare=[_run(400), _run(100)])
    cell.full = {ONE: [_run(120)], TWO: [_run(170)]}
    assert cell.reference(0) == pytest.approx(200)
    assert cell.ratio(ONE) == pytest.approx(0.6)
    assert cell.ratio(TWO) == pytest.approx(0.85)


def test_each_round_has_its_own_reference_and_the_cell_reports_their_median() -> None:
    cell = Cell(2000, 16, bare=[_run(300), _run(300), _run(500), _run(500)])
    cell.full = {ONE: [_run(180), _run(300), _run(200)], TWO: [_run(255), _run(300), _run(450)]}
    references = [cell.reference(n) for n in range(3)]
    assert references == pytest.approx([300, math.sqrt(300 * 500), 500])
    assert cell.ratio(ONE) == pytest.approx(0.6)  # of 0.6, 0.775 and 0.4
    assert cell.ratio(TWO) == pytest.approx(0.85)  # of 0.85, 0.775 and 0.9
