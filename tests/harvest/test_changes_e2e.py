"""Change tracking end to end: an edited article is versioned, removed ones are marked gone.

A tiny local site (``http.server`` in a thread on 127.0.0.1) serves a list
page linking three articles. A first harvest (a subprocess, as cron runs it)
archives them; the site then changes: article 1 gets a new body, article 2
answers 404 and article 3 a soft 404 (HTTP 200 without an article). A second
harvest with every known article due (``NEWSCRAWL_REVISIT=*=0``) keeps
article 1's first content as version 1 and marks 2 and 3 gone; ``newsarchive
show --version 1`` prints the old body.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from archive import article_state, article_versions, find_article_id, list_runs, open_archive

BIN = Path(sys.executable).parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]

OLD_BODY = "经过三个月施工，城西河道清淤工程昨日完工，河水明显变清。"
NEW_BODY = "更正：城西河道清淤工程历时四个月，于前日通过验收。"
TITLES = {1: "河道清淤工程完工", 2: "社区图书馆延长开放时间", 3: "公园新增健身步道"}
#: Published between the two harvests.
NEW_TITLE = "老街新建停车场投入使用"


def _views(number: int, changed: bool) -> int:
    """The page's 人气 counter: it has grown by the second harvest."""
    return number * 10 + (5 if changed else 0)


def _article(number: int, body: str, changed: bool = False) -> str:
    title = TITLES.get(number, NEW_TITLE)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{title} - 示例新闻网</title></head><body>"
        '<div class="header"><a href="/">首页</a></div>'
        f'<div class="content"><h1>{title}</h1>'
        f'<div class="info">发布时间：2026-01-0{number} 09:30 作者：李明 '
        f"人气：{_views(number, changed)}</div>"
        f'<div class="text"><p>{body}</p><p>附近居民表示，这是件好事。</p></div></div>'
        "</body></html>"
    )


def _list(changed: bool) -> str:
    """The list page, newest first; the new article 4 tops it after the change."""
    items = ({4: NEW_TITLE} if changed else {}) | dict(sorted(TITLES.items(), reverse=True))
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例新闻网</title></head><body>'
        "<h1>新闻中心</h1><ul>"
        + "".join(
            f'<li><a href="/show.php?cid=1&amp;id={n}">{title}</a> <span>2026-01-0{n}</span></li>'
            for n, title in items.items()
        )
        + "</ul></body></html>"
    )


_SOFT_404 = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>示例新闻网</title></head><body>'
    '<div class="content"><p>文档不存在或已被删除。</p></div></body></html>'
)


class _Site(BaseHTTPRequestHandler):
    """Serves the list and the articles as ``state`` says (the test switches it)."""

    state: ClassVar[dict[str, Any]] = {"changed": False, "fetches": Counter()}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, html: str) -> None:
        body = html.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        changed = self.state["changed"]
        self.state["fetches"][(changed, self.path)] += 1
        if self.path == "/":
            self._send(200, _list(changed))
        elif self.path == "/show.php?cid=1&id=1":
            self._send(200, _article(1, NEW_BODY if changed else OLD_BODY, changed))
        elif self.path == "/show.php?cid=1&id=2":
            self._send(*((404, "<html><body>404</body></html>") if changed else (200, _article(2, OLD_BODY))))  # fmt: skip
        elif self.path == "/show.php?cid=1&id=3":
            self._send(200, _SOFT_404 if changed else _article(3, OLD_BODY))
        elif self.path == "/show.php?cid=1&id=4" and changed:
            self._send(200, _article(4, OLD_BODY, changed))
        else:
            self._send(404, "<html><body>404</body></html>")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


@dataclass
class Changed:
    db: Path
    base: str
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    stats: dict[str, Any]  # the second run's record
    tmp: Path
    fetches: Counter[tuple[bool, str]]  # (after the change?, path) -> requests served


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Changed]:
    tmp = tmp_path_factory.mktemp("changes")
    db = tmp / "archive.sqlite"
    _Site.state["changed"] = False
    _Site.state["fetches"] = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        harvest = ["newscrawl", "harvest", "--url", f"{base}/", "--db", str(db), *FAST]
        first = run(*harvest, "--log-file", str(tmp / "first.log"), cwd=tmp)
        _Site.state["changed"] = True
        second = run(
            *harvest, "--log-file", str(tmp / "second.log"), "-s", "NEWSCRAWL_REVISIT=*=0", cwd=tmp
        )
    finally:
        server.shutdown()
        server.server_close()
    opened = open_archive(str(db), create=False)
    with opened.session() as session:
        stats = list_runs(session, limit=1)[0].stats
    opened.close()
    yield Changed(db, base, first, second, stats, tmp, _Site.state["fetches"])


