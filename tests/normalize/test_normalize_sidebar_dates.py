"""Unit and property tests of the sidebar's month-day dates: resolve_month_day,
resolve_sidebar_dates and resolve_sidebar_years (pure functions, time fixed)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawl.items import SidebarLink
from newscrawl.normalize.article import resolve_sidebar_years
from newscrawl.normalize.sidebar_dates import resolve_month_day, resolve_sidebar_dates
from tests.support.fixed_time import NOW

# -- resolve_month_day / resolve_sidebar_dates ---------------------------------


@pytest.mark.parametrize(
    ("raw", "anchor", "not_after", "expected"),
    [
        ("12-28", date(2026, 1, 5), None, date(2025, 12, 28)),
        ("01-03", date(2026, 1, 5), None, date(2026, 1, 3)),
        ("01-05", date(2026, 1, 5), None, date(2026, 1, 5)),
        ("01-06", date(2026, 1, 5), None, date(2025, 1, 6)),
        ("12/28", date(2026, 1, 5), None, date(2025, 12, 28)),
        ("12月28日", date(2026, 1, 5), None, date(2025, 12, 28)),
        ("１２－２８", date(2026, 1, 5), None, date(2025, 12, 28)),
        (" [10-29] ", date(2026, 11, 27), None, date(2026, 10, 29)),
        ("2019-10-29", date(2026, 11, 27), None, date(2019, 10, 29)),  # a full date as is
        ("2019年10月29日", date(2026, 11, 27), None, date(2019, 10, 29)),
        ("10-29", date(2026, 11, 27), date(2026, 6, 1), date(2025, 10, 29)),
        ("10-29", date(2026, 6, 1), date(2026, 11, 27), date(2025, 10, 29)),
        ("02-29", date(2026, 1, 5), None, date(2024, 2, 29)),
        ("02-29", date(2024, 3, 1), None, date(2024, 2, 29)),
        ("02-29", date(2024, 2, 28), None, date(2020, 2, 29)),
        ("02-29", date(2104, 1, 1), None, date(2096, 2, 29)),  # 2100 is not a leap year
        ("02-30", date(2026, 1, 5), None, None),
        ("04-31", date(2026, 1, 5), None, None),
        ("13-01", date(2026, 1, 5), None, None),
        ("2025-13-01", date(2026, 1, 5), None, None),
        ("", date(2026, 1, 5), None, None),
        ("新闻", date(2026, 1, 5), None, None),
        ("12-28", date(1, 6, 1), None, None),  # no year before year 1
    ],
)
def test_resolve_month_day(
    raw: str, anchor: date, not_after: date | None, expected: date | None
) -> None:
    assert resolve_month_day(raw, anchor=anchor, not_after=not_after) == expected


@given(
    st.text(),
    st.dates(min_value=date(1, 1, 1)),
    st.none() | st.dates(),
)
def test_resolve_month_day_never_raises(raw: str, anchor: date, not_after: date | None) -> None:
    got = resolve_month_day(raw, anchor=anchor, not_after=not_after)
    assert got is None or isinstance(got, date)


@given(
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=1, max_value=31),
    st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)),
)
def test_resolve_month_day_is_latest_not_after_anchor(month: int, day: int, anchor: date) -> None:
    got = resolve_month_day(f"{month:02d}-{day:02d}", anchor=anchor)
    if got is None:
        return
    assert (got.month, got.day) == (month, day)
    assert got <= anchor
    # no later year fits: the next occurrence is after the anchor
    later = [y for y in range(got.year + 1, anchor.year + 1) if _valid(y, month, day)]
    assert all(date(y, month, day) > anchor for y in later)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("raws", "anchor", "expected"),
    [
        (
            ["01-06", "01-03", "12-30", "12-28"],
            date(2026, 11, 27),
            [date(2026, 1, 6), date(2026, 1, 3), date(2025, 12, 30), date(2025, 12, 28)],
        ),
        (
            ["11-20", "11-02", "10-15"],
            date(2026, 11, 27),
            [date(2026, 11, 20), date(2026, 11, 2), date(2026, 10, 15)],
        ),
        (
            # unparseable entries give None and do not move the bound
            ["01-06", None, "未知", "12-30"],
            date(2026, 11, 27),
            [date(2026, 1, 6), None, None, date(2025, 12, 30)],
        ),
        (
            # not sorted: a later entry newer than its predecessor goes back a year
            ["03-01", "05-01"],
            date(2026, 11, 27),
            [date(2026, 3, 1), date(2025, 5, 1)],
        ),
        ([], date(2026, 11, 27), []),
    ],
)
def test_resolve_sidebar_dates(
    raws: list[str | None], anchor: date, expected: list[date | None]
) -> None:
    assert resolve_sidebar_dates(raws, anchor=anchor) == expected


_MONTH_DAYS = st.builds(
    "{:02d}-{:02d}".format, st.integers(min_value=0, max_value=13), st.integers(0, 32)
)


@given(st.lists(st.none() | _MONTH_DAYS | st.text(max_size=8)), st.dates(min_value=date(1, 1, 1)))
def test_resolve_sidebar_dates_never_raises(raws: list[str | None], anchor: date) -> None:
    assert len(resolve_sidebar_dates(raws, anchor=anchor)) == len(raws)


@given(st.lists(st.none() | _MONTH_DAYS), st.dates(min_value=date(1990, 1, 1)))
def test_resolve_sidebar_dates_descend_from_anchor(raws: list[str | None], anchor: date) -> None:
    got = [d for d in resolve_sidebar_dates(raws, anchor=anchor) if d is not None]
    assert all(d <= anchor for d in got)
    assert got == sorted(got, reverse=True)


@pytest.mark.parametrize(
    ("newest", "related"),
    [("最新资讯", "相关阅读"), ("最新資訊", "相關閱讀"), ("即時新聞", "延伸閱讀")],
)
def test_a_related_box_is_read_against_the_articles_date(newest: str, related: str) -> None:
    """A related box lists older articles: its 12-20 is the December before the article
    (2025-03-10), not the one before the newest box's 11-25; in either script."""

    def link(box: str, day: str) -> SidebarLink:
        return SidebarLink(
            box=box, title="区议会讨论休憩用地规划", url="http://x/1.html", date_raw=day
        )

    links = [link(newest, "11-25"), link(newest, "11-20"), link(related, "12-20")]
    resolve_sidebar_years(links, now=NOW, published=date(2025, 3, 10))
    assert [item.date for item in links] == ["2026-11-25", "2026-11-20", "2024-12-20"]
