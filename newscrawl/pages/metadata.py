"""Machine-readable metadata: meta tags, JSON-LD, ``<time>``, ``<title>``.

These are the fallbacks of the field chains in ``ArticlePage`` for pages
whose visible byline is missing or unlabelled (blogs, newer portals).
Pure functions of the parsed document.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from newscrawl.normalize.text import clean_text
from newscrawl.pages.dom import Element, find_all, text_of

#: Meta tags that carry the publication time, most specific first.
DATE_META_NAMES = (
    "article:published_time",
    "og:article:published_time",
    "og:release_date",
    "publishdate",
    "pubdate",
    "publish_date",
    "publishtime",
    "datepublished",
    "dc.date.issued",
    "dc.date",
    "date",
    "weibo: article:create_at",
    "firstpublishedtime",
    "datecreated",
)
#: Meta tags of a modification time: read only when no publication time is found
#: (a page that shows its date without a year, 10-08 12:00, takes the year from it).
MODIFIED_META_NAMES = ("article:modified_time", "datemodified", "dateupdate", "lastmodifiedtime")
TITLE_META_NAMES = ("og:title", "twitter:title", "title", "headline")
#: ``<title>`` separators between headline, channel and site name.
_TITLE_SPLIT = re.compile(r"\s*(?:_|\||｜|\s[-–—]+\s|--|——)\s*")
_IN_CHROME = etree.XPath("ancestor::*[self::nav or self::footer or self::aside]")
_TRAILING_SITE = re.compile(r"^(.{6,}?)[-–—]([^-–—]{2,16})$")


def meta_values(metas: Iterable[Element]) -> dict[str, str]:
    """The first non-empty ``content`` of each ``<meta name|property|itemprop=…>``, by lower-cased key.

    Read once per page (from the page's ``<meta>`` elements): title and date lookups both use it.
    """
    found: dict[str, str] = {}
    for meta in metas:
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if key and key not in found:
            content = clean_text(meta.get("content"))
            if content:
                found[key] = content
    return found


def first_meta(values: dict[str, str], names: tuple[str, ...]) -> str | None:
    """The value of the first of ``names`` present in ``values`` (from :func:`meta_values`)."""
    for name in names:
        if name in values:
            return values[name]
    return None


def meta_content(root: Element, names: tuple[str, ...]) -> str | None:
    """The first non-empty ``content`` of ``<meta name|property|itemprop=…>`` in ``names`` order."""
    return first_meta(meta_values(root.iter("meta")), names)


def _walk_jsonld(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for entry in data:
            yield from _walk_jsonld(entry)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_jsonld(data["@graph"])


def jsonld_article(scripts: Iterable[Element]) -> dict[str, Any]:
    """The first JSON-LD object that looks like an article (has a headline or datePublished).

    ``scripts`` are the page's ``<script>`` elements, in document order.
    """
    for script in scripts:
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except ValueError:
            continue
        for entry in _walk_jsonld(data):
            if "datePublished" in entry or "headline" in entry:
                return entry
    return {}


def jsonld_author(entry: dict[str, Any]) -> str | None:
    """A JSON-LD author's name when the author is a person (organizations are the site)."""
    author = entry.get("author")
    if isinstance(author, list):
        author = author[0] if author else None
    if isinstance(author, str):
        return clean_text(author)
    if isinstance(author, dict) and author.get("@type", "Person") == "Person":
        name = author.get("name")
        return clean_text(name) if isinstance(name, str) else None
    return None


def time_element(times: Iterable[Element]) -> str | None:
    """The ``datetime`` of the publication ``<time>``, never one in a sidebar or footer.

    A ``<time>`` marked as published (class ``published``, ``pubdate``,
    ``itemprop=datePublished``) wins over the first plain one; ``updated``
    times are skipped.
    """
    plain: str | None = None
    for el in times:
        if _IN_CHROME(el):
            continue
        value = clean_text(el.get("datetime")) or clean_text(text_of(el))
        if not value:
            continue
        marks = " ".join((el.get("class") or "", el.get("itemprop") or "")).lower()
        if "published" in marks or el.get("pubdate") is not None:
            return value
        if plain is None and "updated" not in marks and "modified" not in marks:
            plain = value
    return plain


def document_title(root: Element) -> str | None:
    """``<title>`` without the site or channel suffix (``标题_新闻中心_站名``, ``标题 - 站名``)."""
    return short_title(full_document_title(root))


def short_title(raw: str | None) -> str | None:
    """A whole ``<title>`` text without its site or channel suffix, cleaned (the split
    may leave white space at its end: ``标题- ``)."""
    if not raw:
        return None
    first = _TITLE_SPLIT.split(raw)[0] or raw
    if match := _TRAILING_SITE.match(first):
        first = match.group(1)
    return clean_text(first)


def full_document_title(root: Element) -> str | None:
    """The whole ``<title>`` text, for checking a headline candidate against it."""
    el = next(root.iter("title"), None)
    return clean_text(text_of(el)) if el is not None else None


# A publication time assigned in a page's script or data attribute:
# ``pubtime:'2019-09-23 07:48'``, ``"publish_time": "…"``, ``data-ptime="…"``.
_SCRIPT_DATE = re.compile(
    # (the lookahead lets re skip to the names' first letters: labels.first_chars)
    r"""(?=[PpCc])(?:[Pp]ub_?[Tt]ime|[Pp]ublish_?[Tt]ime|[Pp]ublish_?[Dd]ate|[Pp]ub_?[Dd]ate|ptime"""
    r"""|[Cc]reate_?[Tt]ime)["']?\s*[:=]\s*["']"""
    r"(\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(?::\d{2})?)"
)
# Every name above holds one of the endings and one of the stems: a script without
# both is not searched. Substring tests run at memchr speed, the regex steps through
# every character (about 13 µs a kilobyte), and most pages' scripts hold no name.
_SCRIPT_DATE_ENDINGS = ("ime", "ate")
_SCRIPT_DATE_STEMS = ("ub", "reate", "ptime")
#: Larger scripts are libraries and data, not a page's settings: not searched.
_MAX_SCRIPT_CHARS = 20_000


def script_date(scripts: Iterable[Element], root: Element, html: str) -> str | None:
    """A publication time a script or a ``data-*ptime`` attribute assigns (first one wins).

    ``html`` is the page's text: the attributes are looked for in the tree only
    when it names them (the XPath visits every element's attributes).
    """
    for script in scripts:
        if script.get("src") is not None:
            continue
        text = script.text
        if not text or len(text) >= _MAX_SCRIPT_CHARS:
            continue
        if (
            any(ending in text for ending in _SCRIPT_DATE_ENDINGS)
            and any(stem in text for stem in _SCRIPT_DATE_STEMS)
            and (match := _SCRIPT_DATE.search(text))
        ):
            return match.group(1)
    if _DATA_PTIME_NAME.search(html) is None:
        return None
    for el in find_all(root, _DATA_PTIME):
        value = el.get("data-ptime") or el.get("data-pubtime") or ""
        if match := _DATA_DATE.match(value):
            return match.group(0)
    return None


_DATA_PTIME = etree.XPath("//*[@data-ptime or @data-pubtime]")
_DATA_PTIME_NAME = re.compile("data-p(?:ub)?time")  # (a literal prefix: one fast scan)
_DATA_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")

# /2019-09-11/, /2019/0911/, /20190911/, _20190911 …: a day in the URL's path.
_URL_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?:[-/_]?)(0[1-9]|1[0-2])(?:[-/_]?)(0[1-9]|[12]\d|3[01])(?!\d)"
)


def url_date(url: str) -> str | None:
    """``YYYY-MM-DD`` when the URL's path names a day (news URLs often do), else None."""
    path = url.split("?", 1)[0]
    match = _URL_DATE.search(path, path.find("/", path.find("//") + 2) if "//" in path else 0)
    return "-".join(match.groups()) if match else None
