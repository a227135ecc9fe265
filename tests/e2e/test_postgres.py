"""The whole product on PostgreSQL: a real crawl of the demo site into a real server
(``newscrawl demo --db postgresql+psycopg://…``, the real Scrapy engine over
HTTP on 127.0.0.1), then every ``newsarchive`` command on that archive.

Skipped, with the reason shown by ``pytest -ra``, only where no PostgreSQL
server can be started (see tests/support/pg_server.py; ``.ci/run`` installs one).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from archive.schema import head_revision
from newscrawl.demo import load_expected
from tests.support.pg_server import Server, create_database

BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def crawled(postgres_server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A PostgreSQL archive filled by one real demo crawl."""
    url = create_database(postgres_server, "newscrawl_demo_crawl")
    done = subprocess.run(
        [str(BIN / "newscrawl"), "demo", "--db", url],
        # The crawl's captures go to captures/ in the current directory (a server
        # database has no file to put them beside): a folder of the test's own.
        cwd=tmp_path_factory.mktemp("postgres-demo"),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    yield url


def archive(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "newsarchive"), "--db", url, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_crawl_stores_every_demo_article(crawled: str) -> None:
    expected = load_expected("http://127.0.0.1:1")
    engine = create_engine(crawled)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM articles")).scalar_one()
        titles = set(connection.execute(text("SELECT title FROM articles")).scalars())
        version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        spans, as_json = connection.execute(
            text(
                "SELECT count(body_offset), count(paragraphs) FILTER"
                " (WHERE paragraphs::text <> '[]') FROM sections"
            )
        ).one()
    engine.dispose()
    assert spans > count and as_json == 0  # each section's text is kept once, in the body
    assert count == len(expected)
    assert titles == {article["title"] for article in expected}
    assert version == head_revision()


def test_list_show_history_top_stats_runs(crawled: str) -> None:
    listing = json.loads(archive(crawled, "list", "--json", "--limit", "100").stdout)
    assert len(listing) == 33
    first = listing[0]["id"]
    shown = json.loads(archive(crawled, "show", str(first), "--json").stdout)
    assert shown["title"] == listing[0]["title"] and shown["sections"]
    human = archive(crawled, "show", str(first))
    assert human.returncode == 0 and shown["title"] in human.stdout
    history = json.loads(archive(crawled, "history", str(first), "--json").stdout)
    assert len(history["observations"]) == 1
    top = json.loads(archive(crawled, "top", "--json", "--limit", "3").stdout)
    assert [row["views"] for row in top] == sorted((row["views"] for row in top), reverse=True)
    stats = json.loads(archive(crawled, "stats", "--json").stdout)
    assert stats["articles"] == 33 and stats["fields"]["title"]["filled"] == 33
    runs = json.loads(archive(crawled, "runs", "--json").stdout)
    assert runs[0]["status"] == "finished"


def test_search_finds_chinese_terms_of_one_two_three_characters(crawled: str) -> None:
    expected = load_expected("http://127.0.0.1:1")
    for term in ("澜", "星澜", "训练营"):
        result = archive(crawled, "search", term, "--json", "--limit", "100")
        assert result.returncode == 0, result.stderr
        titles = {hit["title"] for hit in json.loads(result.stdout)["hits"]}
        want = {
            article["title"]
            for article in expected
            if term in (article["title"] or "") or term in article["body"]
        }
        assert titles == want, term


def test_export_streams_every_article(crawled: str) -> None:
    lines = archive(crawled, "export").stdout.split("\n")[:-1]
    assert len(lines) == 33
    exported = [json.loads(line) for line in lines]
    assert all(article["site"] == "127.0.0.1" for article in exported)
    # Sections come back whole, their text read from the body they are spans of.
    expected = {article["title"]: article for article in load_expected("http://127.0.0.1:1")}
    for article in exported:
        assert article["sections"] == expected[article["title"]]["sections"], article["title"]
        assert article["body"] == expected[article["title"]]["body"], article["title"]


def test_unknown_id_and_bad_date_are_one_line(crawled: str) -> None:
    missing = archive(crawled, "show", "999999")
    assert missing.returncode == 1
    assert missing.stderr.strip() == "Error: no article with id or URL '999999'"
    bad = archive(crawled, "top", "--since", "someday")
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1


def test_revision_0011_splits_mixed_rows_on_postgresql(postgres_server: Server) -> None:
    """The identity migration on a real server: the same rows, the same split."""
    from tests.support.schema_archives import check_mixed_rows_split, mixed_revision_0010_archive

    url = create_database(postgres_server, "newscrawl_identity_0011")
    mixed_revision_0010_archive(url)
    check_mixed_rows_split(url)


def test_identity_cut_titles_and_days_on_postgresql(postgres_url: str) -> None:
    """The store's page keys, cut-title completion and day-only dates on a real server."""
    from archive import list_articles, open_archive
    from archive.filters import ArticleFilters
    from archive.queries import period_bound
    from tests.support.archive_samples import EXPECTED_CUT, FULL, cut_links, item, sidebar_of, store

    opened = open_archive(postgres_url)
    news = item(1, url="http://www.example-news.cn/newsshow-4-1-1.html", sidebar=cut_links())
    product = item(1, url="http://www.example-news.cn/productshow-7-1-1.html")
    assert store(opened, news, product) == (2, 0, 0)
    assert store(opened, item(2, title=FULL, published_at="2026-01-08")) == (1, 0, 0)
    assert sidebar_of(opened, news["url"]) == EXPECTED_CUT
    day = ArticleFilters(since=period_bound("2026-01-08T10:00"))
    with opened.session() as session:
        assert [row.id for row in list_articles(session, filters=day)] == [3]
    opened.close()
