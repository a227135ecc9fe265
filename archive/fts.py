"""The SQLite full-text index of articles: Chinese split into characters.

SQLite's ``unicode61`` tokenizer keeps a run of Chinese characters together as
one token (a whole clause), so ``裁员`` would never match; its ``trigram``
tokenizer cannot match terms shorter than three characters (``裁员``, ``人气``).
So the text we hand to FTS5 is prepared in Python: every CJK character stands
alone between spaces, while Latin words and numbers stay whole. FTS5 then
indexes each Chinese character as a token with its position, and a term of
any length is a phrase query over consecutive characters (``"裁 员"``). A
one-character term is a one-token query; an English word is its own token,
matched case-insensitively.

The index gets exactly the tokens ``unicode61 remove_diacritics 2`` gave
that spaced-out text (revision 0004 built it so), but through FTS5's
``ascii`` tokenizer, which does less work per character: it splits on ASCII
spaces and punctuation only and takes every other character as it is, so
the preparation does the rest of what ``unicode61`` did. Chinese punctuation
and other separators become spaces, and any other character is folded
(case, diacritics) as ``unicode61`` folds it (:mod:`archive.fts_unicode61`).
The rule kept: the tokens never change, however the preparation is made
faster; the tests hold the two tokenizers to the same tokens on every
character of the BMP, and the speed is measured in ``benchmarks/SEARCH.md``.

``articles_fts`` is an *external content* table (``content="articles"``):
it stores only the index, not a second copy of the text (the index stays
under twice the size of the body text: ``benchmarks/SEARCH.md``), and
Datasette recognizes it as the full-text table of ``articles``.

Indexing is deferred, not done while storing: preparing and indexing an
article's body costs more than storing the article with its sections, links
and observation (the "storage" and "search index" rows of
``benchmarks/STAGES.md``). So triggers on ``articles`` only queue the
article's id in ``articles_fts_pending`` (on insert, and on an update of its
title or body), and :func:`catch_up` indexes
the queue in bulk: the crawl's archive pipeline after each stored batch (in
its writer process, with ``ARCHIVE_WRITER = "process"``), or at the end of
the crawl (``ARCHIVE_INDEX = "close"``); a one-process crawl prepares the
text after each batch and hands SQLite's share to a thread (:func:`read_queued`,
:func:`index_prepared`, :mod:`archive.background_index`). Until then
:mod:`archive.search` finds the queued articles by scanning them, so a search never misses an
article that is stored; Datasette sees them once they are indexed.

The invariant: every article is either queued or indexed with its current
title and body, never both. FTS5 removes an external-content row only when
given the tokens it indexed, so the delete and update triggers of an
*indexed* article recompute them from the old values with the SQL function
``newscrawl_fts_text`` (this module's :func:`prepare`), which :mod:`archive.db`
registers on every connection it opens. A tool that updates or deletes
articles without it (the ``sqlite3`` shell) fails with "no such function"
instead of corrupting the index; reading needs nothing. So the tokens
:func:`prepare` gives must not change without a migration that rebuilds the
index (:func:`rebuild`, also ``newsarchive reindex``), and a migration that
rebuilds ``articles`` itself (Alembic's batch mode) must call
:func:`create_triggers` again.

PostgreSQL has no FTS5; :mod:`archive.search` searches it with substring
matching instead (see there), so this module is SQLite only.
"""

from __future__ import annotations

import functools
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from archive.fts_unicode61 import CJK_CHARS, CJK_TOKEN_CHARS, UNICODE61, fold_others

#: The full-text table; Datasette finds it by its ``content="articles"``.
FTS_TABLE = "articles_fts"

#: A run of CJK characters, and a run of those that are tokens.
_CJK_RUN = re.compile(f"[{CJK_CHARS}]+")
_CJK_SPLIT = re.compile(f"([{CJK_TOKEN_CHARS}]+)")

