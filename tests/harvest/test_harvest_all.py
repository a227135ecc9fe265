"""``newscrawl harvest --all``: every due site of a registry in one process, over real HTTP.

Four demo sites (each on its own loopback address, so each is its own host)
and one whose port refuses connections; the harvest runs as a subprocess, as
cron runs it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive import list_runs, open_archive
from archive.models import Article
from newscrawl.demo.expected import expected_articles
from newscrawl.demo.server import DemoServer
from tests.support.runs import runs_of

BIN = Path(sys.executable).parent
THEMES = ("phpmywind", "rewrite", "phpmywind56", "pbootcms")
FAST = {"delay": 0, "settings": {"AUTOTHROTTLE_ENABLED": False}}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then closed: connections are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Harvest:
    db: Path
    registry: Path
    bases: dict[str, str]
    result: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def harvest_all(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harvest]:
    tmp = tmp_path_factory.mktemp("all")
    servers = [DemoServer(theme=theme, host=f"127.0.0.{2 + i}") for i, theme in enumerate(THEMES)]
    for server in servers:
        server.start()
    try:
        bases = {f"site{i}": s.base_url for i, s in enumerate(servers)}
        lines = ["# five sites, one of them down\n"]
        for name, base in bases.items():
            lines.append(f'[sites.{name}]\nurls = ["{base}/"]\nevery = "1h"\ndelay = 0\n')
            lines.append("[sites." + name + ".settings]\nAUTOTHROTTLE_ENABLED = false\n\n")
        lines.append(
            f'[sites.down]\nurls = ["http://127.0.0.1:{closed_port()}/"]\n'
            "[sites.down.settings]\nRETRY_TIMES = 0\n"
        )
        registry = tmp / "sites.toml"
        registry.write_text("".join(lines))
        db = tmp / "archive.sqlite"
        args = ("newscrawl", "harvest", "--all", "--registry", str(registry), "--db", str(db))
        first = run(*args, "--log-file", str(tmp / "harvest.log"), cwd=tmp)
        # Right after, the four good sites are not due (every 1h); the failed one is.
        second = run(*args, "--log-file", str(tmp / "harvest2.log"), cwd=tmp)
        yield Harvest(db, registry, bases, first, second)
    finally:
        for server in servers:
            server.stop()


@pytest.mark.e2e
def test_the_four_good_sites_are_archived_completely(harvest_all: Harvest) -> None:
    opened = open_archive(str(harvest_all.db), create=False)
    with opened.session() as session:
        stored = set(session.scalars(select(Article.url)))
    for (name, base), theme in zip(harvest_all.bases.items(), THEMES, strict=True):
        expected = {a["url"] for a in expected_articles(base, theme)}
        assert expected, name
        assert expected <= stored, (name, sorted(expected - stored)[:3])
    assert len(stored) == sum(
        len(expected_articles(base, theme))
        for base, theme in zip(harvest_all.bases.values(), THEMES, strict=True)
    )


@pytest.mark.e2e
def test_one_run_record_per_site_and_the_down_site_failed(harvest_all: Harvest) -> None:
    runs = [r for r in runs_of(harvest_all.db) if r.id <= 5]
    by_site = {r.stats["newscrawl/site"]: r for r in runs}
    assert len(runs) == len(by_site) == 5
    for name in harvest_all.bases:
        assert by_site[name].status == "finished", by_site[name].stats.get("health")
        assert by_site[name].stats["health"] == "ok"
        assert by_site[name].stats["newscrawl/every"] == 3600
    assert by_site["down"].status == "failed"
    assert by_site["down"].stats["newscrawl/request_failed"] >= 1


@pytest.mark.e2e
def test_summary_lines_and_exit_code(harvest_all: Harvest) -> None:
    result = harvest_all.result
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    for line, name in zip(lines[:5], [*harvest_all.bases, "down"], strict=True):
        assert line.startswith(f"harvest {name}: ")
    assert all(line.endswith("-> ok") for line in lines[:4])
    assert "no list or article page could be read" in lines[4]
    assert lines[5] == ("harvest --all: 5 sites: 4 ok, 0 unhealthy, 1 failed, 0 locked, 0 not due")


@pytest.mark.e2e
def test_a_second_run_harvests_only_the_due_site(harvest_all: Harvest) -> None:
    second = harvest_all.second
    assert second.returncode == 1, second.stderr[-2000:]
    lines = second.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:4]] == [f"harvest {n}" for n in harvest_all.bases]
    assert all(": due at " in line for line in lines[:4])
    assert lines[-1].endswith("0 ok, 0 unhealthy, 1 failed, 0 locked, 4 not due")
    assert len(runs_of(harvest_all.db)) == 6


@pytest.mark.e2e
def test_newsarchive_sites_shows_each_site(harvest_all: Harvest) -> None:
    result = run("newsarchive", "--db", str(harvest_all.db), "sites", "--json", cwd=Path("."))
    assert result.returncode == 0, result.stderr
    sites = {s["site"]: s for s in json.loads(result.stdout)}
    assert set(sites) == {*harvest_all.bases, "down"}
    first = sites["site0"]
    assert first["articles"] == first["new_this_week"] == 33
    assert first["last_run"]["status"] == "finished"
    assert first["last_run"]["health"] == "ok"
    assert first["next_due"] > first["last_run"]["started_at"]
    assert sites["down"]["articles"] == 0
    assert sites["down"]["last_run"]["status"] == "failed"
    assert sites["down"]["next_due"] is None  # no good run: due now
    text = run("newsarchive", "--db", str(harvest_all.db), "sites", cwd=Path("."))
    assert text.returncode == 0
    assert len(text.stdout.splitlines()) == 1 + 5  # a header and one line per site


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[sites.a]\nurls = ["http://127.0.0.1:9/"]\nspeed = 3\n', "sites.toml:3:"),
        ('[sites.a]\nurls = ["http://127.0.0.1:9/"]\n[sites.a]\nurls = []\n', "sites.toml:3:"),
        ('[sites.a]\nurls = ["127.0.0.1:9"]\n', "sites.toml:2:"),
        ('[sites.a]\nurls = ["http://127.0.0.1:9/"]\nrevisit = "often"\n', "sites.toml:3:"),
    ],
)
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_a_bad_registry_harvests_nothing_exit_2(text: str, where: str, tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text(text)
    result = run("newscrawl", "harvest", "--all", "--db", "a.sqlite", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"Error: {where}"), result.stderr
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "a.sqlite").exists()


def test_a_bad_setting_of_one_site_harvests_nothing(tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text(
        '[sites.a]\nurls = ["http://127.0.0.1:9/"]\n'
        '[sites.b]\nurls = ["http://127.0.0.1:8/"]\n[sites.b.settings]\nARCHIVE_WRITER = "x"\n'
    )
    result = run("newscrawl", "harvest", "--all", "--db", "a.sqlite", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: site b (")
    assert "ARCHIVE_WRITER" in result.stderr
    assert not (tmp_path / "a.sqlite").exists()


@pytest.mark.e2e
def test_a_hanging_site_holds_up_no_other(tmp_path: Path) -> None:
    """A site that accepts connections and never answers is ended by its timeout;
    the other site's harvest finishes and is recorded before it."""
    with socket.socket() as silent, DemoServer(host="127.0.0.2") as server:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)  # connections complete in the backlog; nothing is ever read
        port = silent.getsockname()[1]
        (tmp_path / "sites.toml").write_text(
            f'[sites.good]\nurls = ["{server.base_url}/"]\ndelay = 0\n'
            "[sites.good.settings]\nAUTOTHROTTLE_ENABLED = false\n\n"
            f'[sites.silent]\nurls = ["http://127.0.0.1:{port}/"]\ntimeout = "8s"\n'
            "[sites.silent.settings]\nROBOTSTXT_OBEY = false\n"
        )
        result = run("newscrawl", "harvest", "--all", "--db", "a.sqlite", cwd=tmp_path)
    assert result.returncode == 1, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("harvest good: ") and lines[0].endswith("-> ok")
    assert lines[1].startswith("harvest silent: failed: ")
    assert "closespider_timeout" in lines[1]
    by_site = {r.stats["newscrawl/site"]: r for r in runs_of(tmp_path / "a.sqlite")}
    good, silent_run = by_site["good"], by_site["silent"]
    assert good.status == "finished"
    assert silent_run.status != "finished"
    assert good.finished_at is not None and silent_run.finished_at is not None
    assert good.finished_at < silent_run.finished_at


