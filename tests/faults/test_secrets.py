"""Database passwords never show: not in output, logs, run records, errors or the settings dump.

Every command that takes an archive URL (``newscrawl harvest --db``, ``scrapy
crawl -s ARCHIVE_URL=…``, ``newsarchive --db``) is run as a subprocess with
a URL carrying a password and pointing at a closed port (or otherwise
unusable): it must fail with one ``Error:`` line and a non-zero exit, and the
password must appear in none of stdout, stderr and the log file. When the
PostgreSQL driver is installed the connection is really attempted (and
refused); without it the command fails on the missing driver, and the
password must stay hidden on that path too.

A harvest that works, into a SQLite archive whose URL carries a
``password=`` query argument, must keep the password out of its log (the
"Overridden settings" dump included), its summary line, and every byte of
the archive file (run records and their stats).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archive import list_runs, open_archive
from archive.db import error_line, mask_url
from newscrawl.demo.server import DemoServer

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[2]
SECRET = "s3cret"
HAS_PSYCOPG = importlib.util.find_spec("psycopg") is not None

#: URLs with a password that cannot be used; the second element is what must not show.
BAD_URLS = {
    "closed-port": ("postgresql+psycopg://crawler:s3cret@127.0.0.1:1/news", SECRET),
    # An unescaped "@" and ":" inside the password: a URL parser stops at the first "@".
    "at-in-password": ("postgresql://crawler:pa:s@ssw0rd@127.0.0.1:1/news", "ssw0rd"),
    "bad-port": ("postgresql://crawler:s3cret@127.0.0.1:notaport/news", SECRET),
    "query-password": ("postgresql://crawler@127.0.0.1:1/news?password=s3cret", SECRET),
    "sqlite-with-user": ("sqlite://crawler:s3cret@localhost/archive.sqlite", SECRET),
    "unknown-driver": ("postgresql+nosuchdriver://crawler:s3cret@127.0.0.1:1/news", SECRET),
}


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def scrapy_bin() -> str:
    return shutil.which("scrapy", path=str(BIN)) or "scrapy"


def error_lines(stderr: str) -> list[str]:
    """Lines that are not Scrapy log records (``scrapy crawl`` logs its start to stderr)."""
    return [
        line
        for line in stderr.splitlines()
        if line.startswith("Error:") or "Traceback" in line or "rror" in line.split(":", 1)[0]
    ]


def assert_hidden(secret: str, *texts: str) -> None:
    for text in texts:
        assert secret not in text, f"password {secret!r} shown in: {text[-2000:]}"


@pytest.mark.parametrize("case", sorted(BAD_URLS))
def test_harvest_with_a_password_url_fails_in_one_masked_line(case: str, tmp_path: Path) -> None:
    url, secret = BAD_URLS[case]
    log = tmp_path / "harvest.log"
    result = run(
        [str(BIN / "newscrawl"), "harvest", "--url", "http://127.0.0.1:9/", "--db", url,
         "--log-file", str(log)],
        tmp_path,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert "***" in lines[0]  # the URL is named, masked
    logged = log.read_text() if log.exists() else ""
    assert_hidden(secret, result.stderr, logged)
    if case == "closed-port" and HAS_PSYCOPG:
        assert "Connection refused" in lines[0] or "connection failed" in lines[0]


@pytest.mark.parametrize("case", sorted(BAD_URLS))
def test_scrapy_crawl_with_a_password_url_fails_in_one_masked_line(
    case: str, tmp_path: Path
) -> None:
    url, secret = BAD_URLS[case]
    log = tmp_path / "crawl.log"
    result = run(
        [scrapy_bin(), "crawl", "cms", "-a", "start_urls=http://127.0.0.1:9/",
         "-s", f"ARCHIVE_URL={url}", "-s", f"LOG_FILE={log}"],
        REPO,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = error_lines(result.stderr)
    assert len(errors) == 1 and errors[0].startswith("Error: "), result.stderr
    logged = log.read_text() if log.exists() else ""
    assert "Traceback" not in logged
    assert_hidden(secret, result.stdout, result.stderr, logged)


@pytest.mark.parametrize("command", [["list"], ["export"]])
@pytest.mark.parametrize("case", sorted(BAD_URLS))
def test_newsarchive_with_a_password_url_fails_in_one_masked_line(
    case: str, command: list[str], tmp_path: Path
) -> None:
    url, secret = BAD_URLS[case]
    result = run([str(BIN / "newsarchive"), "--db", url, *command], tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert_hidden(secret, result.stderr)


def test_a_working_harvest_keeps_the_password_out_of_log_output_and_archive(
    tmp_path: Path,
) -> None:
    db = tmp_path / "archive.sqlite"
    url = f"sqlite:///{db}?password={SECRET}"  # SQLite ignores it: the URL still works
    log = tmp_path / "harvest.log"
    with DemoServer() as server:
        result = run(
            [str(BIN / "newscrawl"), "harvest", "--url", f"{server.base_url}/", "--db", url,
             "--log-file", str(log), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
             "-s", "LOG_LEVEL=DEBUG"],
            tmp_path,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    text = log.read_text()
    assert "Overridden settings" in text  # the settings dump is there, and masked
    assert "archiving into sqlite:///" in text and "password=***" in text
    assert_hidden(SECRET, result.stdout, result.stderr, text)
    # Every byte of the archive (run records, their stats JSON) and its side files.
    for path in tmp_path.iterdir():
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path.name
    opened = open_archive(str(db), create=False)
    try:
        with opened.session() as session:
            runs = list_runs(session)
    finally:
        opened.close()
    assert [run.status for run in runs] == ["finished"]
    assert runs[0].archive_url.endswith("?password=***")
    assert SECRET not in repr(runs[0].stats)
    shown = run([str(BIN / "newsarchive"), "--db", str(db), "runs", "--json"], tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert_hidden(SECRET, shown.stdout, shown.stderr)


def test_scrapy_crawl_settings_dump_and_log_hide_the_password(tmp_path: Path) -> None:
    db = tmp_path / "archive.sqlite"
    log = tmp_path / "crawl.log"
    with DemoServer() as server:
        result = run(
            [scrapy_bin(), "crawl", "cms", "-a", f"start_urls={server.base_url}/",
             "-s", f"ARCHIVE_URL=sqlite:///{db}?password={SECRET}", "-s", f"LOG_FILE={log}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"],
            REPO,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    text = log.read_text()
    assert "Overridden settings" in text
    assert_hidden(SECRET, result.stdout, result.stderr, text)
    assert SECRET.encode() not in db.read_bytes()


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("postgresql://u:pw@h/db", "postgresql://u:***@h/db"),
        ("postgresql://h/db", "postgresql://h/db"),
        ("postgresql://u@h:5432/db", "postgresql://u@h:5432/db"),
        ("postgresql://u:p@ss:w@rd@h:5432/db", "postgresql://u:***@h:5432/db"),
        ("postgresql://u:pw@h:notaport/db", "postgresql://u:***@h:notaport/db"),
        ("postgresql://u@h/db?sslmode=require&password=pw", "postgresql://u@h/db?sslmode=require&password=***"),
        ("mysql+pymysql://u:pw@h/db?charset=utf8mb4", "mysql+pymysql://u:***@h/db?charset=utf8mb4"),
        ("archive.sqlite", "archive.sqlite"),
    ],
)  # fmt: skip
def test_mask_url_hides_every_password_form(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_error_line_is_one_line_with_urls_masked() -> None:
    exc = ValueError("could not connect to postgresql://u:pw@h/db\nDETAIL: more\n")
    assert error_line(exc) == "could not connect to postgresql://u:***@h/db"
    assert error_line(ValueError("")) == "ValueError"