#: Characters that are never part of a token, for FTS5's ``unicode61`` (whose
#: token characters are letters, numbers and private-use characters) nor for
#: :mod:`archive.search` (``[^\W_]``): whitespace and the common ASCII and
#: Chinese punctuation, every one in Unicode category Z, Cc or P. A space put
#: beside one of them changes no token and no token's position.
_SEPARATORS = (
    " \t\n\r\f\v\u00a0\u3000"
    "，。、；：？！“”‘’（）《》〈〉「」『』【】…—·"
    ",.;:?!\"'()\\[\\]<>/\\-"
)  # fmt: skip
#: Runs of CJK and separators, which are spaced out; what lies between them
#: (words and numbers: ``AI``, ``2026``) stays whole, as the index has always
#: had it. Matching these runs, not the words between them, lets the regex
#: engine take a long run in one tight loop (index catch-up: ``benchmarks/SEARCH.md``).
_SPACED_SPLIT = re.compile(f"([{CJK_TOKEN_CHARS}{_SEPARATORS}]+)")

#: The SQL function the triggers call to prepare text for the index.
FUNCTION = "newscrawl_fts_text"

#: FTS5's tokenizer for the prepared text: ASCII spaces and punctuation separate,
#: ASCII letters are folded; :func:`prepare` has done the rest (see above).
TOKENIZER = "ascii"
#: The tokenizer whose tokens the index keeps: the one revision 0004 indexed
#: with. :func:`prepare` folds characters as it does.
TOKENS_OF = UNICODE61


def create_statement(tokenizer: str = TOKENIZER) -> str:
    """The full-text table's ``CREATE VIRTUAL TABLE`` (with another tokenizer for
    migrations).

    ``rowid`` is ``articles.id``; two columns so a title hit can weigh more.
    ``content="articles"`` in double quotes: the form Datasette's detection
    looks for (``content='articles'`` would not be found).
    """
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        'title, body, content="articles", content_rowid="id", '
        f"tokenize='{tokenizer}')"
    )


#: Full-width digits and Latin letters, and their ASCII forms (U+FF10 → "0", …).
_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_TO_HALFWIDTH = {
    code: code - 0xFEE0
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(first, last + 1)
}


def is_index_table(name: str | None) -> bool:
    """True for the full-text table and its shadow tables (``articles_fts_data`` …)."""
    return name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))


#: Separators outside ASCII that :data:`_SPACED_SPLIT` takes into runs: spaces
#: here, as ``unicode61`` had them and ``ascii`` would not.
_NON_ASCII_SEPARATORS = tuple(c for c in _SEPARATORS.replace("\\", "") if not c.isascii())


def prepare(value: str | None) -> str:
    """Text as it is indexed (and query phrases as they are matched): CJK spaced
    out, and everything else outside ASCII made into what ``unicode61`` indexes.

    Full-width letters and digits (``ＡＩ２０２６``) become their ASCII forms,
    which a query types. Not NFKC: it would cost more than the rest of the
    preparation, and punctuation, its main other effect, separates tokens anyway.

    What must never change (see the module docstring) is the tokens the
    string gives FTS5's :data:`TOKENIZER`, in order: those ``unicode61``
    gave revision 0004's text (each CJK run spaced out between spaces). The
    tests check both with FTS5's own tokenizers.
    """
    if not value:
        return ""
    if value.isascii():  # both tokenizers split ASCII alike
        return value
    # Runs of CJK and separators (odd pieces) get a space after every
    # character; words and numbers (even pieces, maybe empty) stay whole. The
    # runs are spaced out in one go, joined by NUL: a word character, so no
    # run holds one, and after spacing out each NUL ends with its space.
    pieces = _SPACED_SPLIT.split(value)
    words = pieces[0::2]
    if not (joined_words := "".join(words)).isascii():  # rare: é, Ж, ©, ＡＩ, emoji …
        # Full-width letters and digits are neither CJK nor separators, so they
        # are only ever among the words: only the words are searched for them, and
        # only when they leave ASCII (a regex scan of a whole body cost a quarter
        # of this function); the text is then prepared again in ASCII.
        if _FULLWIDTH_ALNUM.search(joined_words):
            return prepare(value.translate(_TO_HALFWIDTH))
        pieces[0::2] = [fold_others(word) for word in words]
    runs = pieces[1::2]
    if not runs:
        return pieces[0]
    joined = "\x00".join(runs)
    for separator in _NON_ASCII_SEPARATORS:  # each test is a memchr: cheaper than a regex
        if separator in joined:
            joined = joined.replace(separator, " ")
    spaced = _space_out(joined)
    if spaced is None:  # a character beyond the BMP (CJK extension B and on)
        return _prepare_by_runs(value)
    pieces[1::2] = spaced.split("\x00 ") if len(runs) > 1 else [spaced]
    return " ".join(pieces)


