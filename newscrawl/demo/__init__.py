"""The bundled offline demo site: a PHPMyWind-style news site on 127.0.0.1.

``newscrawl demo`` and the end-to-end tests crawl it instead of the internet:
it has the example site's structure (lists with a trap, multi-page articles,
soft 404s, counters that move on every fetch, sidebars with year-less dates)
in two PHPMyWind themes, plus a ``dedecms`` theme serving the same articles as
a DedeCMS site (GBK pages, static URLs, a counter filled by a script), and
:func:`expected_articles` says what a crawler should archive.

    with DemoServer(theme="rewrite") as server:
        crawl(server.base_url + "/")
        assert archived == expected_articles(server.base_url, "rewrite")
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from newscrawl.demo.content import (
    DemoArticle,
    DemoSite,
    clean_text,
    load_site,
    text_width,
    truncate_title,
)
from newscrawl.demo.routes import THEMES
from newscrawl.demo.schemes import url_scheme

if TYPE_CHECKING:
    from newscrawl.demo.expected import expected_articles, load_expected
    from newscrawl.demo.server import (
        DEDE_ROBOTS_TXT,
        DEDE_ROBOTS_TXT_NO_COUNTER,
        ROBOTS_TXT,
        DemoServer,
    )

# The server and expected modules are also run with ``python -m``; importing
# them lazily keeps runpy from warning that they were imported twice.
_LAZY = {
    "expected_articles": "newscrawl.demo.expected",
    "load_expected": "newscrawl.demo.expected",
    "ROBOTS_TXT": "newscrawl.demo.server",
    "DEDE_ROBOTS_TXT": "newscrawl.demo.server",
    "DEDE_ROBOTS_TXT_NO_COUNTER": "newscrawl.demo.server",
    "DemoServer": "newscrawl.demo.server",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(module), name)


#: The article with a lead and five headed sections, like the example page.
SHOWCASE_ID = 613
#: The article whose body continues on a second page.
TWO_PAGE_ID = 620
#: An id no article has: ``show.php?cid=29&id=999`` is the soft 404 the home page links
#: (``/plus/view.php?aid=999`` on the dedecms theme).
STALE_ID = 999

__all__ = [
    "DEDE_ROBOTS_TXT",
    "DEDE_ROBOTS_TXT_NO_COUNTER",
    "ROBOTS_TXT",
    "SHOWCASE_ID",
    "STALE_ID",
    "THEMES",
    "TWO_PAGE_ID",
    "DemoArticle",
    "DemoServer",
    "DemoSite",
    "clean_text",
    "expected_articles",
    "load_expected",
    "load_site",
    "text_width",
    "truncate_title",
    "url_scheme",
]
