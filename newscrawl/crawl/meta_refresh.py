"""Meta refresh redirects without decoding every page in the crawl process.

Scrapy's ``MetaRefreshMiddleware`` reads ``response.text[0:4096]`` of every
HTML response: to look at its first 4,096 characters it infers the page's
encoding and decodes the whole body, and the decoded text stays cached on the
response for as long as the response lives. newscrawl decodes an article page
where it extracts it (in the extraction worker, by the rules of
``newscrawl.pages.encoding``), so in the crawl process that decode is spent on
every page for nothing, and each page waiting for extraction holds its text
beside its bytes (``benchmarks/RESULTS.md`` has the figures).

:class:`ByteCheckedMetaRefreshMiddleware` reads the bytes first. A refresh
that Scrapy would follow is a ``<meta>`` tag whose attributes contain
``refresh`` (some w3lib releases replace character references first). In every ASCII-compatible
encoding a news site uses (UTF-8, GBK, GB18030, Big5, and the 7-bit ones, whose
ASCII letters stand for themselves), those letters are either the ASCII bytes
``refresh`` (any case) or numeric character references to them
(``&#114;``, ``&#x72;``). So when the body holds neither, Scrapy's middleware
would leave the response as it is, and so does this one, without decoding it.
Otherwise, and for bodies that may not be ASCII-compatible (any NUL byte: UTF-16
or UTF-32), Scrapy's own middleware decides, with its settings
(``METAREFRESH_ENABLED``, ``METAREFRESH_MAXDELAY``, ``METAREFRESH_IGNORE_TAGS``).
The check scans the whole body, not a window of it, so no assumption about how
many bytes 4,096 characters take is needed.
"""

from __future__ import annotations

import re

from scrapy import Spider
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request, Response

#: Bytes that could spell ``refresh`` once w3lib replaces character references:
#: the word itself, or a decimal or hexadecimal reference to one of its letters
#: in either case (w3lib reads the longest run of digits, hence the lookaheads).
_MAY_SPELL_REFRESH = re.compile(
    rb"refresh"
    rb"|&#(?:0*(?:114|101|102|115|104|82|69|70|83|72)(?![0-9])"
    rb"|x0*(?:72|65|66|73|68|52|45|46|53|48)(?![0-9a-f]))",
    re.IGNORECASE,
)


def may_hold_meta_refresh(body: bytes) -> bool:
    """False only when no meta refresh can be read from ``body`` in any encoding Scrapy uses."""
    return b"\x00" in body or _MAY_SPELL_REFRESH.search(body) is not None


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
