"""Identity: an article row is one page, keyed by (site, page_key), not (site, cms_id).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06

A CMS id is unique only within its content type and URL template
(PHPMyWind's ``newsshow-4-1-1.html`` and ``productshow-7-1-1.html`` are two
pages with id 1), so keying rows by ``(site, cms_id)`` made one page
overwrite the other as a new version. This revision:

- adds ``articles.page_key`` (:func:`archive.identity.page_key`: the URL
  template with the id in it, or the URL when there is no id) and fills it
  from each row's URL and CMS id;
- replaces the unique index ``uq_articles_site_cms_id`` by
  ``uq_articles_site_page_key``. No two rows can get one key here: the old
  index let a site's id name one row only, and the key holds the id;
- adds ``article_versions.url``, so that from now on each version records
  the page it came from (NULL for versions stored before);
- splits the rows that mixed two pages, as far as the archive shows it
  (:mod:`archive.identity_repair`: earlier versions recorded no URL, so a
  version moves only when a sidebar link with its exact title points to the
  other page). ``newsarchive identity`` reports and repairs what evidence
  later crawls bring.

``page_key`` may be NULL: the store always writes it, but a row another tool
inserts (in SQL, as ``tests/archive/test_search_index.py`` does) gets none, and the next
fetch of that page fills it; NULLs never collide in the unique index. A
plain ``ADD COLUMN`` on SQLite (copying the table would drop the full-text
triggers, and with foreign keys on, dropping the old table would cascade to
every child row).
Downgrade puts the CMS id index back, and refuses with one line when split
rows share an id.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from archive.identity import page_key
from archive.identity_repair import repair

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Articles keyed per statement, so memory stays bounded on a large archive.
_BATCH = 1000

_ARTICLES = sa.table(
    "articles",
    sa.column("id", sa.Integer()),
    sa.column("site", sa.String()),
    sa.column("cms_id", sa.String()),
    sa.column("url", sa.Text()),
    sa.column("page_key", sa.Text()),
)

log = logging.getLogger("archive.migrations")


def _fill_keys() -> None:
    bind = op.get_bind()
    a = _ARTICLES.c
    write = (
        sa.update(_ARTICLES)
        .where(a.id == sa.bindparam("article_id"))
        .values(page_key=sa.bindparam("key"))
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(a.id, a.url, a.cms_id).where(a.id > last).order_by(a.id).limit(_BATCH)
        ).all()
        if not rows:
            return
        bind.execute(write, [{"article_id": r.id, "key": page_key(r.url, r.cms_id)} for r in rows])
        last = rows[-1].id


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("articles", sa.Column("page_key", sa.Text(), nullable=True))
    op.add_column("article_versions", sa.Column("url", sa.Text(), nullable=True))
    _fill_keys()
    op.drop_index("uq_articles_site_cms_id", table_name="articles")
    op.create_index("uq_articles_site_page_key", "articles", ["site", "page_key"], unique=True)
    done = repair(bind)
    if done:
        log.warning(
            "revision 0011 split %d articles that mixed two pages (ids %s)",
            len(done),
            ", ".join(str(mixed.article_id) for mixed, _ in done[:20]),
        )


def downgrade() -> None:
    bind = op.get_bind()
    a = _ARTICLES.c
    shared = bind.execute(
        sa.select(a.site, a.cms_id)
        .where(a.cms_id.is_not(None))
        .group_by(a.site, a.cms_id)
        .having(sa.func.count() > 1)
        .limit(1)
    ).first()
    if shared is not None:
        raise RuntimeError(
            f"cannot go below revision 0011: pages of {shared.site} share CMS id "
            f"{shared.cms_id}, which the older schema allows once"
        )
    op.drop_index("uq_articles_site_page_key", table_name="articles")
    op.create_index(
        "uq_articles_site_cms_id",
        "articles",
        ["site", "cms_id"],
        unique=True,
        sqlite_where=sa.text("cms_id IS NOT NULL"),
        postgresql_where=sa.text("cms_id IS NOT NULL"),
    )
    op.drop_column("article_versions", "url")
    op.drop_column("articles", "page_key")
