"""The Article contract's keys, defined once, and the archive's model -> dict.

The one definition of the keys: ``newscrawl.items`` imports them from here
(newscrawl depends on the archive, never the other way round: the archive is
usable without Scrapy). The dataclasses, their ``to_dict``/``from_dict``,
:func:`article_to_dict` and the models are checked against these keys by
``tests/storage/test_contract.py``, so a key added in one place and not the others
fails a test.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.models import Article

#: Every key of the Article contract, in the order exports print them.
ARTICLE_KEYS: tuple[str, ...] = (
    "url",
    "site",
    "cms_id",
    "channel",
    "title",
    "published_at",
    "published_raw",
    "author",
    "source",
    "editor",
    "views",
    "views_raw",
    "views_source",
    "sections",
    "body",
    "sidebar",
    "fetched_at",
)

#: Keys of one section (``sections``), in the order of ``newscrawl.items.Section``.
SECTION_KEYS: tuple[str, ...] = ("heading", "paragraphs")

#: Keys of one sidebar link (``sidebar``), in the order of ``newscrawl.items.SidebarLink``.
SIDEBAR_KEYS: tuple[str, ...] = ("box", "title", "url", "date", "date_raw", "truncated")

#: Article columns copied one to one between the contract and the model: every key
#: but the identity (url, site), the lists and body (child rows and spans) and the
#: fetch time (the store fills it in when an item has none).
SCALAR_KEYS: tuple[str, ...] = tuple(
    key
    for key in ARTICLE_KEYS
    if key not in ("url", "site", "sections", "body", "sidebar", "fetched_at")
)


def article_to_dict(article: Article) -> dict[str, Any]:
    """The contract dict of a stored article, keys in ``ARTICLE_KEYS`` order."""
    return {
        "url": article.url,
        "site": article.site,
        "cms_id": article.cms_id,
        "channel": article.channel,
        "title": article.title,
        "published_at": article.published_at,
        "published_raw": article.published_raw,
        "author": article.author,
        "source": article.source,
        "editor": article.editor,
        "views": article.views,
        "views_raw": article.views_raw,
        "views_source": article.views_source,
        "sections": [
            {"heading": s.heading, "paragraphs": s.texts(article.body)} for s in article.sections
        ],
        "body": article.body or "",
        "sidebar": [
            {
                "box": link.box,
                "title": link.title,
                "url": link.url,
                "date": link.date,
                "date_raw": link.date_raw,
                "truncated": link.truncated,
            }
            for link in article.links
        ],
        "fetched_at": article.fetched_at,
    }
