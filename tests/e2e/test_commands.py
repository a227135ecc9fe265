"""The commands a user types: ``newscrawl demo``, ``newscrawl extract``, ``scrapy crawl``."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.demo.expected import expected_articles

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), cwd=cwd, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.e2e
def test_demo_builds_an_archive_that_exports_every_article(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    demo = run(str(BIN / "newscrawl"), "demo", "--db", str(db), cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert "pages/s" in demo.stdout
    export = run(str(BIN / "newsarchive"), "--db", str(db), "export", "--format", "jsonl")
    assert export.returncode == 0, export.stderr
    exported = [json.loads(line) for line in export.stdout.splitlines()]
    titles = sorted(a["title"] for a in exported)
    assert titles == sorted(a["title"] for a in expected_articles("http://x"))


def test_extract_prints_article_json_from_bytes() -> None:
    case = FIXTURES / "demo-phpmywind" / "showcase-613-gbk-undeclared"
    meta = json.loads((case / "meta.json").read_text())
    result = run(
        str(BIN / "newscrawl"), "extract", "--url", meta["url"],
        "--fetched-at", meta["fetched_at"], str(case / "page.html"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads((case / "expected.json").read_text())


def test_extract_reports_a_non_article_in_one_line() -> None:
    result = run(
        str(BIN / "newscrawl"), "extract", str(FIXTURES / "demo-phpmywind/soft-404/page.html")
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not an article" in result.stderr


def test_extract_missing_file_is_one_line(tmp_path: Path) -> None:
    result = run(str(BIN / "newscrawl"), "extract", str(tmp_path / "nope.html"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        ["-a", "start_urls=ftp://example.invalid/"],
        ["-a", "site=no-such-site"],
        [],
    ],
)
def test_crawl_with_bad_arguments_is_a_usage_error(args: list[str], tmp_path: Path) -> None:
    scrapy_bin = shutil.which("scrapy", path=str(BIN)) or "scrapy"
    result = run(
        scrapy_bin, "crawl", "cms", *args, "-s", f"ARCHIVE_URL=sqlite:///{tmp_path}/x.sqlite"
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "error:" in result.stderr
    assert not (tmp_path / "x.sqlite").exists()


@pytest.mark.parametrize(
    "setting",
    [
        "ARCHIVE_WRITER=thread",
        "ARCHIVE_INDEX=later",
        "ARCHIVE_CHECKPOINT=never",
        "NEWSCRAWL_GC_THRESHOLD=lots",
        "NEWSCRAWL_EXTRACT_WORKERS=some",
    ],
)
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_bad_archive_setting_is_one_line_in_every_command(setting: str, tmp_path: Path) -> None:
    """scrapy crawl and newscrawl demo refuse it before crawling (harvest: test_incremental_harvests)."""
    scrapy_bin = shutil.which("scrapy", path=str(BIN)) or "scrapy"
    db = tmp_path / "x.sqlite"
    crawl = run(scrapy_bin, "crawl", "cms", "-a", "start_urls=http://127.0.0.1:9/",
                "-s", f"ARCHIVE_URL=sqlite:///{db}", "-s", setting)  # fmt: skip
    demo = run(str(BIN / "newscrawl"), "demo", "--db", str(db), "-s", setting)
    for result in (crawl, demo):
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert setting.split("=")[0] in result.stderr
    assert demo.stderr.startswith("Error: ") and len(demo.stderr.strip().splitlines()) == 1
    assert not db.exists()
