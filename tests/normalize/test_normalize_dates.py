"""Unit and property tests of newscrawl.normalize.dates: parse_cn_datetime and to_iso
(pure functions, time fixed)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.normalize.dates import (
    parse_cn_datetime,
    to_iso,
)
from tests.support.fixed_time import NOW, SHANGHAI

# -- parse_cn_datetime ---------------------------------------------------------


def _at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # fixed forms (fast path)
        ("2025-10-29 15:38:36", _at(2025, 10, 29, 15, 38, 36)),
        ("2025-10-29 15:38", _at(2025, 10, 29, 15, 38)),
        ("2025-10-29", _at(2025, 10, 29)),
        ("2025/10/29", _at(2025, 10, 29)),
        ("2025/1/9 8:05", _at(2025, 1, 9, 8, 5)),
        ("2025.10.29", _at(2025, 10, 29)),
        ("2025年10月29日 15:38", _at(2025, 10, 29, 15, 38)),
        ("2025年10月29日15:38:36", _at(2025, 10, 29, 15, 38, 36)),
        ("2025年10月29日", _at(2025, 10, 29)),
        ("2025年10月29日 星期三 15:38", _at(2025, 10, 29, 15, 38)),
        ("2025年10月29日 下午3:38", _at(2025, 10, 29, 15, 38)),
        ("２０２５－１０－２９　１５：３８", _at(2025, 10, 29, 15, 38)),
        # the date inside surrounding text
        ("日期：2025-10-29 15:38:36 / 人气：6", _at(2025, 10, 29, 15, 38, 36)),
        ("日期:[2013年11月01日]", _at(2013, 11, 1)),
        ("发布时间：2024-02-29&nbsp;09:00", _at(2024, 2, 29, 9, 0)),
        # ISO 8601 with an offset, converted to the site's zone
        ("2025-10-29T07:38:36Z", _at(2025, 10, 29, 15, 38, 36)),
        ("2025-10-29T15:38:36+08:00", _at(2025, 10, 29, 15, 38, 36)),
        ("2025-10-29T02:38:36.250-05:00", _at(2025, 10, 29, 15, 38, 36)),
        ("2025-10-29T15:38:36", _at(2025, 10, 29, 15, 38, 36)),
        ("2025-10-29 15:38-16:00", _at(2025, 10, 29, 15, 38)),  # a time range, not an offset
        # no year: the latest such day not after now (2026-11-27)
        ("10月29日", _at(2026, 10, 29)),
        ("10-29", _at(2026, 10, 29)),  # dateparser trap: not 2010
        ("10/29 15:38", _at(2026, 10, 29, 15, 38)),
        ("12-28", _at(2025, 12, 28)),
        ("11-27", _at(2026, 11, 27)),
        # relative forms
        ("刚刚", NOW),
        ("30秒前", _at(2026, 11, 27, 9, 59, 30)),
        ("5分钟前", _at(2026, 11, 27, 9, 55)),
        ("十五分钟前", _at(2026, 11, 27, 9, 45)),
        ("半小时前", _at(2026, 11, 27, 9, 30)),
        ("3小时前", _at(2026, 11, 27, 7, 0)),
        ("两小时前", _at(2026, 11, 27, 8, 0)),
        ("2天前", _at(2026, 11, 25, 10, 0)),
        ("1周前", _at(2026, 11, 20, 10, 0)),
        ("3个月前", _at(2026, 8, 27, 10, 0)),
        ("1年前", _at(2025, 11, 27, 10, 0)),
        ("昨天 15:38", _at(2026, 11, 26, 15, 38)),
        ("昨天15:38", _at(2026, 11, 26, 15, 38)),
        ("前天", _at(2026, 11, 25)),
        ("今天 08:00", _at(2026, 11, 27, 8, 0)),
        # traditional forms (Hong Kong and Taiwan sites)
        ("剛剛", NOW),
        ("5分鐘前", _at(2026, 11, 27, 9, 55)),
        ("3小時前", _at(2026, 11, 27, 7, 0)),
        ("1個鐘頭前", _at(2026, 11, 27, 9, 0)),
        ("兩個月前", _at(2026, 9, 27, 10, 0)),
        ("2週前", _at(2026, 11, 13, 10, 0)),
        ("昨天 15點38分", _at(2026, 11, 26, 15, 38)),
        ("2025年10月29日 下午3點05分", _at(2025, 10, 29, 15, 5)),
        # dateparser fallback
        ("Oct 29, 2025", _at(2025, 10, 29)),
        ("10/29/2025", _at(2025, 10, 29)),
        ("yesterday", _at(2026, 11, 26, 10, 0)),
        # rejected
        (None, None),
        ("", None),
        ("人气：6", None),
        ("6", None),
        ("a", None),
        ("2025", None),
        ("暂无日期", None),
        ("2025-13-01", None),
        ("2025-02-30", None),
        ("2025-10-29 25:00", None),
        ("13-01", None),
        ("02-30", None),
        ("1985-06-01", None),  # before 1990
        ("2028-01-01", None),  # after now.year + 1
        ("25-10-29", None),  # two-digit years are not supported
        ("10/29/25", None),
        ("今日头条", None),
    ],
)
def test_parse_cn_datetime(raw: str | None, expected: datetime | None) -> None:
    got = parse_cn_datetime(raw, now=NOW)
    assert got == expected
    if got is not None:
        assert got.tzinfo is SHANGHAI


def test_parse_cn_datetime_month_day_across_new_year() -> None:
    now = _at(2026, 1, 5, 9, 0)
    assert parse_cn_datetime("12-28", now=now) == _at(2025, 12, 28)
    assert parse_cn_datetime("01-03", now=now) == _at(2026, 1, 3)
    assert parse_cn_datetime("12月28日 10:00", now=now) == _at(2025, 12, 28, 10, 0)


def test_parse_cn_datetime_converts_now_and_reads_naive_times_in_tz() -> None:
    utc_now = NOW.astimezone(ZoneInfo("UTC"))
    assert parse_cn_datetime("刚刚", now=utc_now) == NOW
    assert parse_cn_datetime("昨天 15:38", now=utc_now) == _at(2026, 11, 26, 15, 38)
    tokyo = ZoneInfo("Asia/Tokyo")
    got = parse_cn_datetime("2025-10-29 15:38:36", now=NOW, tz="Asia/Tokyo")
    assert got == datetime(2025, 10, 29, 15, 38, 36, tzinfo=tokyo)
    assert got is not None and got.tzinfo is tokyo
    got = parse_cn_datetime("2025-10-29T06:38:36Z", now=NOW, tz="Asia/Tokyo")
    assert got == datetime(2025, 10, 29, 15, 38, 36, tzinfo=tokyo)


def test_parse_cn_datetime_fast_path_does_not_import_dateparser() -> None:
    # A fresh interpreter: other tests in this process have already imported dateparser.
    code = (
        "import sys\n"
        "from datetime import datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "import newscrawl.normalize.dates as n\n"
        "now = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo('Asia/Shanghai'))\n"
        "for raw in ('2025-10-29 15:38:36', '2025年10月29日', '10-29', '3小时前', '人气：6'):\n"
        "    assert n.parse_cn_datetime(raw, now=now) is not None or raw == '人气：6'\n"
        "assert 'dateparser' not in sys.modules, 'fast path imported dateparser'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@settings(deadline=None)
@given(st.text())
def test_parse_cn_datetime_never_raises(raw: str) -> None:
    got = parse_cn_datetime(raw, now=NOW)
    assert got is None or (got.tzinfo is not None and got.utcoffset() is not None)
    if got is not None:
        assert 1990 <= got.year <= NOW.year + 1


@settings(deadline=None)
@given(st.text(alphabet="0123456789-/.:年月日时分秒前天 T+Z", max_size=30))
def test_parse_cn_datetime_never_raises_on_date_like_text(raw: str) -> None:
    got = parse_cn_datetime(raw, now=NOW)
    assert got is None or got.tzinfo is SHANGHAI


# -- to_iso --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        (None, None),
        (_at(2025, 10, 29, 15, 38, 36), "2025-10-29T15:38:36+08:00"),
        (datetime(2025, 10, 29, 15, 38, 36, 999_999, tzinfo=SHANGHAI), "2025-10-29T15:38:36+08:00"),
        (_at(2025, 10, 29), "2025-10-29T00:00:00+08:00"),
    ],
)
def test_to_iso(dt: datetime | None, expected: str | None) -> None:
    assert to_iso(dt) == expected


def test_to_iso_round_trips_parse() -> None:
    got = parse_cn_datetime("2025-10-29T15:38:36+08:00", now=NOW)
    assert to_iso(got) == "2025-10-29T15:38:36+08:00"
    assert parse_cn_datetime(to_iso(got), now=NOW) == got
