"""The archive's tables as the bulk writes see them: Core tables of the ORM models.

The models (:mod:`archive.models`) are the schema's source of truth; the
store takes its tables and column lists from them rather than spelling
columns out again, except the child rows' columns, written in the order the
store builds their tuples.
"""

from __future__ import annotations

from operator import itemgetter
from typing import cast

from sqlalchemy import Table

from archive.models import Article, Link, Observation, Section

ARTICLES = cast(Table, Article.__table__)
SECTIONS = cast(Table, Section.__table__)
LINKS = cast(Table, Link.__table__)
OBSERVATIONS = cast(Table, Observation.__table__)

#: Every article column but the primary key, as Core column keys.
ARTICLE_COLUMNS: tuple[str, ...] = tuple(c.key for c in ARTICLES.c if c.key != "id")
#: An article's values as a row of :data:`ARTICLE_COLUMNS`.
article_row = itemgetter(*ARTICLE_COLUMNS)
SECTION_COLUMNS = ("article_id", "position", "heading", "paragraphs", "body_offset", "body_length")
OBSERVATION_COLUMNS = ("article_id", "observed_at", "views", "views_raw", "source")
