"""What a harvest already knows: archived article URLs, which are due, when to stop paging.

Loaded once at spider open from the archive (``archive.iter_known_articles``):
the start hosts' article URLs with two timestamps each, streamed and kept
compact, so that a harvest's memory does not grow with the archive's size:

- every known URL as an 8-byte hash in a sorted array (:class:`KnownUrls`),
  sorted in runs and merged, never as a set of Python ints. A site of a
  million archived articles costs a harvest 8 MB, not the ~200 MB a dict of
  URL strings would;
- the URLs due for a revisit as hashes too, and spooled to a temporary file
  (in ``TMPDIR``) in the archive's order (:meth:`Incremental.due_urls`): the
  spider reads them back as Scrapy has room for their requests. With the default
  schedule a weekly harvest finds nearly every old article due; held as
  strings and queued as requests at once, a million of them would take
  gigabytes (measured: 2.2 KB each, ``benchmarks/MEMORY.md``).

The spider asks it, for each article link, whether it is unknown, due or
neither and, for each list page, whether the page brought anything (an
unknown article: due ones are revisited from the archive's list anyway).
Lists run newest first, so after ``stop_after`` list pages in a row that
brought nothing, the rest of that list's chain is old news and its pager is
not followed.

That holds only if the archive has every article the lists showed when its
last run of the site ended: a run killed halfway, or one whose list pages
failed, stored some articles and not the older ones between them, and a
harvest that stopped at the first known page would never fetch those. So
paging stops early only after a run that finished with every list page and
every new article fetched (:func:`gap_reason`); after any other run every
list page is read once more, known articles still skipped, and that run,
finishing, makes the next one fast again.

Pure state, no Scrapy: the spider counts and logs.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import tempfile
import time
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from typing import IO
from urllib.parse import urlsplit

from archive.crawl_history import KnownArticle, RunSummary
from newscrawl.crawl.revisit import Schedule, due

logger = logging.getLogger(__name__)


def _url_hash(url: str) -> int:
    """A signed 64-bit hash of the URL (blake2b): collisions are ~1e-8 at a billion URLs."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


#: Hashes sorted at a time while building :class:`KnownUrls`: sorting goes
#: through Python ints (about 40 bytes each), so only this many exist at once.
SORT_RUN = 1 << 16


def _sorted_unique(values: Iterable[int], run: int = SORT_RUN) -> array[int]:
    """``values`` sorted without repeats, as an array; sorted ``run`` at a time, then merged."""
    runs: list[array[int]] = []
    chunk = array("q")
    for value in values:
        chunk.append(value)
        if len(chunk) >= run:
            runs.append(array("q", sorted(chunk)))
            chunk = array("q")
    if chunk or not runs:
        runs.append(array("q", sorted(chunk)))
    unique = array("q")
    previous: int | None = None
    for value in runs[0] if len(runs) == 1 else heapq.merge(*runs):
        if value != previous:
            unique.append(value)
            previous = value
    return unique


class KnownUrls:
    """A set of URLs kept as a sorted array of 64-bit hashes: 8 bytes each.

    Membership is a binary search; built once, never changed. Building holds
    the hashes twice (16 bytes a URL) and one run of Python ints, whatever
    the number of URLs.
    """

    def __init__(self, urls: Iterable[str] = ()) -> None:
        self._hashes = _sorted_unique(map(_url_hash, urls))

    def __contains__(self, url: object) -> bool:
        if not isinstance(url, str):
            return False
        wanted = _url_hash(url)
        index = bisect_left(self._hashes, wanted)
        return index < len(self._hashes) and self._hashes[index] == wanted

    def __len__(self) -> int:
        return len(self._hashes)

    def __bool__(self) -> bool:
        return bool(self._hashes)

    @property
    def nbytes(self) -> int:
        """Bytes the hashes take (the memory this set costs)."""
        return self._hashes.itemsize * len(self._hashes)


