"""Every demo theme's URL scheme, by name.

Above :mod:`newscrawl.demo.routes` and the theme modules whose schemes extend
it, so the themes import the routes and this module imports them all, with no
import going back up.
"""

from __future__ import annotations

from newscrawl.demo.content import load_site
from newscrawl.demo.routes import ALL_THEMES, DedeUrls, RewriteUrls, UrlScheme
from newscrawl.demo.theme_dedecms57 import Dede57Urls
from newscrawl.demo.theme_pbootcms import PbootUrls
from newscrawl.demo.theme_phpmywind56 import Phpmywind56Urls


def url_scheme(theme: str) -> UrlScheme:
    """The URL scheme of ``theme`` (one of :data:`ALL_THEMES`)."""
    if theme == "phpmywind":
        return UrlScheme()
    if theme == "rewrite":
        return RewriteUrls()
    if theme == "dedecms":
        return DedeUrls(load_site())
    if theme == "phpmywind56":
        return Phpmywind56Urls(load_site())
    if theme == "pbootcms":
        return PbootUrls(load_site())
    if theme == "dedecms57":
        return Dede57Urls(load_site())
    raise ValueError(f"unknown demo theme {theme!r}; choose one of {', '.join(ALL_THEMES)}")


def article_urls(base_url: str, theme: str) -> list[str]:
    """Page-1 URLs of every article of the demo site under ``theme``, newest first.

    What a crawl of the theme must archive (as canonical URLs), for every theme.
    """
    urls = url_scheme(theme)
    base = base_url.rstrip("/")
    return [urls.canonical_article(base, a.cid, a.id) for a in load_site().articles]
