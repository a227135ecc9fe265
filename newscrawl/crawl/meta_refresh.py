"""Meta refresh redirects without decoding every page in the crawl process.

Scrapy's ``MetaRefreshMiddleware`` reads ``response.text[0:4096]`` of every
HTML response: to look at its first 4,096 characters it infers the page's
encoding and decodes the whole body, and the decoded text stays cached on the
response for as long as the response lives. newscrawl decodes an article page
where it extracts it (in the extraction worker, by the rules of
``newscrawl.pages.encoding``), so in the crawl process that decode is spent on
every page for nothing, and each page waiting for extraction holds its text
beside its bytes (``benchmarks/TUNING.md`` has the figures).

:class:`ByteCheckedMetaRefreshMiddleware` reads the bytes first. Scrapy looks
for the tag in the page's first 4,096 characters
(``scrapy.utils.response.get_meta_refresh`` reads ``response.text[0:4096]``),
and follows a ``<meta>`` tag whose attributes
contain ``refresh`` (some w3lib releases replace character references first).
In the encodings news sites use (UTF-8, GBK, GB18030, Big5) a character takes
at most 4 bytes and an ASCII letter is its own byte, so those characters lie in
the first 16,384 bytes (after a byte order mark) and such a tag shows there as the bytes ``refresh`` in
any case, or as numeric references to its letters (``&#114;``, ``&#x72;``).
When the window holds neither, Scrapy's middleware would leave the response as
it is, and so does this one, without decoding it. Otherwise Scrapy's own
middleware decides, with its settings (``METAREFRESH_ENABLED``,
``METAREFRESH_MAXDELAY``, ``METAREFRESH_IGNORE_TAGS``); so it does for pages
whose window may be in an encoding where that reasoning fails: a NUL byte
(UTF-16, UTF-32), an escape byte (ISO-2022) or ``~{`` (HZ). UTF-7, which HTML
forbids and browsers do not read, is not considered.
"""

from __future__ import annotations

import re

from scrapy import Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response

#: Bytes holding the first 4,096 characters of a page in UTF-8, GBK, GB18030 or Big5,
#: after a UTF-8 byte order mark (which the decoding drops).
WINDOW = 3 + 4 * 4096

#: A numeric reference to a letter of ``refresh`` in lowered bytes (w3lib reads the
#: longest run of digits, hence the lookaheads).
_REFERENCE_TO_A_LETTER = re.compile(
    rb"&#(?:0*(?:114|101|102|115|104|82|69|70|83|72)(?![0-9])"
    rb"|x0*(?:72|65|66|73|68|52|45|46|53|48)(?![0-9a-f]))"
)


def may_hold_meta_refresh(body: bytes) -> bool:
    """False only when Scrapy's middleware cannot find a meta refresh in ``body``."""
    window = body[:WINDOW]
    # ``~`` first: one memchr, where a two-byte search costs a scan as long as the lowering.
    if b"\x00" in window or b"\x1b" in window or (b"~" in window and b"~{" in window):
        return True  # maybe not ASCII-compatible: no conclusion from bytes
    lowered = window.lower()
    # The pattern's literal "&#" start lets re skip ahead between ampersands: a third of
    # the time a two-byte ``in`` test took, which steps through every byte.
    return b"refresh" in lowered or _REFERENCE_TO_A_LETTER.search(lowered) is not None


class ByteCheckedMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's ``MetaRefreshMiddleware``, skipped for pages whose bytes cannot hold a refresh."""

    def process_response(
        self,
        request: Request,
        response: Response,
        spider: Spider | None = None,
    ) -> Request | Response:
        if isinstance(response, HtmlResponse) and not may_hold_meta_refresh(response.body):
            return response
        return super().process_response(request, response)
