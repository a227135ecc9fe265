"""The ``cms`` spider: navigation only (which links to follow, which page class reads a page).

Discovery goes through the site's own navigation: the start pages, channel
lists and their pagers, and the article links those pages show (including
the sidebar and prev/next links of articles). Ids are never enumerated.
Extraction is delegated to page objects; the spider holds no selectors.

Page roles come from content (``newscrawl.crawl.roles``): every link the page
objects report is followed, and what a fetched page is (article, list,
other) is decided from what it shows, not from its URL. The URL is a hint
for the route a link takes: links whose shape is a list's
(``urls.looks_like_listing``) or whose template the crawl has learned to be
lists go to :meth:`CmsSpider.parse`, which reads links only; every other link
goes to :meth:`CmsSpider.parse_article`, which extracts and decides. Article
candidates are scheduled before other links. The learned templates steer the
rest of the crawl (a template that only ever gave pages with nothing, e.g.
printer views, stops being followed) and are kept for the next harvest
(``NEWSCRAWL_DISCOVERY_MEMORY``).

Off-site: Scrapy's offsite check compares host names only, so the spider
also drops every request (a link or a redirect) to a port its start URLs do
not use (:meth:`CmsSpider.request_scheduled`): ``127.0.0.1:8001`` is another
site than ``127.0.0.1:8000``. Start URLs on the default ports allow 80 and
443 both (a site moving between http and https).

Traps handled here: the last list page's ``javascript:;`` next link is never
followed (page objects drop non-http links), and a list page past the end
that silently serves page 1 is recognized by its article set and not
followed further. Each article URL is requested once (by its canonical
page-1 URL): on PHPMyWind every fetch adds one to the public counter.
List links are followed only :data:`MAX_BARREN_LIST_PAGES` list pages deep
past the last one that showed an article link no list page of the run had
shown: an endless calendar (``?date=2026-01-01`` linking the next day forever,
each day empty or showing the same articles again) ends there instead of never.

Incremental harvests (``NEWSCRAWL_INCREMENTAL``, on by default once the
archive holds articles of the start hosts): known articles are requested only
when due by the revisit schedule (``NEWSCRAWL_REVISIT``; the due ones are
requested from ``start()``, straight from the archive's list, as Scrapy has
room for them, never from links), and a list chain's
pager is not followed after ``NEWSCRAWL_STOP_AFTER_KNOWN_PAGES`` pages in a
row that brought no unknown article (lists run newest first).
A revisit of a known article that answers 404 or 410, or a soft 404, yields
a :class:`~newscrawl.items.Gone` item: the archive marks the article gone.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newscrawl.capture.middleware import pending_capture
from newscrawl.config import Config
from newscrawl.crawl import urls
from newscrawl.crawl.incremental import Incremental, gap_reason, restrict_to
from newscrawl.crawl.revisit import DEFAULT_SCHEDULE, Schedule, parse_schedule
from newscrawl.crawl.roles import (
    Role,
    Templates,
    headline_like,
    load_templates,
    memory_path,
    save_templates,
)
from newscrawl.items import Article, Gone
from newscrawl.normalize.dates import DEFAULT_TZ
from newscrawl.pages.encoding import DecodedPage, decode_page
from newscrawl.pages.extraction import PageExtractor, PageResult, apply_counter, merge_page
from newscrawl.pages.listing import Links, ListingPage
from newscrawl.pages.pager import page_number_of
from newscrawl.sites import PROFILES, UnknownSite, get_profile
from newscrawl.storage.signals import run_opened


def parse_start_urls(value: str | list[str] | None) -> list[str]:
    """``URL[,URL…]`` -> URLs; each must be an absolute http(s) URL with a host."""
    if value is None:
        return []
    items = value if isinstance(value, list) else value.split(",")
    result: list[str] = []
    for raw in (item.strip() for item in items):
        if not raw:
            continue
        if not urls.is_followable(raw) or not urls.host_of(raw):
            raise ValueError(f"not an http(s) URL: {raw!r}")
        result.append(raw)
    return result


def site_key(site: str | None, start_urls: list[str]) -> str:
    """The profile name, else the start URLs' hosts joined by ``+`` (sorted, unique)."""
    if site:
        return site
    return "+".join(sorted({urls.host_of(u) for u in start_urls}))


