"""Full-text search: recall of Chinese terms of 1, 2 and 3 characters, English,
phrases, literal special characters, filters, paging, ranking, snippets, the
index kept in step with upserts, and the CLI, on SQLite and PostgreSQL.

Each test stores a small archive of our own articles whose texts are known,
so every expected result set is written out by hand.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from archive import Archive, fts, index_pending, open_archive, store_articles
from archive.cli import main
from archive.filters import ArticleFilters
from archive.fts import pending, prepare
from archive.models import Article, ArticleVersion
from archive.queries import period_bound
from archive.search import _TOKEN, SearchError, parse_query, search_articles

SITE_A, SITE_B = "news.example-a.cn", "www.example-b.cn"


def _article(number: int, site: str, channel: str, day: str, **fields: Any) -> dict[str, Any]:
    return {
        "url": f"http://{site}/show.php?cid={channel}&id={number}",
        "site": site,
        "cms_id": str(number),
        "channel": channel,
        "published_at": f"{day}T09:00:00+08:00",
        "fetched_at": "2026-03-20T00:00:00+00:00",
        "sections": [{"heading": None, "paragraphs": [fields["body"]]}],
        "sidebar": [],
        **fields,
    }


CORPUS = [
    _article(1, SITE_A, "7", "2026-02-01", title="市图书馆试行夜间开放", author="王芳",
             body="从本月起，市图书馆周五和周六开放到晚上十点。读者可以用手机预约座位。"),
    _article(2, SITE_A, "8", "2026-02-05", title="科技公司宣布裁员计划", author="李明",
             body="这家公司表示，裁员比例约为百分之十，涉及市场和行政部门。员工将获得补偿。"
                  " The company cited a weak market."),
    _article(3, SITE_B, "8", "2026-03-01", title="新剧人气持续走高", author="王芳",
             body="网剧《雾中城》上线一周，人气指数突破九十万。C++ 工程师出身的导演说，"
                  "拍摄用了 3.5% 的预算做特效。"),
    _article(4, SITE_B, "7", "2026-03-10", title="周末天气提示", author=None,
             body="本周末以晴为主，气温回升。市民出门注意防晒。under_score 与 e-mail 写法照旧，"
                  "降雨概率50%以下。"),
    _article(5, SITE_A, "9", "2026-03-15", title="Open Data Week 开幕", author="赵一鸣",
             body="开放数据周今天开幕，主办方展示了交通和气象数据。Data journalists joined."),
]  # fmt: skip


@pytest.fixture(
    params=["sqlite", "sqlite-queued", pytest.param("postgresql", marks=pytest.mark.slow)]
)
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same archive of :data:`CORPUS` on SQLite and on PostgreSQL.

    ``sqlite`` has every article in the full-text index; ``sqlite-queued``
    has them all still queued for it, so search finds them by scanning: both
    must give the same results.
    """
    if request.param.startswith("sqlite"):
        url = str(tmp_path / "archive.sqlite")
    else:
        url = request.getfixturevalue("postgres_url")
    opened = open_archive(url)
    with opened.begin() as session:
        store_articles(session, CORPUS)
    with opened.begin() as session:
        if request.param == "sqlite":
            assert index_pending(session) == len(CORPUS)
        if request.param.startswith("sqlite"):
            queued = len(CORPUS) if request.param == "sqlite-queued" else 0
            assert pending(session.connection()) == queued
    opened.close()
    return url


@pytest.fixture
def session(archive_url: str) -> Iterator[Session]:
    opened: Archive = open_archive(archive_url, create=False)
    with opened.session() as current:
        yield current
    opened.close()


def found(session: Session, query: str, **options: Any) -> set[int]:
    """The cms ids of every match (all pages)."""
    page = search_articles(session, query, limit=100, **options)
    assert not page.more
    return {int(session.get_one(Article, hit.id).cms_id or 0) for hit in page.hits}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("裁", {2}),  # one character
        ("市", {1, 2, 4}),  # 市图书馆, 市场, 市民
        ("裁员", {2}),  # two characters
        ("人气", {3}),
        ("开放", {1, 5}),
        ("图书馆", {1}),  # three characters
        ("雾中城", {3}),
        ("人气指数", {3}),  # four
        ("书图", set()),  # the characters, but not in this order
    ],
)
def test_chinese_terms_of_any_length(session: Session, query: str, expected: set[int]) -> None:
    assert found(session, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("market", {2}),
        ("MARKET", {2}),  # case-insensitive
        ("data", {5}),
        ('"weak market"', {2}),  # a phrase
        ('"market weak"', set()),
        ("裁员 补偿", {2}),  # every term must occur
        ("裁员 天气", set()),
        ("Data 开幕", {5}),  # English and Chinese together
    ],
)
def test_english_words_phrases_and_several_terms(
    session: Session, query: str, expected: set[int]
) -> None:
    assert found(session, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("C++", {3}),
        ("3.5%", {3}),
        ("50%", {4}),
        ("%", {3, 4}),  # not a LIKE wildcard
        ("_", {4}),  # not a LIKE wildcard
        ("under_score", {4}),
        ("e-mail", {4}),  # "-" is not NOT
        ("*", set()),  # not a prefix operator
        ("裁员 OR 天气", set()),  # OR is a word, not an operator
        ("NEAR(裁员 天气)", set()),
        ("title:裁员", set()),  # no column filter syntax
        ("'; DROP TABLE articles; --", set()),
        ('"") OR 1=1 --', set()),
    ],
)
def test_special_characters_match_literally(
    session: Session, query: str, expected: set[int]
) -> None:
    assert found(session, query) == expected
    assert session.scalar(select(func.count()).select_from(Article)) == len(CORPUS)


