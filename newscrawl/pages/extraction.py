"""Everything the spider needs from one article page, in one call that may run elsewhere.

``extract_page`` takes the response's bytes and returns a picklable
``PageResult``: the normalized Article (or None for a soft 404; the page
object's :class:`~newscrawl.items.PageArticle` for a later page), the links
to follow, the article's further pages, its counter endpoint and its CMS
family. It is pure, so ``PageExtractor`` can run it in the crawl's own
process or in a pool of worker processes (``NEWSCRAWL_EXTRACT_WORKERS``):
parsing and extraction cost more CPU than Scrapy itself, and a second core
takes them off the reactor's thread.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from time import thread_time
from typing import Generic, Literal, TypeVar, overload

from newscrawl.crawl import urls
from newscrawl.items import Article, PageArticle
from newscrawl.normalize.article import normalize_article
from newscrawl.normalize.text import clean_text, parse_count
from newscrawl.pages import ArticlePage
from newscrawl.pages.blocks import body_text, merge_sections
from newscrawl.pages.counter import counter_value
from newscrawl.pages.encoding import decode_page
from newscrawl.pages.listing import Links, ListingPage
from newscrawl.runtime.gc_tuning import set_young_threshold
from newscrawl.runtime.pipe_worker import PipeWorker, call

#: The item a ``PageResult`` carries: normalized (page 1) or as the page object read it.
ItemT = TypeVar("ItemT", Article, PageArticle)


@dataclass
class PageResult(Generic[ItemT]):
    """What one article page yields; sent back from a worker process as a pickle."""

    item: ItemT | None
    links: Links
    family: str
    page_urls: list[str] = field(default_factory=list)
    counter_url: str | None = None
    #: CPU seconds reading the page and normalizing its item, on the thread that did
    #: (not the process's other threads, such as a WAL checkpoint), in whichever process
    #: ran them (the crawl's stats add them up: ``newscrawl/cpu_ms/...``).
    extract_cpu: float = 0.0
    normalize_cpu: float = 0.0


@overload
def extract_page(
    url: str,
    body: bytes,
    content_type: str | None,
    fetched_at: str,
    tz: str,
    *,
    normalize: Literal[True] = ...,
) -> PageResult[Article]: ...
@overload
def extract_page(
    url: str,
    body: bytes,
    content_type: str | None,
    fetched_at: str,
    tz: str,
    *,
    normalize: Literal[False],
) -> PageResult[PageArticle]: ...
@overload
def extract_page(
    url: str, body: bytes, content_type: str | None, fetched_at: str, tz: str, *, normalize: bool
) -> PageResult[Article] | PageResult[PageArticle]: ...
def extract_page(
    url: str,
    body: bytes,
    content_type: str | None,
    fetched_at: str,
    tz: str,
    *,
    normalize: bool = True,
) -> PageResult[Article] | PageResult[PageArticle]:
    """Decode, read and (unless told not to: a later page, merged by ``merge_page``)
    normalize one article page."""
    started = thread_time()
    html, _encoding, utf8 = decode_page(body, content_type)
    page = ArticlePage(url, html, fetched_at=fetched_at, utf8=utf8)
    links = ListingPage(url, html, root=page.root, elements=page.elements).links()
    item = page.to_item()
    if item is None:
        return PageResult(None, links, page.family, extract_cpu=thread_time() - started)
    first = urls.canonical_url(url)
    page_urls = [u for u in page.page_urls() if u != first]
    counter_url = page.counter_url() if item.views_source == "script" else None
    read = thread_time()
    if not normalize:
        return PageResult(
            item, links, page.family, page_urls, counter_url, extract_cpu=read - started
        )
    article = normalize_article(item, tz=tz)
    return PageResult(
        article,
        links,
        page.family,
        page_urls,
        counter_url,
        extract_cpu=read - started,
        normalize_cpu=thread_time() - read,
    )


def read_links(url: str, body: bytes, content_type: str | None) -> Links:
    """A home or list page's links, decoded and read as an article page's are (what the
    spider's ``parse`` follows): pure and picklable like :func:`extract_page`, so the page
    is parsed in the worker process too, when there is one."""
    html, _encoding, utf8 = decode_page(body, content_type)
    return ListingPage(url, html, utf8=utf8).links()


def merge_page(article: Article, more: PageArticle) -> None:
    """Append a later page's sections (the page object's, not normalized) to ``article``.

    The spider's page 2..n and ``newsarchive reextract`` merge the same way. A
    page object's texts are clean and normalization leaves sections and body
    as they are (:class:`~newscrawl.items.PageArticle`), so the article stays
    normalized: nothing is normalized again.
    """
    article.sections = merge_sections(article.sections, more.sections)
    article.body = body_text(article.sections)


def apply_counter(article: Article, text: str) -> bool:
    """Fill the article's views from a counter endpoint's answer; False when unreadable.

    ``views_raw`` is clean as a page object's text is, and ``views`` read from
    it as ``normalize_article`` reads it.
    """
    value = counter_value(text)
    if value is None:
        return False
    article.views_raw = clean_text(value)
    article.views_source = "endpoint"
    article.views = parse_count(article.views_raw)
    return True


def warm_up() -> bool:
    """A worker's first task. It names this module, so by the time its answer is back
    the worker has imported everything extraction needs: it is ready to read pages
    as fast as it ever will (:meth:`PageExtractor.start`)."""
    return True


def _seen(warming: asyncio.Future[bool]) -> None:
    """Mark a failed warm-up's error as read. Its worker died, which the pipe worker
    logs; nobody awaits a warm-up, and asyncio would log its error again as never
    retrieved."""
    if not warming.cancelled():
        warming.exception()


class PageExtractor:
    """Runs ``extract_page`` inline (``workers=0``) or in worker processes.

    Each worker is a :class:`~newscrawl.runtime.pipe_worker.PipeWorker` (pipes the
    event loop watches, not a ProcessPoolExecutor: see there); a page goes to
    the worker with the fewest tasks in hand. The first worker also takes the
    archive's batches when the pipeline stores in a process
    (:meth:`storage_worker`): two processes in all, not three.

    A worker takes a few tenths of a second to start (a fresh interpreter that
    imports Scrapy, lxml and the page objects). Pages are read here, in the crawl's
    process, until a worker has answered its first task (:func:`warm_up`), so
    the crawl never waits for one to start: before, a two-process crawl of a
    small site lost a tenth of its time to that wait (``benchmarks/TUNING.md``).
    The spider starts the workers when the engine starts (:meth:`start`), so
    they come up while the archive opens and the first pages download.
    """

    def __init__(self, workers: int = 0, gc_threshold: int = 0) -> None:
        self.workers = max(0, workers)
        self.gc_threshold = gc_threshold  # for the workers (newscrawl.runtime.gc_tuning)
        self._pool: list[PipeWorker] = []
        #: Each started worker's warm-up task, until the worker is ready (or gone).
        self._warming: dict[PipeWorker, asyncio.Future[bool]] = {}

    def _started(self) -> list[PipeWorker]:
        """The workers, built (a worker's process starts with its first task)."""
        if not self._pool:
            self._pool = [
                PipeWorker(call, set_young_threshold, (self.gc_threshold,))
                for _ in range(self.workers)
            ]
        return self._pool

    def start(self) -> None:
        """Start every worker that is not running, each with its :func:`warm_up` task.

        Call from the event loop's thread. Safe to call again: a worker that
        died is started anew, and pages are read here until it is ready.
        """
        for worker in self._started():
            if worker.process is None:
                warming = worker.submit_first(warm_up)
                warming.add_done_callback(_seen)
                self._warming[worker] = warming

    async def ready(self) -> None:
        """Wait until every worker answered its warm-up (or failed it: then it is gone,
        and its next task starts another)."""
        self.start()
        for future in list(self._warming.values()):
            with contextlib.suppress(Exception):
                await future

    def _worker(self) -> PipeWorker | None:
        """The ready worker with the fewest tasks in hand; None while none is ready."""
        self.start()  # workers not running yet (or any more) start now
        ready = []
        for worker in self._pool:
            warming = self._warming.get(worker)
            if warming is None or warming.done():
                self._warming.pop(worker, None)
                ready.append(worker)
        return min(ready, key=lambda worker: worker.in_flight) if ready else None

    def storage_worker(self) -> PipeWorker | None:
        """The worker that also stores the archive's batches (None: pages are read inline).

        Call from the event loop's thread, like ``extract``. Batches wait in it
        while it starts: they are not read here."""
        return self._started()[0] if self.workers else None

    @overload
    async def extract(
        self,
        url: str,
        body: bytes,
        content_type: str | None,
        fetched_at: str,
        tz: str,
        *,
        normalize: Literal[True] = ...,
    ) -> PageResult[Article]: ...
    @overload
    async def extract(
        self,
        url: str,
        body: bytes,
        content_type: str | None,
        fetched_at: str,
        tz: str,
        *,
        normalize: Literal[False],
    ) -> PageResult[PageArticle]: ...
    @overload
    async def extract(
        self,
        url: str,
        body: bytes,
        content_type: str | None,
        fetched_at: str,
        tz: str,
        *,
        normalize: bool,
    ) -> PageResult[Article] | PageResult[PageArticle]: ...
    async def extract(
        self,
        url: str,
        body: bytes,
        content_type: str | None,
        fetched_at: str,
        tz: str,
        *,
        normalize: bool = True,
    ) -> PageResult[Article] | PageResult[PageArticle]:
        worker = self._worker() if self.workers else None
        if worker is None:
            return extract_page(url, body, content_type, fetched_at, tz, normalize=normalize)
        result: PageResult[Article] | PageResult[PageArticle] = await worker.submit(
            extract_page, url, body, content_type, fetched_at, tz, normalize=normalize
        )
        return result

    async def links(self, url: str, body: bytes, content_type: str | None) -> Links:
        """:func:`read_links`, inline or in the worker with the fewest tasks in hand, ahead
        of the article pages waiting there (``submit_first``): until a list page's links
        are read the crawl may have nothing else to download."""
        worker = self._worker() if self.workers else None
        if worker is None:
            return read_links(url, body, content_type)
        links: Links = await worker.submit_first(read_links, url, body, content_type)
        return links

    def close(self) -> None:
        """Stop the workers. One still starting, holding nothing but its warm-up, is
        stopped at once: a crawl shorter than a worker's start does not wait for it."""
        for worker in self._pool:
            warming = self._warming.get(worker)
            idle = warming is not None and not warming.done() and worker.in_flight == 1
            worker.close(finish=not idle)
        self._pool = []
        self._warming = {}
