"""Section text kept once: a section may be a span of its article's body.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

``sections`` gains ``body_offset`` and ``body_length``, and ``paragraphs``
may be NULL: such a section's paragraphs are the lines of
``body[offset:offset + length]`` (see archive/body_spans.py). Sections
archived before keep their paragraphs as JSON, which is still read as
before; only sections written from now on use spans (older ones keep their
JSON until their article's content changes). A CHECK constraint
keeps every row's text in one place or the other. Downgrade writes every
span's paragraphs back as JSON first, so no text is lost.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: A section keeps its text in one place or the other, never neither (as the model says).
TEXT_IN_ONE_PLACE = (
    "(paragraphs IS NULL) = (body_offset IS NOT NULL)"
    " AND (body_offset IS NULL) = (body_length IS NULL)"
    " AND body_offset >= 0 AND body_length >= 0"
)


def upgrade() -> None:
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_offset", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("body_length", sa.Integer(), nullable=True))
        batch_op.alter_column("paragraphs", existing_type=sa.JSON(), nullable=True)
        batch_op.create_check_constraint("ck_sections_text", TEXT_IN_ONE_PLACE)


#: Sections written back per statement on downgrade, so memory stays bounded.
_BATCH = 1000


def downgrade() -> None:
    bind = op.get_bind()
    sections = sa.table(
        "sections",
        sa.column("id", sa.Integer()),
        sa.column("paragraphs", sa.JSON()),
        sa.column("body_offset", sa.Integer()),
        sa.column("body_length", sa.Integer()),
    )
    write_back = (
        sa.update(sections)
        .where(sections.c.id == sa.bindparam("section_id"))
        .values(
            paragraphs=sa.bindparam("texts", type_=sa.JSON()), body_offset=None, body_length=None
        )
    )
    last = 0
    while True:
        spans = bind.execute(
            sa.text(
                "SELECT sections.id, substr(articles.body, sections.body_offset + 1,"
                " sections.body_length) FROM sections JOIN articles"
                " ON articles.id = sections.article_id"
                " WHERE sections.body_offset IS NOT NULL AND sections.id > :last"
                " ORDER BY sections.id LIMIT :batch"
            ),
            {"last": last, "batch": _BATCH},
        ).all()
        if not spans:
            break
        bind.execute(
            write_back,
            [{"section_id": section_id, "texts": text.split("\n")} for section_id, text in spans],
        )
        last = spans[-1][0]
    with op.batch_alter_table("sections", schema=None) as batch_op:
        batch_op.drop_constraint("ck_sections_text", type_="check")
        batch_op.alter_column("paragraphs", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("body_length")
        batch_op.drop_column("body_offset")
