"""Dates as Chinese news pages print them, parsed against a fetch time.

Pure functions: no I/O, no settings, nothing read at import time. Time is an
input (``now`` / ``anchor``), so relative dates ("3分钟前", "昨天 15:38", a
sidebar "12-28" without a year) resolve the same way in tests and in a crawl.
None of the parsers raises on any string: bad input gives ``None``.

A fast path comes first: compiled regexes for the fixed forms CMS templates
print (``2025-10-29 15:38:36``, ``2025年10月29日``, ISO 8601, ``10-29``, ``3小时前``)
build the datetime directly. Only what they do not cover goes to dateparser,
which is imported lazily inside the fallback so the fast path never pays for it.

The years of sidebar dates shown without one (``12-28``) are
:mod:`newscrawl.normalize.sidebar_dates`; it shares :data:`DATE_TABLE` and
:func:`latest_month_day` from here.
"""

from __future__ import annotations

import itertools
import re
from datetime import MINYEAR, UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from newscrawl.normalize.text import CLEAN_TABLE, FULLWIDTH_TABLE, NBSP_ENTITY, TRADITIONAL_TABLE

__all__ = [
    "DATE_TABLE",
    "DEFAULT_TZ",
    "latest_month_day",
    "parse_cn_datetime",
    "to_iso",
]

#: The zone of Chinese news sites (China Standard Time, UTC+8 all year): naive site times
#: are read in it unless ``NEWSCRAWL_TZ`` says otherwise. newscrawl's one spelling of it;
#: the archive, which imports nothing of newscrawl, has its own (``archive.published.DAY_ZONE``,
#: held equal by tests/project/test_docs.py).
DEFAULT_TZ = "Asia/Shanghai"

# -- dates: helpers ------------------------------------------------------------

#: Full-width digits/punctuation to ASCII, zero-width removed, U+3000/NBSP to spaces,
#: traditional date characters to simplified (3小時前, 剛剛, 15點30分).
DATE_TABLE: dict[int, str | None] = {**FULLWIDTH_TABLE, **CLEAN_TABLE, **TRADITIONAL_TABLE}

_MIN_YEAR = 1990

