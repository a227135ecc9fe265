"""The archive's tables, as typed SQLAlchemy 2 declarative models.

One row per article (the latest good values, denormalized for fast listing),
its sections (their text kept once, in the body: revision 0006) and sidebar
links as child rows so they can be replaced as a whole, one observation per
fetch so popularity becomes a time series, its earlier contents as versions
(revision 0002), and one row per crawl run so cron harvests leave a record.

Dates the sites show stay strings with their offset (``published_at``,
``fetched_at``) because that is what the Article contract carries and what a
person wants to read; ``published_utc`` is the same instant as a naive UTC
``DateTime`` so ordering and range filters work the same on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    WriteOnlyMapped,
    mapped_column,
    relationship,
)

from archive.body_spans import section_paragraphs
from archive.identity import page_key


def _page_key_default(context: Any) -> str:
    """``page_key`` for a row inserted without one (through the ORM, say)."""
    values = context.get_current_parameters()
    return page_key(values["url"], values.get("cms_id"))


class Base(DeclarativeBase):
    """Declarative base shared by every archive table."""


class Article(Base):
    """One page: keyed by its canonical URL, and by its ``page_key`` within the site.

    ``page_key`` (revision 0011, :func:`archive.identity.page_key`) is the
    URL template with the CMS id in it: a CMS id alone names a page only
    within its content type, so it is kept as data, not as the key.
    """

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    site: Mapped[str] = mapped_column(String(255), index=True)
    cms_id: Mapped[str | None] = mapped_column(String(255))
    url: Mapped[str] = mapped_column(Text, unique=True)
    # NULL only in a row another tool inserted (the store always writes it, and
    # fills it on the row's next fetch); NULLs never collide in the index.
    page_key: Mapped[str | None] = mapped_column(Text, default=_page_key_default)
    channel: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(String(64))
    published_utc: Mapped[datetime | None] = mapped_column(DateTime(), index=True)
    published_raw: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    # Revision 0010: 编辑 / 责任编辑, a credit apart from the author.
    editor: Mapped[str | None] = mapped_column(Text)
    views: Mapped[int | None] = mapped_column(BigInteger)  # counts past 21亿 (2**31) fit
    views_raw: Mapped[str | None] = mapped_column(Text)
    views_source: Mapped[str | None] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    first_seen_at: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[str | None] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(40))
    # Revision 0002: set when a revisit found the article gone (404, 410,
    # "soft 404"); cleared by a later successful fetch. Never deleted.
    gone_at: Mapped[str | None] = mapped_column(String(64))
    gone_reason: Mapped[str | None] = mapped_column(String(32))
    # Revision 0014: where the pages of the current content are captured, one entry
    # per page in page order (archive.captures.Capture: url, file, offset, length, date).
    captures: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))

    sections: Mapped[list[Section]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Section.position",
    )
    links: Mapped[list[Link]] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Link.position",
    )
    # Write-only: an hourly harvest piles up observations, and storing one
    # more must never load the whole history.
    observations: WriteOnlyMapped[Observation] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Observation.id",
    )
    versions: WriteOnlyMapped[ArticleVersion] = relationship(
        back_populates="article",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ArticleVersion.version",
    )


# One row per page of a site (revision 0011). Declared after the class so it
# can use real columns.
Index("uq_articles_site_page_key", Article.site, Article.page_key, unique=True)


class Section(Base):
    """A headed part of an article's body; the lead has heading None."""

    __tablename__ = "sections"
    # Text in one place or the other, never neither: a row that lost both would
    # read as a section without paragraphs (revision 0006).
    __table_args__ = (
        CheckConstraint(
            "(paragraphs IS NULL) = (body_offset IS NOT NULL)"
            " AND (body_offset IS NULL) = (body_length IS NULL)"
            " AND body_offset >= 0 AND body_length >= 0",
            name="ck_sections_text",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    heading: Mapped[str | None] = mapped_column(Text)
    # Revision 0006: NULL when the paragraphs are the span body_offset/body_length
    # of the article's body (archive.body_spans); read them with texts().
    paragraphs: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), default=list)
    body_offset: Mapped[int | None]
    body_length: Mapped[int | None]

    article: Mapped[Article] = relationship(back_populates="sections")

    def texts(self, body: str | None) -> list[str]:
        """The paragraphs, given the body of this section's article."""
        return section_paragraphs(self.paragraphs, self.body_offset, self.body_length, body)


class Link(Base):
    """One sidebar link; ``url`` is indexed so the target can settle its date."""

    __tablename__ = "links"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    box: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text, index=True)
    date: Mapped[str | None] = mapped_column(String(10))
    date_raw: Mapped[str | None] = mapped_column(String(64))
    truncated: Mapped[bool] = mapped_column(default=False)
    # True once ``date`` came from the linked article's own published date
    # rather than a year guessed from ``date_raw``.
    date_settled: Mapped[bool] = mapped_column(default=False)

    article: Mapped[Article] = relationship(back_populates="links")


class Observation(Base):
    """One fetch of an article: the popularity count as seen at that moment."""

    __tablename__ = "observations"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    observed_at: Mapped[str] = mapped_column(String(64))
    views: Mapped[int | None] = mapped_column(BigInteger)  # counts past 21亿 (2**31) fit
    views_raw: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(String(16))

    article: Mapped[Article] = relationship(back_populates="observations")


class ArticleVersion(Base):
    """An earlier content of an article, kept when a fetch brought a changed one.

    ``version`` counts from 1 (the first stored content); ``stored_at`` is when
    it was replaced (the fetch time of the content that replaced it),
    ``fetched_at`` when this content itself had been fetched.
    """

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version", name="uq_article_versions"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int]
    stored_at: Mapped[str] = mapped_column(String(64))
    # Revision 0011: the URL this content was fetched from (NULL before 0011),
    # so a row that mixed two pages can be told apart (archive.identity_repair).
    url: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[str | None] = mapped_column(String(64))
    author: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    # [{"heading": …, "paragraphs": […]}, …] as the Article contract has them.
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    content_hash: Mapped[str] = mapped_column(String(40))
    # Revision 0014: where the pages of this content are captured (as Article.captures).
    captures: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))

    article: Mapped[Article] = relationship(back_populates="versions")


class CrawlRun(Base):
    """The record of one harvest: when, how it ended, and its stats."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    spider: Mapped[str] = mapped_column(String(255))
    started_at: Mapped[str] = mapped_column(String(64))
    finished_at: Mapped[str | None] = mapped_column(String(64))
    # "running", "finished", "interrupted" or "failed".
    status: Mapped[str] = mapped_column(String(16), default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Always stored masked: the record must not leak a password.
    archive_url: Mapped[str | None] = mapped_column(Text)
