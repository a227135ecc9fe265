"""HTTP and content faults: a real harvest of a site that misbehaves on purpose.

Two harvests run once for the module (``newscrawl harvest`` as a subprocess,
the real Scrapy engine, a real SQLite archive), against the servers in
``faultserver`` (the site: ``faultysite``):

1. phase 1: the site is healthy and the archive gets a copy of every article
   that will later fail (``SEEDED_FAULTS``);
2. phase 2: the faults are on, new fault pages appear, and every article is
   fetched again (``NEWSCRAWL_INCREMENTAL=0``).

Each test checks one fault of phase 2: the harvest finished, the good pages
are archived, the bad one is logged (its URL in the log) and counted (the
run record's stats), and what phase 1 stored is still there, unchanged.
Server-side records (hits per URL, how long a hanging answer lasted, how
many bytes a huge answer sent) show what the crawler really did.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass

import pytest

from newscrawl.spiders.navigation import MAX_BARREN_LIST_PAGES
from tests.faults.conftest import REFETCH_ALL, Harvest, Servers, run_harvest
from tests.faults.fault_stories import (
    CALENDAR_CHANNELS,
    CHARSET_BODY,
    CHARSET_TITLES,
    FAULT_TITLES,
    GOOD_STORIES,
    HUGE_SIZE,
    ROBOTS_BLOCKED,
    SEEDED_FAULTS,
)

pytestmark = pytest.mark.e2e

#: Scrapy's RETRY_TIMES in newscrawl/settings.py: one request and two retries.
RETRY_TIMES = 2
#: DOWNLOAD_TIMEOUT of the fault harvests (conftest.FAST), in seconds.
DOWNLOAD_TIMEOUT = 1.0
#: Scrapy's REDIRECT_MAX_TIMES (default).
REDIRECT_MAX_TIMES = 20


@dataclass
class FaultRun:
    """Both harvests and what the servers saw during the second."""

    servers: Servers
    before: Harvest
    after: Harvest
    hits: Counter[str]
    other_host_hits: Counter[str]
    other_port_hits: Counter[str]
    arrivals: list[tuple[float, str]]
    durations: dict[str, list[float]]
    sent: dict[str, list[int]]

    def article_hits(self, cms_id: int, cid: int = 2) -> int:
        return self.hits[f"/show.php?cid={cid}&id={cms_id}"]

    def log_lines(self, url_part: str) -> list[str]:
        return [line for line in self.after.log.splitlines() if url_part in line]


@pytest.fixture(scope="module")
def run(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> FaultRun:
    db = tmp_path_factory.mktemp("faults") / "archive.sqlite"
    servers.site.phase = 1
    before = run_harvest(servers.main.base_url, db)
    for server in (servers.main, servers.other_host, servers.other_port):
        server.reset_records()
    servers.site.phase = 2
    # DEBUG: every download is logged ("Crawled (200) <GET url>"), so the suite can
    # list what the crawler fetched from its own side too.
    after = run_harvest(servers.main.base_url, db, *REFETCH_ALL, "LOG_LEVEL=DEBUG")
    main = servers.main
    # The crawler has exited; hanging and streaming handlers notice it and record how
    # long they lasted and what they sent. Wait for that (a server event, not a delay).
    assert main.wait_idle(), "a fault handler is still answering"
    return FaultRun(
        servers,
        before,
        after,
        Counter(main.hits),
        Counter(servers.other_host.hits),
        Counter(servers.other_port.hits),
        list(main.arrivals),
        {k: list(v) for k, v in main.durations.items()},
        {k: list(v) for k, v in main.sent.items()},
    )


def _show(cms_id: int, cid: int = 2) -> str:
    return f"show.php?cid={cid}&id={cms_id}"


def _unchanged(run: FaultRun, cms_id: int) -> None:
    """The article phase 1 stored is still there, once, and not a byte of it changed."""
    stored = run.before.by_id(cms_id)
    now = run.after.by_id(cms_id)
    assert len(stored) == 1, f"phase 1 did not archive {cms_id}"
    assert now == stored


# -- the harvest as a whole -------------------------------------------------------------


def test_both_harvests_finish_healthy(run: FaultRun) -> None:
    for harvest in (run.before, run.after):
        assert harvest.returncode == 0, harvest.stderr[-2000:]
        assert harvest.stdout.rstrip().endswith("-> ok"), harvest.stdout
        assert harvest.run.status == "finished"
        assert "Traceback" not in harvest.log
        assert not [k for k in harvest.stats if k.startswith("spider_exceptions/")]
    assert " 0 errors" in run.before.stdout
    # The summary line counts the failed requests of phase 2.
    errors = int(re.search(r"(\d+) errors", run.after.stdout).group(1))  # type: ignore[union-attr]
    assert errors == run.after.stat("newscrawl/request_failed") > 0


def test_phase_one_archived_every_article(run: FaultRun) -> None:
    ids = {a["cms_id"] for a in run.before.articles}
    assert ids == {str(s.id) for s in GOOD_STORIES} | {str(i) for i in SEEDED_FAULTS}


def test_every_good_page_is_archived_once(run: FaultRun) -> None:
    counts = Counter(a["cms_id"] for a in run.after.articles)
    good = [str(s.id) for s in GOOD_STORIES] + [str(i) for i in CHARSET_TITLES] + ["205"]
    assert {cms_id: counts[cms_id] for cms_id in good} == dict.fromkeys(good, 1)
    assert max(counts.values()) == 1  # no article twice, fault or not


@pytest.mark.parametrize("cms_id", sorted(SEEDED_FAULTS), ids=lambda i: SEEDED_FAULTS[i])
def test_nothing_stored_before_is_lost(run: FaultRun, cms_id: int) -> None:
    _unchanged(run, cms_id)


def test_every_download_went_to_the_site_itself(run: FaultRun) -> None:
    """No file:, data: or javascript: URL, no other host or port was ever fetched."""
    fetched = re.findall(r"(?:Crawled \(\d+\)|Retrying) <GET (\S+)>", run.after.log)
    assert len(fetched) > 50
    assert [u for u in fetched if not u.startswith(run.servers.main.base_url + "/")] == []


# -- HTTP errors and retries ------------------------------------------------------------


@pytest.mark.parametrize(
    ("cms_id", "status"),
    [(201, "500"), (202, "502"), (203, "503"), (204, "429")],
    ids=["http_500", "http_502", "http_503", "http_429_retry_after"],
)
def test_http_error_is_retried_then_given_up_and_counted(
    run: FaultRun, cms_id: int, status: str
) -> None:
    assert run.article_hits(cms_id) == RETRY_TIMES + 1  # counted server-side
    reason = next(k for k in run.after.stats if k.startswith(f"retry/reason_count/{status} "))
    # The page that fails twice with 503 before it answers adds its two retries.
    assert run.after.stat(reason) == RETRY_TIMES * (2 if status == "503" else 1)
    url = _show(cms_id)
    assert [line for line in run.log_lines(url) if "Gave up retrying" in line]
    assert [line for line in run.log_lines(url) if "request failed" in line]
    assert run.after.stat("retry/max_reached") >= 8  # 4 statuses, 2 timeouts, reset, cut-off
    _unchanged(run, cms_id)


def test_429_retries_wait_for_retry_after(run: FaultRun) -> None:
    times = [t for t, path in run.arrivals if path == f"/{_show(204)}"]
    assert len(times) == RETRY_TIMES + 1
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 1.0  # the server answered Retry-After: 1


def test_page_failing_twice_then_succeeding_is_archived(run: FaultRun) -> None:
    assert run.article_hits(205) == 3  # 503, 503, then the page
    [article] = run.after.by_id(205)
    assert article["title"] == FAULT_TITLES[205]
    assert not run.before.by_id(205)  # new in phase 2: archived by the retry


# -- broken connections ---------------------------------------------------------------------


def test_timeout_gives_up_after_download_timeout(run: FaultRun) -> None:
    path = f"/{_show(206)}"
    lines = run.log_lines(_show(206))
    # The crawler's side: one request and two retries, each given up at the timeout.
    assert [ln for ln in lines if f"failed {RETRY_TIMES + 1} times" in ln and "took longer" in ln]
    assert run.after.stat("downloader/exception_type_count/scrapy.exceptions.DownloadTimeoutError")
    # The server saw the crawler hang up each time, after about DOWNLOAD_TIMEOUT (it may
    # miss a request reset before its thread read it: see the slow drip below).
    assert 1 <= len(run.durations[path]) == run.hits[path] <= RETRY_TIMES + 1
    assert all(DOWNLOAD_TIMEOUT - 0.2 < d < DOWNLOAD_TIMEOUT + 2 for d in run.durations[path])
    _unchanged(run, 206)


def test_connection_reset_is_retried_then_given_up(run: FaultRun) -> None:
    # Twisted also retries a request once on a reused connection that dies: 3 to 6 hits.
    assert RETRY_TIMES + 1 <= run.article_hits(207) <= 2 * (RETRY_TIMES + 1)
    assert [line for line in run.log_lines(_show(207)) if "request failed" in line]
    assert run.after.stat("retry/reason_count/scrapy.exceptions.DownloadFailedError")
    _unchanged(run, 207)


def test_body_cut_off_mid_way_is_not_archived(run: FaultRun) -> None:
    assert run.article_hits(208) == RETRY_TIMES + 1
    key = "downloader/exception_type_count/scrapy.exceptions.ResponseDataLossError"
    assert run.after.stat(key) == RETRY_TIMES + 1
    # The failure has no message of its own: the log names its type.
    assert [ln for ln in run.log_lines(_show(208)) if "(ResponseDataLossError)" in ln]
    _unchanged(run, 208)


def test_slow_drip_is_bounded_by_the_timeout(run: FaultRun) -> None:
    path = f"/{_show(209)}"
    lines = run.log_lines(_show(209))
    # The crawler's side: one request and two retries, each cut at the timeout.
    assert [ln for ln in lines if "Retrying" in ln and "took longer than" in ln]
    assert [ln for ln in lines if f"failed {RETRY_TIMES + 1} times" in ln and "took longer" in ln]
    # The server's side: every drip it began ended within the timeout and a margin. A
    # request the client gave up on before the server's thread read it is not counted
    # there (the client's reset discards it), so the server may see fewer than three.
    assert 1 <= len(run.durations[path]) == run.hits[path] <= RETRY_TIMES + 1
    assert max(run.durations[path]) < DOWNLOAD_TIMEOUT + 2
    _unchanged(run, 209)


# -- redirects ----------------------------------------------------------------------------


def test_redirect_loop_ends_and_is_logged(run: FaultRun) -> None:
    assert run.article_hits(210) == 1
    assert run.article_hits(211) == 1
    assert run.after.stat("newscrawl/redirect_to_requested") == 2
    assert [ln for ln in run.log_lines(_show(210)) if "redirect to a page already" in ln]
    assert not run.after.by_id(210) and not run.after.by_id(211)


def test_endless_redirect_chain_is_cut_at_the_redirect_limit(run: FaultRun) -> None:
    hops = sum(n for path, n in run.hits.items() if path.startswith(f"/{_show(212)}"))
    assert hops == REDIRECT_MAX_TIMES + 1
    assert [ln for ln in run.log_lines(_show(212)) if "max redirections reached" in ln]


def test_redirect_to_another_host_is_not_followed(run: FaultRun) -> None:
    assert run.article_hits(213) == 1
    assert run.other_host_hits == Counter()
    assert run.after.stat("offsite/filtered") >= 2  # the redirect and a link
    assert not run.after.by_id(213)


def test_redirect_and_links_to_another_port_are_not_followed(run: FaultRun) -> None:
    """Another port of the same host is another site (Scrapy's offsite check sees hosts only)."""
    assert run.article_hits(214) == 1
    assert run.other_port_hits == Counter()  # not even its robots.txt
    assert run.after.stat("newscrawl/offsite_port") == 2  # a link and a redirect
    port = run.servers.other_port.base_url
    assert [ln for ln in run.log_lines(port) if "another site (port)" in ln]
    assert not run.after.by_id(214) and not run.after.by_id(192)


# -- soft 404s and traps ---------------------------------------------------------------------


def test_soft_404_article_is_counted_and_stored_copy_kept(run: FaultRun) -> None:
    assert run.after.stat("newscrawl/soft_404") >= 1
    assert [ln for ln in run.log_lines(_show(215)) if "soft 404" in ln]
    _unchanged(run, 215)


def test_soft_404_list_page_is_counted(run: FaultRun) -> None:
    assert run.hits["/list.php?cid=3"] == 1
    assert run.after.stat("newscrawl/list_pages_without_articles") >= 1
    assert [ln for ln in run.log_lines("list.php?cid=3") if "without article links" in ln]


def test_pagination_trap_is_recognized(run: FaultRun) -> None:
    """Page 3 of a 2-page list serves page 1 with a "next" link to page 4."""
    assert run.hits["/list.php?cid=1&page=3"] == 1
    assert run.after.stat("newscrawl/list_trap") >= 1
    assert [ln for ln in run.log_lines("list.php?cid=1&page=3") if "repeats" in ln]
    assert not [p for p in run.hits if "page=4" in p]


@pytest.mark.parametrize("cid", CALENDAR_CHANNELS, ids=["empty_days", "repeating_days"])
def test_calendar_trap_ends_with_bounded_requests(run: FaultRun, cid: int) -> None:
    """``?date=`` pages each linking the next day, forever: a bounded number are fetched."""
    days = [p for p in run.hits if p.startswith(f"/list.php?cid={cid}&date=")]
    assert len(days) == MAX_BARREN_LIST_PAGES
    assert max(run.hits[p] for p in days) == 1
    assert run.after.stat("newscrawl/list_stop_barren") == len(CALENDAR_CHANNELS)
    assert [ln for ln in run.log_lines(f"cid={cid}&date=") if "not followed" in ln]


# -- size limits and binary bodies ----------------------------------------------------------


@pytest.mark.parametrize("cms_id", [216, 217], ids=["huge_with_length", "huge_without_length"])
def test_20_mb_page_is_cut_at_the_size_limit(run: FaultRun, cms_id: int) -> None:
    path = f"/{_show(cms_id)}"
    assert run.hits[path] == 1  # cancelled, not retried
    [sent] = run.sent[path]
    assert sent < HUGE_SIZE  # the crawler hung up before the end
    assert [ln for ln in run.log_lines(_show(cms_id)) if "larger than download max size" in ln]
    assert run.after.stat(
        "downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError"
    )
    _unchanged(run, cms_id)


def test_png_bytes_served_as_html_are_no_article(run: FaultRun) -> None:
    assert run.article_hits(218) == 1
    assert [ln for ln in run.log_lines(_show(218)) if "soft 404" in ln]
    _unchanged(run, 218)


def test_zip_bytes_as_octet_stream_are_skipped(run: FaultRun) -> None:
    assert run.article_hits(219) == 1
    assert run.after.stat("newscrawl/non_html") == 1
    assert [ln for ln in run.log_lines(_show(219)) if "not an HTML page" in ln]
    _unchanged(run, 219)


# -- encodings and broken markup ------------------------------------------------------------

CHARSET_CASES = {
    401: "gbk_as_utf8_header_meta_gbk",
    402: "gbk_as_utf8_header_no_meta",
    403: "utf8_as_gbk_header",
    404: "gbk_no_charset",
    405: "utf8_no_charset",
    406: "malformed_html",
    407: "utf8_one_broken_byte",
    408: "mojibake_title_tag",
}


@pytest.mark.parametrize("cms_id", sorted(CHARSET_CASES), ids=CHARSET_CASES.get)
def test_charset_case_archives_the_right_chinese_text(run: FaultRun, cms_id: int) -> None:
    [article] = run.after.by_id(cms_id)
    assert article["title"] == CHARSET_TITLES[cms_id]
    # 407's broken byte sits before the second paragraph: one U+FFFD, the rest intact.
    second = ("\ufffd" if cms_id == 407 else "") + CHARSET_BODY[1]
    lines = article["body"].splitlines()
    if cms_id == 406:
        # The unclosed <table> in the body swallows the footer, in lxml as in a
        # browser (HTML5 ignores </div> inside a table cell): the footer line follows.
        lines = lines[:2]
    assert lines == [CHARSET_BODY[0], second]
    assert article["published_at"] == "2026-01-12T09:30:00+08:00"


# -- one article under many URLs, links never followed ----------------------------------------


def test_same_article_under_several_urls_is_one_article(run: FaultRun) -> None:
    [article] = run.after.by_id(101)
    assert "utm_" not in article["url"] and "#" not in article["url"]
    assert article["url"] in {
        f"{run.servers.main.base_url}/show.php?cid=1&id=101",
        f"{run.servers.main.base_url}/show-1-101-1.html",
    }
    # show.php?cid=1&id=101, ?id=101&cid=1, +utm, +#comments: one request; the rewrite
    # URL is another shape the crawler cannot know is the same before fetching it.
    php = {p: n for p, n in run.hits.items() if p.startswith("/show.php") and "id=101" in p}
    assert php == {"/show.php?cid=1&id=101": 1}
    assert run.hits["/show-1-101-1.html"] == 1


def test_links_to_other_hosts_and_odd_schemes_are_never_followed(run: FaultRun) -> None:
    assert run.other_host_hits == Counter()
    assert run.other_port_hits == Counter()
    for cms_id in (191, 192, 193, 194, 195):  # other host, other port, file:, data:, javascript:
        assert not [p for p in run.hits if f"id={cms_id}" in p]
        assert not run.after.by_id(cms_id)
    assert not re.search(r"<GET (?:file|data|javascript|mailto):", run.after.log)


def test_robots_txt_disallow_is_honoured(run: FaultRun) -> None:
    assert run.hits["/robots.txt"] == 1
    assert not [p for p in run.hits if p.startswith("/private/")]
    assert run.after.stat("robotstxt/forbidden") == 1
    assert [ln for ln in run.log_lines(ROBOTS_BLOCKED) if "Forbidden by robots.txt" in ln]
    # Policy, not an error: counted as ignored, never as a failed request.
    assert run.after.stat("newscrawl/ignored") >= 1
    assert not [ln for ln in run.log_lines(ROBOTS_BLOCKED) if "request failed" in ln]
