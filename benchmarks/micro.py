"""In-process costs per page: parse floor, extraction, normalization, storage.

The crawl figures say how fast the whole system is; these say where the time
goes inside one worker. ``lxml.html.fromstring`` is the floor any extractor
pays, so extraction is reported as a multiple of it; normalization as a share
of extraction; storage as articles per second through ``archive.store_articles``
with real Article dicts (sections, sidebar links and one observation each).
Every timing is the best of ``repeat`` passes over the same sample, which
discounts one-off noise (GC, page cache) without hiding steady costs. They
run with the garbage collector's young threshold the crawl's processes use
(:data:`newscrawl.runtime.gc_tuning.DEFAULT_THRESHOLD`), as the extraction workers
and the archive writer run these very functions.
"""

from __future__ import annotations

import copy
import gc
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html

from archive import WalCheckpointer, index_pending, open_archive, store_articles
from benchmarks.site import SiteBundle
from newscrawl.items import Article, PageArticle
from newscrawl.normalize.article import normalize_article
from newscrawl.normalize.dates import DEFAULT_TZ
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.extraction import extract_page
from newscrawl.runtime.gc_tuning import DEFAULT_THRESHOLD, set_young_threshold

FETCHED_AT = "2026-01-21T00:00:00+00:00"
TZ = DEFAULT_TZ
STORE_BATCH = 500


@dataclass(frozen=True)
class MicroResult:
    """Mean seconds per page of each stage, and the storage rate."""

    sample: int
    repeat: int
    parse: float
    extract: float
    links: float  # extract_page: everything the spider does with an article page
    normalize: float
    store_articles: int
    store_seconds: float
    index_seconds: float  # the full-text index catching up with the stored articles

    @property
    def store_rate(self) -> float:
        return self.store_articles / self.store_seconds if self.store_seconds else 0.0

    @property
    def index_rate(self) -> float:
        return self.store_articles / self.index_seconds if self.index_seconds else 0.0


def _best_per_item(
    stages: dict[str, tuple[Callable[[Any], object], Sequence[Any]]], repeat: int
) -> dict[str, float]:
    """Best-of-``repeat`` mean seconds per item of each stage's function over its items.

    Each round times every stage in turn, in CPU time (waiting for a CPU
    busy with other work does not count), so that their ratios (extraction
    over parse) stay steady from run to run.
    """
    best = dict.fromkeys(stages, float("inf"))
    for _ in range(repeat):
        for name, (func, items) in stages.items():
            started = time.process_time()
            for item in items:
                func(item)
            best[name] = min(best[name], time.process_time() - started)
    return {name: best[name] / len(items) for name, (_, items) in stages.items()}


def sample_pages(bundle: SiteBundle, base_url: str, size: int) -> list[tuple[str, str]]:
    """``size`` article pages spread evenly over the site, as (URL, decoded HTML)."""
    paths = bundle.article_paths
    step = max(1, len(paths) // max(1, size))
    chosen = paths[::step][:size]
    return [(base_url + p, bundle.body(p).decode("utf-8")) for p in chosen]


def _extract(page: tuple[str, str]) -> PageArticle | None:
    url, html = page
    return ArticlePage(url, html, fetched_at=FETCHED_AT).to_item()


def _storage_items(normalized: Sequence[Article], count: int) -> list[dict[str, Any]]:
    """``count`` distinct Article dicts cloned from the sample (new URL and CMS id each)."""
    items: list[dict[str, Any]] = []
    for index in range(count):
        item = copy.deepcopy(normalized[index % len(normalized)].to_dict())
        item["cms_id"] = str(100000 + index)
        item["url"] = f"http://bench.invalid/show.php?cid={item['channel']}&id={item['cms_id']}"
        item["site"] = "bench.invalid"
        items.append(item)
    return items


def time_storage(items: Sequence[dict[str, Any]], directory: Path) -> tuple[float, float]:
    """Seconds to store ``items`` in batches of :data:`STORE_BATCH` into a fresh SQLite
    file, and then seconds for the full-text index to catch up with them (batch by
    batch, as the pipeline does after each stored batch).

    As in the pipeline, a :class:`WalCheckpointer` copies the write-ahead log back
    into the file on a thread, alongside the indexing and the next batch: its time
    is not counted as the writer's own (the crawls' machine CPU per page counts it)."""
    opened = open_archive(f"sqlite:///{directory / 'store-bench.sqlite'}")
    checkpointer = WalCheckpointer.start(opened.engine)
    try:
        stored = indexed = 0.0
        for start in range(0, len(items), STORE_BATCH):
            started = time.perf_counter()
            with opened.begin() as session:
                store_articles(session, items[start : start + STORE_BATCH])
            stored += time.perf_counter() - started
            started = time.perf_counter()
            with opened.begin() as session:
                index_pending(session)
            indexed += time.perf_counter() - started
        return stored, indexed
    finally:
        if checkpointer is not None:
            checkpointer.close()
        opened.close()


def run_micro(
    bundle: SiteBundle, base_url: str, *, sample: int, repeat: int, store_count: int
) -> MicroResult:
    """Time each stage over ``sample`` pages; store ``store_count`` articles."""
    before = set_young_threshold(DEFAULT_THRESHOLD)
    try:
        return _run_micro(bundle, base_url, sample=sample, repeat=repeat, store_count=store_count)
    finally:
        gc.set_threshold(*before)


def _run_micro(
    bundle: SiteBundle, base_url: str, *, sample: int, repeat: int, store_count: int
) -> MicroResult:
    pages = sample_pages(bundle, base_url, sample)
    encoded = [(url, html.encode("utf-8")) for url, html in pages]
    raw = [item for item in (_extract(page) for page in pages) if item is not None]
    if len(raw) != len(pages):
        raise RuntimeError(f"extraction found {len(raw)} articles in {len(pages)} pages")
    best = _best_per_item(
        {
            "parse": (lambda page: lxml.html.fromstring(page[1]), pages),
            "extract": (_extract, pages),
            "links": (
                lambda page: extract_page(
                    page[0], page[1], "text/html; charset=utf-8", FETCHED_AT, TZ
                ),
                encoded,
            ),
            "normalize": (normalize_article, raw),
        },
        repeat,
    )
    normalized = [normalize_article(item) for item in raw]
    items = _storage_items(normalized, store_count)
    store_seconds = index_seconds = float("inf")
    for _ in range(repeat):  # best of ``repeat``, each into a fresh archive
        with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as tmp:
            stored, indexed = time_storage(items, Path(tmp))
        store_seconds, index_seconds = min(store_seconds, stored), min(index_seconds, indexed)
    return MicroResult(
        sample=len(pages),
        repeat=repeat,
        parse=best["parse"],
        extract=best["extract"],
        links=best["links"],
        normalize=best["normalize"],
        store_articles=len(items),
        store_seconds=store_seconds,
        index_seconds=index_seconds,
    )
