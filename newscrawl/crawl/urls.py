"""URL shapes of Chinese news CMS families: canonical form, article ids, pages.

The hot functions are cached: every page repeats the site's navigation,
sidebar and footer links, and canonicalization is the costliest step of
link handling.

Pure string functions, shared by page objects (to tell article links from list
links) and spiders (to request each article once, by its page-1 URL). The
shapes come from the CMS families (``newscrawl/pages/families.py``, and
``docs/extraction.md`` for how families are recognized):

- PHPMyWind: ``show.php?cid=29&id=613[&page=2]``, ``list.php?cid=29[&page=3]``,
  rewritten ``show-29-613-1.html`` / ``list-29-2.html``;
- DedeCMS: ``/a/news/613.html``, page 2 ``613_2.html``, lists ``list_3_2.html``;
- PHPCMS v9 / EmpireCMS / PbootCMS: ``index.php?m=content&c=index&a=show&catid=6&id=613``,
  ``/news/2025/1029/613.html``, ``?contentid=`` and ``pageno=`` pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

#: Entries each per-URL cache keeps (here, in ``newscrawl.crawl.roles`` and the link
#: listing). A site's menus and boxes repeat a few hundred URLs on every page, and an
#: article's URL comes back within a few hundred pages of being listed: this many
#: keep both. Not more: each entry holds its URL, and a full 65,536-entry set of
#: these caches took 83 MB in every process of a 50,000-article crawl.
URL_CACHE = 8192

_ID_PARAMS = ("id", "aid", "contentid", "articleid", "newsid", "itemid")
_CHANNEL_PARAMS = ("cid", "catid", "classid", "typeid", "tid", "cat")
_PAGE_PARAMS = ("page", "pageno", "p", "pn")

# show-29-613-1.html, newsshow-3-58-1.html (PHPMyWind rewrite: channel, id, page)
_REWRITE_SHOW = re.compile(
    r"/[a-z]*(?:show|view|detail|article|content)-(\d+)-(\d+)(?:-(\d+))?\.html?$"
)
# 613_2.html, /2025/1029/613.html, /2019/0113/1.html, detail_33812.html (static pages, ids
# of any length: DedeCMS and PbootCMS number articles from 1)
_STATIC_ARTICLE = re.compile(r"[/_-](\d+)(?:_(\d+))?\.s?html?$")
# list-29-2.html, list_3_2.html, news-3-1.html (PHPMyWind rewrite: channel, page)
_REWRITE_LISTS = (
    re.compile(r"/[a-z]*list[-_](?P<channel>\d+)(?:[-_](?P<page>\d+))?\.html?$"),
    re.compile(r"/[a-z]+-(?P<channel>\d+)-(?P<page>\d+)\.html?$"),
)


#: PbootCMS's list pages in a query route: ``/?article_2/`` is page 2 of ``/?article/``.
_ROUTE_LIST_PAGE = re.compile(r"/[a-z][a-z0-9]*_(\d+)/$", re.IGNORECASE)


def _rewrite_list(path: str) -> re.Match[str] | None:
    """A rewritten list page (``list-29-2.html``, ``list_3_2.html``, ``news-3-1.html``)."""
    for pattern in _REWRITE_LISTS:
        if match := pattern.search(path):
            return match
    return None


#: Query parameters that track a share or a click and never select content: a link
#: shared as ``show.php?cid=29&id=613&utm_source=wechat`` is the article
#: ``show.php?cid=29&id=613`` (fetched once, archived under the plain URL).
_TRACKING_PARAM = re.compile(r"utm_\w*|spm|gclid|fbclid", re.IGNORECASE)
_TRACKING_HINT = re.compile(r"(?:utm_|spm=|gclid=|fbclid=)", re.IGNORECASE)


def _drop_tracking(url: str) -> str:
    """``url`` without tracking parameters (unchanged when it has none).

    The other arguments keep their bytes: they are not decoded and encoded
    again (a GBK ``kw=%D6%D0`` stays as it is, a query route too).
    """
    if not _TRACKING_HINT.search(url):
        return url
    parts = urlsplit(url)
    pairs = parts.query.split("&")
    kept = [pair for pair in pairs if not _TRACKING_PARAM.fullmatch(pair.split("=", 1)[0])]
    if len(kept) == len(pairs):
        return url
    return urlunsplit((*parts[:3], "&".join(kept), parts.fragment))


_SHOW_SCRIPTS = ("show.php", "view.php", "article.php", "content.php", "detail.php", "news.php")
_LIST_SCRIPTS = ("list.php", "category.php", "lists.php")


@lru_cache(maxsize=URL_CACHE)
def canonical_url(url: str) -> str:
    """The archive's key for a URL: fragment dropped, query kept (sorted).

    w3lib sorts query arguments and normalizes percent-encoding, so that
    ``?id=613&cid=29`` and ``?cid=29&id=613`` are one article. Tracking
    parameters (``utm_*``, ``spm``, ``gclid``, ``fbclid``) are dropped. A query
    that is a path, not arguments (PbootCMS ``/?news/12.html``), is kept as it is.
    """
    url = _drop_tracking(url)
    simple = _canonical_as_is(url)
    if simple is not None:
        return simple
    parts = urlsplit(url)
    if parts.query and "=" not in parts.query:
        base = canonicalize_url(urlunsplit((*parts[:3], "", "")), keep_fragments=False)
        return f"{base}?{parts.query}"
    return canonicalize_url(url, keep_fragments=False)


#: A URL w3lib would give back unchanged (but for a "/" after a bare host): lowercase
#: host, a path and query of unreserved characters only, no dot segment.
_PLAIN_URL = re.compile(
    r"https?://[a-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~/-]*)?(?:\?[A-Za-z0-9._~=&-]*)?"
)


def _canonical_as_is(url: str) -> str | None:
    """``canonicalize_url(url)`` without w3lib for the plain URLs most links are, else None.

    w3lib splits, quotes and joins every URL again (about 20 us, most of the
    cost of reading a new link). A URL of unreserved characters whose query
    arguments each have a value and are already sorted comes back as it is,
    with a "/" after a bare host; anything else goes to w3lib. The equality
    is tested on real pages' links (``tests/crawl/test_urls.py``).
    """
    if _PLAIN_URL.fullmatch(url) is None or "/." in url:
        return None
    path, mark, query = url.partition("?")
    if path.find("/", path.index("//") + 2) < 0:
        path += "/"
    if not query:
        return None if mark else path
    pairs = [pair.partition("=") for pair in query.split("&")]
    if any(not key or not equals or "=" in value for key, equals, value in pairs):
        return None
    arguments = [(key, value) for key, _equals, value in pairs]
    if arguments != sorted(arguments):
        return None
    return f"{path}?{query}"


def _path_and_route(url: str) -> str:
    """The path, or for query routes (``/?news/12.html``) the route in the query."""
    parts = urlsplit(url)
    if parts.query and "=" not in parts.query:
        return "/" + parts.query.lstrip("/")
    return parts.path


def join_url(base: str, href: str) -> str:
    """``href`` made absolute against the page URL ``base`` (``urljoin``, cached)."""
    return joiner(base)(href)


def before_query(url: str) -> str:
    """``url`` up to its query or fragment: scheme, host and path.

    What a relative link on the page resolves against: a path-relative one
    against its directory, a query-only one (``?id=5``) against the path.
    """
    end = min((i for i in (url.find("?"), url.find("#")) if i >= 0), default=len(url))
    return url[:end]


def joiner(base: str) -> Callable[[str], str]:
    """``join_url`` bound to one page URL, for resolving all of its links.

    Links repeat from page to page; the cache is keyed by the base's
    directory so that ``show.php?id=1`` resolves once per directory, not once
    per page. Query- and fragment-only links, network paths and bases without
    a path go to ``urljoin`` as they are.
    """
    path = before_query(base)
    cut = path.rfind("/")
    directory = path[: cut + 1] if cut > base.find("//") + 1 else None

    def join(href: str) -> str:
        if href.startswith(("http://", "https://")):
            return href
        if directory is None or not href or href.startswith(("?", "#", "//")):
            return urljoin(base, href)
        return _join_in(directory, href)

    return join


@lru_cache(maxsize=URL_CACHE)
def _join_in(directory: str, href: str) -> str:
    return urljoin(directory, href)


#: The start of a URL whose host every step takes as it is: an ASCII name and
#: maybe a port (checked for range apart).
_PLAIN_HOST = re.compile(r"https?://[A-Za-z0-9.-]+(?::(\d{1,5}))?(?:[/?#]|$)", re.IGNORECASE)

#: What may not stand in a host once its escapes are decoded (the URL Standard's
#: forbidden domain code points): w3lib 2.6 refuses such URLs with a ValueError.
_FORBIDDEN_IN_HOST = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")


def is_followable(url: str) -> bool:
    """True for http(s) URLs a request can be made of; javascript:, mailto:, data:,
    file: and the rest never are.

    Nor is a URL whose host cannot be one: a bad IPv6 bracket
    (``http://[bad/``), a port out of range, a control character, space or
    delimiter in the host, written or escaped (``http://\x02log.example.cn``,
    broken bytes on a real page). Every later step (canonical form, request)
    would raise on them, and the versions of w3lib differ in which they
    refuse, so the rule is ours. Cached: menus repeat their links on every page.
    """
    if not url[:8].lower().startswith(("http://", "https://")):
        return False
    if plain := _PLAIN_HOST.match(url):
        return plain.group(1) is None or int(plain.group(1)) <= 65535
    return _has_usable_host(url)


@lru_cache(maxsize=URL_CACHE)
def _has_usable_host(url: str) -> bool:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises for a port that is not a number or out of range
    except ValueError:  # also "Invalid IPv6 URL"
        return False
    host = parts.hostname
    if not host:
        return False
    if parts.netloc.rpartition("@")[2].startswith("["):
        return True  # an IPv6 literal, which urlsplit has checked
    return _FORBIDDEN_IN_HOST.search(unquote(host)) is None


def port_of(url: str) -> int | None:
    """The port ``url`` connects to (80 or 443 when it names none); None when unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number or out of range, a broken IPv6 host
        return None
    if port is None:
        return {"http": 80, "https": 443}.get(parts.scheme.lower())
    return port


def host_of(url: str) -> str:
    """The host without port, lower-cased (the Article ``site`` key)."""
    return (urlsplit(url).hostname or "").lower()


def _query(url: str) -> dict[str, str]:
    return {k.lower(): v for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)}


