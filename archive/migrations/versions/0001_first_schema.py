"""The first archive schema: articles, sections, sidebar links, observations, crawl runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site", sa.String(length=255), nullable=False),
        sa.Column("cms_id", sa.String(length=255), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=255), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published_at", sa.String(length=64), nullable=True),
        sa.Column("published_utc", sa.DateTime(), nullable=True),
        sa.Column("published_raw", sa.Text(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("views", sa.BigInteger(), nullable=True),
        sa.Column("views_raw", sa.Text(), nullable=True),
        sa.Column("views_source", sa.String(length=16), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("first_seen_at", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.String(length=64), nullable=True),
        sa.Column("content_hash", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_articles_published_utc"), ["published_utc"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_articles_site"), ["site"], unique=False)
        batch_op.create_index(
            "uq_articles_site_cms_id",
            ["site", "cms_id"],
            unique=True,
            sqlite_where=sa.text("cms_id IS NOT NULL"),
            postgresql_where=sa.text("cms_id IS NOT NULL"),
        )

    op.create_table(
        "crawl_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("spider", sa.String(length=255), nullable=False),
        sa.Column("started_at", sa.String(length=64), nullable=False),
        sa.Column("finished_at", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stats", sa.JSON(), nullable=False),
        sa.Column("archive_url", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("box", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("date", sa.String(length=10), nullable=True),
        sa.Column("date_raw", sa.String(length=64), nullable=True),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("date_settled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_links_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_links_url"), ["url"], unique=False)

    op.create_table(
        "observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("observed_at", sa.String(length=64), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=True),
        sa.Column("views_raw", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_observations_article_id"), ["article_id"], unique=False
        )

    op.create_table(
        "sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=True),
        sa.Column("paragraphs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sections_article_id"), ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sections_article_id"))

    op.drop_table("sections")
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observations_article_id"))

    op.drop_table("observations")
    with op.batch_alter_table("links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_links_url"))
        batch_op.drop_index(batch_op.f("ix_links_article_id"))

    op.drop_table("links")
    op.drop_table("crawl_runs")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_articles_site_cms_id",
            sqlite_where=sa.text("cms_id IS NOT NULL"),
            postgresql_where=sa.text("cms_id IS NOT NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_articles_site"))
        batch_op.drop_index(batch_op.f("ix_articles_published_utc"))

    op.drop_table("articles")
