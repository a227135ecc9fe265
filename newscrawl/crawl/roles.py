"""Page roles from content, and URL templates a crawl learns per site.

What a page is (article, list, other) is decided after it is fetched, from
what it shows: an article has a headline, a date or byline line and a body
(the article page object's ``is_article``); a page that is not one but links
to article-like pages (links with headline-length text, or of a template that
turned out to be articles) is a list; anything else is other. URL shapes
(``newscrawl.crawl.urls``) are only hints that pick the cheap path for a link.

Which links are followed: every followable link of the crawled site that no
clear non-content signal excludes (:func:`excluded`): login, registration,
member areas, search, guestbooks and comments, feeds, tag clouds, calendars,
carts, and files that are not pages (images, archives, documents, media).
robots.txt, the offsite and port checks and the one-fetch-per-page rule apply
after that, in the spider.

What a crawl learns (:class:`Templates`): each fetched page's URL is reduced
to its template, digit runs replaced by ``{n}`` (``newsshow.php?cid={n}&id={n}``,
``/?company/{n}.html``, ``/a/news/{n}/{n}/{n}.html``), and the template counts
how many of its pages were articles, lists and other pages. Once a template
has shown its role often enough (:data:`MIN_EVIDENCE` pages, nearly all of one
role), a link of that template is treated as that role before it is fetched:
article links first, list links read without trying article extraction, and
links of a template that only ever gave "other" pages (:data:`SKIP_OTHER_AFTER`
of them) are not followed at all. The counts are kept for the site's next
harvest in a JSON file beside the archive (:func:`memory_path`).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from newscrawl.crawl.urls import URL_CACHE

logger = logging.getLogger(__name__)

Role = Literal["article", "list", "other"]
_ROLES: tuple[Role, ...] = ("article", "list", "other")

#: Pages of one role a template needs before the role is trusted for links not fetched yet.
MIN_EVIDENCE = 3
#: Share of a template's pages that must have one role for the template to have it.
DOMINANT_SHARE = 0.8
#: "other" pages of a template (and no article, no list) before its links are skipped.
SKIP_OTHER_AFTER = 20
#: Counts per template are scaled down past this total, so that a site that
#: changes its template is relearned within a few harvests.
MAX_COUNT = 200
#: Templates kept per site in the memory file (the most seen ones).
MAX_TEMPLATES = 2000

#: Link text (or title) at least this wide reads as a headline (CJK 1, ASCII 0.5).
HEADLINE_WIDTH = 8.0

_DIGITS = re.compile(r"\d+")

# -- what is never followed ------------------------------------------------------

#: File types that are not web pages.
_FILE_EXTENSIONS = frozenset((
    "jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico", "tif", "tiff", "css", "js",
    "json", "xml", "txt", "csv", "zip", "rar", "7z", "gz", "tgz", "bz2", "xz", "tar", "pdf",
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "wps", "rtf", "mp3", "mp4", "avi", "flv",
    "wmv", "mov", "mkv", "swf", "wav", "exe", "apk", "dmg", "iso", "msi", "torrent",
))  # fmt: skip
#: Path segments or script names (without extension) that are no content.
_EXCLUDED_NAMES = frozenset((
    "login", "logon", "logout", "signin", "signup", "register", "reg", "member", "members",
    "user", "users", "passport", "account", "my", "uc", "ucenter", "admin", "dede", "search",
    "so", "guestbook", "gbook", "message", "feedback", "comment", "comments", "vote", "feed",
    "feeds", "rss", "atom", "tag", "tags", "tagcloud", "calendar", "cart", "basket", "order",
    "checkout", "wp-admin", "wp-login",
    # DedeCMS's /plus/ forms and a printer view (the article again, under another URL).
    "diy", "flink", "flink_add", "stow", "recommend", "print", "share", "jubao", "favorite",
))  # fmt: skip
#: Query keys that make a page a search or an account action. Not ``date``: a
#: channel filtered by day is content, and a calendar trap of them (each day
#: linking the next, forever) ends at the spider's barren-page bound.
_EXCLUDED_KEYS = frozenset((
    "kw", "keyword", "keywords", "q", "wd", "searchword", "search", "calendar", "dopost", "fmdo",
    "tag", "tags",
))  # fmt: skip


@lru_cache(maxsize=URL_CACHE)
def excluded(url: str) -> bool:
    """True when ``url`` is clearly no content page (see the module docstring).

    Decided from names, never from numbers: ``login.php``, ``/member/``,
    ``/plus/search.php``, ``?kw=``, ``/tags/``, ``/rss.xml``, ``*.jpg``,
    ``/calendar/``. Script names match whole (``searchresult.php`` is
    not ``search``); a PbootCMS route in the query (``/?search/``) counts as
    a path.
    """
    parts = urlsplit(url)
    path = parts.path.lower()
    query = parts.query
    if query and "=" not in query:  # a query route: /?company/4.html
        path = path.rstrip("/") + "/" + query.lower()
        query = ""
    last = path.rsplit("/", 1)[-1]
    stem, dot, extension = last.rpartition(".")
    if dot and extension in _FILE_EXTENSIONS:
        return True
    names = path.split("/")
    if dot:
        names[-1] = stem
    if any(name in _EXCLUDED_NAMES for name in names if name):
        return True
    if query:
        for pair in query.split("&"):
            if pair.split("=", 1)[0].lower() in _EXCLUDED_KEYS:
                return True
    return False


def headline_like(text: str) -> bool:
    """Text as wide as a headline: ``星澜娱乐发布2026年度片单`` is, ``新闻资讯`` or ``2`` is not."""
    if len(text) < HEADLINE_WIDTH:
        return False  # (no character is wider than 1)
    shown = "".join(text.split())  # (C loops: this runs for most links of a page)
    ascii_chars = len(shown.encode("ascii", "ignore"))
    return len(shown) - 0.5 * ascii_chars >= HEADLINE_WIDTH


# -- templates --------------------------------------------------------------------


@lru_cache(maxsize=URL_CACHE)
def url_template(url: str) -> str:
    """``url``'s path and query with every digit run as ``{n}`` (host and scheme dropped).

    ``http://x/newsshow.php?cid=4&id=55`` -> ``/newsshow.php?cid={n}&id={n}``;
    ``http://x/?company/4.html`` -> ``/?company/{n}.html``. Pages of one
    template are pages of one kind on nearly every CMS.
    """
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target = f"{target}?{parts.query}"
    return _DIGITS.sub("{n}", target)


def page_role(*, is_article: bool, article_links: int) -> Role:
    """A fetched page's role: an article, else a list when it links articles, else other."""
    if is_article:
        return "article"
    return "list" if article_links else "other"


