"""The full-text index kept in step with upserts, ORM writes and deletes: its queue, catching up and rebuilding."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from archive import fts, index_pending, open_archive, store_articles
from archive.cli import main
from archive.models import Article, ArticleVersion
from archive.search import search_articles
from tests.support.search_corpus import CORPUS, SITE_A, SITE_B, _article, found


def test_index_follows_upserts_and_new_versions(archive_url: str) -> None:
    opened = open_archive(archive_url, create=False)
    edited = {
        **CORPUS[1],
        "title": "科技公司宣布招聘计划",
        "body": "这家公司表示，今年将招聘两百名工程师。",
        "sections": [{"heading": None, "paragraphs": ["这家公司表示，今年将招聘两百名工程师。"]}],
    }
    added = _article(6, SITE_B, "7", "2026-03-18", title="夜市重新开张", author=None,
                     body="老城区的夜市经过整修后重新开张，摊位增加到八十个。")  # fmt: skip
    with opened.begin() as session:
        store_articles(session, [edited, added])
    with opened.session() as session:
        assert found(session, "裁员") == set()
        assert found(session, "招聘") == {2}
        assert found(session, "夜市") == {6}
        assert found(session, "市") == {1, 4, 6}  # 市场 left with the old body
        versions = session.scalar(select(func.count()).select_from(ArticleVersion))
        assert versions == 1
    # A re-crawl with the same content changes nothing in the index.
    with opened.begin() as session:
        store_articles(session, [edited])
    with opened.session() as session:
        assert found(session, "招聘") == {2}
    opened.close()


def test_index_follows_orm_writes_and_deletes(tmp_path: Path) -> None:
    opened = open_archive(str(tmp_path / "orm.sqlite"))
    with opened.begin() as session:
        session.add(
            Article(site=SITE_A, url="http://a/1", title="湖边新开一家书店", body="书店只卖旧书。",
                    content_hash="0")
        )  # fmt: skip
    with opened.begin() as session:
        assert found_titles(session, "旧书") == {"湖边新开一家书店"}
        article = session.scalars(select(Article)).one()
        article.body = "书店开始卖咖啡。"
    with opened.begin() as session:
        assert found_titles(session, "旧书") == set()
        assert found_titles(session, "咖啡") == {"湖边新开一家书店"}
        session.delete(session.scalars(select(Article)).one())
    with opened.session() as session:
        assert found_titles(session, "咖啡") == set()
        assert session.execute(text("SELECT count(*) FROM articles_fts")).scalar_one() == 0
    opened.close()


def _indexed_ids(session: Session) -> set[int]:
    """Rows the full-text index holds (one ``docsize`` row per indexed article)."""
    return set(session.scalars(text("SELECT id FROM articles_fts_docsize")))


def _queued_ids(session: Session) -> set[int]:
    return set(session.scalars(text("SELECT article_id FROM articles_fts_pending")))


def test_storing_queues_and_catching_up_indexes(tmp_path: Path) -> None:
    """Each article is queued or indexed with its current text, never both."""
    opened = open_archive(str(tmp_path / "queue.sqlite"))
    with opened.begin() as session:
        store_articles(session, CORPUS)
        ids = set(session.scalars(select(Article.id)))
        assert _queued_ids(session) == ids and _indexed_ids(session) == set()
        assert index_pending(session) == len(CORPUS)
        assert _queued_ids(session) == set() and _indexed_ids(session) == ids
        assert index_pending(session) == 0
    edited = {
        **CORPUS[1],
        "title": "科技公司宣布招聘计划",
        "body": "这家公司表示，今年将招聘两百名工程师。",
        "sections": [],
    }
    with opened.begin() as session:
        store_articles(session, [edited])
        changed = session.scalar(select(Article.id).where(Article.cms_id == "2"))
        # The edited article left the index (its old tokens removed) for the queue.
        assert _queued_ids(session) == {changed}
        assert _indexed_ids(session) == ids - {changed}
        assert found(session, "招聘") == {2} and found(session, "裁员") == set()
        index_pending(session)
        assert found(session, "招聘") == {2} and found(session, "裁员") == set()
    with opened.begin() as session:
        store_articles(session, [edited])  # same text again: nothing to re-index
        assert _queued_ids(session) == set()
    with opened.begin() as session:
        # Deleting an indexed article and a queued one leaves neither anywhere.
        store_articles(session, [{**CORPUS[0], "title": "市图书馆延长开放时间"}])
        first = session.scalar(select(Article.id).where(Article.cms_id == "1"))
        assert _queued_ids(session) == {first}
        for article in session.scalars(select(Article).where(Article.id.in_([first, changed]))):
            session.delete(article)
        session.flush()
        assert _queued_ids(session) == set()
        assert _indexed_ids(session) == ids - {first, changed}
        assert found(session, "图书馆") == set() and found(session, "招聘") == set()
    opened.close()


def test_search_scans_only_the_queued_articles(tmp_path: Path) -> None:
    """Queued articles are tested one by one; indexed ones never are.

    A plan that scanned every article and tested its body would give the same
    results, only a hundred times slower on a real archive: count the tests.
    """
    opened = open_archive(str(tmp_path / "scan.sqlite"))
    indexed = [
        _article(100 + n, SITE_A, "7", "2026-02-01", title=f"旧闻{n}", body="市民关心的旧闻。")
        for n in range(30)
    ]
    with opened.begin() as session:
        store_articles(session, indexed)
        index_pending(session)
    with opened.begin() as session:
        calls: list[str] = []
        raw = session.connection().connection.driver_connection
        assert raw is not None

        def counted(pattern: str, value: str | None) -> int:
            calls.append(pattern)
            return fts.matches(pattern, value)

        raw.create_function(fts.MATCH_FUNCTION, 2, counted)
        assert len(found(session, "市民")) == 30 and calls == []  # nothing queued: no scan
        store_articles(session, [CORPUS[3]])  # 市民 in its body; queued, not indexed
        assert found(session, "市民") == {4} | {100 + n for n in range(30)}
        # One article tested (its title, its body, the title again to rank), not 31.
        assert 0 < len(calls) <= 3
    opened.close()


def test_an_insert_without_the_index_function_is_queued(tmp_path: Path) -> None:
    """Another tool may add articles; they are queued and indexed on the next catch-up."""
    path = tmp_path / "shell-insert.sqlite"
    opened = open_archive(str(path))
    opened.close()
    with sqlite3.connect(path) as conn:
        conn.execute(
            "INSERT INTO articles (site, url, title, body, content_hash) "
            "VALUES ('a.cn', 'http://a.cn/1', '河边的新书店', '书店只卖旧书。', '0')"
        )
    opened = open_archive(str(path), create=False)
    with opened.begin() as session:
        assert found_titles(session, "旧书") == {"河边的新书店"}
        assert index_pending(session) == 1
        assert found_titles(session, "旧书") == {"河边的新书店"}
    opened.close()


def test_a_write_without_the_index_function_fails_loudly(tmp_path: Path) -> None:
    """The sqlite3 shell cannot update articles behind the index's back."""
    path = tmp_path / "shell.sqlite"
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(session, CORPUS[:1])
    opened.close()
    with (
        sqlite3.connect(path) as conn,
        pytest.raises(sqlite3.OperationalError, match="no such function"),
    ):
        conn.execute("UPDATE articles SET title = '改过的标题'")
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT title FROM articles").fetchone() == (CORPUS[0]["title"],)


