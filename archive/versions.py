"""Change tracking: earlier contents of articles, and articles found gone.

When a fetch brings an article whose content hash differs from the stored
one, :mod:`archive.store` first copies the stored content (title, published
date, author, source, body, sections, content hash, when it was fetched and
from which URL)
into ``article_versions`` with where its pages are captured (revision 0014),
then updates the article. Version 1 is the first
stored content; the article row always holds the newest. Unchanged content
adds no version.

An article a revisit finds gone (HTTP 404 or 410, or a soft 404) is marked
with :func:`mark_gone`: ``gone_at`` and ``gone_reason`` are set, nothing is
deleted, and a later successful fetch clears both.

Like the rest of the archive, functions take the caller's Session, never
commit, and write with a few bulk Core statements per batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from archive.models import Article, ArticleVersion

_T = TypeVar("_T")

_ARTICLES = cast(Table, Article.__table__)
_VERSIONS = cast(Table, ArticleVersion.__table__)

#: Article columns a version keeps besides ``sections`` and ``content_hash``; ``url``
#: is the page the content came from (revision 0011), which tells a row that mixed
#: two pages apart (:mod:`archive.identity_repair`).
VERSION_KEYS: tuple[str, ...] = (
    "title",
    "published_at",
    "author",
    "source",
    "body",
    "fetched_at",
    "url",
)

#: Items per statement in IN lists (as :data:`archive.store.batch_rows.CHUNK`).
_CHUNK = 500


def _chunks(seq: Sequence[_T], size: int = _CHUNK) -> Iterator[Sequence[_T]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def snapshot(values: Mapping[str, Any], sections: list[dict[str, Any]] | None) -> dict[str, Any]:
    """An article's content as it stands; ``sections`` None means the stored ones."""
    before = {key: values[key] for key in VERSION_KEYS}
    before["sections"] = sections
    before["captures"] = values.get("captures")
    return before


def insert_versions(session: Session, versions: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Keep earlier contents: ``(article_id, content)`` pairs, oldest first per article.

    ``content`` holds :data:`VERSION_KEYS`, ``sections`` (a list),
    ``content_hash`` and ``stored_at``. Each gets the next version number of
    its article (count of earlier versions + 1), counted by the INSERT itself:
    one executemany statement, rows inserted in order, so two changes of one
    article in a batch become two consecutive versions.
    """
    if not versions:
        return
    earlier = (
        select(func.count() + 1)
        .where(_VERSIONS.c.article_id == bindparam("version_of"))
        .scalar_subquery()
    )
    stmt = insert(_VERSIONS).values(version=earlier)
    params = [
        {
            "version_of": article_id,
            "article_id": article_id,
            "stored_at": content["stored_at"],
            "fetched_at": content["fetched_at"],
            "url": content.get("url"),
            "title": content["title"],
            "published_at": content["published_at"],
            "author": content["author"],
            "source": content["source"],
            "body": content["body"] or "",
            "sections": list(content["sections"] or []),
            "content_hash": content["content_hash"],
            "captures": content.get("captures"),
        }
        for article_id, content in versions
    ]
    for chunk in _chunks(params):
        session.execute(stmt, list(chunk))


def mark_gone(session: Session, urls_with_reasons: Mapping[str, str], *, at: str) -> int:
    """Mark archived articles gone (URL -> reason such as "404", "soft 404", "410").

    Only archived URLs count (others are ignored); nothing is deleted; an
    article already gone keeps its first ``gone_at`` and reason. Returns how
    many articles were newly marked. No commit; ORM articles the session
    holds for the marked rows are expired.
    """
    urls = sorted(urls_with_reasons)
    marked: list[dict[str, Any]] = []
    for chunk in _chunks(urls):
        stmt = select(_ARTICLES.c.id, _ARTICLES.c.url).where(
            _ARTICLES.c.url.in_(chunk), _ARTICLES.c.gone_at.is_(None)
        )
        for article_id, url in session.execute(stmt):
            marked.append(
                {"gone_pk": article_id, "gone_when": at, "gone_why": urls_with_reasons[url]}
            )
    if not marked:
        return 0
    session.flush()
    stmt_update = (
        update(_ARTICLES)
        .where(_ARTICLES.c.id == bindparam("gone_pk"), _ARTICLES.c.gone_at.is_(None))
        .values(gone_at=bindparam("gone_when"), gone_reason=bindparam("gone_why"))
    )
    session.execute(stmt_update, marked)
    ids = {row["gone_pk"] for row in marked}
    for obj in list(session.identity_map.values()):
        identity = sa_inspect(obj).identity
        if isinstance(obj, Article) and identity is not None and identity[0] in ids:
            session.expire(obj)
    return len(marked)