def _script(url: str) -> str:
    return _path_and_route(url).rsplit("/", 1)[-1].lower()


def article_id(url: str) -> str | None:
    """The id the CMS gives the article (``id=613``, ``613.html``, ``show-29-613-1``)."""
    query = _query(url)
    for name in _ID_PARAMS:
        value = query.get(name, "")
        if value.isdigit():
            return value
    path = _path_and_route(url)
    if m := _REWRITE_SHOW.search(path):
        return m.group(2)
    if not _rewrite_list(path) and (m := _STATIC_ARTICLE.search(path)):
        return m.group(1)
    return None


def channel_id(url: str) -> str | None:
    """The channel the URL names (``cid=29``, ``show-29-613-1.html``, ``list-29-2.html``)."""
    query = _query(url)
    for name in _CHANNEL_PARAMS:
        if query.get(name):
            return query[name]
    path = _path_and_route(url)
    if m := _REWRITE_SHOW.search(path):
        return m.group(1)
    if m := _rewrite_list(path):
        return m.group("channel")
    return None


@lru_cache(maxsize=URL_CACHE)
def page_number(url: str) -> int:
    """The page of a multi-page article or list (1 when the URL names none)."""
    query = _query(url)
    for name in _PAGE_PARAMS:
        value = query.get(name, "")
        if value.isdigit():
            return max(int(value), 1)
    path = _path_and_route(url)
    if (m := _rewrite_list(path)) and m.group("page"):
        return max(int(m.group("page")), 1)
    for pattern in (_REWRITE_SHOW, _STATIC_ARTICLE):
        if (m := pattern.search(path)) and m.group(pattern.groups):
            return max(int(m.group(pattern.groups)), 1)
    if path != urlsplit(url).path and (m := _ROUTE_LIST_PAGE.search(path)):
        return max(int(m.group(1)), 1)  # a query route's list page: /?article_2/
    return 1


