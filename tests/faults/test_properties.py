"""Properties of every normalizer: never raises, idempotent where that means something,
counts never negative, dates never after the fetch.

Covers ``newscrawl.normalize.text`` (clean_text, parse_count, display_width,
is_truncated), ``newscrawl.normalize.dates`` (parse_cn_datetime, to_iso,
resolve_month_day, resolve_sidebar_dates) and ``newscrawl.normalize.article``
(fetch_time, published_time, resolve_sidebar_years, normalize_article) with
hypothesis. Text strategies mix arbitrary Unicode with the characters these
pages are made of (CJK, full-width digits, U+3000, NBSP, zero-width
characters, ``&nbsp;``, labels and units), so the interesting branches are
reached. Example counts are modest: the file runs in a few seconds.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.items import Article, RawArticle, Section, SidebarLink
from newscrawl.normalize.article import (
    fetch_time,
    normalize_article,
    published_time,
    resolve_sidebar_years,
)
from newscrawl.normalize.dates import (
    parse_cn_datetime,
    to_iso,
)
from newscrawl.normalize.sidebar_dates import resolve_month_day, resolve_sidebar_dates
from newscrawl.normalize.text import clean_text, display_width, is_truncated, parse_count

TZ = "Asia/Shanghai"
ZONE = ZoneInfo(TZ)
SOME = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Pieces Chinese news pages are made of: labels, units, separators, odd spaces.
PIECES = [
    "人气", "点击", "阅读", "浏览次数", "访问量", "：", ":", "万", "亿", "千", "+", "次", ",", ".",
    "年", "月", "日", "时", "分", "秒", "前", "刚刚", "昨天", "前天", "今天", "小时", "分钟", "天",
    "下午", "上午", "星期三", "-", "/", "T", "Z", "+08:00", "\u3000", "\xa0", "\u200b", "\ufeff",
    "&nbsp;", "&#160;", "\n", "\t", " ", "１２３", "０", "...", "…", "作者", "来源", "新闻资讯",
]  # fmt: skip
DIGITS = st.integers(min_value=0, max_value=3000).map(str)
page_text = st.lists(
    st.one_of(st.sampled_from(PIECES), DIGITS, st.text(max_size=4)), max_size=12
).map("".join)
any_text = st.one_of(st.text(max_size=60), page_text)
#: Fetch times: aware, in the years a crawl may run, in several zones.
fetch_times = st.datetimes(
    min_value=datetime(1995, 1, 1), max_value=datetime(2090, 12, 31),
    timezones=st.sampled_from([ZONE, UTC, ZoneInfo("America/New_York")]),
)  # fmt: skip


# -- newscrawl.normalize.text -------------------------------------------------------------


@SOME
@given(st.none() | any_text)
def test_clean_text_is_idempotent_and_tidy(raw: str | None) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    if once is not None:
        assert once == once.strip() and once
        assert "  " not in once and "\n" not in once and "\u3000" not in once
        assert "\u200b" not in once


@SOME
@given(st.none() | any_text)
def test_parse_count_is_never_negative(raw: str | None) -> None:
    count = parse_count(raw)
    assert count is None or (isinstance(count, int) and count >= 0)
    # What clean_text leaves reads the same count (numeric NBSP entities: see below).
    if raw is not None and count is not None and "&#" not in raw:
        assert parse_count(clean_text(raw)) == count


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("人气：&#160;123", 123), ("&#160;", None), ("阅读&#xa0;7", 7)],
)
def test_parse_count_ignores_nbsp_entities(raw: str, expected: int | None) -> None:
    assert parse_count(raw) == expected


@SOME
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["人气：", "点击: ", "阅读 "]))
def test_parse_count_reads_labelled_and_full_width_numbers(n: int, label: str) -> None:
    assert parse_count(f"{label}{n}") == n
    full_width = str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    assert parse_count(f"{label}{full_width}次") == n


@SOME
@given(any_text, any_text)
def test_display_width_is_non_negative_and_additive(a: str, b: str) -> None:
    assert display_width(a) >= 0
    assert display_width(a + b) == display_width(a) + display_width(b)


@SOME
@given(any_text, st.none() | any_text)
def test_is_truncated_never_raises_and_needs_an_ellipsis(text: str, full: str | None) -> None:
    cut = is_truncated(text, full)
    assert isinstance(cut, bool)
    if cut:
        assert (clean_text(text) or "").endswith(("...", "…"))


# -- newscrawl.normalize.dates ------------------------------------------------------------------


@SOME
@given(st.none() | any_text, fetch_times)
def test_parse_cn_datetime_gives_an_aware_time_in_the_zone_and_a_sane_year(
    raw: str | None, now: datetime
) -> None:
    found = parse_cn_datetime(raw, now=now, tz=TZ)
    if found is None:
        return
    assert found.tzinfo is not None
    assert found.utcoffset() == found.astimezone(ZONE).utcoffset()
    assert 1990 <= found.year <= now.astimezone(ZONE).year + 1


@SOME
@given(any_text, fetch_times)
def test_parse_cn_datetime_of_its_own_iso_output_is_the_same_moment(
    raw: str, now: datetime
) -> None:
    found = parse_cn_datetime(raw, now=now, tz=TZ)
    if found is None:
        return
    iso = to_iso(found)
    assert iso is not None
    again = parse_cn_datetime(iso, now=now, tz=TZ)
    assert again == found.replace(microsecond=0)
    assert to_iso(again) == iso  # to_iso . parse is idempotent


@SOME
@given(fetch_times)
def test_to_iso_round_trips_through_fromisoformat(moment: datetime) -> None:
    iso = to_iso(moment)
    assert iso is not None
    parsed = datetime.fromisoformat(iso)
    # Wall time and offset (``==`` across zones is unreliable on a DST fold).
    assert parsed.replace(tzinfo=None) == moment.replace(tzinfo=None, microsecond=0)
    assert parsed.utcoffset() == moment.utcoffset()
    assert to_iso(None) is None


month_days = st.tuples(st.integers(1, 12), st.integers(1, 31), st.sampled_from(["-", "/", "月"]))


@SOME
@given(month_days, st.dates(min_value=date(1, 12, 31)), st.none() | st.dates())
def test_resolve_month_day_is_never_after_its_bounds(
    parts: tuple[int, int, str], anchor: date, not_after: date | None
) -> None:
    month, day, sep = parts
    raw = f"{month}月{day}日" if sep == "月" else f"{month:02d}{sep}{day:02d}"
    found = resolve_month_day(raw, anchor=anchor, not_after=not_after)
    if found is not None:
        assert (found.month, found.day) == (month, day)
        assert found <= anchor and (not_after is None or found <= not_after)


@SOME
@given(st.lists(st.none() | any_text, max_size=8), st.dates(min_value=date(2, 1, 1)))
def test_resolve_sidebar_dates_keeps_one_answer_per_entry(
    raws: list[str | None], anchor: date
) -> None:
    found = resolve_sidebar_dates(raws, anchor=anchor)
    assert len(found) == len(raws)
    for raw, day in zip(raws, found, strict=True):
        assert day is None or raw  # nothing invented for an empty entry


# -- newscrawl.normalize.article -----------------------------------------------------------

sections = st.lists(
    st.builds(Section, heading=st.none() | any_text, paragraphs=st.lists(any_text, max_size=4)),
    max_size=4,
)
sidebar = st.lists(
    st.builds(
        SidebarLink,
        box=st.none() | st.sampled_from(["新闻资讯", "最新文章", "相关文章", "热门", "上一篇"]),
        title=any_text,
        url=st.just("http://news.example.cn/show.php?id=1"),
        date_raw=st.none()
        | st.sampled_from(["01-06", "12-30", "02-29", "13-01", "昨天", "3小时前"])
        | any_text,
    ),
    max_size=5,
)
fetched_ats = st.none() | fetch_times.map(to_iso) | any_text
articles = st.builds(
    RawArticle,
    url=st.just("http://news.example.cn/show.php?cid=1&id=613"),
    site=st.just("news.example.cn"),
    title=st.none() | any_text,
    published_hint=st.none() | any_text | fetch_times.map(to_iso),
    published_raw=st.none() | any_text,
    author=st.none() | any_text,
    source=st.none() | any_text,
    views=st.none() | st.integers(min_value=0, max_value=10**12),
    views_raw=st.none() | any_text,
    sections=sections,
    sidebar=sidebar,
    fetched_at=fetched_ats,
)


def as_raw(article: Article) -> RawArticle:
    """A normalized article's values read as raw ones again (its date as the hint)."""
    values = {
        f.name: getattr(article, f.name) for f in fields(RawArticle) if f.name != "published_hint"
    }
    return RawArticle(**values, published_hint=article.published_at)