_DAYPART = r"(?P<part>上午|下午|早上|中午|晚上|凌晨)?"
_TIME = (
    # (a "-" too: 2007-08-20-23:59:59, as some CMSs write their meta tags)
    r"(?:\s*(?:T|\s|-)\s*|\s*(?:(?:星期|周)[一二三四五六日天]\s*)?)"
    + _DAYPART
    + r"\s*(?P<H>[0-9]{1,2})\s*(?::|时|点)\s*(?P<M>[0-9]{1,2})"
    r"(?:\s*(?::|分)\s*(?P<S>[0-9]{1,2})(?:\.[0-9]+)?\s*秒?)?"
    r"(?:(?P<tz>Z(?![A-Za-z])|[+-][0-9]{2}(?::?[0-9]{2})?))?(?![0-9])"
)
#: A full date: Y-m-d, Y/m/d, Y.m.d (one separator throughout) or Y年m月d日, then an optional time.
_FULL_DATE = re.compile(
    r"(?<![0-9])(?P<y>[0-9]{4})\s*(?:"
    r"(?P<sep>[-/.])\s*(?P<m>[0-9]{1,2})\s*(?P=sep)\s*(?P<d>[0-9]{1,2})(?![0-9])"
    r"|年\s*(?P<m2>[0-9]{1,2})\s*月\s*(?P<d2>[0-9]{1,2})(?![0-9])\s*[日号]?"
    r")(?:" + _TIME + r")?"
)
#: A month and day without a year: ``10月29日``, ``10-29``, ``10/29`` (never ``.``: too
#: easily a decimal), then an optional time.
_MONTH_DAY = re.compile(
    r"(?<![0-9])(?P<m2>[0-9]{1,2})\s*月\s*(?P<d2>[0-9]{1,2})\s*[日号]"
    r"|(?<![0-9/.:-])(?P<m>[0-9]{1,2})[-/](?P<d>[0-9]{1,2})(?![0-9/.:-])"
)
_TIME_ONLY = re.compile(
    _DAYPART + r"\s*(?<![0-9])(?P<H>[0-9]{1,2})\s*(?::|时|点)\s*(?P<M>[0-9]{1,2})"
    r"(?:\s*(?::|分)\s*(?P<S>[0-9]{1,2}))?(?![0-9])"
)
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9})
_AMOUNT = r"(?<![0-9年月])(?P<n>[0-9]+|[零〇一二两三四五六七八九十]+|半)\s*"
_AGO = re.compile(
    _AMOUNT
    + r"(?:个)?\s*(?P<unit>秒钟|秒|分钟|分|小时|钟头|天|日|周|星期|礼拜|月|年)\s*(?:以前|之前|前)"
)
_JUST_NOW = re.compile(r"刚刚|刚才|just now", re.IGNORECASE)
_DAY_WORDS = re.compile(r"大前天|前天|昨天|昨日|今天|今日(?!头条)")
_DAY_OFFSETS = {"大前天": 3, "前天": 2, "昨天": 1, "昨日": 1, "今天": 0, "今日": 0}
#: Two-digit-year forms (``25-10-29``, ``10/29/25``): not supported, and dateparser
#: would guess a century, so they never reach it.
_TWO_DIGIT_YEAR = re.compile(
    r"(?<![0-9])[0-9]{2}([-/.])[0-9]{1,2}\1[0-9]{1,2}(?![0-9])"
    r"|(?<![0-9])[0-9]{1,2}([-/.])[0-9]{1,2}\2[0-9]{2}(?![0-9])"
    r"|(?<![0-9])[0-9]{2}\s*年\s*[0-9]{1,2}\s*月"
)
_MONTH_NAME = re.compile(
    r"(?i)(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?![a-z])"
)
_RELATIVE_WORD = re.compile(
    r"(?i)(?<![a-z])(?:yesterday|today|ago)(?![a-z])|上周|上星期|上个月|去年|前年"
)
_DIGIT_RUN = re.compile(r"[0-9]+")
#: Longer texts are page noise, not a date label; dateparser is not asked about them.
_FALLBACK_MAX_LEN = 100


def _cn_int(word: str) -> int | None:
    """A small Chinese or ASCII number (``3``, ``三``, ``两``, ``十五``, ``二十``); None otherwise."""
    if word.isascii():
        return int(word) if len(word) <= 6 else None
    if "十" in word:
        head, _, tail = word.partition("十")
        if "十" in tail or len(head) > 1 or len(tail) > 1:
            return None
        tens = _CN_DIGITS.get(head) if head else 1
        ones = _CN_DIGITS.get(tail) if tail else 0
        return None if tens is None or ones is None else tens * 10 + ones
    return _CN_DIGITS.get(word) if len(word) == 1 else None


def _hour_24(hour: int, part: str | None) -> int:
    """Apply a 上午/下午 day-part marker to a 12-hour clock reading."""
    if part in ("下午", "晚上") and hour < 12:
        return hour + 12
    if part == "中午" and hour < 11:
        return hour + 12
    if part in ("凌晨", "上午", "早上") and hour == 12:
        return 0
    return hour


def _time_parts(match: re.Match[str]) -> tuple[int, int, int] | None:
    """(hour, minute, second) from a match with H/M/S groups; (0, 0, 0) without a time."""
    part, hour_text, minute_text, second_text = match.group("part", "H", "M", "S")
    if hour_text is None:
        return (0, 0, 0)
    hour = _hour_24(int(hour_text), part) if part else int(hour_text)
    minute = int(minute_text)
    second = int(second_text) if second_text else 0
    if hour > 23 or minute > 59 or second > 59:
        return None
    return (hour, minute, second)


def _offset(text: str) -> timezone | None:
    """A fixed offset from ``Z``, ``+08``, ``+0800`` or ``+08:00``."""
    if text == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if text[0] == "-" else delta)


def _in_range(dt: datetime, now: datetime) -> datetime | None:
    return dt if _MIN_YEAR <= dt.year <= now.year + 1 else None


