"""Extraction on the development set of 67 real news pages stays above its floors (issue 26).

The pages and their truth are read from ``../shared/devset`` (or
``$NEWSCRAWL_DEVSET``), never copied into the repository; where the folder is
absent the scoring tests skip and say why (with ``NEWSCRAWL_REQUIRE_DEVSET=1``,
as ``.ci/run`` sets, they fail instead). Our extractor runs in-process as
``newscrawl extract`` does and the devset's own ``score.py`` scores it.

FLOORS and CEILINGS hold today's measured values, rounded just past them: a
page lost on any field fails. Raise them as the extractor improves (targets:
title, date day and minute, body F1 >= 0.95; author >= 0.85 with false authors
<= 0.05; views exact >= 0.90 with none invented).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.devset import (
    ENV,
    Run,
    Scores,
    load_pages,
    locate,
    missing,
    per_page,
    run_newscrawl,
    scores_of,
)

#: score.py's column -> the least share of pages it must get right (measured 2026-12-06).
FLOORS = {
    "title_exact": 0.96,  # 0.970 (65/67)
    "date_day": 0.96,  # 0.970 (65/67)
    "date_min": 0.95,  # 0.965 (55/57)
    "author_exact": 0.85,  # 0.862 (25/29)
    "body_F1": 0.975,  # 0.982
    "views_exact": 1.0,  # 1.000 (9/9)
}

#: score.py's column -> the largest share of pages it may get wrong (measured 2026-12-06).
CEILINGS = {
    "author_fp": 0.0,  # 0.000 (0/38): no author invented
    "views_fp": 0.0,  # 0.000 (0/58): no count invented
}


@pytest.fixture(scope="module")
def devset() -> tuple[Path, Run, Scores]:
    """The devset's folder, our run on every page, and its scores (once for the module)."""
    folder = locate()
    why = missing(folder)
    if why:
        if os.environ.get("NEWSCRAWL_REQUIRE_DEVSET"):
            pytest.fail(why)
        pytest.skip(why)
    run = run_newscrawl(folder)
    return folder, run, scores_of(run, folder, [page.id for page in load_pages(folder)])


def _pages(devset: tuple[Path, Run, Scores], column: str, *, wrong: bool) -> list[str]:
    folder, run, _scores = devset
    values = per_page(run, folder, run.predictions, column)
    return sorted(pid for pid, value in values.items() if (value > 0 if wrong else value < 1))


@pytest.mark.parametrize("column", FLOORS)
def test_field_stays_at_or_above_its_floor(devset: tuple[Path, Run, Scores], column: str) -> None:
    value, n = devset[2][column]
    assert n > 0 and value is not None, f"no page of the devset counts for {column}"
    missed = _pages(devset, column, wrong=False) if value < FLOORS[column] else []
    assert value >= FLOORS[column], f"{column} {value:.3f} over {n} pages; missed: {missed}"


@pytest.mark.parametrize("column", CEILINGS)
def test_invented_values_stay_at_or_below_their_ceiling(
    devset: tuple[Path, Run, Scores], column: str
) -> None:
    value, n = devset[2][column]
    assert n > 0 and value is not None, f"no page of the devset counts for {column}"
    invented = _pages(devset, column, wrong=True) if value > CEILINGS[column] else []
    assert value <= CEILINGS[column], f"{column} {value:.3f} over {n} pages: {invented}"


def test_every_page_is_extracted_without_an_exception(devset: tuple[Path, Run, Scores]) -> None:
    _folder, run, _scores = devset
    assert len(run.predictions) == len(load_pages(devset[0]))
    assert run.errors == {}


def test_an_absent_devset_is_named_with_the_variable_that_points_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV, str(tmp_path / "elsewhere"))
    assert locate() == tmp_path / "elsewhere"
    why = missing(locate())
    assert why is not None and str(tmp_path / "elsewhere") in why and ENV in why
    (tmp_path / "elsewhere" / "pages").mkdir(parents=True)
    assert "no truth" in (missing(locate()) or "")