def query_text(value: str) -> str:
    """A query as :mod:`archive.search` splits it into its terms' tokens: full-width
    letters and digits in ASCII, CJK spaced out, nothing folded.

    The tokens stay as typed because they also become the regexes that find
    a term in stored text (queued articles, snippets), which match
    case-insensitively; the FTS5 phrase folds them with :func:`prepare`.
    """
    halfwidth = value.translate(_TO_HALFWIDTH) if _FULLWIDTH_ALNUM.search(value) else value
    return _CJK_RUN.sub(lambda run: " " + " ".join(run.group()) + " ", halfwidth)


def _space_out(text: str) -> str | None:
    """``text`` with a space after every character; None if one is beyond U+FFFF.

    In UTF-32 a character of the Basic Multilingual Plane is two bytes of
    code unit and two zero bytes; writing a space's code unit over the zero
    bytes makes the UTF-16 form of "c " for each character. That is byte
    slicing in C, where ``" ".join(text)`` makes a string object per
    character. The rule kept: the same string as ``"".join(c + " " for c in
    text)``; what it saves shows in the index catch-up of ``benchmarks/SEARCH.md``.
    """
    encoded = text.encode("utf-32-le")  # CJK, separators, NUL: no lone surrogates
    count = len(text)
    if encoded[2::4] != bytes(count):
        return None
    units = bytearray(encoded)
    units[2::4] = b" " * count
    return units.decode("utf-16-le")


def _prepare_by_runs(value: str) -> str:
    """The general form of :func:`prepare` (full-width already translated), right for
    any character: each CJK run spaced out between spaces, every other character
    outside ASCII folded as ``unicode61`` folds it (a separator becomes a space)."""
    pieces = _CJK_SPLIT.split(value)
    pieces[0::2] = map(fold_others, pieces[0::2])
    pieces[1::2] = map(" ".join, pieces[1::2])
    return " ".join(pieces)


#: Articles stored but not indexed yet; :func:`catch_up` empties it.
PENDING_TABLE = f"{FTS_TABLE}_pending"

_CREATE_PENDING = f"CREATE TABLE IF NOT EXISTS {PENDING_TABLE} (article_id INTEGER PRIMARY KEY)"
#: Queue an article once. Not ``INSERT OR IGNORE``: inside a trigger the writing
#: statement's own conflict clause overrides the trigger's, and the store writes
#: ``OR ROLLBACK`` (``archive.store.bulk_writer``), so an article queued already would
#: fail the whole batch. A statement that cannot conflict queues it under any
#: clause (revision 0008).
_QUEUE_NEW = (
    f"INSERT INTO {PENDING_TABLE}(article_id) SELECT new.id "
    f"WHERE NOT EXISTS (SELECT 1 FROM {PENDING_TABLE} WHERE article_id = new.id);"
)
#: Remove the old tokens of an article that is indexed (not queued).
_UNINDEX_OLD = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    f"SELECT 'delete', old.id, {FUNCTION}(old.title), {FUNCTION}(old.body) "
    f"WHERE NOT EXISTS (SELECT 1 FROM {PENDING_TABLE} WHERE article_id = old.id);"
)
_TRIGGERS = (
    (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON articles "
        f"BEGIN {_QUEUE_NEW} END"
    ),
    (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON articles "
        f"BEGIN {_UNINDEX_OLD} "
        f"DELETE FROM {PENDING_TABLE} WHERE article_id = old.id; END"
    ),
    (
        f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF title, body "
        "ON articles WHEN old.title IS NOT new.title OR old.body IS NOT new.body "
        f"BEGIN {_UNINDEX_OLD} {_QUEUE_NEW} END"
    ),
)
#: The trigger names, for migrations that replace them.
TRIGGER_NAMES = tuple(f"{FTS_TABLE}_{event}" for event in ("insert", "delete", "update"))