#: List pages in a row (each reached through a list link of the one before) that show
#: no article link no list page of the run had shown: the last one's list links are
#: not followed. Bounds link traps such as endless calendars; a list page with an
#: article link not shown before resets the count.
MAX_BARREN_LIST_PAGES = 5

#: Scrapy priority of article candidates (other links have 0): articles are
#: fetched before more list pages, so a crawl yields items early and holds
#: fewer pending requests.
ARTICLE_PRIORITY = 1


def _allowed_ports(start_urls: list[str]) -> frozenset[int | None]:
    """The start URLs' ports; a default port (80 or 443) allows the other one too."""
    ports: set[int | None] = {urls.port_of(u) for u in start_urls}
    if ports & {80, 443}:
        ports |= {80, 443}
    return frozenset(ports)


_HOME_PATHS = re.compile(
    r"/(?:(?:index|default|home)\.(?:php|html?|aspx?|jsp|shtml))?", re.IGNORECASE
)


def _is_home(url: str) -> bool:
    """Is ``url`` a site's home page (``/``, ``/index.php``, ``/default.aspx``, no query)?"""
    parts = urlsplit(url)
    return not parts.query and _HOME_PATHS.fullmatch(parts.path or "/") is not None


def _same_chain(url: str, page: str) -> bool:
    """Is list ``url`` a pager link of list ``page`` (a later page, or page 1 again)?"""
    return urls.page_number(url) > 1 or urls.first_page_url(url) == urls.first_page_url(page)


def _add_capture(item: Article, response: Response, role: str = "page") -> None:
    """Note where this response of the item is captured (when captures are on): the
    capture being written, which the archive pipeline waits for."""
    capture = pending_capture(response, role)
    if capture is not None:
        item.captures.append(capture)


