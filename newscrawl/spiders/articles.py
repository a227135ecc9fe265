"""The ``cms`` spider's article callbacks: a page that may be an article is
extracted, its content decides what it is, and an article's further pages and
counter are fetched before the item goes on (see :mod:`newscrawl.spiders.cms`).

:class:`ArticleCallbacks` is the part of :class:`~newscrawl.spiders.cms.CmsSpider`
that reads responses through the page objects (:mod:`newscrawl.pages.extraction`);
the links they report are followed by :mod:`newscrawl.spiders.navigation`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Literal, overload

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from newscrawl.capture.middleware import pending_capture
from newscrawl.crawl.roles import Role, headline_like
from newscrawl.items import Article, Gone, PageArticle
from newscrawl.pages.extraction import PageResult, apply_counter, merge_page
from newscrawl.pages.listing import Links
from newscrawl.pages.pager import page_number_of
from newscrawl.spiders.navigation import Navigation


def _add_capture(item: Article, response: Response, role: str = "page") -> None:
    """Note where this response of the item is captured (when captures are on): the
    capture being written, which the archive pipeline waits for."""
    capture = pending_capture(response, role)
    if capture is not None:
        item.captures.append(capture)


class ArticleCallbacks(Navigation):
    """Reading article pages, their further pages and counters into Article items."""

    # Set up by CmsSpider (from its settings).
    fetch_counters: bool
    tz: str

    @staticmethod
    def _now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    @overload
    async def _extract(
        self, response: Response, *, normalize: Literal[True]
    ) -> PageResult[Article] | None: ...
    @overload
    async def _extract(
        self, response: Response, *, normalize: Literal[False]
    ) -> PageResult[PageArticle] | None: ...
    async def _extract(
        self, response: Response, *, normalize: bool
    ) -> PageResult[Article] | PageResult[PageArticle] | None:
        page = self._html(response)
        if page is None:
            return None
        return await self.extractor.extract(
            response.url,
            *page,
            self._now(),
            self.tz,
            normalize=normalize,
        )

    def _gone(self, response: Response, reason: str) -> Gone | None:
        """A Gone item when the requested article is a known one (a revisit), else None."""
        url = response.meta.get("redirect_urls", [response.url])[0]
        if url not in self.incremental.known:
            return None
        self.logger.info("known article gone (%s): %s", reason, url)
        return Gone(url, reason, self._now())

    async def parse_article(
        self,
        response: Response,
        quiet: int = 0,
        barren: int = 0,
        hint: Role | None = None,
    ) -> AsyncIterator[scrapy.Request | Article | Gone]:
        """A page that may be an article: its content decides what it is.

        An article: build the item, fetch its further pages, follow its links.
        Not an article: a soft 404 when an article was expected there (the link
        was an article candidate, its template gives articles, or it is a known
        article) and the page has no pager; else a list when it links article
        candidates (followed as :meth:`parse` follows, with ``quiet`` and
        ``barren``), else another page whose links are followed.
        """
        if response.status in (404, 410):  # only revisits let these through
            gone = self._gone(response, str(response.status))
            if gone is not None:
                yield gone
            else:
                self._count("request_failed")
                self.logger.warning("HTTP %d: %s", response.status, response.url)
            return
        result = await self._extract(response, normalize=True)
        if result is None:
            return
        self._count(f"family/{result.family}")
        self._count("cpu_us/extract", round(result.extract_cpu * 1e6))
        self._count("cpu_us/normalize", round(result.normalize_cpu * 1e6))
        item = result.item
        if (
            item is not None
            and hint != "article"
            and self.templates.hint(response.url) != "article"
            and self._list_read_as_article(item, result.links, result.page_urls)
        ):
            item = None
        if item is None:
            for other in self._not_an_article(response, result.links, quiet, barren, hint):
                yield other
            return
        self.templates.record(response.url, "article")
        # Its further pages come with it (parse_more), never as pages of their own.
        self._requested.update(result.page_urls)
        for request in self._follow(result.links):
            yield request
        if page_number_of(item.url, response.url) > 1 and item.url in self._requested:
            # A later page reached by a link of its own: page 1 brings it with the rest.
            self._count("article_page_alone")
            return
        _add_capture(item, response)
        for output in self._complete(item, result.page_urls, result.counter_url):
            yield output

    @staticmethod
    def _list_read_as_article(item: Article, links: Links, page_urls: list[str]) -> bool:
        """Is this "article", reached by a menu or pager link, a list page after all?

        A channel page whose items carry date lines (DedeCMS lists show
        日期：) can pass for an article. It is a list when its "headline" is as
        short as a menu label (the channel's name), or when it has a list's
        pager: a 下一页 link that is not to one of its own pages 2..n.
        """
        if not headline_like(item.title or ""):
            return True
        return links.next_page is not None and links.next_page not in page_urls

    def _not_an_article(
        self, response: Response, links: Links, quiet: int, barren: int, hint: Role | None
    ) -> Iterator[scrapy.Request | Gone]:
        """What a page without an article is: a soft 404, a list or another page."""
        url = response.url
        gone = self._gone(response, "soft 404")
        expected = hint == "article" or self.templates.hint(url) == "article"
        has_pager = links.next_page is not None or links.last_page
        if gone is not None or (expected and not has_pager):
            self._count("soft_404")
            self.logger.info("soft 404 (HTTP 200 without an article): %s", url)
            # Not recorded: an empty id says nothing about its template (a harvest
            # revisiting 50 deleted articles first must not make their template
            # look like one that never holds an article).
            yield from self._follow(links)
            if gone is not None:
                yield gone
            return
        if links.articles:
            self.templates.record(url, "list")
            yield from self._list_page(url, links, quiet, barren)
            return
        self.templates.record(url, "other")
        self._count("other_pages")
        # Its links chain on as a list page's do: a trap of pages with nothing ends.
        yield from self._follow(links, barren=barren + 1)

    def _complete(
        self, item: Article, pending: list[str], counter: str | None
    ) -> Iterator[scrapy.Request | Article]:
        """Fetch what the item still needs (further pages, then the counter), else yield it."""
        if pending:
            yield scrapy.Request(
                pending[0],
                callback=self.parse_more,
                errback=self.on_more_error,
                cb_kwargs={"item": item, "pending": pending[1:], "counter": counter},
            )
        elif counter is not None and self.fetch_counters:
            yield scrapy.Request(
                counter,
                callback=self.parse_counter,
                errback=self.on_more_error,
                cb_kwargs={"item": item, "pending": [], "counter": None},
                meta={"newscrawl_counter": True},
                dont_filter=True,
            )
        else:
            yield item

    async def parse_more(
        self, response: Response, item: Article, pending: list[str], counter: str | None
    ) -> AsyncIterator[scrapy.Request | Article]:
        """Page 2..n of an article: append its sections to the item."""
        result = await self._extract(response, normalize=False)
        if result is not None and result.item is not None:
            _add_capture(item, response)
            merge_page(item, result.item)  # its sections are clean: the item stays normalized
            here = page_number_of(item.url, response.url)
            for url in result.page_urls:
                if url not in pending and page_number_of(item.url, url) > here:
                    self._requested.add(url)
                    pending.append(url)
        self._count("article_pages")
        for output in self._complete(item, pending, counter):
            yield output

    def parse_counter(
        self, response: Response, item: Article, pending: list[str], counter: str | None
    ) -> Iterator[Article]:
        """The counter endpoint's answer fills views (each such request adds one on the site)."""
        _add_capture(item, response, "counter")
        if isinstance(response, TextResponse) and apply_counter(item, response.text):
            self._count("counter_fetched")
        else:
            self._count("counter_unreadable")
        yield item

    def on_more_error(self, failure: Failure) -> Iterator[Article]:
        """A later page or the counter failed (or robots.txt forbids it): keep what we have."""
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy on errbacks
        if isinstance(failure.value, IgnoreRequest):
            self._count("counter_blocked" if request.meta.get("newscrawl_counter") else "ignored")
            self.logger.info("not fetched (%s): %s", failure.getErrorMessage(), request.url)
        else:
            self.on_error(failure)
            self._count("partial_article")
        item: Article = request.cb_kwargs["item"]
        yield item