#: The SQL function :mod:`archive.search` scans queued articles with.
MATCH_FUNCTION = "newscrawl_fts_matches"


@functools.lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def matches(pattern: str | None, value: str | None) -> int:
    """1 when the regular expression ``pattern`` occurs in ``value`` (case-insensitive)."""
    if pattern is None or value is None:
        return 0
    return 1 if _compiled(pattern).search(value) else 0


def register(dbapi_connection: Any, _record: Any = None) -> None:
    """Define the triggers' and the queue scan's SQL functions on a sqlite3 connection."""
    dbapi_connection.create_function(FUNCTION, 1, prepare, deterministic=True)
    dbapi_connection.create_function(MATCH_FUNCTION, 2, matches, deterministic=True)


def has_index(connection: Connection) -> bool:
    """True when this database has the full-text table (SQLite archives do)."""
    if connection.dialect.name != "sqlite":
        return False
    found = connection.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = :name"),
        {"name": FTS_TABLE},
    ).first()
    return found is not None


def create(connection: Connection) -> None:
    """Create the full-text table, its queue and triggers; index every article stored."""
    if connection.dialect.name != "sqlite":
        return
    connection.execute(text(create_statement()))
    connection.execute(text(_CREATE_PENDING))
    create_triggers(connection)
    rebuild(connection)


def create_triggers(connection: Connection) -> None:
    """The triggers that queue changed articles for the index (idempotent)."""
    for statement in _TRIGGERS:
        connection.execute(text(statement))


def rebuild(connection: Connection, batch_size: int = 1000) -> int:
    """Empty the index and index every article again; returns how many.

    FTS5's own ``'rebuild'`` command would read ``articles`` unprepared, so
    the rows are read here and prepared in batches (memory stays flat). The
    queue is emptied: every article is indexed.
    """
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"))
    connection.execute(text(f"DELETE FROM {PENDING_TABLE}"))
    count = 0
    last_id = 0
    select_batch = text(
        "SELECT id, title, body FROM articles WHERE id > :last ORDER BY id LIMIT :size"
    )
    while True:
        rows = connection.execute(select_batch, {"last": last_id, "size": batch_size}).all()
        if not rows:
            return count
        index_rows(connection, [(row.id, row.title, row.body) for row in rows])
        count += len(rows)
        last_id = rows[-1].id


def pending(connection: Connection) -> int:
    """How many stored articles wait to be indexed (0 without an index)."""
    if not has_index(connection):
        return 0
    return int(connection.execute(text(f"SELECT count(*) FROM {PENDING_TABLE}")).scalar_one())


def catch_up(connection: Connection, batch_size: int = 500) -> int:
    """Index the queued articles and empty the queue; returns how many were indexed.

    Runs in the caller's transaction, ``batch_size`` articles per statement,
    so memory stays flat however long the queue. Nothing to do (0) on an
    archive without the index (PostgreSQL).
    """
    if not has_index(connection):
        return 0
    select_batch = text(
        f"SELECT a.id, a.title, a.body FROM {PENDING_TABLE} AS p "
        "JOIN articles AS a ON a.id = p.article_id "
        "WHERE p.article_id > :last ORDER BY p.article_id LIMIT :size"
    )
    count = 0
    last_id = 0
    while True:
        rows = connection.execute(select_batch, {"last": last_id, "size": batch_size}).all()
        if not rows:
            break
        index_rows(connection, [(row.id, row.title, row.body) for row in rows])
        count += len(rows)
        last_id = rows[-1].id
    # One transaction, one writer: every queued article is indexed now.
    connection.execute(text(f"DELETE FROM {PENDING_TABLE}"))
    return count


def index_pending(session: Session) -> int:
    """:func:`catch_up` in ``session``'s transaction: what the pipeline and scripts call."""
    return catch_up(session.connection())


