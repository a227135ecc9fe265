"""The text given to the ASCII tokenizer: Chinese spaced out, the tokens revision 0004 indexed kept, query terms split alike."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive import fts
from archive.fts import prepare
from archive.search import _TOKEN, parse_query


def _tokens_by_fts5(
    texts: list[str], tokenizer: str = fts.TOKENIZER
) -> list[list[tuple[str, int]]]:
    """Each text's (token, position) pairs as FTS5 indexes them, with the archive's
    tokenizer unless told another."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize='{tokenizer}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", enumerate(texts, 1))
    found: list[list[tuple[str, int]]] = [[] for _ in texts]
    for term, doc, offset in db.execute("SELECT term, doc, offset FROM v ORDER BY doc, offset"):
        found[doc - 1].append((term, offset))
    db.close()
    return found


def _revision_0004(value: str) -> str:
    """The text revision 0004 indexed: every CJK run spaced out, between spaces."""
    halfwidth = value.translate(fts._TO_HALFWIDTH)
    return fts._CJK_RUN.sub(lambda run: " " + " ".join(run.group()) + " ", halfwidth)


def test_index_text_spaces_out_chinese_only() -> None:
    assert _TOKEN.findall(prepare("裁员AI内容ＡＢＣ１２，don't 3.14")) == [
        "裁", "员", "AI", "内", "容", "ABC12", "don", "t", "3", "14",
    ]  # fmt: skip
    assert _TOKEN.findall(prepare("ｗｅｉｂｏ，微博")) == ["weibo", "微", "博"]


@given(
    st.text(
        # Every character the preparation treats as a separator (the regex class
        # without its escapes), beside CJK, words and odd characters.
        alphabet=fts._SEPARATORS.replace("\\", "")
        + "裁员图书馆𠀀ぁアㄅ\x00AIab12ＡＢ１２_é\u0301한😀\ue000\u200b©¥\\",
        max_size=60,
    )
)
def test_index_text_gives_the_tokens_revision_0004_indexed(value: str) -> None:
    """The delete trigger recomputes indexed tokens: the preparation must give
    the archive's tokenizer exactly the tokens, at the same positions, that
    revision 0004's text gave ``unicode61``; queries split into the tokens
    they split into then."""
    before = _revision_0004(value)
    assert _tokens_by_fts5([prepare(value)]) == _tokens_by_fts5([before], fts.TOKENS_OF)
    assert _TOKEN.findall(fts.query_text(value)) == _TOKEN.findall(before)


@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_every_bmp_character_leaves_the_tokens_as_revision_0004_had_them() -> None:
    """Each character of the Basic Multilingual Plane between words, CJK and numbers.

    (Beyond it, prepare takes revision 0004's own path; a one-off run over all
    of Unicode agreed as well, but takes half a minute.)
    """
    chars = [chr(code) for code in range(1, 0x10000) if not 0xD800 <= code < 0xE000]
    texts = [f"ab{c}cd{c}裁{c}员{c}12{c}{c}é" for c in chars]
    prepared = _tokens_by_fts5([prepare(text) for text in texts])
    expected = _tokens_by_fts5([_revision_0004(text) for text in texts], fts.TOKENS_OF)
    differing = [
        hex(ord(c)) for c, got, want in zip(chars, prepared, expected, strict=True) if got != want
    ]
    assert differing == []


def test_index_text_beyond_the_bmp_takes_the_general_path() -> None:
    value = "裁员𠀀图书，AI Éclair"
    assert _tokens_by_fts5([prepare(value)]) == _tokens_by_fts5(
        [_revision_0004(value)], fts.TOKENS_OF
    )
    assert prepare(value).split() == ["裁", "员", "𠀀", "图", "书", "AI", "eclair"]


def test_index_text_has_no_separator_the_ascii_tokenizer_would_keep() -> None:
    # ascii takes every character outside ASCII into tokens: none may be left.
    assert prepare("裁员，《图书》：“AI”…— ©2026 ★ Ωmega").split() == [
        "裁", "员", "图", "书", "AI", "2026", "ωmega",
    ]  # fmt: skip


def test_query_terms_split_into_index_tokens() -> None:
    assert [term.tokens for term in parse_query('人气 "weak market" C++')] == [
        ("人", "气"),
        ("weak", "market"),
        ("C",),
    ]


# The command line -----------------------------------------------------------
