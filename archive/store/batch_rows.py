"""A batch's view of the archive: the stored articles its items match, and each
item applied to its row.

An item matches a stored article by ``(site, page_key)`` when it has a CMS id
(:mod:`archive.identity`), else by URL; :class:`BatchIndex` keeps both keys
current as the batch goes, so a later item finds the row an earlier one
made. :func:`merge` applies the archive rules: nulls and empties never erase
stored values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from archive.body_spans import paragraphs_of, span_text
from archive.contract import SCALAR_KEYS
from archive.identity import page_key
from archive.published import to_utc
from archive.store.content_hash import EncodedSections, encode
from archive.store.tables import ARTICLE_COLUMNS, ARTICLES, SECTIONS

#: Items per internal batch; keeps every IN list well under bind-parameter limits.
CHUNK = 500

_T = TypeVar("_T")


def chunks(seq: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    """``seq`` in slices of ``size``."""
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


class BatchRow:
    """One article as the batch sees it: stored values, new values, children to write.

    ``sections`` is None while the stored sections stand (not loaded); a list
    once an item brought sections (or ``[]`` for a new article without any).
    """

    __slots__ = ("encoded", "hash", "id", "sections", "sidebar", "stored", "values")

    def __init__(self, values: dict[str, Any], stored: bool) -> None:
        self.id: int | None = values.pop("id", None)
        self.values = values
        self.stored: dict[str, Any] | None = dict(values) if stored else None
        self.hash: str | None = values["content_hash"] if stored else None
        self.sections: list[dict[str, Any]] | None = None if stored else []
        self.encoded: EncodedSections | None = None  # of ``sections`` (None: not encodable)
        self.sidebar: Sequence[Mapping[str, Any]] | None = None


def item_key(item: Mapping[str, Any]) -> str:
    cms_id = item.get("cms_id")
    return page_key(item["url"], None if cms_id is None else str(cms_id))


def load_existing(session: Session, items: Sequence[Mapping[str, Any]]) -> list[BatchRow]:
    """One SELECT for every article the batch may match (columns only, no children)."""
    conditions: list[ColumnElement[bool]] = [ARTICLES.c.url.in_({item["url"] for item in items})]
    keys_by_site: dict[str, set[str]] = {}
    for item in items:
        if item.get("cms_id") is not None:
            keys_by_site.setdefault(item["site"], set()).add(item_key(item))
    for site, keys in keys_by_site.items():
        conditions.append(and_(ARTICLES.c.site == site, ARTICLES.c.page_key.in_(keys)))
    stmt = select(ARTICLES).where(or_(*conditions)).order_by(ARTICLES.c.id)
    return [BatchRow(dict(row._mapping), stored=True) for row in session.execute(stmt)]


def stored_sections(session: Session, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """The stored sections of these articles, in position order, in bulk.

    Spans are cut from the stored body by the query (:func:`span_text`), so
    this must run before the batch writes a new body.
    """
    found: dict[int, list[dict[str, Any]]] = {article_id: [] for article_id in ids}
    s = SECTIONS.c
    for chunk in chunks(sorted(ids), CHUNK):
        stmt = (
            select(s.article_id, s.heading, s.paragraphs, span_text(ARTICLES.c.body, SECTIONS))
            .join_from(SECTIONS, ARTICLES, ARTICLES.c.id == s.article_id)
            .where(s.article_id.in_(chunk))
            .order_by(s.article_id, s.position)
        )
        for article_id, heading, paragraphs, text in session.execute(stmt):
            found[article_id].append(
                {"heading": heading, "paragraphs": paragraphs_of(paragraphs, text)}
            )
    return found


class BatchIndex:
    """The batch's view of matching articles, kept current as items are stored.

    Keyed as the archive is: by URL, and by ``(site, page_key)``
    (:func:`archive.identity.page_key`), so an item of this batch finds the
    row an earlier item of it created.
    """

    def __init__(self, rows: list[BatchRow]) -> None:
        self.by_url = {r.values["url"]: r for r in rows}
        self.by_key = {
            (r.values["site"], r.values["page_key"]): r
            for r in rows
            if r.values["page_key"] is not None
        }

    def match(self, item: Mapping[str, Any]) -> BatchRow | None:
        if item.get("cms_id") is not None:
            found = self.by_key.get((item["site"], item_key(item)))
            if found is not None:
                return found
        return self.by_url.get(item["url"])

    def add(self, row: BatchRow) -> None:
        self.by_url[row.values["url"]] = row
        self.by_key[(row.values["site"], row.values["page_key"])] = row

    def move_url(self, row: BatchRow, url: str) -> None:
        """Follow a changed canonical URL, unless another article holds it."""
        if url == row.values["url"] or url in self.by_url:
            return
        del self.by_url[row.values["url"]]
        row.values["url"] = url
        self.by_url[url] = row

    def rekey(self, row: BatchRow, cms_id: str | None) -> None:
        """Give ``row`` the key of its URL and ``cms_id`` (None: the stored id).

        Unless another article holds that key: then the row keeps its id
        and key, as a URL another article holds is not taken either.
        """
        values = row.values
        cms_id = values["cms_id"] if cms_id is None else cms_id
        key = page_key(values["url"], cms_id)
        if key == values["page_key"]:
            values["cms_id"] = cms_id
            return
        site = values["site"]
        if (site, key) in self.by_key:
            return
        self.by_key.pop((site, values["page_key"]), None)
        values["cms_id"], values["page_key"] = cms_id, key
        self.by_key[(site, key)] = row


def new_row(item: Mapping[str, Any]) -> BatchRow:
    values: dict[str, Any] = dict.fromkeys(ARTICLE_COLUMNS)
    values.update(url=item["url"], site=item["site"], body="", content_hash="")
    values["page_key"] = item_key(item)
    return BatchRow(values, stored=False)


def merge(
    row: BatchRow, item: Mapping[str, Any], index: BatchIndex, fetched: str, refetch: bool = True
) -> None:
    """Apply one item to ``row``: nulls and empties never erase stored values.

    ``refetch`` False: the item was read again from captured pages, not
    fetched (``newsarchive reextract``): the gone state stands.
    """
    index.move_url(row, item["url"])
    cms_id = item.get("cms_id")
    index.rekey(row, None if cms_id is None else str(cms_id))
    values = row.values
    for key in SCALAR_KEYS:
        value = item.get(key)
        if value is not None and key != "cms_id":
            values[key] = value
    values["published_utc"] = to_utc(values["published_at"])
    if item.get("body"):
        values["body"] = item["body"]
    sections = item.get("sections") or []
    if sections:
        row.sections = [
            {"heading": section.get("heading"), "paragraphs": list(section.get("paragraphs") or [])}
            for section in sections
        ]
    if row.sections is not None and (sections or item.get("body")):
        # Spans are of the body written with them: encoded again when either changes.
        row.encoded = encode(values["body"], row.sections)
    values["fetched_at"] = fetched
    if item.get("captures"):
        values["captures"] = item["captures"]
    if refetch:
        # Fetched again with an article in it: no longer gone.
        values["gone_at"] = None
        values["gone_reason"] = None
    if values["first_seen_at"] is None:
        values["first_seen_at"] = fetched
    if item.get("sidebar"):
        row.sidebar = item["sidebar"]
