"""``newsarchive top`` and ``newsarchive stats`` on real SQLite archives."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archive import finish_run, open_archive, period_bound, start_run, store_articles
from archive._display import display_width
from archive.cli import main

SITE = "www.example-news.cn"
OTHER = "news.example-city.cn"
INJECTIONS = ["' OR 1=1 --", "%", "_", '"; DROP TABLE articles; --']


def article(number: int, site: str = SITE, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "url": f"http://{site}/show.php?cid=7&id={number}",
        "site": site,
        "cms_id": str(number),
        "channel": "7",
        "title": f"社区图书馆延长开放时间（{number}）",
        "published_at": f"2026-02-{number:02d}T08:15:00+08:00",
        "published_raw": f"2026-02-{number:02d} 08:15:00",
        "author": "王芳",
        "source": "城市晚报",
        "views": 100 + number,
        "views_raw": f"点击：{100 + number}",
        "views_source": "page",
        "sections": [{"heading": None, "paragraphs": ["从下周一起，社区图书馆每晚开放到九点。"]}],
        "body": "从下周一起，社区图书馆每晚开放到九点。",
        "sidebar": [
            {
                "box": "新闻资讯",
                "title": "公园新增健身步道",
                "url": f"http://{site}/show.php?cid=7&id=900",
                "date": "2026-01-20",
                "date_raw": "01-20",
                "truncated": False,
            }
        ],
        "fetched_at": "2026-02-10T12:00:00+08:00",
    }
    data.update(overrides)
    return data


def build(path: Path, *batches: list[dict[str, Any]], runs: tuple[str, ...] = ()) -> str:
    opened = open_archive(str(path))
    for batch in batches:
        with opened.begin() as session:
            store_articles(session, batch)
    with opened.begin() as session:
        for site in runs:
            run_id = start_run(session, "cms", str(path), "2026-02-10T12:00:00+08:00")
            finish_run(
                session,
                run_id,
                status="finished",
                finished_at="2026-02-10T12:03:00+08:00",
                stats={"newscrawl/site": site},
            )
    opened.close()
    return str(path)


@pytest.fixture
def db(tmp_path: Path) -> str:
    """Five articles of two sites; article 1 is fetched again later with far more views."""
    first = [
        article(1, views=101),
        article(2, views=500),
        article(3, views=None, views_raw=None),  # never observed with views
        article(4, views=300),
        article(5, site=OTHER, views=400, published_at="2026-02-05T23:30:00+08:00"),
    ]
    later = [
        article(1, views=900, views_raw="点击：900", fetched_at="2026-02-11T12:00:00+08:00"),
        # a refetch that lost the count: the latest observation *with views* still counts
        article(4, views=None, views_raw=None, fetched_at="2026-02-11T12:00:00+08:00"),
    ]
    return build(tmp_path / "archive.sqlite", first, later, runs=(SITE, SITE, OTHER))


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args))


def top_json(db: str, *args: str) -> list[dict[str, Any]]:
    result = run("--db", db, "top", "--json", *args)
    assert result.exit_code == 0, result.output
    rows: list[dict[str, Any]] = json.loads(result.stdout)
    return rows


def test_top_ranks_by_the_latest_observation(db: str) -> None:
    rows = top_json(db)
    assert [(row["id"], row["views"]) for row in rows] == [(1, 900), (2, 500), (5, 400), (4, 300)]
    assert rows[0] == {
        "id": 1,
        "title": "社区图书馆延长开放时间（1）",
        "url": f"http://{SITE}/show.php?cid=7&id=1",
        "site": SITE,
        "published_at": "2026-02-01T08:15:00+08:00",
        "views": 900,
        "observed_at": "2026-02-11T12:00:00+08:00",
    }
    assert rows[3]["observed_at"] == "2026-02-10T12:00:00+08:00"


def test_top_table(db: str) -> None:
    long_title = "市民文化节开幕：老城区的戏曲、书法与剪纸展览吸引了众多游客前来参观" * 2
    path = build(Path(db).with_name("long.sqlite"), [article(1, title=long_title), article(2)])
    result = run("--db", path, "top", env={"COLUMNS": "70"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["RANK", "VIEWS", "DATE", "TITLE", "ID"]
    assert lines[1].split()[:3] == ["1", "102", "2026-02-02"]
    assert lines[1].split()[-1] == "2"
    assert lines[2].split()[:3] == ["2", "101", "2026-02-01"]
    assert "…" in lines[2] and lines[2].split()[-1] == "1"
    assert all(display_width(line) <= 70 for line in lines)
    # the ID column lines up whatever the title's width
    assert len({display_width(line) for line in lines}) == 1


def test_top_site_and_limit(db: str) -> None:
    assert [row["id"] for row in top_json(db, "--site", OTHER)] == [5]
    assert [row["id"] for row in top_json(db, "--limit", "2")] == [1, 2]
    assert run("--db", db, "top", "--limit", "0").exit_code == 2


def test_top_period_filters_publication_dates_in_shanghai_time(db: str) -> None:
    assert [row["id"] for row in top_json(db, "--since", "2026-02-02")] == [2, 5, 4]
    assert [row["id"] for row in top_json(db, "--until", "2026-02-02")] == [1, 2]
    both = top_json(db, "--since", "2026-02-02", "--until", "2026-02-04")
    assert [row["id"] for row in both] == [2, 4]
    # 23:30 in Shanghai on 02-05 is 15:30 UTC: still the 5th here, naive times too
    assert [row["id"] for row in top_json(db, "--since", "2026-02-05")] == [5]
    assert top_json(db, "--since", "2026-02-05T23:31") == []
    assert [row["id"] for row in top_json(db, "--until", "2026-02-05T23:30:00")] == [1, 2, 5, 4]
    assert top_json(db, "--since", "2026-02-05T15:31:00+00:00") == []
    assert [row["id"] for row in top_json(db, "--since", "2026-02-05T15:30:00Z")] == [5]


def test_period_bound() -> None:
    assert str(period_bound("2026-02-05")) == "2026-02-04 16:00:00"
    assert str(period_bound("2026-02-05", end=True)) == "2026-02-05 16:00:00"
    assert str(period_bound("2026-02-05T08:00:00+00:00")) == "2026-02-05 08:00:00"
    with pytest.raises(ValueError):
        period_bound("yesterday")


@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize("value", ["yesterday", "2026-13-01", "2026-02-30", "", *INJECTIONS])
def test_top_bad_date_is_one_line_and_exit_1(db: str, option: str, value: str) -> None:
    result = run("--db", db, "top", option, value)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: not a date: {value!r} ({option} takes YYYY-MM-DD or an ISO datetime)"
    ]


def tables(db: str) -> set[str]:
    with sqlite3.connect(db) as con:
        return {name for (name,) in con.execute("select name from sqlite_master")}


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_strings_are_plain_values(db: str, value: str) -> None:
    before = tables(db)
    assert top_json(db, "--site", value) == []
    for command in (["list", "--json"], ["top", "--json"]):
        result = run("--db", db, *command, "--site", value)
        assert result.exit_code == 0 and json.loads(result.stdout) == []
    result = run("--db", db, "stats", "--json", "--site", value)
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["articles"], stats["sites"], stats["observations"], stats["runs"]) == (
        0,
        {},
        0,
        0,
    )
    assert run("--db", db, "top", "--since", value).exit_code == 1
    assert tables(db) == before
    assert "articles" in before
    assert len(top_json(db)) == 4


def test_stats_json(db: str) -> None:
    result = run("--db", db, "stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["articles"] == 5
    assert stats["sites"] == {SITE: 4, OTHER: 1}
    assert stats["observations"] == 7
    assert stats["runs"] == 3
    assert list(stats["fields"]) == [
        "title", "published_at", "author", "source", "views", "body", "sections", "sidebar",
    ]  # fmt: skip
    # article 3 never had views; article 4 keeps its last good count
    assert stats["fields"]["views"] == {"filled": 4, "rate": 0.8}
    assert stats["fields"]["title"] == {"filled": 5, "rate": 1.0}
    assert stats["fields"]["sidebar"] == {"filled": 5, "rate": 1.0}


def test_stats_fill_rates_count_empty_values_as_missing(tmp_path: Path) -> None:
    items = [
        article(1),
        article(2, author=None, source="", body="", sections=[], sidebar=[]),
        article(3, title=None, published_at=None, author="", sidebar=[]),
        article(4, views=None, views_raw=None),
    ]
    path = build(tmp_path / "fill.sqlite", items)
    result = run("--db", path, "stats", "--json")
    assert result.exit_code == 0, result.output
    fields = json.loads(result.stdout)["fields"]
    assert {name: value["filled"] for name, value in fields.items()} == {
        "title": 3,
        "published_at": 3,
        "author": 2,
        "source": 3,
        "views": 3,
        "body": 3,
        "sections": 3,
        "sidebar": 2,
    }
    assert fields["sidebar"]["rate"] == 0.5
    assert fields["author"]["rate"] == 0.5


def test_stats_site(db: str) -> None:
    result = run("--db", db, "stats", "--json", "--site", OTHER)
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert (stats["articles"], stats["sites"], stats["observations"], stats["runs"]) == (
        1,
        {OTHER: 1},
        1,
        1,
    )
    assert stats["fields"]["views"] == {"filled": 1, "rate": 1.0}


def test_stats_human_output_is_aligned(db: str) -> None:
    result = run("--db", db, "stats")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:7] == [
        "articles:     5",
        "sites:        2",
        f"  {SITE:{len(OTHER)}}  4",
        f"  {OTHER}  1",
        "observations: 7",
        "runs:         3",
        "fill rates:",
    ]
    rates = lines[7:]
    assert len(rates) == 8
    assert rates[0].split() == ["title", "100.0%", "(5", "of", "5)"]
    assert rates[4].split()[:2] == ["views", "80.0%"]
    assert len({line.index("%") for line in rates}) == 1


def test_stats_on_an_empty_archive(tmp_path: Path) -> None:
    path = build(tmp_path / "empty.sqlite")
    result = run("--db", path, "stats", "--json")
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["articles"] == 0 and stats["sites"] == {}
    assert stats["fields"]["title"] == {"filled": 0, "rate": None}
    human = run("--db", path, "stats")
    assert human.exit_code == 0 and "  title" in human.stdout and "-" in human.stdout
    empty_top = run("--db", path, "top")
    assert empty_top.exit_code == 0 and empty_top.stdout == ""


@pytest.mark.parametrize("command", [["top"], ["stats"]])
def test_missing_archive_is_one_line(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.sqlite"
    result = run("--db", str(missing), *command)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Error: ")
    assert not missing.exists()
