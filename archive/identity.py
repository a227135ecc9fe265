"""Which page an article row is: its key within the site, from its URL and CMS id.

An archive row is one page (``docs/archive.md``, "Archive rules"). A CMS id alone does not
name a page: PHPMyWind numbers news, products, software and goods each from 1,
so ``newsshow-4-1-1.html`` and ``productshow-7-1-1.html`` are two pages with
id 1. An id is unique only within its URL template, so the key is the
template with the id in its place:

- every digit run of the path (or of a query route) other than the id is
  ``{n}``: channels, dates and page numbers do not tell pages apart
  (``/a/news/2019/0113/1.html`` -> ``/a/news/{n}/{n}/{id=1}.html``,
  ``newsshow-4-55-2.html`` -> ``/newsshow-{n}-{id=55}-{n}.html``);
- a DedeCMS page suffix after the id (``613_2.html``) is dropped;
- query arguments are sorted, page arguments (``page pageno p pn``) dropped,
  the id's value is ``{id=…}`` and other numbers ``{n}``; words stay
  (``m=content&c=index&a=show`` is part of the template);
- PHPMyWind's rewrite rule is undone: ``newsshow-4-55-1.html`` is
  ``newsshow.php?cid=4&id=55&page=1`` on the same site, so both have the key
  ``/newsshow.php?cid={n}&id={id=55}``;
- scheme and host are left out: the key is unique within its site.

So ``show.php?cid=29&id=613`` and ``show.php?id=613&cid=29&page=2`` are one
page, ``newsshow.php?cid=4&id=1`` and ``productshow.php?cid=7&id=1`` two.
Without a CMS id, or when the id is nowhere in the URL, the key is the
canonical URL itself.

Pure standard library: the archive imports neither Scrapy nor newscrawl, and
migrations compute keys with the same function the store uses.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import parse_qsl, urlsplit

#: Query arguments that number the pages of one article (as ``newscrawl.crawl.urls``).
PAGE_PARAMS = frozenset({"page", "pageno", "p", "pn"})
#: Query arguments that usually carry the article id, tried first.
ID_PARAMS = ("id", "aid", "contentid", "articleid", "newsid", "itemid")

_DIGITS = re.compile(r"\d+")
# newsshow-4-55-1.html: channel, id, page (PHPMyWind rewrite rules).
_REWRITE_SHOW = re.compile(r"-(\d+)-(\d+)(?:-(\d+))?\.\w+$")
# PHPMyWind's 伪静态 rule: newsshow-4-55-1.html is newsshow.php?cid=4&id=55&page=1.
_PHPMYWIND_REWRITE = re.compile(
    r"^(?P<dir>.*/)(?P<script>[A-Za-z]\w*?)-\d+-(?P<id>\d+)(?:-\d+)?\.html?$"
)
# 613.html, 613_2.html, /2019/0113/1.html (DedeCMS, PHPCMS static pages).
_STATIC = re.compile(r"(?:^|[/_-])(\d+)(_\d+)?(?:\.\w+)?/?$")


def _template(text: str, id_start: int, id_end: int, cms_id: str, drop: tuple[int, int]) -> str:
    """``text`` with the id at ``id_start:id_end``, other digit runs ``{n}``, ``drop`` cut."""
    head = _DIGITS.sub("{n}", text[:id_start])
    tail = text[id_end:]
    if drop[0] >= 0:
        tail = text[id_end : drop[0]] + text[drop[1] :]
    return head + "{id=" + cms_id + "}" + _DIGITS.sub("{n}", tail)


def _in_path(path: str, cms_id: str) -> str | None:
    """The path as a template, when the id is one of its digit runs."""
    if (m := _REWRITE_SHOW.search(path)) and m.group(2) == cms_id:
        return _template(path, m.start(2), m.end(2), cms_id, (-1, -1))
    if (m := _STATIC.search(path)) and m.group(1) == cms_id:
        drop = m.span(2) if m.group(2) else (-1, -1)
        return _template(path, m.start(1), m.end(1), cms_id, drop)
    runs = [m for m in _DIGITS.finditer(path) if m.group(0) == cms_id]
    if not runs:
        return None
    last = runs[-1]
    return _template(path, last.start(), last.end(), cms_id, (-1, -1))


def _in_query(query: str, cms_id: str) -> str | None:
    """The sorted query as a template, when one argument's value is the id."""
    pairs = [
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name.lower() not in PAGE_PARAMS
    ]
    names = [name for name, value in pairs if value == cms_id]
    if not names:
        return None
    lowered = {name.lower(): name for name in names}
    id_name = next((lowered[n] for n in ID_PARAMS if n in lowered), names[-1])
    parts = []
    for name, value in sorted(pairs):
        if name == id_name and value == cms_id:
            shown = "{id=" + cms_id + "}"
        else:
            shown = _DIGITS.sub("{n}", value)
        parts.append(f"{name}={shown}")
    return "&".join(parts)


@functools.lru_cache(maxsize=4096)
def page_key(url: str, cms_id: str | None) -> str:
    """The key of the page at ``url`` within its site (see the module docstring).

    Never raises: a URL it cannot read, or an id it cannot find in the URL,
    gives the URL itself. Cached: storing a batch asks for each article's key
    three or four times (matching, merging, inserting), and it is pure.
    """
    if not cms_id:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    path, query = parts.path or "/", parts.query
    if query and "=" not in query:  # a query route: /?company/4.html (PbootCMS)
        route = _in_path(query, cms_id)
        return f"{path}?{route}" if route is not None else url
    rewrite = _PHPMYWIND_REWRITE.match(path)
    if rewrite is not None and rewrite.group("id") == cms_id:
        # The same page as its query form: one key for both.
        pairs = [("cid", "{n}"), ("id", "{id=" + cms_id + "}")]
        pairs += [
            (name, _DIGITS.sub("{n}", value))
            for name, value in parse_qsl(query, keep_blank_values=True)
            if name.lower() not in PAGE_PARAMS
        ]
        script = f"{_DIGITS.sub('{n}', rewrite.group('dir'))}{rewrite.group('script')}.php"
        return script + "?" + "&".join(f"{name}={value}" for name, value in sorted(pairs))
    if query and (args := _in_query(query, cms_id)) is not None:
        return f"{_DIGITS.sub('{n}', path)}?{args}"
    if (template := _in_path(path, cms_id)) is not None:
        kept = "&".join(
            sorted(
                f"{name}={_DIGITS.sub('{n}', value)}"
                for name, value in parse_qsl(query, keep_blank_values=True)
                if name.lower() not in PAGE_PARAMS
            )
        )
        return f"{template}?{kept}" if kept else template
    return url
