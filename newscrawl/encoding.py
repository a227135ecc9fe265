"""Bytes -> text for HTML whose charset may be declared, conflicting or absent.

w3lib's ``html_to_unicode`` follows the browser order (BOM, HTTP header, meta
tag) and maps gb2312/gbk to gb18030. When nothing is declared we try strict
decodings in the order Chinese sites use them instead of guessing UTF-8 and
producing mojibake.
"""

from __future__ import annotations

from w3lib.encoding import html_to_unicode, http_content_type_encoding

_UNDECLARED_ORDER = ("utf-8", "gb18030", "big5")


def _detect(body: bytes) -> str | None:
    for encoding in _UNDECLARED_ORDER:
        try:
            body.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The page's text and the encoding used (never raises; bad bytes become U+FFFD).

    Browsers trust the HTTP header first. Misconfigured servers send
    ``charset=utf-8`` for GBK pages, so when the header's charset cannot
    decode the bytes strictly, we decide by the page itself (BOM, meta tag,
    then strict trials): the bytes win over a header that contradicts them.
    """
    header_encoding = http_content_type_encoding(content_type)
    if header_encoding is not None:
        try:
            return body.decode(header_encoding), header_encoding
        except (UnicodeDecodeError, LookupError):
            content_type = None
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=_detect)
    return text, encoding
