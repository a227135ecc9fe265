"""Pure normalizers for text, popularity counts and link texts of Chinese news pages.

Every function here is pure: no I/O, no settings, nothing read at import time,
and none raises on any string: bad input gives ``None``. Dates live in
``newscrawl.normalize.dates``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = [
    "CLEAN_TABLE",
    "FULLWIDTH_TABLE",
    "clean_text",
    "display_width",
    "is_truncated",
    "is_truncated_clean",
    "parse_count",
]

# -- text ----------------------------------------------------------------------

#: Zero-width characters are dropped (they sit inside words). U+3000 and NBSP need no
#: table: they are whitespace to ``str.split``, so the collapse turns them into spaces.
#: (Removing them with a regex is ~6x faster than ``str.translate`` on CJK text.)
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff\u2060]")
#: ``&nbsp;`` (and its numeric forms) left over by editors that escaped twice.
NBSP_ENTITY = re.compile(r"&(?:nbsp;?|#160;|#x0*a0;)", re.IGNORECASE)


def _has_zero_width(text: str) -> bool:
    """Whether ``text`` holds a zero-width character; five ``in`` scans beat one regex search 3x."""
    if text.isascii():
        return False
    return (
        "\u200b" in text
        or "\u200c" in text
        or "\u200d" in text
        or "\ufeff" in text
        or "\u2060" in text
    )


def clean_text(text: str | None) -> str | None:
    """Normalize whitespace the way Chinese CMS pages need it.

    Zero-width characters (U+200B..U+200D, U+FEFF, U+2060) are removed;
    ideographic spaces (U+3000), NBSP, literal ``&nbsp;`` leftovers, tabs and
    newlines become spaces; runs of whitespace collapse to one ASCII space and
    the ends are stripped. NFKC is not applied, so full-width punctuation
    (``：``, ``，``) is kept. Returns None for None or an empty result.
    Idempotent: ``clean_text(clean_text(x)) == clean_text(x)``.
    """
    if text is None:
        return None
    out = _ZERO_WIDTH.sub("", text) if _has_zero_width(text) else text
    if "&" in out:
        out = NBSP_ENTITY.sub(" ", out)
    # str.split() splits on exactly the characters ``\s`` matches (str.isspace), and
    # split-and-join is ~6x faster than a regex substitution plus strip.
    return " ".join(out.split()) or None


# -- counts --------------------------------------------------------------------

#: Full-width digits and the punctuation that appears inside numbers, to ASCII.
FULLWIDTH_TABLE: dict[int, str | None] = {
    **{0xFF10 + i: str(i) for i in range(10)},
    0xFF0C: ",",  # ，
    0xFF0E: ".",  # ．
    0xFF0B: "+",  # ＋
    0xFF1A: ":",  # ：
    0xFF0F: "/",  # ／
    0xFF0D: "-",  # －
    0xFF0A: "*",
}
#: Zero-width characters dropped, U+3000 and NBSP to spaces: for the count and date parsers.
CLEAN_TABLE: dict[int, str | None] = {
    **dict.fromkeys((0x200B, 0x200C, 0x200D, 0xFEFF, 0x2060)),
    0x3000: " ",
    0x00A0: " ",
}
#: Traditional forms of the characters the count and date parsers read, to the
#: simplified ones their patterns are written in: 2.3萬, 閱讀次數, 點擊量, 3小時前,
#: 剛剛, 兩個月前, 1個鐘頭前, 15點30分, 2週前. Only these: a full conversion (OpenCC)
#: would be a dependency and a cost for characters no pattern reads.
TRADITIONAL_TABLE: dict[int, str | None] = {
    ord(traditional): simplified
    for traditional, simplified in zip(
        "萬億擊瀏覽閱讀訪問熱數氣時鐘頭剛個禮兩號點週",
        "万亿击浏览阅读访问热数气时钟头刚个礼两号点周",
        strict=True,
    )
}
_COUNT_TABLE: dict[int, str | None] = {**FULLWIDTH_TABLE, **CLEAN_TABLE, **TRADITIONAL_TABLE}

_UNITS: dict[str, int] = {
    "万": 10_000,
    "w": 10_000,
    "W": 10_000,
    "亿": 100_000_000,
    "千": 1_000,
    "k": 1_000,
    "K": 1_000,
    "M": 1_000_000,
}
_NUMBER = (
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<frac>[0-9]+))?\s*(?P<unit>[万亿千wWkKM])?"
)
_COUNT_LABEL = (
    r"(?:点击次数|浏览次数|点击量|阅读量|浏览量|访问量|阅读数|人气|点击|阅读|浏览|访问|热度)"
)
#: A number right after a counter label, with separators (``：``, ``:``, ``|``, brackets) between.
_LABELLED_COUNT = re.compile(_COUNT_LABEL + r"[\s:=|丨/\[\]【】()（）-]*" + _NUMBER)
_ANY_COUNT = re.compile(r"(?<![0-9.])" + _NUMBER)
#: More digits than any real counter has: such a "number" is an id or noise, not a count.
_MAX_COUNT_DIGITS = 15


def _count_value(match: re.Match[str]) -> int | None:
    whole = match.group("int").replace(",", "")
    if len(whole) > _MAX_COUNT_DIGITS:
        return None
    frac = (match.group("frac") or "")[:6]
    try:
        value = Decimal(f"{whole}.{frac}" if frac else whole)
    except InvalidOperation:  # pragma: no cover - the regex only lets digits through
        return None
    unit = match.group("unit")
    if unit:
        value *= _UNITS[unit]
    return max(int(value), 0)


def parse_count(raw: str | None) -> int | None:
    """A popularity count from text: ``人气：6``, ``点击: 1,234``, ``1.2万``, ``10万+``, ``１２３``.

    Units: 万/w (10⁴), 亿 (10⁸), 千/k (10³), M (10⁶), traditional forms alike (萬, 億,
    閱讀); a trailing ``+`` or ``次`` is
    ignored and fractions without a unit are truncated. When several numbers
    appear, the first one right after a counter label (人气 点击 阅读 浏览 访问量
    热度 …) wins, else the first number. Returns None when there is no number
    (or only an absurdly long digit run); never negative, never raises.
    """
    if not raw:
        return None
    text = raw.translate(_COUNT_TABLE)
    if "&" in text:  # a double-escaped "&#160;" is a space, not the number 160
        text = NBSP_ENTITY.sub(" ", text)
    match = _LABELLED_COUNT.search(text) or _ANY_COUNT.search(text)
    return _count_value(match) if match else None


# -- link text -----------------------------------------------------------------

_ELLIPSIS_CHARS = ".…"


def display_width(text: str) -> float:
    """Width by the PHPMyWind cut rule: ASCII counts 0.5, any other character 1.

    The template cuts sidebar link text to 15 such units and appends ``...``.
    """
    ascii_count = sum(1 for ch in text if ch < "\x80")
    return ascii_count * 0.5 + (len(text) - ascii_count)


def is_truncated(link_text: str, full_title: str | None) -> bool:
    """Whether a link's visible text was cut: it ends with ``...`` or ``…``.

    When the full title is known (a/@title) it must also start with the text
    before the ellipsis and be longer than it, so a title that really ends in
    ``...`` is not reported as cut. Both are compared after :func:`clean_text`.
    """
    return is_truncated_clean(clean_text(link_text) or "", clean_text(full_title))


def is_truncated_clean(text: str, full: str | None) -> bool:
    """:func:`is_truncated` of texts that are :func:`clean_text`'s output already
    (a page reader's, which cleans them anyway)."""
    if not text.endswith(("...", "…")):
        return False
    prefix = text.rstrip(_ELLIPSIS_CHARS).rstrip()
    if full is None:
        return True
    if full == text:
        return False
    return len(full) > len(prefix) and full.startswith(prefix)
