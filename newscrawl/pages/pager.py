"""An article's further pages (2..n), found by URL wherever the pager sits on the page.

Templates put the multi-page pager inside the body (PHPMyWind ``div.contPage``),
right after it (DedeCMS 5.7's ``div.dede_pages`` after ``div.content``) or
further down; so links are taken from the whole page, and told apart from
other links by their URL alone: a link to page N (N >= 2) of this article is
this article's page-1 URL with a page marker, and nothing else changed:

- a page parameter added to the query: ``?cid=4&id=55&page=2``, ``pageno=2``,
  ``/detail/abc?page=2`` (not on the site's root: ``/?p=7`` is a post by id);
- a ``_N`` or ``-N`` inserted before the extension: ``613.html`` -> ``613_2.html``,
  ``/?company/4.html`` -> ``/?company/4_2.html``, ``1.html`` -> ``1-2.html``;
- a page-1 marker at the end replaced: ``newsshow-4-55-1.html`` -> ``newsshow-4-55-2.html``.

A link that changes anything else (another id in the same template, the next
day's article ``/2019/0113/2.html``) is another page, not this one's page N.
Pure functions over strings: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import parse_qsl, urlsplit

from newscrawl.crawl import urls

#: Query parameters that number an article's pages.
PAGE_PARAMS = frozenset(("page", "pageno", "p", "pn", "pg", "paged"))
#: ``stem_N.ext`` / ``stem-N.ext``: the page marker before the extension.
_MARKED = re.compile(r"^(?P<stem>.*?)(?P<sep>[_-])(?P<page>\d+)(?P<ext>\.[a-z]+)?$", re.IGNORECASE)
_NUMBER = re.compile(r"\d+")
#: Whether a URL's query may hold a page parameter (a quick test before parsing it).
_HAS_PAGE_PARAM = re.compile(r"[?&](?:page|pageno|p|pn|pg|paged)=\d", re.IGNORECASE).search
_EXTENSION = re.compile(r"^(?P<stem>.*?)(?P<ext>\.[a-z]+)?$", re.IGNORECASE)


def _target(url: str) -> tuple[str, str, str]:
    """(netloc, path or query route, query arguments) of a canonical URL."""
    parts = urlsplit(url)
    if parts.query and "=" not in parts.query:  # a query route: /?company/4.html
        return parts.netloc, f"{parts.path}?{parts.query}", ""
    return parts.netloc, parts.path, parts.query


def page_of(first: str, url: str) -> int | None:
    """N when ``url`` is page N >= 2 of the article whose page 1 is ``first``; else None.

    Both are canonical URLs (``urls.canonical_url``: query arguments sorted).
    """
    if url == first:
        return None
    host, path, query = _target(first)
    other_host, other_path, other_query = _target(url)
    if host != other_host:
        return None
    if path == other_path:
        # On the site's root, ?p=7 is a post by id (WordPress), not a page of "/".
        return _query_page(query, other_query) if query or path != "/" else None
    if query != other_query:
        return None
    return _path_page(path, other_path)


def _query_page(query: str, other: str) -> int | None:
    """Page N when ``other`` is ``query`` plus one page parameter (N >= 2)."""
    mine = parse_qsl(query, keep_blank_values=True)
    theirs = parse_qsl(other, keep_blank_values=True)
    extra = [(k, v) for k, v in theirs if (k, v) not in mine]
    rest = [(k, v) for k, v in theirs if (k, v) in mine]
    if len(extra) != 1 or sorted(rest) != sorted(mine):
        return None
    key, value = extra[0]
    if key.lower() in PAGE_PARAMS and value.isdigit() and int(value) >= 2:
        return int(value)
    return None


def _path_page(path: str, other: str) -> int | None:
    """Page N when ``other`` is ``path`` with a page marker (see the module docstring)."""
    marked = _MARKED.match(other)
    if marked is None or int(marked["page"]) < 2:
        return None
    page = int(marked["page"])
    ext = marked["ext"] or ""
    plain = _EXTENSION.match(path)
    # 613.html -> 613_2.html: the marker inserted before the extension.
    if plain is not None and (plain["ext"] or "") == ext and plain["stem"] == marked["stem"]:
        return page
    # newsshow-4-55-1.html -> newsshow-4-55-2.html: page 1's marker replaced.
    first = _MARKED.match(path)
    if (
        first is not None
        and first["page"] == "1"
        and first["stem"] == marked["stem"]
        and first["sep"] == marked["sep"]
        and (first["ext"] or "") == ext
    ):
        return page
    return None


def later_pages(url: str, links: Iterable[str]) -> list[str]:
    """Canonical URLs among ``links`` (absolute) that are pages 2..n of article ``url``.

    Sorted by page number, without repeats. Page 1 is ``url``'s first-page URL
    as ``newscrawl.crawl.urls`` knows it, else ``url`` itself.
    """
    first = urls.first_page_url(url)
    plain = urls.canonical_url(url)
    prefix = min(_prefix(first), _prefix(plain), key=len)
    by_query = "=" in first.partition("?")[2]
    found: dict[str, int] = {}
    for link in links:
        # Most links of a page (menus, sidebars, the neighbours: show.php?id=…) are
        # no page N: one or two string tests each, before anything is parsed.
        if not link.startswith(prefix) or (by_query and not _HAS_PAGE_PARAM(link)):
            continue
        if not urls.is_followable(link):
            continue
        candidate = urls.canonical_url(link)
        if candidate in found or candidate in (first, plain):
            continue
        page = page_of(first, candidate)
        if page is None and plain != first:
            page = page_of(plain, candidate)
        if page is not None:
            found[candidate] = page
    return sorted(found, key=found.__getitem__)


def hrefs_to_pages(url: str, hrefs: Iterable[str], join: Callable[[str], str]) -> list[str]:
    """:func:`later_pages` over a page's raw ``href`` values, resolved by ``join``.

    Resolving costs more than the tests of :func:`later_pages` (a page has
    hundreds of links, a new site's none cached), so an href that cannot
    resolve to page N is dropped before it is joined: by a query page
    parameter, when page 1 has a query; else by the name in the URL's last
    segment (:func:`_needle`), which a relative or absolute href to page N
    must contain unless it is query-only (``?page=2`` keeps the page's own
    path). The hrefs are searched as one text (one line each), so that the
    hundreds that hold neither cost no Python step each: on the development
    set, nine links in ten are never looked at one by one.
    """
    first = urls.first_page_url(url)
    plain = urls.canonical_url(url)
    # (An href with a line break in it becomes two lines: neither is a page N.)
    text = "\n".join(hrefs)
    lines: dict[str, None] = {}  # in page order, once each
    if "=" in first.partition("?")[2]:
        for match in _HAS_PAGE_PARAM_LINE.finditer(text):
            lines[match.group(0)] = None
    else:
        needles = {_needle(first), _needle(plain)}
        if "" in needles or any("%" in n for n in needles):
            # (percent-encoded in the key, maybe not in the href: every href is read)
            lines = dict.fromkeys(text.split("\n"))
        else:
            for needle in needles:
                lines.update(dict.fromkeys(_lines_holding(text, needle)))
            lines.update(dict.fromkeys(_QUERY_ONLY.findall(text)))

    def candidates() -> Iterator[str]:
        for line in lines:
            href = line.strip()
            if not href or href[0] == "#":
                continue
            try:
                yield join(href)
            except ValueError:  # a broken link (an IPv6 host that is not one): no page
                continue

    return later_pages(url, candidates())


#: A line of the href text holding a page parameter, and a query-only href.
_HAS_PAGE_PARAM_LINE = re.compile(
    r"^.*[?&](?:page|pageno|p|pn|pg|paged)=\d.*$", re.IGNORECASE | re.MULTILINE
)
_QUERY_ONLY = re.compile(r"^[ \t]*\?.*$", re.MULTILINE)


def _lines_holding(text: str, needle: str) -> Iterator[str]:
    """The lines of ``text`` that hold ``needle`` (found by ``str.find``, in C)."""
    at = text.find(needle)
    while at >= 0:
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        if end < 0:
            end = len(text)
        yield text[start:end]
        at = text.find(needle, end)


def _needle(url: str) -> str:
    """What the href of every page N of article ``url`` contains (see :func:`hrefs_to_pages`):
    its last segment's name up to the page-1 marker it replaces (``newsshow-4-55-``), else
    the whole name (``613`` of ``613.html``, before which ``_2`` goes)."""
    name = url.rstrip("/").rpartition("/")[2]
    marked = _MARKED.match(name)
    if marked is not None and marked["page"] == "1":
        return marked["stem"] + marked["sep"]
    plain = _EXTENSION.match(name)
    return plain["stem"] if plain is not None else name


def _prefix(url: str) -> str:
    """What every page N of article ``url`` starts with: the URL before its query
    arguments, or before the digits of its last number (``…/0113/``, ``newsshow-4-55-``)."""
    if "=" in url.partition("?")[2]:
        return urls.before_query(url)
    starts = [match.start() for match in _NUMBER.finditer(url)]
    return url[: starts[-1]] if starts else url


def page_number_of(first: str, url: str) -> int:
    """The page ``url`` is of the article whose page 1 is ``first`` (1 when none)."""
    if urls.canonical_url(url) == first:
        return 1
    page = page_of(first, urls.canonical_url(url))
    return page if page is not None else urls.page_number(url)