@pytest.mark.parametrize("query", ["", "   ", '"', '裁员 "补偿', '""'])
def test_unsearchable_queries_raise_search_error(session: Session, query: str) -> None:
    with pytest.raises(SearchError):
        search_articles(session, query)


def test_filters_by_site_channel_author_and_period(session: Session) -> None:
    assert found(session, "市", filters=ArticleFilters(site=SITE_B)) == {4}
    assert found(session, "市", filters=ArticleFilters(channel="8")) == {2}
    assert found(session, "市", filters=ArticleFilters(author="王芳")) == {1}
    since = period_bound("2026-02-03")
    assert found(session, "市", filters=ArticleFilters(since=since)) == {2, 4}
    until = period_bound("2026-02-02", end=True)
    assert found(session, "市", filters=ArticleFilters(until=until)) == {1}


def test_pages_cover_every_match_once(session: Session) -> None:
    pages = [search_articles(session, "市", limit=1, offset=offset) for offset in range(3)]
    ids = [hit.id for page in pages for hit in page.hits]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert [page.more for page in pages] == [True, True, False]
    assert search_articles(session, "市", limit=1, offset=3).hits == []


def test_a_title_hit_ranks_above_a_body_hit(session: Session) -> None:
    hits = search_articles(session, "开放").hits
    assert [hit.title for hit in hits] == ["市图书馆试行夜间开放", "Open Data Week 开幕"]


def test_snippet_highlights_each_match(session: Session) -> None:
    (hit,) = search_articles(session, "人气").hits
    assert hit.highlights
    assert all(hit.snippet[start:end] == "人气" for start, end in hit.highlights)
    (hit,) = search_articles(session, "weak market").hits
    marked = {hit.snippet[start:end].lower() for start, end in hit.highlights}
    assert marked == {"weak", "market"}


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


def _tokens_by_fts5(
    texts: list[str], tokenizer: str = fts.TOKENIZER
) -> list[list[tuple[str, int]]]:
    """Each text's (token, position) pairs as FTS5 indexes them, with the archive's
    tokenizer unless told another."""
    db = sqlite3.connect(":memory:")
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize='{tokenizer}')")
    db.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    db.executemany("INSERT INTO t(rowid, body) VALUES (?, ?)", enumerate(texts, 1))
    found: list[list[tuple[str, int]]] = [[] for _ in texts]
    for term, doc, offset in db.execute("SELECT term, doc, offset FROM v ORDER BY doc, offset"):
        found[doc - 1].append((term, offset))
    db.close()
    return found


def _revision_0004(value: str) -> str:
    """The text revision 0004 indexed: every CJK run spaced out, between spaces."""
    halfwidth = value.translate(fts._TO_HALFWIDTH)
    return fts._CJK_RUN.sub(lambda run: " " + " ".join(run.group()) + " ", halfwidth)


def test_index_text_spaces_out_chinese_only() -> None:
    assert _TOKEN.findall(prepare("裁员AI内容ＡＢＣ１２，don't 3.14")) == [
        "裁", "员", "AI", "内", "容", "ABC12", "don", "t", "3", "14",
    ]  # fmt: skip
    assert _TOKEN.findall(prepare("ｗｅｉｂｏ，微博")) == ["weibo", "微", "博"]


@given(
    st.text(
        # Every character the preparation treats as a separator (the regex class
        # without its escapes), beside CJK, words and odd characters.
        alphabet=fts._SEPARATORS.replace("\\", "")
        + "裁员图书馆𠀀ぁアㄅ\x00AIab12ＡＢ１２_é\u0301한😀\ue000\u200b©¥\\",
        max_size=60,
    )
)
def test_index_text_gives_the_tokens_revision_0004_indexed(value: str) -> None:
    """The delete trigger recomputes indexed tokens: the preparation must give
    the archive's tokenizer exactly the tokens, at the same positions, that
    revision 0004's text gave ``unicode61``; queries split into the tokens
    they split into then."""
    before = _revision_0004(value)
    assert _tokens_by_fts5([prepare(value)]) == _tokens_by_fts5([before], fts.TOKENS_OF)
    assert _TOKEN.findall(fts.query_text(value)) == _TOKEN.findall(before)


