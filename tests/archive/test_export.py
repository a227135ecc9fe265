"""The streaming export: the same articles, fields and order on SQLite (JSON built in
SQL) and PostgreSQL (built in Python), filters, CSV quoting, and the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from archive import get_article, open_archive, store_articles
from archive.cli import main
from archive.contract import ARTICLE_KEYS
from archive.export import iter_export, write_export
from archive.filters import ArticleFilters
from archive.queries import period_bound

SITE = "www.example-c.cn"


def _article(number: int, **fields: Any) -> dict[str, Any]:
    body = f"第{number}篇：河道清淤工程进入收尾阶段，沿岸步道将在月底重新开放。"
    return {
        "url": f"http://{SITE}/show.php?cid=3&id={number}",
        "site": SITE,
        "cms_id": str(number),
        "channel": "3",
        "title": f"河道清淤进展（{number}）",
        "published_at": f"2026-04-{number:02d}T08:00:00+08:00",
        "published_raw": f"2026-04-{number:02d} 08:00",
        "author": "陈思远" if number % 2 else None,
        "source": "区融媒体中心",
        "editor": "林晓" if number % 3 else None,
        "views": number * 10,
        "views_raw": f"人气：{number * 10}",
        "views_source": "page",
        "sections": [
            {"heading": None, "paragraphs": [body]},
            {"heading": "一、工期", "paragraphs": ["预计五月完工。", '他说："再等两周。"']},
        ],
        "body": body,
        "sidebar": [
            {
                "box": "新闻资讯",
                "title": "社区菜市场改造完成, 明日恢复营业",
                "url": f"http://{SITE}/show.php?cid=3&id={number + 100}",
                "date": "2026-03-30",
                "date_raw": "03-30",
                "truncated": number == 2,
            }
        ],
        "fetched_at": "2026-04-20T00:00:00+00:00",
        **fields,
    }


ITEMS = [_article(n) for n in range(1, 6)]


@pytest.fixture(params=["sqlite", "postgresql"])
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    url = (
        str(tmp_path / "archive.sqlite")
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    opened = open_archive(url)
    with opened.begin() as session:
        store_articles(session, ITEMS)
    opened.close()
    return url


def _export(url: str, fmt: str, filters: ArticleFilters | None = None) -> str:
    opened = open_archive(url, create=False)
    out = io.StringIO()
    with opened.session() as session:
        count = write_export(session, out, fmt, filters)
    opened.close()
    if fmt == "jsonl":
        assert count == len(out.getvalue().splitlines())
    return out.getvalue()


def _stored(url: str) -> list[dict[str, Any]]:
    """What the ORM reads back, through the contract (the reference)."""
    opened = open_archive(url, create=False)
    with opened.session() as session:
        found = [get_article(session, str(n)) for n in range(1, len(ITEMS) + 1)]
    opened.close()
    return [{key: article[key] for key in ARTICLE_KEYS} for article in found if article]


def test_jsonl_gives_every_article_as_the_contract(archive_url: str) -> None:
    lines = _export(archive_url, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == _stored(archive_url)
    assert json.loads(lines[1])["sidebar"][0]["truncated"] is True


def test_csv_cells_hold_the_contract(archive_url: str) -> None:
    rows = list(csv.reader(io.StringIO(_export(archive_url, "csv"))))
    assert rows[0] == list(ARTICLE_KEYS)
    stored = _stored(archive_url)
    assert len(rows) == len(stored) + 1
    for row, article in zip(rows[1:], stored, strict=True):
        cells = dict(zip(ARTICLE_KEYS, row, strict=True))
        assert json.loads(cells["sections"]) == article["sections"]
        assert json.loads(cells["sidebar"]) == article["sidebar"]
        assert cells["title"] == article["title"]
        assert cells["author"] == (article["author"] or "")
        assert cells["views"] == str(article["views"])


def test_filters_choose_the_articles(archive_url: str) -> None:
    def titles(filters: ArticleFilters) -> list[str]:
        return [
            json.loads(line)["title"]
            for line in _export(archive_url, "jsonl", filters).splitlines()
        ]

    assert titles(ArticleFilters(author="陈思远")) == [
        "河道清淤进展（1）", "河道清淤进展（3）", "河道清淤进展（5）",
    ]  # fmt: skip
    period = ArticleFilters(
        since=period_bound("2026-04-02"), until=period_bound("2026-04-03", end=True)
    )
    assert titles(period) == ["河道清淤进展（2）", "河道清淤进展（3）"]
    assert titles(ArticleFilters(site="elsewhere.cn")) == []


def test_sections_keep_their_positions_not_their_row_order(tmp_path: Path) -> None:
    url = str(tmp_path / "reordered.sqlite")
    opened = open_archive(url)
    with opened.begin() as session:
        store_articles(session, ITEMS[:1])
        # Rewrite the rows so that row order and position disagree.
        columns = "article_id, position, heading, paragraphs, body_offset, body_length"
        rows = session.execute(text(f"SELECT {columns} FROM sections ORDER BY id")).all()
        session.execute(text("DELETE FROM sections"))
        for row in reversed(rows):
            session.execute(
                text(f"INSERT INTO sections ({columns}) VALUES (:a, :p, :h, :g, :o, :n)"),
                {
                    "a": row.article_id,
                    "p": row.position,
                    "h": row.heading,
                    "g": row.paragraphs,
                    "o": row.body_offset,
                    "n": row.body_length,
                },
            )
    opened.close()
    (line,) = _export(url, "jsonl").splitlines()
    assert json.loads(line)["sections"] == ITEMS[0]["sections"]


def test_iter_export_pages_by_id(tmp_path: Path) -> None:
    url = str(tmp_path / "paged.sqlite")
    opened = open_archive(url)
    with opened.begin() as session:
        store_articles(session, ITEMS)
    with opened.session() as session:
        urls = [article["url"] for article in iter_export(session, batch_size=2)]
    opened.close()
    assert urls == [item["url"] for item in ITEMS]


def test_cli_export_filters_and_writes_a_file(archive_url: str, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        main,
        [
            "--db",
            archive_url,
            "export",
            "--author",
            "陈思远",
            "--since",
            "2026-04-02",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "exported 2 articles" in result.output
    assert [json.loads(line)["cms_id"] for line in out.read_text("utf-8").splitlines()] == [
        "3",
        "5",
    ]


@pytest.mark.parametrize(
    "bad", [["--since", "soon"], ["--format", "xml"], ["--until", "2026-02-30"]]
)
def test_cli_export_bad_options_are_one_line(archive_url: str, bad: list[str]) -> None:
    result = CliRunner().invoke(main, ["--db", archive_url, "export", *bad])
    assert result.exit_code in (1, 2)
    assert "Traceback" not in result.output and '{"url"' not in result.output
    assert len([line for line in result.output.splitlines() if line.startswith("Error")]) == 1


def test_cli_list_takes_the_same_filters(archive_url: str) -> None:
    args = ["--db", archive_url, "list", "--json", "--author", "陈思远", "--until", "2026-04-03"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert [row["title"] for row in json.loads(result.stdout)] == [
        "河道清淤进展（3）", "河道清淤进展（1）",
    ]  # fmt: skip