class CmsSpider(scrapy.Spider):
    """Harvest a news CMS site from its start pages into Article items."""

    name = "cms"

    def __init__(
        self,
        start_urls: str | list[str] | None = None,
        site: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        start, profile_hosts = self.check_arguments({"start_urls": start_urls, "site": site})
        self.start_urls = start
        self.site_name = site
        #: The run's site in run records and harvest locks: the profile name, else the hosts.
        self.site_key = site_key(site, start)
        self.allowed_domains = sorted({urls.host_of(u) for u in start} | set(profile_hosts))
        #: Ports requests may go to (see ``request_scheduled``).
        self.allowed_ports = _allowed_ports(start)
        self._offsite_ports: set[str] = set()
        self._list_signatures: dict[tuple[str, ...], str] = {}
        #: Canonical URLs already requested by following links (a set of strings).
        self._requested: set[str] = set()
        #: Article URLs that home and list pages of this run have shown (link-trap bound).
        self._listed: set[str] = set()
        self.fetch_counters = False
        self.tz = DEFAULT_TZ
        self.extractor = PageExtractor(0)
        #: Where known articles are read from (None: no archive, every link is new).
        self.archive_url: str | None = None
        self.incremental_enabled = False
        self.stop_after_known_pages = 1
        self.revisit_schedule: Schedule = parse_schedule(DEFAULT_SCHEDULE)
        #: Seconds between the site's harvests (``NEWSCRAWL_EVERY``; 0: not scheduled).
        self.every = 0.0
        self.incremental = Incremental.off()
        #: This run's record in the archive, once the archive pipeline opened it
        #: (:data:`~newscrawl.storage.signals.run_opened`); None without an archive.
        self.run_id: int | None = None
        #: What this site's URL templates turned out to be (see newscrawl.crawl.roles).
        self.templates = Templates()
        #: Where the templates are kept between harvests (None: not kept).
        self.memory_file: Path | None = None
        self._pin_callbacks()

    def _pin_callbacks(self) -> None:
        """Give each request the same bound method of the generator callbacks.

        Before a generator callback runs, Scrapy parses its source to warn about
        a ``return`` with a value, and caches the answer under a weak reference
        to the bound method. ``self.parse`` makes a new bound method each time,
        so the answer was forgotten whenever the last request holding the
        cached one was gone: 123 parses of ``parse`` (1.1 ms each) in the
        benchmark's 5,000-article crawl. A bound method kept on the spider
        lives as long as it; ``request.callback == self.parse`` and Scrapy's
        request serialization (by method name) work as before. Every public
        generator method is pinned, so a callback added later is too.
        """
        for name, _function in inspect.getmembers(type(self), inspect.isgeneratorfunction):
            if not name.startswith("_"):
                setattr(self, name, getattr(self, name))

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> CmsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.apply_site_settings(crawler)
        config = Config.from_settings(crawler.settings)
        # Off by default: every counter request adds one to the site's public count.
        spider.fetch_counters = config.fetch_counters
        spider.tz = config.tz
        spider.extractor = PageExtractor(config.extract_workers, config.gc_threshold)
        crawler.signals.connect(spider.extractor.close, signal=signals.spider_closed)
        crawler.signals.connect(spider.close_incremental, signal=signals.spider_closed)
        crawler.signals.connect(spider.request_scheduled, signal=signals.request_scheduled)
        crawler.signals.connect(spider.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(spider.keep_run_id, signal=run_opened)
        spider.archive_url = config.archive_url or None
        spider.incremental_enabled = config.incremental
        spider.stop_after_known_pages = config.stop_after_known_pages
        spider.revisit_schedule = config.revisit
        spider.every = config.every
        if spider.archive_url and config.discovery_memory:
            spider.memory_file = memory_path(spider.archive_url, spider.site_key)
            crawler.signals.connect(spider.save_discovery, signal=signals.spider_closed)
        return spider

    def keep_run_id(self, run_id: int) -> None:
        """Keep this run's record id (the archive pipeline opens the record before the
        crawl starts), so that the "last run" read at the start is an earlier one."""
        self.run_id = run_id

    def apply_site_settings(self, crawler: Crawler) -> None:
        """``-a site=NAME``: the registry entry's settings (time zone, politeness,
        counters, its ``settings`` table) for this crawl, as ``newscrawl harvest
        --site NAME`` applies them. Below the command line: ``-s`` still wins.

        Scrapy lets ``from_crawler`` change settings until the crawl builds its
        components from them; a Scrapy that froze them already gets a warning.
        """
        if not self.site_name:
            return
        try:
            wanted = get_profile(self.site_name).settings
        except UnknownSite:  # named by start URLs too: a built-in name only
            return
        if not wanted:
            return
        if crawler.settings.frozen:
            self.logger.warning(
                "the settings of site %s are not applied: this Scrapy froze the settings "
                "before the spider was made; use newscrawl harvest --site %s",
                self.site_name,
                self.site_name,
            )
            return
        crawler.settings.setdict(dict(wanted), priority="spider")

    def save_discovery(self) -> None:
        """Keep the learned URL templates for the site's next harvest."""
        if self.memory_file is not None:
            save_templates(self.memory_file, self.templates)

    @classmethod
    def check_arguments(cls, args: dict[str, Any]) -> tuple[list[str], tuple[str, ...]]:
        """Validate ``-a`` arguments; raises ``ValueError`` with a one-line message."""
        start = parse_start_urls(args.get("start_urls"))
        hosts: tuple[str, ...] = ()
        site = args.get("site")
        if site and not start:
            profile = get_profile(str(site))
            start = list(profile.start_urls)
            hosts = profile.extra_hosts
        elif site and str(site) in PROFILES:
            hosts = PROFILES[str(site)].extra_hosts
        if not start:
            raise ValueError("give -a start_urls=URL[,URL...] or -a site=NAME")
        return start, hosts

    def _load_known(self) -> Incremental:
        """The start hosts' archived articles (one query), or an inactive state."""
        if not self.incremental_enabled or not self.archive_url:
            return Incremental.off()
        from archive import ArchiveError, iter_known_articles, open_archive, previous_runs

        try:
            opened = open_archive(self.archive_url)
        except ArchiveError as exc:
            self.logger.warning("incremental discovery off: %s", exc)
            return Incremental.off()
        origins = {urlsplit(u).netloc for u in self.start_urls} | set(self.allowed_domains)
        try:
            with opened.session() as session:
                known = iter_known_articles(session, sites=self.allowed_domains)
                state = Incremental(
                    restrict_to(known, origins),
                    self.revisit_schedule,
                    stop_after=self.stop_after_known_pages,
                )
                # This run's own record (the archive pipeline opened it) is not "last".
                last = previous_runs(
                    session,
                    site=self.site_key,
                    spider=self.name,
                    before_id=self.run_id,
                    status=None,
                    limit=1,
                )
                gap = gap_reason(last[0] if last else None) if state.active else None
        finally:
            opened.close()
        if state.active:
            self.logger.info(
                "incremental: %d known articles, %d due for a revisit",
                len(state.known),
                state.due_count,
            )
        if gap is not None:
            state.stop_paging = False
            self._count("list_walk_whole")
            self.logger.info(
                "incremental: every list page is read this time (%s); known articles are "
                "still skipped",
                gap,
            )
        return state

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for key in ("revisited", "skipped_known", "list_stop_known"):
            self._count(key, 0)  # present in every run record, also when 0
        if self.crawler.stats is not None:
            # For ``newsarchive sites``: where the site's articles live, how often it is due.
            self.crawler.stats.set_value("newscrawl/hosts", ",".join(self.allowed_domains))
            if self.every > 0:
                self.crawler.stats.set_value("newscrawl/every", self.every)
        self.incremental = self._load_known()
        if self.memory_file is not None:
            self.templates = load_templates(self.memory_file)
            if self.templates.counts:
                self.logger.info(
                    "discovery: %d URL templates known from earlier harvests",
                    len(self.templates.counts),
                )
        for url in self.start_urls:
            self._requested.add(urls.canonical_url(url))
            if _is_home(url) or urls.looks_like_listing(url):
                yield scrapy.Request(url, callback=self.parse, errback=self.on_error)
            else:
                # Any other start page may be an article of a shape no list names
                # (newsshow.php?cid=4&id=55): its content decides.
                hint: Role | None = "article" if urls.looks_like_article(url) else None
                yield scrapy.Request(
                    url,
                    callback=self.parse_article,
                    errback=self.on_error,
                    cb_kwargs={"hint": hint},
                )
        # Due articles straight from the archive's list (known URLs, never enumerated
        # ids), read back from disk as Scrapy has room: Scrapy drains start() into
        # its scheduler as fast as it yields, so a weekly harvest of a big archive
        # would otherwise hold every revisit's Request at once. Once the downloader
        # is full they wait until the scheduler is empty, so discovery goes first.
        # They come only from here: links to due articles are left to this loop
        # (see _follow), so no set of them is kept.
        starts = {urls.canonical_url(url) for url in self.start_urls}
        engine = self.crawler.engine
        for url in self.incremental.due_urls():
            if url in starts:
                continue  # requested above already
            while engine is not None and engine.needs_backout():
                await self.crawler.signals.wait_for(signals.scheduler_empty)
            try:
                request = self._revisit(url)
            except ValueError as exc:  # a URL Scrapy refuses must not end start()
                self.logger.warning("not revisited, %s: %r", exc, url)
                continue
            self._count("revisited")
            yield request

    # -- navigation --------------------------------------------------------

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

    def close_incremental(self) -> None:
        """Delete the run's list of due articles (a temporary file)."""
        self.incremental.close()

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

    def _decoded(self, response: Response) -> DecodedPage | None:
        """The page decoded (None if it is not HTML); a Content-Type charset that fails on
        the bytes yields to the page's own."""
        if isinstance(response, TextResponse):
            content_type = response.headers.get("Content-Type")
            return decode_page(
                response.body, content_type.decode("latin-1") if content_type else None
            )
        self._count("non_html")
        self.logger.warning("not an HTML page, skipped: %s", response.url)
        return None

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

    def parse(
        self, response: Response, quiet: int = 0, barren: int = 0, **kwargs: Any
    ) -> Iterator[scrapy.Request]:
        """A home or list page (by its URL shape or learned template): follow its links.

        ``quiet`` is how many pages before this one in its list chain brought
        no unknown and no due article (incremental harvests); ``barren`` how
        many list pages before this one, link after link, showed no article
        link that no list page of this run had shown (any harvest).
        """
        decoded = self._decoded(response)
        if decoded is None:
            return
        links = ListingPage(response.url, decoded.text, utf8=decoded.utf8).links()
        self.templates.record(response.url, "list" if links.articles else "other")
        yield from self._list_page(response.url, links, quiet, barren)

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

    # -- articles ----------------------------------------------------------

    @staticmethod
    def _now() -> str:
        return datetime.now(UTC).isoformat(timespec="seconds")

    async def _extract(self, response: Response, *, normalize: bool) -> PageResult | None:
        if not isinstance(response, TextResponse):
            self._count("non_html")
            self.logger.warning("not an HTML page, skipped: %s", response.url)
            return None
        content_type = response.headers.get("Content-Type")
        return await self.extractor.extract(
            response.url,
            response.body,
            content_type.decode("latin-1") if content_type else None,
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
            merge_page(item, result.item)  # raw sections: the pipeline cleans them
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