def found_titles(session: Session, query: str) -> set[str]:
    return {hit.title or "" for hit in search_articles(session, query, limit=100).hits}


def test_ranking_window_keeps_one_order_across_pages(tmp_path: Path) -> None:
    url = str(tmp_path / "window.sqlite")
    opened = open_archive(url)
    with opened.begin() as session:
        store_articles(session, CORPUS)
        index_pending(session)
    with opened.session() as session:
        everything = [hit.id for hit in search_articles(session, "市", rank_window=2).hits]
        paged = [
            hit.id
            for offset in range(3)
            for hit in search_articles(session, "市", limit=1, offset=offset, rank_window=2).hits
        ]
    opened.close()
    assert paged == everything
    # The two newest matches (ids 2 and 4) are ranked; the older one follows.
    assert set(everything[:2]) == {2, 4}
    assert everything[2] == 1


def test_reindex_rebuilds_the_same_index(tmp_path: Path) -> None:
    url = str(tmp_path / "reindex.sqlite")
    opened = open_archive(url)
    with opened.begin() as session:
        store_articles(session, CORPUS)
        index_pending(session)
        session.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('delete-all')"))
    with opened.session() as session:
        assert found(session, "裁员") == set()
    opened.close()
    result = CliRunner().invoke(main, ["--db", url, "reindex"])
    assert result.exit_code == 0, result.output
    assert "indexed 5 articles" in result.output
    opened = open_archive(url, create=False)
    with opened.session() as session:
        assert found(session, "裁员") == {2}
        assert found(session, "market") == {2}
    opened.close()
