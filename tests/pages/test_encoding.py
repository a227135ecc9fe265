"""Bytes to text: declared, conflicting and undeclared charsets of Chinese pages."""

from __future__ import annotations

import codecs

import pytest

from newscrawl.pages.encoding import decode_html, decode_page

SIMPLIFIED = "瓯江口大桥主体结构合龙，计划明年上半年通车。市民可以从北岸的渡口一路走到南岸。"
TRADITIONAL = "港都夜市重新開放，攤商與居民達成共識。颱風過後農損初估逾千萬元，市府將加速發放補助。"


def page(text: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>news</title></head><body><p>{text}</p></body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "text", "encoding"),
    [
        (page(SIMPLIFIED).encode(), "text/html; charset=utf-8", SIMPLIFIED, "utf-8"),
        (page(SIMPLIFIED).encode(), None, SIMPLIFIED, "utf-8"),
        (page(SIMPLIFIED, '<meta charset="gb2312">').encode("gbk"), None, SIMPLIFIED, "gb18030"),
        (page(SIMPLIFIED).encode("gbk"), "text/html; charset=GBK", SIMPLIFIED, "gb18030"),
        (page(SIMPLIFIED).encode("gbk"), None, SIMPLIFIED, "gb18030"),
        (page(TRADITIONAL, '<meta charset="big5">').encode("big5"), None, TRADITIONAL, "big5"),
        (page(TRADITIONAL).encode("big5"), None, TRADITIONAL, "big5"),
        # The header lies (utf-8) and the bytes are GBK with a meta tag: the bytes win.
        (
            page(SIMPLIFIED, '<meta charset="gbk">').encode("gbk"),
            "text/html; charset=utf-8",
            SIMPLIFIED,
            "gb18030",
        ),
    ],
    ids=[
        "utf8-header",
        "utf8-undeclared",
        "gb2312-meta",
        "gbk-header",
        "gbk-undeclared",
        "big5-meta",
        "big5-undeclared",
        "header-contradicts-bytes",
    ],
)
def test_decode(body: bytes, content_type: str | None, text: str, encoding: str) -> None:
    decoded, used = decode_html(body, content_type)
    assert text in decoded
    assert used.replace("_", "-").lower().startswith(encoding)


@pytest.mark.parametrize(
    ("body", "content_type", "parsed_as_is"),
    [
        (page(SIMPLIFIED).encode(), "text/html; charset=utf-8", True),
        (page(SIMPLIFIED).encode(), "text/html; charset=UTF8", True),
        (page(SIMPLIFIED).encode(), None, True),  # w3lib decided UTF-8, nothing replaced
        (b"\xef\xbb\xbf" + page(SIMPLIFIED).encode(), None, True),  # less its BOM
        (page(SIMPLIFIED).encode()[:-30] + b"\xff" + b"</p></body></html>", None, False),
        (page(SIMPLIFIED).encode("gbk"), "text/html; charset=GBK", False),
        (
            page(SIMPLIFIED, '<meta charset="gbk">').encode("gbk"),
            "text/html; charset=utf-8",
            False,
        ),
    ],
    ids=[
        "utf8-header",
        "utf8-alias",
        "undeclared",
        "bom",
        "undeclared-bad-byte",
        "gbk-header",
        "header-lies",
    ],
)
def test_decode_page_hands_over_the_bytes_only_when_they_are_the_text(
    body: bytes, content_type: str | None, parsed_as_is: bool
) -> None:
    decoded = decode_page(body, content_type)
    assert (decoded.text, decoded.encoding) == decode_html(body, content_type)
    assert (decoded.utf8 is not None) is parsed_as_is
    if decoded.utf8 is not None:
        assert decoded.utf8.decode("utf-8") == decoded.text


@pytest.mark.parametrize(
    ("meta", "content_type"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', None),
        ('<meta charset="gbk">', None),
        ("", "text/html; charset=GB2312"),
    ],
    ids=["gb2312-meta", "gbk-meta", "gb2312-header"],
)
def test_a_legacy_charset_that_the_bytes_contradict_gives_way_to_utf8(
    meta: str, content_type: str | None
) -> None:
    # A template converted to UTF-8 that still declares GB2312: read as declared,
    # every character would be mojibake (淇冭繘…); the bytes are valid UTF-8.
    text, encoding, _utf8 = decode_page(page(SIMPLIFIED, meta).encode("utf-8"), content_type)
    assert SIMPLIFIED in text
    assert encoding.replace("_", "-").lower() in ("utf-8", "utf8")


def test_a_utf8_meta_tag_over_gbk_bytes_reads_the_bytes_as_gbk() -> None:
    body = page(SIMPLIFIED, '<meta charset="utf-8">').encode("gbk")
    text, encoding = decode_html(body)
    assert SIMPLIFIED in text
    assert encoding == "gb18030"


def test_a_body_cut_off_inside_its_meta_tag_decodes() -> None:
    """A download cut at ``<meta`` (w3lib 2.6's reader panics there; we hold it below 2.6)."""
    body = page(SIMPLIFIED).encode()[:60] + b"<head>\n<meta"
    text, encoding = decode_html(body, None)
    assert text.endswith("<meta")
    assert codecs.lookup(encoding).name == "utf-8"


def test_a_gbk_label_reads_gb18030_four_byte_characters() -> None:
    """Browsers read gb2312 and gbk labels as GB18030; Python's gbk codec cannot."""
    text = SIMPLIFIED + "\u00e9\u20ac\U00020000"  # é and 𠀀 are four bytes in GB18030
    for content_type, meta in (
        ("text/html; charset=gbk", ""),
        (None, '<meta charset="gb2312">'),
    ):
        decoded, encoding = decode_html(page(text, meta).encode("gb18030"), content_type)
        assert text in decoded
        assert encoding == "gb18030"
