"""Bytes -> text for HTML whose charset may be declared, conflicting or absent.

We follow the browser order (BOM, HTTP header, meta tag) with w3lib's
readers, and read every gb2312/gbk/gb18030 label as GB18030, as browsers do
(w3lib 2.5 names it ``gb18030``, 2.6 ``gbk``; Python's ``gbk`` codec refuses
GB18030's four-byte characters that such pages hold). When nothing is
declared: UTF-8 if the bytes decode strictly as UTF-8, else charset-normalizer
chooses between GB18030 and Big5. A strict trial cannot choose: almost any
Big5 text is also valid GB18030 (their double-byte ranges overlap), and reads
as mojibake. w3lib 2.6's own guess (by the URL's top-level domain) is not
used: our pages' domains say little, and one rule for every w3lib version
keeps the archive's encodings stable.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    to_unicode,
)

_CHINESE_LEGACY = ["gb18030", "big5"]
_GB_FAMILY = frozenset({"gb2312", "gbk", "gb18030"})


def _codec(label: str | None) -> str | None:
    """The Python codec to read ``label`` with: GB18030 for the GB family, None if unknown."""
    if label is None:
        return None
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name


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
    header_encoding = _codec(http_content_type_encoding(content_type))
    if header_encoding is not None:
        try:
            text = body.decode(header_encoding)
        except UnicodeDecodeError:
            pass
        else:
            if _is_utf8(header_encoding):
                return DecodedPage(text, header_encoding, body)
            if (as_utf8 := _utf8_text(body)) is not None:
                return DecodedPage(as_utf8, "utf-8", body)
            return DecodedPage(text, header_encoding, None)
    # A BOM is stripped and bad bytes are replaced: the text is not always the body's.
    encoding, text = _decode_undeclared(body)
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


def _decode_undeclared(body: bytes) -> tuple[str, str]:
    """The encoding and text of a body whose header names no charset it honours.

    A BOM first, then the page's meta tag, then detection, then UTF-8; bytes
    the chosen codec cannot read become U+FFFD.
    """
    bom_label, bom = read_bom(body)
    if bom_label is not None and bom is not None and (encoding := _codec(bom_label)):
        return encoding, to_unicode(body[len(bom) :], encoding)
    encoding = _codec(html_body_declared_encoding(body)) or _detect(body) or "utf-8"
    return encoding, to_unicode(body, encoding)


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
