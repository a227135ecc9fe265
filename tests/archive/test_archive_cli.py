"""The ``newsarchive`` CLI through click's CliRunner, on real SQLite files."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from archive import ARTICLE_KEYS, finish_run, open_archive, start_run, store_articles
from archive._display import display_width
from archive.cli import main

SITE = "www.example-news.cn"
LONG_TITLE = "市民文化节开幕：老城区的戏曲、书法与剪纸展览吸引了众多游客前来参观"


def article(number: int, **overrides: Any) -> dict[str, Any]:
    """An Article-contract dict with our own Chinese sample text."""
    data: dict[str, Any] = {
        "url": f"http://{SITE}/show.php?cid=7&id={number}",
        "site": SITE,
        "cms_id": str(number),
        "channel": "7",
        "title": f"社区图书馆延长开放时间（{number}）",
        "published_at": f"2026-02-{number:02d}T08:15:00+08:00",
        "published_raw": f"2026-02-{number:02d} 08:15:00",
        "author": "王芳",
        "source": "城市晚报",
        "editor": "张伟",
        "views": 100 + number,
        "views_raw": f"点击：{100 + number}",
        "views_source": "page",
        "sections": [
            {"heading": None, "paragraphs": ["从下周一起，社区图书馆每晚开放到九点。"]},
            {"heading": "读者反应", "paragraphs": ["不少上班族表示，下班后终于有时间借书了。"]},
        ],
        "body": "从下周一起，社区图书馆每晚开放到九点。\n不少上班族表示，下班后终于有时间借书了。",
        "sidebar": [
            {
                "box": "新闻资讯",
                "title": "公园新增健身步道",
                "url": f"http://{SITE}/show.php?cid=7&id=900",
                "date": "2026-01-20",
                "date_raw": "01-20",
                "truncated": False,
            }
        ],
        "fetched_at": "2026-02-10T12:00:00+08:00",
    }
    data.update(overrides)
    return data


ITEMS = [article(1), article(2, title=LONG_TITLE), article(3, views=None, views_raw=None)]


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "archive.sqlite"
    opened = open_archive(str(path))
    with opened.begin() as session:
        store_articles(session, ITEMS)
        run_id = start_run(
            session, "citynews", "postgresql://u:pw@h/db", "2026-02-10T12:00:00+08:00"
        )
        finish_run(
            session,
            run_id,
            status="finished",
            finished_at="2026-02-10T12:03:00+08:00",
            stats={"item_scraped_count": 3},
        )
    return str(path)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(main, list(args))


def test_list_prints_a_table_truncated_by_display_width(db: str) -> None:
    result = run("--db", db, "list", env={"COLUMNS": "60"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["ID", "DATE", "VIEWS", "TITLE"]
    assert lines[1].split()[:3] == ["3", "2026-02-03", "-"]
    assert lines[2].split()[:3] == ["2", "2026-02-02", "102"]
    assert lines[2].endswith("…")
    assert LONG_TITLE[:5] in lines[2]
    assert lines[3].endswith("社区图书馆延长开放时间（1）")
    assert all(display_width(line) <= 60 for line in lines)


def test_list_json_site_limit_offset(db: str) -> None:
    result = run("--db", db, "list", "--json", "--limit", "1", "--offset", "1", "--site", SITE)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [
        {
            "id": 2,
            "site": SITE,
            "title": LONG_TITLE,
            "published_at": "2026-02-02T08:15:00+08:00",
            "views": 102,
            "url": ITEMS[1]["url"],
        }
    ]


def test_show_renders_facts_sections_and_sidebar(db: str) -> None:
    result = run("--db", db, "show", "1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == "社区图书馆延长开放时间（1）"
    assert lines[1] == "=" * display_width(lines[0])
    for expected in (
        "date:   2026-02-01T08:15:00+08:00 (2026-02-01 08:15:00)",
        "author: 王芳",
        "source: 城市晚报",
        "editor: 张伟",
        "views:  101 (点击：101, page)",
        f"url:    {ITEMS[0]['url']}",
        "  从下周一起，社区图书馆每晚开放到九点。",
        "读者反应\n--------\n  不少上班族表示，下班后终于有时间借书了。",
        "[新闻资讯]\n  2026-01-20  公园新增健身步道",
    ):
        assert expected in out


def test_show_json_by_url(db: str) -> None:
    result = run("--db", db, "show", "--json", ITEMS[2]["url"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    # The export's contract, plus what changed: versions kept and gone (show only).
    assert shown == {"id": 3, **ITEMS[2], "versions": 0, "gone_at": None, "gone_reason": None}
    assert list(shown) == ["id", *ARTICLE_KEYS, "versions", "gone_at", "gone_reason"]


def test_show_unknown_id_is_one_line_and_exit_1(db: str) -> None:
    result = run("--db", db, "show", "99")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "Error: no article with id or URL '99'\n"


def test_export_jsonl_to_stdout_round_trips(db: str) -> None:
    result = run("--db", db, "export", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert "社区图书馆" in result.stdout  # ensure_ascii=False
    assert [json.loads(line) for line in result.stdout.splitlines()] == ITEMS


def test_export_csv_to_a_file(db: str, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    result = run("--db", db, "export", "--format", "csv", "--output", str(target))
    assert result.exit_code == 0, result.output
    assert "exported 3 articles" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"), newline="")))
    assert [tuple(row) for row in rows[:1]] == [ARTICLE_KEYS]
    assert [row["title"] for row in rows] == [item["title"] for item in ITEMS]
    assert json.loads(rows[0]["sections"]) == ITEMS[0]["sections"]
    assert json.loads(rows[0]["sidebar"]) == ITEMS[0]["sidebar"]
    assert rows[2]["views"] == ""
    assert rows[1]["views"] == "102"


def test_export_site_filter(db: str) -> None:
    result = run("--db", db, "export", "--site", "nowhere.cn")
    assert result.exit_code == 0
    assert result.stdout == ""


def test_runs(db: str) -> None:
    result = run("--db", db, "runs")
    assert result.exit_code == 0, result.output
    assert "finished" in result.stdout
    assert "citynews" in result.stdout
    runs = json.loads(run("--db", db, "runs", "--json").stdout)
    assert runs[0]["archive_url"] == "postgresql://u:***@h/db"
    assert runs[0]["stats"] == {"item_scraped_count": 3}


@pytest.mark.parametrize("command", [["list"], ["show", "1"], ["export"], ["runs"]])
def test_missing_archive_is_one_line_and_not_created(tmp_path: Path, command: list[str]) -> None:
    missing = tmp_path / "missing.sqlite"
    result = run("--db", str(missing), *command)
    assert result.exit_code == 1
    assert result.output == f"Error: no archive at {missing}\n"
    assert not missing.exists()
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    junk = tmp_path / "notes.sqlite"
    junk.write_text("这不是数据库\n" * 100, encoding="utf-8")
    result = run("--db", str(junk), "list")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert result.output.startswith("Error: cannot open archive")


def test_db_from_the_environment(db: str) -> None:
    result = run("list", "--json", env={"NEWSARCHIVE_DB": db})
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 3


@pytest.mark.parametrize(
    "args", [["list", "--limit", "0"], ["export", "--format", "xml"], ["nosuch"], ["show"]]
)
def test_usage_errors_exit_2(db: str, args: list[str]) -> None:
    assert run("--db", db, *args).exit_code == 2


def test_main_is_a_console_entry_point(db: str) -> None:
    code = "import sys; from archive.cli import main; sys.argv[0] = 'newsarchive'; main()"
    done = subprocess.run(
        [sys.executable, "-c", code, "--db", db, "list"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "社区图书馆延长开放时间（1）" in done.stdout


def test_runs_table_shows_each_runs_counts_and_health(tmp_path: Path) -> None:
    path = str(tmp_path / "runs.sqlite")
    opened = open_archive(path)
    stats = {
        "downloader/request_count": 45,
        "newscrawl/archive/new": 31,
        "newscrawl/archive/updated": 2,
        "newscrawl/revisited": 7,
        "newscrawl/gone": 1,
        "newscrawl/request_failed": 3,
        "elapsed_time_seconds": 12.4,
        "newscrawl/site": "xingyuyle",
        "health": "fill rate of title fell from 1.00 to 0.20",
    }
    with opened.begin() as session:
        run_id = start_run(session, "cms", path, "2026-02-10T12:00:00+08:00")
        finish_run(session, run_id, status="failed", finished_at="2026-02-10T12:03:00+08:00",
                   stats=stats)  # fmt: skip
    opened.close()
    result = run("--db", path, "runs")
    assert result.exit_code == 0, result.output
    header, row = result.stdout.splitlines()
    assert header.split()[3:9] == ["SECONDS", "REQ", "NEW", "UPD", "REV", "GONE"]
    assert row.split()[3:10] == ["12", "45", "31", "2", "7", "1", "3"]
    assert row.endswith("xingyuyle (fill rate of title fell from 1.00 to 0.20)")


def test_export_never_writes_through_a_symlink(db: str, tmp_path: Path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n", encoding="utf-8")
    link = tmp_path / "export.jsonl"
    link.symlink_to(target)
    result = run("--db", db, "export", "--output", str(link))
    assert result.exit_code == 1
    assert result.output == f"Error: will not write through a symbolic link: {link}\n"
    assert target.read_text(encoding="utf-8") == "keep me\n"


def test_export_into_a_missing_folder_is_one_line(db: str, tmp_path: Path) -> None:
    result = run("--db", db, "export", "--output", str(tmp_path / "no" / "such" / "x.jsonl"))
    assert result.exit_code != 0
    assert result.output.count("\n") == 1 and "Error" in result.output


def test_show_version_gives_the_url_its_content_came_from(tmp_path: Path) -> None:
    db = str(tmp_path / "moved.sqlite")
    opened = open_archive(db)
    moved = f"http://{SITE}/show.php?cid=8&id=1"  # the same page under another channel
    with opened.begin() as session:
        store_articles(session, [ITEMS[0]])
        store_articles(session, [{**ITEMS[0], "url": moved, "title": "社区图书馆改为全天开放"}])
    opened.close()
    shown = run("--db", db, "show", moved, "--version", "1")
    assert f"url:    {ITEMS[0]['url']}\n" in shown.stdout
    as_json = json.loads(run("--db", db, "show", moved, "--version", "1", "--json").stdout)
    assert (as_json["url"], as_json["title"]) == (ITEMS[0]["url"], ITEMS[0]["title"])
    assert list(as_json)[:3] == ["id", "url", "version"]