@lru_cache(maxsize=URL_CACHE)
def first_page_url(url: str) -> str:
    """The canonical URL of page 1 of the article or list ``url`` belongs to.

    ``show.php?cid=29&id=620&page=2`` -> ``show.php?cid=29&id=620``;
    ``show-29-620-2.html`` -> ``show-29-620-1.html``; ``620_2.html`` -> ``620.html``.
    """
    parts = urlsplit(url)
    if parts.query and "=" not in parts.query:  # a query route: /?news/12_2.html
        route = _STATIC_ARTICLE.sub(
            lambda m: m.group(0).replace(f"_{m.group(2)}", "", 1) if m.group(2) else m.group(0),
            parts.query,
        )
        return canonical_url(urlunsplit((parts.scheme, parts.netloc, parts.path, route, "")))
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k.lower() not in _PAGE_PARAMS]
    path = parts.path
    if m := _REWRITE_SHOW.search(path):
        if m.group(3):
            path = path[: m.start(3)] + "1" + path[m.end(3) :]
    elif (m := _rewrite_list(path)) and m.group("page"):
        path = path[: m.start("page")] + "1" + path[m.end("page") :]
    elif (m := _STATIC_ARTICLE.search(path)) and m.group(2):
        path = path[: m.end(1)] + path[m.end(2) :]
    rebuilt = urlunsplit((parts.scheme, parts.netloc, path, urlencode(kept), ""))
    return canonical_url(rebuilt)


@lru_cache(maxsize=URL_CACHE)
def looks_like_article(url: str) -> bool:
    """True when the URL has the shape of an article page of a known family."""
    script = _script(url)
    if script in _SHOW_SCRIPTS or "a=show" in urlsplit(url).query.lower():
        return article_id(url) is not None
    if script in _LIST_SCRIPTS or script in ("", "index.php", "index.html", "index.htm"):
        return False
    path = _path_and_route(url)
    if _rewrite_list(path):
        return False
    return bool(_REWRITE_SHOW.search(path) or _STATIC_ARTICLE.search(path))


@lru_cache(maxsize=URL_CACHE)
def looks_like_listing(url: str) -> bool:
    """True for channel list pages (``list.php?cid=``, ``list-29-2.html``, ``/news/``)."""
    script = _script(url)
    if script in _LIST_SCRIPTS or "a=lists" in urlsplit(url).query.lower():
        return True
    path = _path_and_route(url)
    if _rewrite_list(path):
        return True
    return bool(re.search(r"/list(?:_\d+)*\.html?$|/index_\d+\.html?$", path))
