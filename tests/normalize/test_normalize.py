"""Unit and property tests for newscrawl.normalize.text (pure functions, time fixed)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newscrawl.items import SidebarLink
from newscrawl.normalize.article import resolve_sidebar_years
from newscrawl.normalize.dates import (
    parse_cn_datetime,
    to_iso,
)
from newscrawl.normalize.sidebar_dates import resolve_month_day, resolve_sidebar_dates
from newscrawl.normalize.text import clean_text, display_width, is_truncated, parse_count

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=SHANGHAI)

# -- clean_text ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("   ", None),
        ("\u3000\u3000", None),
        ("\u200b\ufeff", None),
        ("&nbsp;&nbsp;", None),
        ("\u3000\u3000春季运动会开幕", "春季运动会开幕"),
        ("校园\u00a0新闻", "校园 新闻"),
        ("第一段&nbsp;第二段", "第一段 第二段"),
        ("第一段&NBSP;第二段", "第一段 第二段"),
        ("图书\u200b馆\u200c开\u200d放\u2060日\ufeff", "图书馆开放日"),
        ("标题\t\t副题\r\n\n结尾", "标题 副题 结尾"),
        ("  多个   空格  ", "多个 空格"),
        ("作者：小林，来源：本站", "作者：小林，来源：本站"),  # full-width punctuation kept
        ("ＡＢＣ１２３", "ＡＢＣ１２３"),  # no NFKC
    ],
)
def test_clean_text(raw: str | None, expected: str | None) -> None:
    assert clean_text(raw) == expected


@given(st.text())
def test_clean_text_never_raises_and_is_idempotent(raw: str) -> None:
    once = clean_text(raw)
    assert once is None or (once == once.strip() and once != "")
    assert clean_text(once) == once


@given(st.text(alphabet=st.sampled_from(["&", "n", "b", "s", "p", ";", "\u200b", " ", "\u3000"])))
def test_clean_text_idempotent_on_entity_fragments(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once


# -- parse_count ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("暂无", None),
        ("人气：6", 6),
        ("人气:6", 6),
        ("点击: 1,234", 1234),
        ("点击次数：77", 77),
        ("1.2万", 12000),
        ("3.5亿", 350_000_000),
        ("10万+", 100_000),
        ("123次", 123),
        ("阅读 2.3k", 2300),
        ("阅读 5K", 5000),
        ("2w", 20000),
        ("浏览次数：88", 88),
        ("浏览：12", 12),
        ("访问量：4,500", 4500),
        ("阅读量 99", 99),
        ("热度 1.5万", 15000),
        # traditional forms
        ("閱讀 2.3萬", 23000),
        ("人氣：3億", 300_000_000),
        ("閱讀次數：88", 88),
        ("點擊量：1,024", 1024),
        ("發佈於 2025-10-29 閱讀：321 評論：4", 321),
        ("１２３", 123),
        ("人气：１，２３４", 1234),
        ("0", 0),
        ("-5", 5),
        ("2.9", 2),  # a fraction without unit is truncated
        # several numbers: the one after a counter label wins
        ("日期：2025-10-29 15:38:36 / 人气：6", 6),
        ("发布于 2025-10-29 阅读：321 评论：4", 321),
        ("评论 4 共 17", 4),  # no counter label: the first number
        ("9" * 40, None),  # absurd digit runs are ids or noise
    ],
)
def test_parse_count(raw: str | None, expected: int | None) -> None:
    got = parse_count(raw)
    assert got == expected
    assert got is None or type(got) is int


@given(st.text())
def test_parse_count_never_raises_and_never_negative(raw: str) -> None:
    got = parse_count(raw)
    assert got is None or (type(got) is int and got >= 0)


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_count_round_trips_plain_integers(n: int) -> None:
    assert parse_count(str(n)) == n
    assert parse_count(f"人气：{n:,}") == n


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


# -- display_width / is_truncated ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0.0),
        ("新闻", 2.0),
        ("abc", 1.5),
        ("新闻abc", 3.5),
        ("２０２５", 4.0),  # full-width counts 1
        ("春季运动会开幕式在体育场隆重举行", 16.0),
    ],
)
def test_display_width(text: str, expected: float) -> None:
    assert display_width(text) == expected


@pytest.mark.parametrize(
    ("link_text", "full_title", "expected"),
    [
        ("春季运动会开幕式在体育场...", "春季运动会开幕式在体育场隆重举行", True),
        ("春季运动会开幕式在体育场…", "春季运动会开幕式在体育场隆重举行", True),
        ("春季运动会开幕式在体育场...", None, True),
        ("春季运动会开幕式在体育场 ...", "春季运动会开幕式在体育场 隆重举行", True),
        ("春季运动会\u3000开幕式...", "春季运动会 开幕式隆重举行", True),
        ("春季运动会开幕式", "春季运动会开幕式", False),
        ("春季运动会开幕式", None, False),
        ("等待下文...", "等待下文...", False),  # the title itself ends with an ellipsis
        ("校园新闻...", "体育新闻速递", False),  # a different title
        ("", None, False),
    ],
)
def test_is_truncated(link_text: str, full_title: str | None, expected: bool) -> None:
    assert is_truncated(link_text, full_title) is expected


@given(st.text(), st.none() | st.text())
def test_is_truncated_never_raises(link_text: str, full_title: str | None) -> None:
    assert isinstance(is_truncated(link_text, full_title), bool)
    assert display_width(link_text) >= 0


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
