"""Three crawler processes share one site through Redis (scrapy-redis), into PostgreSQL.

The site is the benchmarks' synthetic one, 2,000 articles, served by a server
that counts every request. Each worker is the real ``newscrawl harvest
--redis`` command in its own process, as it runs on each machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from archive import list_runs, open_archive
from archive.models import Article
from benchmarks.site import SiteBundle, build_site
from tests.support.counting_site import CountingSite

BIN = Path(sys.executable).parent
ARTICLES = 2000
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8"]  # fmt: skip

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def bundle() -> SiteBundle:
    return build_site(ARTICLES)


@pytest.fixture
def site(bundle: SiteBundle) -> Iterator[CountingSite]:
    with CountingSite(bundle) as served:
        yield served


def workers(
    n: int, site: CountingSite, db: str, redis: str, logs: Path, *extra: str
) -> list[subprocess.Popen[str]]:
    return [
        subprocess.Popen(
            [
                str(BIN / "newscrawl"),
                "harvest",
                "--url",
                f"{site.base_url}/",
                "--db",
                db,
                "--redis",
                redis,
                "--log-file",
                str(logs / f"worker{i}.log"),
                *FAST,
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            # A server archive's captures go to ./captures: the test's folder, not the repo's.
            cwd=logs,
        )
        for i in range(n)
    ]


def stored(db: str) -> tuple[int, set[str]]:
    opened = open_archive(db, create=False)
    try:
        with opened.session() as session:
            rows = session.scalar(select(func.count()).select_from(Article)) or 0
            return rows, set(session.scalars(select(Article.url)))
    finally:
        opened.close()


def paths(urls: set[str], base: str) -> set[str]:
    return {u.removeprefix(base) for u in urls}


def test_three_workers_store_every_article_once_and_fetch_no_page_twice(
    site: CountingSite, bundle: SiteBundle, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    running = workers(3, site, postgres_url, redis_url, tmp_path)
    results = [(p.wait(timeout=600), *p.communicate()) for p in running]
    for code, out, err in results:
        assert code == 0, (out, err[-2000:])
        assert out.startswith("harvest 127.0.0.1: "), out
    rows, urls = stored(postgres_url)
    assert rows == ARTICLES
    assert paths(urls, site.base_url) == {t.path for t in bundle.truth}
    twice = {t: n for t, n in site.fetches.items() if n > 1 and t != "/robots.txt"}
    assert twice == {}
    assert site.fetches["/robots.txt"] == 3  # each worker reads robots.txt itself
    # The work was shared: every worker fetched pages, and the articles add up.
    opened = open_archive(postgres_url, create=False)
    with opened.session() as session:
        runs = list_runs(session)
    opened.close()
    assert len(runs) == 3
    assert all(run.status == "finished" and run.stats["health"] == "ok" for run in runs)
    assert all(run.stats.get("downloader/response_count", 0) > 50 for run in runs)
    assert sum(run.stats.get("newscrawl/archive/new", 0) for run in runs) == ARTICLES


def test_killing_a_worker_mid_run_loses_nothing(
    site: CountingSite, bundle: SiteBundle, postgres_url: str, redis_url: str, tmp_path: Path
) -> None:
    halfway = site.reached(ARTICLES // 3)
    batch = 50
    # One-process mode: the bound below counts the crawl process's own batches. In
    # two-process mode (the default on two cores) the writer process lets a worker run
    # further ahead of its commits, so more is fetched again after a kill (235 articles
    # of 2,000 in one run); nothing is lost either way (the test above runs the default).
    one_process = ("-s", "NEWSCRAWL_EXTRACT_WORKERS=0", "-s", "ARCHIVE_WRITER=inline")
    running = workers(
        3,
        site,
        postgres_url,
        redis_url,
        tmp_path,
        "-s",
        f"ARCHIVE_BATCH_SIZE={batch}",
        *one_process,
    )
    assert halfway.wait(timeout=300), "the crawl never got a third of the way"
    os.kill(running[0].pid, signal.SIGKILL)
    assert running[0].wait(timeout=60) == -signal.SIGKILL
    for process in running[1:]:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, (out, err[-2000:])
    rows, urls = stored(postgres_url)
    assert rows == ARTICLES
    assert paths(urls, site.base_url) == {t.path for t in bundle.truth}
    # Only what the killed worker held is fetched again: its downloads and pages
    # being parsed (CONCURRENT_REQUESTS, 16, and the scraper's queue) and the pages
    # whose articles waited in its uncommitted batch (and a batch just committed
    # whose requests it had not yet forgotten), with the list pages read
    # meanwhile; never a page twice more.
    twice = {t: n for t, n in site.fetches.items() if n > 1 and t != "/robots.txt"}
    assert all(n == 2 for n in twice.values())
    articles_twice = [t for t in twice if t.startswith("/show.php")]
    assert len(articles_twice) <= 2 * batch + 32, len(articles_twice)
    assert len(twice) <= 3 * batch + 64, len(twice)
