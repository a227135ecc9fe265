"""Every page is read where article pages are (newscrawl.pages.extraction.PageExtractor):
list pages too, so with a worker process the crawl process parses no page itself, once
the worker is ready; while it starts, pages are read in the crawl process.

A real worker process on real pipes, on list pages of the benchmark's synthetic site.
"""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

import newscrawl.pages.listing
from benchmarks.site import build_site
from newscrawl.pages.extraction import PageExtractor, read_links
from newscrawl.pages.listing import Links

BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def list_pages() -> list[tuple[str, bytes]]:
    bundle = build_site(60)
    paths = ["/", "/list.php?cid=29", "/list.php?cid=30&page=2"]
    return [(BASE + path, bundle.body(path)) for path in paths]


def read_all(extractor: PageExtractor, pages: list[tuple[str, bytes]]) -> list[Links]:
    """Every page's links, once the extractor's workers are ready (started here)."""

    async def scenario() -> list[Links]:
        try:
            await extractor.ready()
            return list(
                await asyncio.gather(
                    *(extractor.links(url, body, "text/html; charset=utf-8") for url, body in pages)
                )
            )
        finally:
            extractor.close()

    return asyncio.run(scenario())


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the list reader's parses in this process (a worker has its own modules)."""
    calls = [0]
    parse = newscrawl.pages.listing.parse_html

    def counted(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return parse(*args, **kwargs)  # type: ignore[arg-type]  # parse_html's own arguments

    monkeypatch.setattr(newscrawl.pages.listing, "parse_html", counted)
    return calls


def test_a_worker_reads_list_pages_as_the_crawl_process_would(
    list_pages: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = count_parses(monkeypatch)
    inline = read_all(PageExtractor(0), list_pages)
    assert parses[0] == len(list_pages)
    in_worker = read_all(PageExtractor(1), list_pages)
    assert parses[0] == len(list_pages)  # none more here: the worker parsed them
    assert in_worker == inline
    assert all(links.articles for links in inline)
    assert inline[1].next_page is not None  # page 1 of a channel links its page 2


def test_read_links_finds_the_list_pages_article_links(
    list_pages: list[tuple[str, bytes]],
) -> None:
    url, body = list_pages[1]
    links = read_links(url, body, "text/html; charset=utf-8")
    shown = [link for link in links.articles if "/show.php?cid=29&" in link]
    assert len(shown) >= 10  # the channel's article list
    assert links.next_page == BASE + "/list.php?cid=29&page=2"


def test_pages_are_read_here_while_the_worker_starts_and_there_once_it_is_ready(
    list_pages: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = count_parses(monkeypatch)
    extractor = PageExtractor(1)
    url, body = list_pages[1]

    async def scenario() -> tuple[Links, Links, bool]:
        try:
            extractor.start()
            # The loop has not run since: the worker cannot have answered its warm-up.
            starting = await extractor.links(url, body, "text/html; charset=utf-8")
            await extractor.ready()
            ready = await extractor.links(url, body, "text/html; charset=utf-8")
            return starting, ready, extractor._pool[0].process is not None
        finally:
            extractor.close()

    starting, ready, running = asyncio.run(scenario())
    assert parses[0] == 1  # the first page here, the second in the worker
    assert running
    assert starting == ready


def test_a_worker_still_starting_is_not_waited_for_at_close() -> None:
    """A crawl shorter than a worker's start ends without waiting for it."""
    extractor = PageExtractor(1)

    async def scenario() -> tuple[object, bool]:
        extractor.start()
        process = extractor._pool[0].process
        extractor.close()  # before the loop ran: the warm-up is unanswered
        return process.exitcode, process.is_alive()

    exitcode, alive = asyncio.run(scenario())
    assert not alive
    assert exitcode is not None and exitcode != 0  # terminated, not finished


def test_a_worker_that_died_starting_is_started_again_and_pages_read_here_meanwhile(
    list_pages: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    parses = count_parses(monkeypatch)
    extractor = PageExtractor(1)
    url, body = list_pages[1]

    async def scenario() -> tuple[Links, Links]:
        try:
            extractor.start()
            first = extractor._pool[0].process
            os.kill(first.pid, signal.SIGKILL)
            await extractor.ready()  # its warm-up fails: the worker is gone
            assert extractor._pool[0].process is None
            meanwhile = await extractor.links(url, body, "text/html; charset=utf-8")
            assert extractor._pool[0].process not in (None, first)  # a new one starts
            await extractor.ready()
            return meanwhile, await extractor.links(url, body, "text/html; charset=utf-8")
        finally:
            extractor.close()

    meanwhile, after = asyncio.run(scenario())
    assert parses[0] == 1  # read here while the new worker started, then there
    assert meanwhile == after
