"""The article's two stages as types, and the Article contract.

A page object reads a :class:`PageArticle` (a :class:`RawArticle`: values as
shown, texts clean); ``newscrawl.normalize.article.normalize_article`` turns a
raw article into an :class:`Article`, the one contract shared by pipelines,
the archive, exports and tests.

Key names are fixed (``docs/article.md`` says what each holds) and defined once,
in :mod:`archive.contract` (the archive is usable without Scrapy, so the keys
live on its side and are imported here). Items are plain
dataclasses so that Scrapy, itemadapter and ``dataclasses.asdict`` all handle
them, and so that mypy checks every producer and consumer.

``published_at`` keeps the precision the page shows, so that nobody reads a
time the site never published: an ISO 8601 datetime with offset when the
page shows a time (``2019-05-22T14:30:00+08:00``), a plain ISO date
``YYYY-MM-DD`` when it shows only the day (``2019-05-22``, never
``2019-05-22T00:00:00+08:00``), None when it shows none. ``editor`` is the
编辑 / 责任编辑 credit, kept apart from ``author``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from archive.contract import ARTICLE_KEYS, SECTION_KEYS, SIDEBAR_KEYS

if TYPE_CHECKING:
    from newscrawl.capture.warc import PendingCapture

__all__ = [
    "ARTICLE_KEYS",
    "SECTION_KEYS",
    "SIDEBAR_KEYS",
    "Article",
    "Gone",
    "PageArticle",
    "PickledByArguments",
    "RawArticle",
    "Section",
    "SidebarLink",
    "ViewsSource",
]

ViewsSource = Literal["page", "script", "endpoint"]

#: Per dataclass: the names of its ``__init__`` arguments, in order.
_INIT_NAMES: dict[type[Any], tuple[str, ...]] = {}


class PickledByArguments:
    """Pickled as the class and its ``__init__`` arguments, in field order.

    Every article an extraction worker reads crosses a pipe as a pickle: the
    worker pickles it, the crawl process unpickles it. A dataclass's default
    pickle is a state dict per object (the article, each section, each
    sidebar link), written into each new object's ``__dict__``; a tuple of arguments
    pickles and unpickles in less time, so both stages' types (``RawArticle``,
    ``Article``) and their parts keep it (``benchmarks/STAGES.md`` holds the
    extraction worker's figures). Only the fields go: an attribute set on an instance that is not a field is not
    kept (none is).
    """

    __dataclass_fields__: ClassVar[dict[str, Any]]  # mixed into dataclasses only

    def __reduce__(self) -> tuple[type[Any], tuple[Any, ...]]:
        cls = type(self)
        names = _INIT_NAMES.get(cls)
        if names is None:
            names = _INIT_NAMES[cls] = tuple(f.name for f in fields(cls) if f.init)
        return cls, tuple(getattr(self, name) for name in names)


@dataclass
class Section(PickledByArguments):
    """A headed part of the body; the lead is a section whose heading is None."""

    heading: str | None
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class SidebarLink(PickledByArguments):
    """One link of a link box beside the article (新闻资讯 News, 相关文章 …).

    ``title`` is the full title (a/@title when the page has it), ``truncated``
    says whether the visible link text was cut (``...``). ``date`` is
    ``YYYY-MM-DD`` once the year is resolved; ``date_raw`` is the text as shown
    (often ``MM-DD`` with no year).
    """

    box: str | None
    title: str
    url: str
    date: str | None = None
    date_raw: str | None = None
    truncated: bool = False


@dataclass(frozen=True)
class Gone:
    """A known article a revisit found gone: HTTP 404 or 410, or a soft 404.

    Not part of the Article contract: the archive pipeline marks the stored
    article gone (``reason`` is "404", "410" or "soft 404"; ``at`` ISO 8601 UTC)
    and the item goes no further.
    """

    url: str
    reason: str
    at: str


@dataclass
class RawArticle(PickledByArguments):
    """An article as read, before ``normalize_article``: values as the page shows them.

    Dates and counts are text (``published_raw``, ``views_raw``); ``published_hint``
    is the page's machine-readable publication time (meta tags, JSON-LD,
    ``<time>``, a script's ``pubtime``, the URL's day), which normalization uses
    to complete the date shown; sidebar links have ``date_raw`` and no ``date``.
    Texts may need cleaning: :func:`~newscrawl.normalize.article.normalize_article`
    cleans every one, unless the item is a :class:`PageArticle`. Not an item the
    archive takes: pipelines normalize it into an :class:`Article` first.
    """

    url: str
    site: str
    title: str | None = None
    cms_id: str | None = None
    channel: str | None = None
    published_hint: str | None = None
    published_raw: str | None = None
    author: str | None = None
    source: str | None = None
    editor: str | None = None
    #: A count the producer has as a number already (page objects leave it None).
    views: int | None = None
    views_raw: str | None = None
    views_source: ViewsSource | None = None
    sections: list[Section] = field(default_factory=list)
    body: str = ""
    sidebar: list[SidebarLink] = field(default_factory=list)
    fetched_at: str | None = None


@dataclass
class PageArticle(RawArticle):
    """What a page object returns (``ArticlePage.to_item``): a raw article whose texts are clean.

    Every text (title, bylines, headings, paragraphs, link titles, box names)
    is ``clean_text``'s output already, empty paragraphs and sections are left
    out, and ``body`` is the paragraphs' lines: ``normalize_article`` does not
    clean them again (``tests/pages/test_page_fuzz.py`` checks that it would change
    nothing), and a later page's sections may be merged into a normalized
    :class:`Article` as they are (``newscrawl.pages.extraction.merge_page``).
    """


@dataclass
class Article(PickledByArguments):
    """One news article, normalized: the contract; ``docs/article.md`` gives each key's meaning.

    Made by ``normalize_article`` from a :class:`RawArticle` (or read back with
    :meth:`from_dict`): what pipelines, the archive, exports and tests take.
    """

    url: str
    site: str
    title: str | None = None
    cms_id: str | None = None
    channel: str | None = None
    published_at: str | None = None
    published_raw: str | None = None
    author: str | None = None
    source: str | None = None
    #: 编辑 / 责任编辑: who edited the page, a credit apart from its author.
    editor: str | None = None
    views: int | None = None
    views_raw: str | None = None
    views_source: ViewsSource | None = None
    sections: list[Section] = field(default_factory=list)
    body: str = ""
    sidebar: list[SidebarLink] = field(default_factory=list)
    fetched_at: str | None = None
    #: Where the article's pages are captured (``archive.captures.Capture`` as JSON,
    #: or a capture still being written), pages in order, a counter's answer last;
    #: set by the spider when captures are on, stored beside the contract's keys
    #: (once written), not part of the contract.
    captures: list[dict[str, Any] | PendingCapture] = field(
        default_factory=list, compare=False, repr=False
    )

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON shape, keys in ``ARTICLE_KEYS`` order.

        Written out rather than ``dataclasses.asdict``, which deep-copies every
        string and costs more than storing the article.
        """
        return {
            "url": self.url,
            "site": self.site,
            "cms_id": self.cms_id,
            "channel": self.channel,
            "title": self.title,
            "published_at": self.published_at,
            "published_raw": self.published_raw,
            "author": self.author,
            "source": self.source,
            "editor": self.editor,
            "views": self.views,
            "views_raw": self.views_raw,
            "views_source": self.views_source,
            "sections": [
                {"heading": s.heading, "paragraphs": list(s.paragraphs)} for s in self.sections
            ],
            "body": self.body,
            "sidebar": [
                {
                    "box": link.box,
                    "title": link.title,
                    "url": link.url,
                    "date": link.date,
                    "date_raw": link.date_raw,
                    "truncated": link.truncated,
                }
                for link in self.sidebar
            ],
            "fetched_at": self.fetched_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Inverse of :meth:`to_dict` (unknown keys are ignored)."""
        known: dict[str, Any] = {key: data[key] for key in ARTICLE_KEYS if key in data}
        known["sections"] = [Section(**s) for s in data.get("sections") or []]
        known["sidebar"] = [SidebarLink(**s) for s in data.get("sidebar") or []]
        if known.get("body") is None:
            known["body"] = ""
        return cls(**known)