@pytest.mark.e2e
def test_two_machines_harvest_all_into_postgresql_each_site_once(
    postgres_url: str, tmp_path: Path
) -> None:
    """Two ``harvest --all`` processes at once against one PostgreSQL archive (as two
    machines' crontabs): the advisory locks give each site to one of them."""
    servers = [DemoServer(host=f"127.0.0.{2 + i}") for i in range(3)]
    for server in servers:
        server.start()
    try:
        registry = tmp_path / "sites.toml"
        registry.write_text(
            "".join(
                f'[sites.s{i}]\nurls = ["{s.base_url}/"]\ndelay = 0\n'
                f"[sites.s{i}.settings]\nAUTOTHROTTLE_ENABLED = false\n\n"
                for i, s in enumerate(servers)
            )
        )
        command = [str(BIN / "newscrawl"), "harvest", "--all", "--registry", str(registry),
                   "--db", postgres_url]  # fmt: skip
        both = [
            subprocess.Popen(command, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [p.communicate(timeout=300)[0] for p in both]
    finally:
        for server in servers:
            server.stop()
    assert all(p.returncode in (0, 3) for p in both), outputs
    lines = [line for out in outputs for line in out.splitlines()[:-1]]
    for i in range(3):
        mine = [line for line in lines if line.startswith(f"harvest s{i}: ")]
        assert len(mine) == 2, mine
        assert sum(line.endswith("-> ok") for line in mine) == 1, mine
        other = next(line for line in mine if not line.endswith("-> ok"))
        assert "another harvest" in other or ": due at " in other, other
    opened = open_archive(postgres_url, create=False)
    with opened.session() as session:
        runs = list_runs(session)
        articles = session.scalar(select(func.count()).select_from(Article))
    opened.close()
    assert sorted(r.stats["newscrawl/site"] for r in runs) == ["s0", "s1", "s2"]
    assert all(r.status == "finished" for r in runs)
    assert articles == 3 * len(expected_articles("http://x"))
