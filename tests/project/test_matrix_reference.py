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


def test_each_full_crawl_is_measured_against_the_bare_crawls_on_its_two_sides() -> None:
    # The machine slowed down during the round: bare 400, one process, bare 100,
    # two-process, bare 100.
    cell = Cell(2000, 16, bare=[_run(400), _run(100), _run(100)])
    cell.full = {ONE: [_run(120)], TWO: [_run(85)]}
    cell.before = {ONE: [0], TWO: [1]}
    assert cell.reference(ONE, 0) == pytest.approx(200)
    assert cell.reference(TWO, 0) == pytest.approx(100)
    assert cell.ratio(ONE) == pytest.approx(0.6)
    assert cell.ratio(TWO) == pytest.approx(0.85)


def test_each_round_has_its_own_references_and_the_cell_reports_their_median() -> None:
    # Rounds: bare, one, bare, two, bare | two, bare, one, bare | one, bare, two, bare
    bare = [_run(300), _run(300), _run(300), _run(500), _run(500), _run(500), _run(500)]
    cell = Cell(2000, 16, bare=bare)
    cell.before = {ONE: [0, 3, 4], TWO: [1, 2, 5]}
    cell.full = {ONE: [_run(180), _run(300), _run(200)], TWO: [_run(255), _run(300), _run(450)]}
    references = [cell.reference(ONE, n) for n in range(3)]
    assert references == pytest.approx([300, 500, 500])
    assert [cell.reference(TWO, n) for n in range(3)] == pytest.approx(
        [300, math.sqrt(300 * 500), 500]
    )
    assert cell.ratio(ONE) == pytest.approx(0.6)  # of 0.6, 0.6 and 0.4
    assert cell.ratio(TWO) == pytest.approx(0.85)  # of 0.85, 0.775 and 0.9
