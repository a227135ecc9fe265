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

The spider is one class over three modules, each a responsibility: here
:class:`CmsSpider` (its arguments, the site's settings, its setup from the
crawler's settings, and ``start()``), on top of
:class:`~newscrawl.spiders.articles.ArticleCallbacks` (article pages, their
further pages and counters), on top of
:class:`~newscrawl.spiders.navigation.Navigation` (list pages, following links,
failed requests).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler

from newscrawl.config import Config
from newscrawl.crawl import urls
from newscrawl.crawl.incremental import Incremental, gap_reason, restrict_to
from newscrawl.crawl.revisit import DEFAULT_SCHEDULE, Schedule, parse_schedule
from newscrawl.crawl.roles import (
    Role,
    Templates,
    load_templates,
    memory_path,
    save_templates,
)
from newscrawl.normalize.dates import DEFAULT_TZ
from newscrawl.pages.extraction import PageExtractor
from newscrawl.sites import PROFILES, UnknownSite, get_profile
from newscrawl.spiders.articles import ArticleCallbacks
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


class CmsSpider(ArticleCallbacks):
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
        to the bound method. ``self.parse_counter`` makes a new bound method each time,
        so the answer was forgotten whenever the last request holding the
        cached one was gone, and the source parsed again (the count and cost
        are in ``benchmarks/TUNING.md``). A bound method kept on the spider
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
        # Workers start with the engine: they come up while the archive opens and the
        # first pages download, which are read here meanwhile (PageExtractor.start).
        crawler.signals.connect(spider.extractor.start, signal=signals.engine_started)
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

    def close_incremental(self) -> None:
        """Delete the run's list of due articles (a temporary file)."""
        self.incremental.close()
