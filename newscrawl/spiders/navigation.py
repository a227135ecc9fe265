"""The ``cms`` spider's navigation: which links of a home or list page are followed,
how, and in what order (see :mod:`newscrawl.spiders.cms` for the rules).

:class:`Navigation` is the part of :class:`~newscrawl.spiders.cms.CmsSpider` that
builds requests: the port check on every scheduled request, the list-page callback
:meth:`Navigation.parse`, the link-following that article pages share
(:meth:`Navigation._follow`), and the errback of every request. The article
callbacks are :mod:`newscrawl.spiders.articles`; the state these methods use is set
up by ``CmsSpider.__init__``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.crawl import urls
from newscrawl.crawl.incremental import Incremental
from newscrawl.crawl.roles import Templates
from newscrawl.items import Article, Gone
from newscrawl.pages.extraction import PageExtractor
from newscrawl.pages.listing import Links

#: List pages in a row (each reached through a list link of the one before) that show
#: no article link no list page of the run had shown: the last one's list links are
#: not followed. Bounds link traps such as endless calendars; a list page with an
#: article link not shown before resets the count.
MAX_BARREN_LIST_PAGES = 5

#: Scrapy priority of article candidates (other links have 0): articles are
#: fetched before more list pages, so a crawl yields items early and holds
#: fewer pending requests.
ARTICLE_PRIORITY = 1


def _same_chain(url: str, page: str) -> bool:
    """Is list ``url`` a pager link of list ``page`` (a later page, or page 1 again)?"""
    return urls.page_number(url) > 1 or urls.first_page_url(url) == urls.first_page_url(page)


class Navigation(scrapy.Spider):
    """Following a site's links: requests, their order and bounds, and failed requests."""

    # The crawl state these methods read and update (set up by CmsSpider.__init__).
    allowed_domains: list[str]
    allowed_ports: frozenset[int | None]
    _offsite_ports: set[str]
    _list_signatures: dict[tuple[str, ...], str]
    _requested: set[str]
    _listed: set[str]
    incremental: Incremental
    templates: Templates
    #: Reads every page, lists included: in a worker process when there is one.
    extractor: PageExtractor
    # The article callback, defined by :class:`~newscrawl.spiders.articles.ArticleCallbacks`.
    parse_article: Callable[..., AsyncIterator[scrapy.Request | Article | Gone]]

    def request_scheduled(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Drop a request to a port the start URLs do not use (a link or a redirect).

        Connected to ``request_scheduled``: an ``IgnoreRequest`` raised here keeps
        the request out of the scheduler, as Scrapy's own offsite check does.
        """
        if urls.port_of(request.url) in self.allowed_ports:
            return
        host = urls.host_of(request.url)
        if not any(host == d or host.endswith(f".{d}") for d in self.allowed_domains):
            return  # another host: Scrapy's offsite check drops it
        self._count("offsite_port")
        netloc = urlsplit(request.url).netloc
        if netloc not in self._offsite_ports:  # once per other site, like Scrapy's offsite log
            self._offsite_ports.add(netloc)
            self.logger.info("not followed, another site (port): %s", request.url)
        raise IgnoreRequest(f"another port than the start URLs': {netloc}")

    def request_dropped(self, request: scrapy.Request, spider: scrapy.Spider) -> None:
        """Log and count a redirect the duplicate filter dropped.

        A redirect to a page already requested (a loop, or an alias of a page
        fetched anyway) reaches no callback or errback: without this, the
        redirecting URL would vanish from the log and the stats.
        """
        chain = request.meta.get("redirect_urls")
        if chain:
            self._count("redirect_to_requested")
            self.logger.info(
                "redirect to a page already requested: %s -> %s", chain[0], request.url
            )

    def _count(self, key: str, value: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"newscrawl/{key}", value)

    def _html(self, response: Response) -> tuple[bytes, str | None] | None:
        """An HTML response's body and Content-Type, as the page readers take them; None
        (counted and logged) for anything else."""
        if not isinstance(response, TextResponse):
            self._count("non_html")
            self.logger.warning("not an HTML page, skipped: %s", response.url)
            return None
        content_type = response.headers.get("Content-Type")
        return response.body, content_type.decode("latin-1") if content_type else None

    def _follow(
        self, links: Links, *, page: str | None = None, quiet: int = 0, barren: int = 0
    ) -> Iterator[scrapy.Request]:
        """Requests for links not requested before: article candidates, then the rest.

        Known articles are never requested from here: those due for a revisit
        come from :meth:`start`, the others are skipped (whatever their link
        looks like: a known URL is an article).

        Every article page repeats the site's sidebar and navigation links;
        Scrapy's dupefilter would drop the repeats, but only after building,
        fingerprinting and scheduling each one, which costs more than the page.

        The learned templates (:attr:`templates`) refine the page object's
        hints: a link of an article template is an article candidate, one of a
        list template goes to :meth:`parse`, one of a template that only gave
        pages with nothing is not followed. Article candidates are scheduled at
        :data:`ARTICLE_PRIORITY`; other links go to :meth:`parse` when their
        shape or template says list, else to :meth:`parse_article`, where the
        content decides.

        ``page`` is the list page the links come from and ``quiet`` how many
        list pages in a row of its chain brought nothing: its pager links carry
        that count on, and are dropped once it reaches the stop setting.
        ``barren`` counts list pages in a row without an article link no list
        page had shown before (any list link carries it on): past
        :data:`MAX_BARREN_LIST_PAGES` no list link is followed (a link trap).
        """
        requested = self._requested
        hint = self.templates.hint
        incremental = self.incremental
        stop = page is not None and incremental.stops(quiet)
        stopped = False
        if barren >= MAX_BARREN_LIST_PAGES and any(u not in requested for u in links.listings):
            self._count("list_stop_barren")
            self.logger.info(
                "list links of %s not followed: %d list pages in a row without a new article",
                page,
                barren,
            )
            links = Links(articles=links.articles)
        # Incremental runs page through a list one 下一页 at a time (when the pager
        # has one), so that paging ends right after the first page with nothing new
        # instead of after the whole window of page numbers page 1 links to.
        step_by_step = page is not None and incremental.pages_early and links.next_page is not None
        for url in links.listings:
            if url in requested:
                continue
            role = hint(url)
            if role == "other":
                self._skip_other(url)
                continue
            pager = page is not None and _same_chain(url, page)
            if pager and stop:
                stopped = True
                continue
            if pager and step_by_step and url != links.next_page:
                continue
            requested.add(url)
            if role == "article":
                yield from self._article_request(url)
            elif incremental.active and url in incremental.known:
                self._known(url)  # a known article behind a link that did not look like one
            else:
                yield scrapy.Request(
                    url,
                    callback=(
                        self.parse
                        if role == "list" or urls.looks_like_listing(url)
                        else self.parse_article
                    ),
                    errback=self.on_error,
                    cb_kwargs={"quiet": quiet if pager else 0, "barren": barren},
                )
        if stopped:
            self._count("list_stop_known")
            self.logger.info("list chain of %s: %d page(s) with nothing new, stop", page, quiet)
        for url in links.articles:
            if url in requested:
                continue
            role = hint(url)
            if role == "other":
                self._skip_other(url)
                continue
            requested.add(url)
            if role == "list":
                yield scrapy.Request(
                    url, callback=self.parse, errback=self.on_error, cb_kwargs={"barren": barren}
                )
            else:
                yield from self._article_request(url)

    def _article_request(self, url: str) -> Iterator[scrapy.Request]:
        """The request for an article candidate, unless it is a known article."""
        if url in self.incremental.known:
            self._known(url)
            return
        yield scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            priority=ARTICLE_PRIORITY,
            cb_kwargs={"hint": "article"},
        )

    def _known(self, url: str) -> None:
        """A known article's link: skipped (a due one is requested from ``start()``)."""
        if url not in self.incremental.due:
            self._count("skipped_known")

    def _skip_other(self, url: str) -> None:
        """A link of a template whose pages never held an article or article links."""
        self._requested.add(url)
        self._count("skipped_other_template")

    def _revisit(self, url: str) -> scrapy.Request:
        """A known article's request: 404 and 410 reach ``parse_article`` (it may be gone)."""
        return scrapy.Request(
            url,
            callback=self.parse_article,
            errback=self.on_error,
            meta={"handle_httpstatus_list": [404, 410]},
            cb_kwargs={"hint": "article"},
        )

    async def parse(
        self, response: Response, quiet: int = 0, barren: int = 0, **kwargs: Any
    ) -> AsyncIterator[scrapy.Request]:
        """A home or list page (by its URL shape or learned template): follow its links.

        ``quiet`` is how many pages before this one in its list chain brought
        no unknown and no due article (incremental harvests); ``barren`` how
        many list pages before this one, link after link, showed no article
        link that no list page of this run had shown (any harvest). The page is
        read where article pages are (:meth:`PageExtractor.links`): with a
        worker process, the crawl process parses no page at all.
        """
        page = self._html(response)
        if page is None:
            return
        links = await self.extractor.links(response.url, *page)
        self.templates.record(response.url, "list" if links.articles else "other")
        for request in self._list_page(response.url, links, quiet, barren):
            yield request

    def _list_page(
        self, url: str, links: Links, quiet: int, barren: int
    ) -> Iterator[scrapy.Request]:
        """Follow a list page's links, with the trap, barren and incremental bounds."""
        signature = tuple(links.articles)
        if signature:
            seen_at = self._list_signatures.setdefault(signature, url)
            if seen_at != url:
                # The same articles under another URL: a page number past the end
                # that serves page 1 again. Only pages past 1 are left unfollowed.
                self._count("list_trap")
                self.logger.info("list page %s repeats %s", url, seen_at)
                if urls.page_number(url) > 1:
                    return
        self._count("list_pages")
        if not signature:
            # Harvest health: when no list page shows an article link, the site
            # or its template changed (the harvest fails its health check).
            self._count("list_pages_without_articles")
            self.logger.info("list page without article links: %s", url)
        # Only links this run has not requested yet count: a new article in the
        # sidebar of every list page must not keep every page of every list alive.
        fresh = [u for u in links.articles if u not in self._requested]
        # Against what list pages showed, not what was requested: due articles
        # requested straight from the archive must not make every list look barren.
        listed = self._listed
        barren = 0 if any(u not in listed for u in links.articles) else barren + 1
        listed.update(links.articles)
        if self.incremental.active:
            quiet = 0 if self.incremental.brings_something(fresh) else quiet + 1
        yield from self._follow(links, page=url, quiet=quiet, barren=barren)

    def on_error(self, failure: Failure) -> None:
        """Count and log a failed request once; the crawl goes on.

        A request robots.txt forbids is counted as ``newscrawl/ignored``, not
        as a failure: the harvest's error count is for what went wrong.
        """
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        # Some failures (a body cut short: ResponseDataLossError) carry no message.
        reason = failure.getErrorMessage() or type(failure.value).__name__
        # robots.txt forbids it: policy, no error (an HTTP error status is an IgnoreRequest too).
        if isinstance(failure.value, IgnoreRequest) and not isinstance(failure.value, HttpError):
            self._count("ignored")
            self.logger.info("not fetched (%s): %s", reason, url)
            return
        self._count("request_failed")
        # What this run could not see, the next one must look for again (every list
        # page); a page that answers 404 or 410 is gone, not missed.
        gone = isinstance(failure.value, HttpError) and failure.value.response.status in (404, 410)
        if request is not None and not gone:
            if request.callback == self.parse:
                self._count("list_failed")
            elif request.callback == self.parse_article and (
                urls.canonical_url(request.url) not in self.incremental.known
            ):
                self._count("article_failed")  # a known one waits for its next revisit
        self.logger.warning("request failed (%s): %s", reason, url)
