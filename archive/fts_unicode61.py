"""SQLite's ``unicode61`` tokenizer, imitated for the full-text index's text.

The index keeps the tokens ``unicode61 remove_diacritics 2`` gives text
prepared by :func:`archive.fts.prepare`, but FTS5 makes them with its
``ascii`` tokenizer, so the preparation does what ``unicode61`` did to
characters outside ASCII: which CJK characters are tokens, and how any other
character is folded (case, diacritics) or becomes a separator. The folding is
asked of SQLite itself, once per character and process
(:func:`fold_others`), so it is exact for the SQLite in use; the tests hold
the two tokenizers to the same tokens on every character of the BMP.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import threading

#: The tokenizer whose tokens the index keeps (as :data:`archive.fts.TOKENS_OF`).
UNICODE61 = "unicode61 remove_diacritics 2"

#: Characters written without spaces between words, as ranges for a regex
#: class: CJK ideographs (with extensions and compatibility forms), kana,
#: bopomofo. Each is its own token.
CJK_CHARS = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)


#: Characters of those ranges that ``unicode61`` does not index: radicals,
#: strokes, kana voicing marks, the katakana middle dot … (read off SQLite's
#: tokenizer; the tests hold every character of the BMP to it). They separate
#: tokens, so they are never spaced out as tokens of their own.
_CJK_NON_TOKENS = (
    (0x2E80, 0x2E99), (0x2E9B, 0x2EF3), (0x2F00, 0x2FD5), (0x3099, 0x309C), (0x30A0, 0x30A0),
    (0x30FB, 0x30FB), (0x3190, 0x3191), (0x3196, 0x319F), (0x31C0, 0x31E3),
)  # fmt: skip


def _class_without(ranges: str, holes: tuple[tuple[int, int], ...]) -> str:
    """The regex class ranges ``ranges`` (``a-b`` pairs) minus the code point ranges ``holes``."""
    kept: list[tuple[int, int]] = []
    for first, last in ((ord(a), ord(b)) for a, b in re.findall("(.)-(.)", ranges, re.DOTALL)):
        for hole_first, hole_last in holes:
            if hole_first > last or hole_last < first:
                continue
            if first < hole_first:
                kept.append((first, hole_first - 1))
            first = hole_last + 1
        if first <= last:
            kept.append((first, last))
    return "".join(f"{chr(a)}-{chr(b)}" for a, b in kept)


#: The CJK characters that are tokens, each alone.
CJK_TOKEN_CHARS = _class_without(CJK_CHARS, _CJK_NON_TOKENS)
_NON_ASCII = re.compile("[^\x00-\x7f]+")


def fold_others(text: str) -> str:
    """``text`` with each character outside ASCII as ``unicode61`` indexes it."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(lambda run: "".join(map(_unicode61_fold, run.group())), text)


_probe_lock = threading.Lock()
#: The in-memory FTS5 table :func:`_unicode61_fold` asks, by process id: a
#: connection is never used across a fork (extraction workers, the writer).
_probes: dict[int, sqlite3.Connection] = {}


@functools.lru_cache(maxsize=8192)
def _unicode61_fold(char: str) -> str:
    """What ``unicode61 remove_diacritics 2`` makes of ``char``: its folded form
    (``É`` -> ``e``, maybe empty) when it is a token character, else a space.

    Asked of SQLite itself, once per character and process: the text ``q{char}q``
    is one token ``q…q`` when ``char`` belongs in tokens, two ``q`` when it
    separates them: exact for the SQLite in use, whatever its Unicode tables.
    """
    with _probe_lock:
        probe = _probes.get(os.getpid())
        if probe is None:
            probe = sqlite3.connect(":memory:", check_same_thread=False)
            probe.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{UNICODE61}')")
            probe.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
            _probes[os.getpid()] = probe  # a parent's, inherited through fork, is left alone
        probe.execute("DELETE FROM t")
        probe.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (f"q{char}q",))
        terms = [str(term) for (term,) in probe.execute("SELECT term FROM v ORDER BY offset")]
    if len(terms) == 1 and len(terms[0]) >= 2:
        return terms[0][1:-1]
    return " "