@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_every_bmp_character_leaves_the_tokens_as_revision_0004_had_them() -> None:
    """Each character of the Basic Multilingual Plane between words, CJK and numbers.

    (Beyond it, prepare takes revision 0004's own path; a one-off run over all
    of Unicode agreed as well, but takes half a minute.)
    """
    chars = [chr(code) for code in range(1, 0x10000) if not 0xD800 <= code < 0xE000]
    texts = [f"ab{c}cd{c}裁{c}员{c}12{c}{c}é" for c in chars]
    prepared = _tokens_by_fts5([prepare(text) for text in texts])
    expected = _tokens_by_fts5([_revision_0004(text) for text in texts], fts.TOKENS_OF)
    differing = [
        hex(ord(c)) for c, got, want in zip(chars, prepared, expected, strict=True) if got != want
    ]
    assert differing == []


def test_index_text_beyond_the_bmp_takes_the_general_path() -> None:
    value = "裁员𠀀图书，AI Éclair"
    assert _tokens_by_fts5([prepare(value)]) == _tokens_by_fts5(
        [_revision_0004(value)], fts.TOKENS_OF
    )
    assert prepare(value).split() == ["裁", "员", "𠀀", "图", "书", "AI", "eclair"]


def test_index_text_has_no_separator_the_ascii_tokenizer_would_keep() -> None:
    # ascii takes every character outside ASCII into tokens: none may be left.
    assert prepare("裁员，《图书》：“AI”…— ©2026 ★ Ωmega").split() == [
        "裁", "员", "图", "书", "AI", "2026", "ωmega",
    ]  # fmt: skip


def test_query_terms_split_into_index_tokens() -> None:
    assert [term.tokens for term in parse_query('人气 "weak market" C++')] == [
        ("人", "气"),
        ("weak", "market"),
        ("C",),
    ]


# The command line -----------------------------------------------------------


def run_cli(url: str, *args: str) -> Any:
    return CliRunner().invoke(main, ["--db", url, "search", *args])


def test_cli_search_prints_titles_and_marked_snippets(archive_url: str) -> None:
    result = run_cli(archive_url, "裁员")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "科技公司宣布裁员计划" in lines[0]
    assert "[裁员]" in lines[1]


def test_cli_search_json_has_hits_and_paging(archive_url: str) -> None:
    result = run_cli(archive_url, "市", "--limit", "2", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["hits"]) == 2 and data["next_offset"] == 2
    assert set(data["hits"][0]) >= {"id", "title", "url", "snippet", "highlights", "published_at"}
    last = json.loads(run_cli(archive_url, "市", "--offset", "2", "--json").stdout)
    assert len(last["hits"]) == 1 and last["next_offset"] is None


def test_cli_search_filters(archive_url: str) -> None:
    args = ["市", "--json", "--site", SITE_B, "--channel", "7", "--since", "2026-03-01"]
    data = json.loads(run_cli(archive_url, *args).stdout)
    assert [hit["title"] for hit in data["hits"]] == ["周末天气提示"]
    data = json.loads(run_cli(archive_url, "市", "--json", "--author", "王芳").stdout)
    assert [hit["title"] for hit in data["hits"]] == ["市图书馆试行夜间开放"]


@pytest.mark.parametrize(
    "args",
    [
        ['"unbalanced'],
        ["裁员", "--since", "yesterday"],
        ["裁员", "--until", "2026-13-40"],
        ["裁员", "--limit", "0"],
        ["裁员", "--offset", "-1"],
    ],
)
def test_cli_search_errors_are_one_line(archive_url: str, args: list[str]) -> None:
    result = run_cli(archive_url, *args)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("Error")]) == 1


INJECTIONS = ["'; DROP TABLE articles; --", '" OR 1=1 --', "%' OR '1'='1", "*", "NEAR(a b)"]


@pytest.mark.parametrize("injection", INJECTIONS)
def test_cli_search_arguments_cannot_inject(archive_url: str, injection: str) -> None:
    if injection.count('"') % 2:  # a search syntax error: one line, nothing run
        result = run_cli(archive_url, injection, "--json")
        assert result.exit_code == 1
        assert result.output.startswith("Error: unbalanced quote") and not result.stdout.strip()
    else:
        result = run_cli(archive_url, injection, "--json")
        assert result.exit_code == 0 and json.loads(result.stdout)["hits"] == []
    for args in (
        ["市", "--site", injection],
        ["市", "--channel", injection],
        ["市", "--author", injection],
    ):
        result = run_cli(archive_url, *args, "--json")
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.stdout)["hits"] == []
    listing = CliRunner().invoke(main, ["--db", archive_url, "list", "--json"])
    assert len(json.loads(listing.stdout)) == len(CORPUS)


def test_cli_search_missing_archive_is_one_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.sqlite"
    result = run_cli(str(missing), "裁员")
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: no archive at {missing}"
    assert not missing.exists()