@FEW
@given(articles)
def test_normalize_article_twice_is_normalize_once(article: RawArticle) -> None:
    once = normalize_article(article, tz=TZ)
    assert normalize_article(as_raw(once), tz=TZ) == once


@FEW
@given(articles)
def test_normalized_articles_keep_the_contract(article: RawArticle) -> None:
    out = normalize_article(article, tz=TZ)
    assert out.views is None or out.views >= 0
    assert out.body == "\n".join(p for s in out.sections for p in s.paragraphs)
    for section in out.sections:
        assert section.paragraphs or section.heading
        assert all(p == clean_text(p) for p in section.paragraphs)
    for key in ("title", "author", "source", "published_raw", "views_raw"):
        value = getattr(out, key)
        assert value is None or value == clean_text(value)
    if out.published_at is not None and len(out.published_at) == 10:
        date.fromisoformat(out.published_at)  # a date shown to the day: YYYY-MM-DD
    elif out.published_at is not None:
        assert datetime.fromisoformat(out.published_at).tzinfo is not None
    fetched = fetch_time(out, TZ).date()
    for link in out.sidebar:
        if link.date is not None:
            day = date.fromisoformat(link.date)
            assert day <= fetched + timedelta(days=1), "a sidebar date after the fetch"
    assert out.fetched_at is not None


@SOME
@given(fetched_ats)
def test_fetch_time_is_aware_for_any_text(fetched_at: str | None) -> None:
    article = Article(url="http://x/1", site="x", fetched_at=fetched_at)
    assert fetch_time(article, TZ).tzinfo is not None


@SOME
@given(st.none() | any_text, st.none() | any_text, fetch_times)
def test_published_time_never_raises(raw: str | None, hint: str | None, now: datetime) -> None:
    article = RawArticle(url="http://x/1", site="x", published_raw=raw, published_hint=hint)
    found, has_time = published_time(article, now.astimezone(ZONE), TZ)
    assert found is None or found.tzinfo is not None
    assert found is not None or not has_time


@SOME
@given(sidebar, fetch_times, st.none() | st.dates(min_value=date(1990, 1, 1)))
def test_resolve_sidebar_years_never_dates_a_link_after_the_fetch(
    links: list[SidebarLink], now: datetime, published: date | None
) -> None:
    links = [replace(link) for link in links]
    local = now.astimezone(ZONE)
    resolve_sidebar_years(links, now=local, published=published, tz=TZ)
    for link in links:
        if link.date is not None and link.date_raw and "-" in link.date_raw[:3]:
            assert date.fromisoformat(link.date) <= local.date()