def _params(rows: Iterable[tuple[int, str | None, str | None]]) -> list[dict[str, object]]:
    return [
        {"rowid": article_id, "title": prepare(title), "body": prepare(body)}
        for article_id, title, body in rows
    ]


def index_rows(connection: Connection, rows: Sequence[tuple[int, str | None, str | None]]) -> None:
    """Add ``(id, title, body)`` rows to the index (used by :func:`rebuild`)."""
    if rows:
        connection.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (:rowid, :title, :body)"),
            _params(rows),
        )


class PreparedArticle(NamedTuple):
    """A queued article's text prepared for the index, with the content it came from
    (``articles.content_hash``: :func:`index_prepared` indexes it only if unchanged)."""

    article_id: int
    content_hash: str
    title: str
    body: str


def read_queued(connection: Connection, *, limit: int = 1000) -> list[PreparedArticle]:
    """Up to ``limit`` queued articles, lowest id first, their text prepared (:func:`prepare`).

    The Python half of catching up, for :class:`archive.background_index.BackgroundIndexer`:
    the caller's thread reads and prepares, the indexer's thread hands the prepared text to
    FTS5 in statements that run in C. An empty list on an archive without the index.
    """
    if not has_index(connection):
        return []
    # This connection's own sqlite3 cursor, in its transaction: plain tuples, where
    # SQLAlchemy's result would build a Row per article (a quarter of this function's time).
    sqlite = cast(sqlite3.Connection, connection.connection.driver_connection)
    cursor = sqlite.execute(
        f"SELECT a.id, a.content_hash, a.title, a.body FROM {PENDING_TABLE} AS p "
        "JOIN articles AS a ON a.id = p.article_id ORDER BY p.article_id LIMIT ?",
        (limit,),
    )
    return [
        PreparedArticle(article_id, content_hash, prepare(title), prepare(body))
        for article_id, content_hash, title, body in cursor.fetchall()
    ]


#: Articles one statement of :func:`index_prepared` binds: four values each, under the
#: 999 bound values that SQLite before 3.32 allows a statement.
PREPARED_CHUNK = 240


def index_prepared(connection: sqlite3.Connection, articles: Sequence[PreparedArticle]) -> int:
    """Index the ``articles`` that are still queued and unchanged, and dequeue them.

    One ``BEGIN IMMEDIATE`` transaction on a ``sqlite3`` connection in autocommit mode
    (``isolation_level=None``). An article is indexed only if it is still queued (another
    catch-up may have indexed it since it was read) and its ``content_hash`` is still the
    one its text was prepared from (a write since then left it queued with new text):
    so the invariant of this module holds whatever ran between the read and this call, and
    what is skipped stays queued for the next catch-up. Each chunk of articles is one
    ``INSERT … SELECT`` over bound values: one call into SQLite, which the ``sqlite3``
    module makes without the GIL (``executemany`` would take it back for every row).
    Returns how many articles were indexed.
    """
    indexed = 0
    connection.execute("BEGIN IMMEDIATE")
    try:
        for start in range(0, len(articles), PREPARED_CHUNK):
            chunk = articles[start : start + PREPARED_CHUNK]
            # (No WITH in front: the sqlite3 module counts rows only for statements
            # that begin with their verb.) VALUES names its columns column1, ….
            connection.execute(
                f"INSERT INTO {FTS_TABLE}(rowid, title, body) "
                "SELECT b.column1, b.column3, b.column4 "
                f"FROM (VALUES {','.join(['(?,?,?,?)'] * len(chunk))}) AS b "
                f"JOIN {PENDING_TABLE} AS p ON p.article_id = b.column1 "
                "JOIN articles AS a ON a.id = b.column1 AND a.content_hash = b.column2",
                [value for article in chunk for value in article],
            )
            dequeued = connection.execute(
                f"DELETE FROM {PENDING_TABLE} WHERE article_id IN ("
                f"SELECT a.id FROM (VALUES {','.join(['(?,?)'] * len(chunk))}) AS b "
                "JOIN articles AS a ON a.id = b.column1 AND a.content_hash = b.column2)",
                [value for article in chunk for value in article[:2]],
            )
            indexed += dequeued.rowcount
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return indexed
