"""Bytes -> text for HTML whose charset may be declared, conflicting or absent.

w3lib's ``html_to_unicode`` follows the browser order (BOM, HTTP header, meta
tag) and maps gb2312/gbk to gb18030. When nothing is declared: UTF-8 if the
bytes decode strictly as UTF-8, else charset-normalizer chooses between
GB18030 and Big5. A strict trial cannot choose: almost any Big5 text is also
valid GB18030 (their double-byte ranges overlap), and reads as mojibake.
"""

from __future__ import annotations

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