def _url(changed: Changed, number: int) -> str:
    return f"{changed.base}/show.php?cid=1&id={number}"


@pytest.mark.e2e
def test_both_harvests_succeed(changed: Changed) -> None:
    assert changed.first.returncode == 0, changed.first.stderr[-2000:]
    assert "3 articles (new 3, updated 0, revisited 0, gone 0)" in changed.first.stdout
    assert changed.second.returncode == 0, changed.second.stderr[-2000:]
    summary = changed.second.stdout
    assert "2 articles (new 1, updated 1, revisited 3, gone 2)" in summary, summary
    assert changed.stats["newscrawl/gone"] == 2
    assert changed.stats["newscrawl/archive/updated"] == 1


@pytest.mark.e2e
def test_only_new_and_due_pages_are_fetched_once(changed: Changed) -> None:
    articles = {
        (after, path): n for (after, path), n in changed.fetches.items() if "show.php" in path
    }
    before = {f"/show.php?cid=1&id={n}": 1 for n in TITLES}
    after = {f"/show.php?cid=1&id={n}": 1 for n in (1, 2, 3, 4)}  # all due, plus the new one
    assert {p: n for (a, p), n in articles.items() if not a} == before
    assert {p: n for (a, p), n in articles.items() if a} == after


@pytest.mark.e2e
def test_each_fetch_appends_a_popularity_observation(changed: Changed) -> None:
    history = run(
        "newsarchive", "--db", str(changed.db), "history", "--json", _url(changed, 1),
        cwd=changed.tmp,
    )  # fmt: skip
    assert history.returncode == 0, history.stderr
    views = [o["views"] for o in json.loads(history.stdout)["observations"]]
    assert views == [_views(1, False), _views(1, True)]


@pytest.mark.e2e
def test_the_edit_is_versioned_and_removals_marked_gone(changed: Changed) -> None:
    opened = open_archive(str(changed.db), create=False)
    with opened.session() as session:
        ids = {n: find_article_id(session, _url(changed, n)) for n in TITLES}
        assert None not in ids.values()  # nothing was deleted
        versions = article_versions(session, ids[1] or 0)
        states = {n: article_state(session, article_id or 0) for n, article_id in ids.items()}
    opened.close()
    assert [v.version for v in versions] == [1]
    assert OLD_BODY in versions[0].body
    state = {n: (s.versions, s.gone_reason) for n, s in states.items() if s is not None}
    assert state == {1: (1, None), 2: (0, "404"), 3: (0, "soft 404")}
    assert states[2] is not None and states[2].gone_at is not None


@pytest.mark.e2e
def test_newsarchive_show_prints_the_old_version_and_the_state(changed: Changed) -> None:
    db = ["--db", str(changed.db)]
    old = run("newsarchive", *db, "show", _url(changed, 1), "--version", "1", cwd=changed.tmp)
    assert old.returncode == 0, old.stderr
    assert old.stdout.splitlines()[0] == TITLES[1]
    assert OLD_BODY in old.stdout and NEW_BODY not in old.stdout
    assert "version: 1 of 1 earlier" in old.stdout
    now = run("newsarchive", *db, "show", _url(changed, 1), cwd=changed.tmp)
    assert NEW_BODY in now.stdout and "versions: 1 earlier" in now.stdout
    text = run("newsarchive", *db, "show", _url(changed, 3), cwd=changed.tmp).stdout
    assert "versions: none earlier" in text and "(soft 404)" in text
    gone = run("newsarchive", *db, "show", "--json", _url(changed, 2), cwd=changed.tmp)
    shown = json.loads(gone.stdout)
    assert (shown["versions"], shown["gone_reason"]) == (0, "404")
    assert shown["body"]  # the stored content stays
    missing = run("newsarchive", *db, "show", _url(changed, 1), "--version", "2", cwd=changed.tmp)
    assert missing.returncode == 1
    assert "has 1 earlier version, no version 2" in missing.stderr