class Incremental:
    """Known articles of one run, the due ones among them, and the list-stop rule.

    ``active`` is False when the archive holds no article of the start hosts
    (a first harvest) or incremental discovery is off: every link is wanted
    and every list followed, as in a full crawl.
    """

    def __init__(
        self,
        known: Mapping[str, KnownArticle] | Iterable[tuple[str, KnownArticle]],
        schedule: Schedule,
        *,
        stop_after: int = 1,
        now: float | None = None,
    ) -> None:
        self.stop_after = max(1, stop_after)
        #: Whether list paging may stop at known articles (see :func:`gap_reason`).
        self.stop_paging = True
        moment = time.time() if now is None else now
        pairs = known.items() if isinstance(known, Mapping) else known
        self._spool: IO[bytes] | None = None

        def urls() -> Iterator[str]:
            for url, (since, fetched) in pairs:
                if due(moment - since, moment - fetched, schedule):
                    self._spool_due(url)
                yield url

        #: Every known URL, compact (see the module docstring).
        self.known = KnownUrls(urls())
        #: The known URLs due for a revisit in this run, compact; :meth:`due_urls` lists them.
        self.due = KnownUrls(self.due_urls())

    @classmethod
    def off(cls) -> Incremental:
        return cls({}, ())

    def _spool_due(self, url: str) -> None:
        if "\n" in url or "\r" in url:
            # One URL a line: an archived URL with a line break (crawled ones never
            # have one; an imported archive might) is not revisited.
            logger.warning("not revisited, a line break in its URL: %r", url)
            return
        if self._spool is None:
            # Open for the whole harvest, closed by close(): no with-block spans that.
            self._spool = tempfile.TemporaryFile(prefix="newscrawl-due-")  # noqa: SIM115
        self._spool.write(url.encode("utf-8") + b"\n")

    @property
    def due_count(self) -> int:
        """How many known URLs are due for a revisit in this run (archived URLs are unique)."""
        return len(self.due)

    def due_urls(self) -> Iterator[str]:
        """The due URLs in the archive's order, read back from disk a block at a time.

        Each call starts from the first; one call may pause while another
        runs (each keeps its own position).
        """
        spool = self._spool
        if spool is None:
            return
        spool.flush()
        position = 0
        while True:
            spool.seek(position)
            lines = spool.readlines(1 << 16)
            if not lines:
                return
            position = spool.tell()
            for line in lines:
                yield line[:-1].decode("utf-8")

    def close(self) -> None:
        """Delete the due list's file (the spider closes it with the crawl)."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    @property
    def active(self) -> bool:
        return bool(self.known)

    def wanted(self, url: str) -> bool:
        """Request this article? Unknown ones and due ones, yes."""
        return url not in self.known or url in self.due

    def brings_something(self, article_urls: Iterable[str]) -> bool:
        """Does a list page with these article links show an unknown article?

        Due articles do not count: the spider revisits every one of them from
        the archive's list, so a list page showing them brings nothing the
        harvest would not fetch anyway, and a weekly harvest (nearly every old
        article due) must still stop paging at known articles.
        """
        return any(url not in self.known for url in article_urls)

    @property
    def pages_early(self) -> bool:
        """Whether list paging may stop at known articles in this run."""
        return self.active and self.stop_paging

    def stops(self, quiet_streak: int) -> bool:
        """After this many list pages in a row that brought nothing, stop paging."""
        return self.pages_early and quiet_streak >= self.stop_after


#: Run stats keys: list pages the run could not fetch (their articles went unseen), and
#: new articles it could not fetch (unknown still, and maybe on a list's later page).
LIST_FAILED = "newscrawl/list_failed"
ARTICLE_FAILED = "newscrawl/article_failed"


def gap_reason(last: RunSummary | None) -> str | None:
    """Why the archive may lack older articles of a site's lists after its ``last`` run
    (None: it finished with every list page read, so paging may stop at known articles).

    No recorded run (articles imported, or stored under another site name) counts
    as a gap too: one harvest that reads every list page costs list pages, never
    articles, and makes sure.
    """
    if last is None:
        return "no earlier run of this site is recorded"
    if last.status != "finished":
        return f"its last run (#{last.id}) is {last.status}"
    for key, what in ((LIST_FAILED, "list page(s)"), (ARTICLE_FAILED, "new article(s)")):
        failed = last.stats.get(key) or 0
        if isinstance(failed, int) and failed > 0:
            return f"{failed} {what} of its last run (#{last.id}) could not be fetched"
    return None


def restrict_to(
    known: Iterable[tuple[str, KnownArticle]], origins: Iterable[str]
) -> Iterator[tuple[str, KnownArticle]]:
    """Only the known articles on these ``host`` or ``host:port`` origins."""
    allowed = {origin.lower() for origin in origins}
    for url, article in known:
        if urlsplit(url).netloc.lower() in allowed:
            yield url, article
