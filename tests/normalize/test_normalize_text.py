"""Unit and property tests of newscrawl.normalize.text: clean_text, parse_count,
display_width and is_truncated (pure functions)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawl.normalize.text import clean_text, display_width, is_truncated, parse_count

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
