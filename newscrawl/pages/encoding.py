"""Bytes -> text for HTML whose charset may be declared, conflicting or absent.

w3lib's ``html_to_unicode`` follows the browser order (BOM, HTTP header, meta
tag) and maps gb2312/gbk to gb18030. When nothing is declared: UTF-8 if the
bytes decode strictly as UTF-8, else charset-normalizer chooses between
GB18030 and Big5. A strict trial cannot choose: almost any Big5 text is also
valid GB18030 (their double-byte ranges overlap), and reads as mojibake.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from charset_normalizer import from_bytes
from w3lib.encoding import html_to_unicode, http_content_type_encoding

_CHINESE_LEGACY = ["gb18030", "big5"]


def _detect(body: bytes) -> str | None:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best = from_bytes(body, cp_isolation=_CHINESE_LEGACY).best()
    return best.encoding if best is not None else None


class DecodedPage(NamedTuple):
    """A page's text, the encoding it was read with, and its bytes when lxml may take them.

    ``utf8`` is the body itself when ``text`` is its strict UTF-8 decoding (a
    UTF-8 charset in the header that the bytes honour, the common case), else
    None. Parsing those bytes gives the very tree parsing ``text`` gives, without
    encoding the text back to UTF-8 first (:func:`newscrawl.pages.dom.parse_html`).
    """

    text: str
    encoding: str
    utf8: bytes | None


def decode_page(body: bytes, content_type: str | None = None) -> DecodedPage:
    """The page's text, the encoding used and maybe its bytes for lxml (never raises; bad
    bytes become U+FFFD).

    Browsers trust the HTTP header first. Misconfigured servers send
    ``charset=utf-8`` for GBK pages, so when the header's charset cannot
    decode the bytes strictly, we decide by the page itself (BOM, meta tag,
    then strict trials): the bytes win over a header that contradicts them.
    """
    header_encoding = http_content_type_encoding(content_type)
    if header_encoding is not None:
        try:
            text = body.decode(header_encoding)
        except (UnicodeDecodeError, LookupError):
            content_type = None
        else:
            if _is_utf8(header_encoding):
                return DecodedPage(text, header_encoding, body)
            if (as_utf8 := _utf8_text(body)) is not None:
                return DecodedPage(as_utf8, "utf-8", body)
            return DecodedPage(text, header_encoding, None)
    # w3lib strips a BOM and replaces bad bytes: its text is not always the body's.
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
    if not _is_utf8(encoding):
        # A page declaring GB2312 whose bytes are UTF-8 (a template converted
        # to UTF-8, its meta tag left as it was): the bytes win. Legacy
        # Chinese text of any length is never valid UTF-8 by chance.
        if (as_utf8 := _utf8_text(body)) is not None:
            return DecodedPage(as_utf8, "utf-8", body)
    elif "\ufffd" in text:
        if (detected := _detect(body)) is not None and not _is_utf8(detected):
            # Declared UTF-8 (meta tag) but the bytes are not: read them as what they are.
            try:
                return DecodedPage(body.decode(detected), detected, None)
            except (UnicodeDecodeError, LookupError):
                pass
    else:
        # UTF-8 read without a replaced byte: the text is the body's (less a BOM),
        # so lxml may take the bytes (encoding the page again is spared).
        return DecodedPage(text, encoding, body.removeprefix(codecs.BOM_UTF8))
    return DecodedPage(text, encoding, None)


def _is_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def _utf8_text(body: bytes) -> str | None:
    """``body`` decoded as UTF-8 when it is strictly valid UTF-8 holding non-ASCII text."""
    if body.isascii():
        return None
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text.removeprefix("\ufeff")


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """:func:`decode_page`'s text and encoding."""
    text, encoding, _utf8 = decode_page(body, content_type)
    return text, encoding