class Templates:
    """Per-template role counts of one site: what its URL shapes turned out to be.

    ``counts`` maps a template to ``[articles, lists, others]``. Pure state;
    the spider records every fetched page and asks for hints.
    """

    def __init__(self, counts: Mapping[str, list[int]] | None = None) -> None:
        self.counts: dict[str, list[int]] = {k: list(v) for k, v in (counts or {}).items()}
        self._hints: dict[str, Role | None] = {}

    def record(self, url: str, role: Role) -> None:
        """One fetched page of ``url``'s template had ``role``."""
        template = url_template(url)
        row = self.counts.get(template)
        if row is None:
            row = self.counts[template] = [0, 0, 0]
        row[_ROLES.index(role)] += 1
        if sum(row) > MAX_COUNT:
            row[:] = [(n + 1) // 2 for n in row]
        self._hints.pop(template, None)

    def hint(self, url: str) -> Role | None:
        """The role pages of ``url``'s template have had, once it is clear; else None.

        Cached per template until the template's counts change: one dict
        lookup per link on the hot path.
        """
        template = url_template(url)
        try:
            return self._hints[template]
        except KeyError:
            pass
        hint = self._hint_of(self.counts.get(template))
        self._hints[template] = hint
        return hint

    @staticmethod
    def _hint_of(row: list[int] | None) -> Role | None:
        """Article: enough article pages and nearly no lists (soft 404s, pages with
        nothing, do not count against it); list: enough lists, no article, few
        others; other: many pages, none an article or a list."""
        if row is None:
            return None
        articles, lists, others = row
        if articles >= MIN_EVIDENCE and articles >= DOMINANT_SHARE * (articles + lists):
            return "article"
        if lists >= MIN_EVIDENCE and not articles and lists >= DOMINANT_SHARE * (lists + others):
            return "list"
        if others >= SKIP_OTHER_AFTER and not articles and not lists:
            return "other"
        return None

    def to_json(self) -> dict[str, list[int]]:
        """The most seen :data:`MAX_TEMPLATES` templates (for the memory file)."""
        ranked = sorted(self.counts.items(), key=lambda item: -sum(item[1]))
        return dict(sorted(ranked[:MAX_TEMPLATES]))


# -- the memory file ------------------------------------------------------------------


def _slug(site: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", site).strip("._") or "site"


def memory_path(archive_url: str, site: str) -> Path:
    """Where the learned templates of ``site`` are kept between harvests.

    Beside a SQLite archive: ``<file>.<site>.discovery.json`` (like the
    harvest's lock file). For a server database, in the temp directory, keyed
    by a hash of the archive URL.
    """
    import hashlib

    from archive.db import mask_url, sqlite_file

    path = sqlite_file(archive_url)
    if path is not None:
        return path.with_name(f"{path.name}.{_slug(site)}.discovery.json")
    digest = hashlib.sha1(mask_url(archive_url).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newscrawl-{digest}.{_slug(site)}.discovery.json"


def load_templates(path: Path) -> Templates:
    """The templates a previous harvest kept (empty when none, or unreadable: logged)."""
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return Templates()
    except (OSError, ValueError) as exc:
        logger.warning("discovery memory not read, starting afresh (%s): %s", exc, path)
        return Templates()
    counts = raw.get("templates") if isinstance(raw, dict) else None
    if not isinstance(counts, dict):
        return Templates()
    valid = {
        str(k): [int(n) for n in v]
        for k, v in counts.items()
        if isinstance(v, list) and len(v) == 3 and all(isinstance(n, int) for n in v)
    }
    return Templates(valid)


def save_templates(path: Path, templates: Templates) -> None:
    """Write the templates for the next harvest (atomically: a temp file renamed)."""
    # One template a line, so that a person can read (and diff) what was learned.
    rows = ",\n".join(
        f"  {json.dumps(template, ensure_ascii=False)}: {json.dumps(counts)}"
        for template, counts in templates.to_json().items()
    )
    text = f'{{"version": 1, "templates": {{\n{rows}\n}}}}\n'
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temp, path)
    except OSError as exc:
        logger.warning("discovery memory not saved (%s): %s", exc, path)