def _from_full_date(match: re.Match[str], zone: ZoneInfo, now: datetime) -> datetime | None:
    year, month, month2, day, day2, offset_text = match.group("y", "m", "m2", "d", "d2", "tz")
    clock = _time_parts(match)
    if clock is None:
        return None
    try:
        args = (int(year), int(month or month2), int(day or day2), *clock)
        offset = _offset(offset_text) if offset_text else None
        if offset is not None:
            dt = datetime(*args, tzinfo=offset).astimezone(zone)
        else:  # naive, or not a real offset (``15:38-16:00`` is a time range): local time
            dt = datetime(*args, tzinfo=zone)
    except (ValueError, OverflowError):
        return None
    return _in_range(dt, now)


def _months_back(day: datetime, months: int) -> datetime:
    """``day`` moved back by whole months, the day clamped to the target month's length."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    for dom in range(day.day, 27, -1):
        try:
            return day.replace(year=year, month=month, day=dom)
        except ValueError:
            continue
    return day.replace(year=year, month=month, day=min(day.day, 28))


def _from_ago(match: re.Match[str], now: datetime) -> datetime | None:
    word, unit = match.group("n"), match.group("unit")
    half = word == "半"
    amount = 0 if half else _cn_int(word)
    if amount is None:
        return None
    if unit in ("月", "年"):
        months = (6 if half else amount * 12) if unit == "年" else amount
        if half and unit == "月":
            return now - timedelta(days=15)
        return _months_back(now, months)
    seconds = {"秒钟": 1, "秒": 1, "分钟": 60, "分": 60, "小时": 3600, "钟头": 3600}
    seconds.update({"天": 86400, "日": 86400, "周": 604800, "星期": 604800, "礼拜": 604800})
    step = seconds[unit]
    return now - (timedelta(seconds=step / 2) if half else timedelta(seconds=step * amount))


def _from_day_word(word: str, end: int, text: str, now: datetime) -> datetime | None:
    day = now.date() - timedelta(days=_DAY_OFFSETS[word])
    clock: tuple[int, int, int] | None = (0, 0, 0)
    match = _TIME_ONLY.search(text, end)
    if match:
        clock = _time_parts(match)
    if clock is None:
        return None
    return datetime(day.year, day.month, day.day, *clock, tzinfo=now.tzinfo)


def _from_month_day(match: re.Match[str], text: str, now: datetime) -> datetime | None:
    month = int(match.group("m") or match.group("m2"))
    day = int(match.group("d") or match.group("d2"))
    resolved = latest_month_day(month, day, now.date())
    if resolved is None:
        return None
    clock: tuple[int, int, int] | None = (0, 0, 0)
    after = _TIME_ONLY.search(text, match.end())
    if after:
        clock = _time_parts(after)
    if clock is None:
        return None
    return datetime(resolved.year, resolved.month, resolved.day, *clock, tzinfo=now.tzinfo)


def _worth_dateparser(text: str) -> bool:
    """Whether dateparser may be asked: it invents a date from ``6`` or ``a``.

    Asked only about short texts that have two numbers (``10/29/2025``, ``15:38``),
    a number and an English month name, or a relative word (``yesterday``, 上周),
    and never about two-digit years.
    """
    if len(text) > _FALLBACK_MAX_LEN or _TWO_DIGIT_YEAR.search(text):
        return False
    if _RELATIVE_WORD.search(text):
        return True
    runs = len(_DIGIT_RUN.findall(text))
    return runs >= 2 or (runs == 1 and _MONTH_NAME.search(text) is not None)


def _dateparser_fallback(text: str, zone: ZoneInfo, tz: str, now: datetime) -> datetime | None:
    """Ask dateparser (imported here, lazily) about what the regexes do not cover."""
    if not _worth_dateparser(text):
        return None
    try:
        import dateparser

        parsed = dateparser.parse(
            text,
            languages=["zh", "en"],
            settings={
                "TIMEZONE": tz,
                "RETURN_AS_TIMEZONE_AWARE": True,
                "RELATIVE_BASE": now.replace(tzinfo=None),
                "PREFER_DATES_FROM": "past",
            },
        )
        if parsed is None:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return _in_range(parsed.astimezone(zone), now)
    except Exception:  # noqa: BLE001 - dateparser raises odd errors on odd input; never propagate
        return None


# -- dates: public -------------------------------------------------------------


def parse_cn_datetime(raw: str | None, *, now: datetime, tz: str = DEFAULT_TZ) -> datetime | None:
    """An aware datetime (tzinfo ``ZoneInfo(tz)``) from a date as a Chinese page shows it.

    The date is searched inside the text (``日期：2025-10-29 15:38:36 / 人气：6``,
    ``日期:[2013年11月01日]``). In order:

    1. full dates ``Y-m-d``, ``Y/m/d``, ``Y.m.d``, ``Y年m月d日`` with an optional time
       (``15:38[:36]``, ``T``, 下午, an ISO offset or ``Z``, converted to ``tz``);
       if one is found but impossible (month 13, Feb 30) the answer is None;
    2. ``刚刚``, ``N秒/分钟/小时/天/周/个月/年前`` (digits or 三, 两, 十五, 半), against ``now``;
       traditional forms (剛剛, 3小時前, 兩個月前, 15點30分) read as the simplified ones;
    3. ``今天``, ``昨天``, ``前天`` with an optional time (midnight without one);
    4. ``10月29日`` and ``10-29`` / ``10/29``: the latest such day not after
       ``now``'s date (a time later today is accepted: site clocks drift);
    5. dateparser, for the rest (English month names, ``10/29/2025``, ``yesterday``),
       asked only when the text looks like a date; never for bare MM-DD.

    Naive times are read in ``tz``; ``now`` is the fetch time (a naive ``now`` is
    read in ``tz`` too). Years outside 1990..now.year+1 and two-digit years give
    None. Never raises on any ``raw``; an unknown ``tz`` is a configuration error
    and raises like :class:`zoneinfo.ZoneInfo`.
    """
    zone = ZoneInfo(tz)
    if not raw:
        return None
    if now.tzinfo is None:
        now = now.replace(tzinfo=zone)
    elif now.tzinfo is not zone:
        now = now.astimezone(zone)
    text = raw if raw.isascii() else raw.translate(DATE_TABLE)
    if "&" in text:
        text = NBSP_ENTITY.sub(" ", text)
    try:
        first = _FULL_DATE.search(text)
        if first:
            # The first valid full date wins; if every one is impossible, the answer is None.
            for match in itertools.chain((first,), _FULL_DATE.finditer(text, first.end())):
                found = _from_full_date(match, zone, now)
                if found is not None:
                    return found
            return None
        if _JUST_NOW.search(text):
            return now
        ago = _AGO.search(text)
        if ago:
            result = _from_ago(ago, now)
            return _in_range(result, now) if result else None
        word = _DAY_WORDS.search(text)
        if word:
            return _from_day_word(word.group(0), word.end(), text, now)
        month_day = _MONTH_DAY.search(text)
        if month_day:
            result = _from_month_day(month_day, text, now)
            return _in_range(result, now) if result else None
    except (ValueError, OverflowError):
        return None
    return _dateparser_fallback(text.strip(), zone, tz, now)


def to_iso(dt: datetime | None) -> str | None:
    """ISO 8601 at seconds precision, offset kept: ``2025-10-29T15:38:36+08:00``."""
    return None if dt is None else dt.isoformat(timespec="seconds")


def latest_month_day(month: int, day: int, bound: date) -> date | None:
    """The latest date with this month and day that is <= ``bound`` (Feb 29: a leap year)."""
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    year = bound.year
    # Eight years back always reaches a leap year (1900 and 2100 skip one).
    for _ in range(9):
        if year < MINYEAR:
            return None
        try:
            candidate = date(year, month, day)
        except ValueError:
            if month == 2 and day == 29:
                year -= 1
                continue
            return None  # 04-31, 02-30: no year has it
        if candidate <= bound:
            return candidate
        year -= 1
    return None
