"""When a known article is due again (the revisit schedule), and the known and due URLs the
incremental state keeps on disk, without a harvest.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from archive._display import sparkline
from archive.crawl_history import KnownArticle
from newscrawl.crawl import incremental as incremental_module
from newscrawl.crawl.incremental import Incremental, KnownUrls, restrict_to
from newscrawl.crawl.revisit import DEFAULT_SCHEDULE, Rule, due, parse_duration, parse_schedule

HOUR, DAY = 3600.0, 86400.0


# -- the schedule ---------------------------------------------------------------

DEFAULT = parse_schedule(DEFAULT_SCHEDULE)


@pytest.mark.parametrize(
    ("age", "since_fetch", "expected"),
    [
        (0, 0, True),  # younger than a day: every run
        (23 * HOUR, 1, True),
        (1 * DAY, 5 * HOUR, False),  # a day to a week: every 6 h
        (1 * DAY, 6 * HOUR, True),
        (6 * DAY, 7 * HOUR, True),
        (7 * DAY, 23 * HOUR, False),  # a week to 30 days: daily
        (29 * DAY, 1 * DAY, True),
        (30 * DAY, 6 * DAY, False),  # older: weekly
        (400 * DAY, 7 * DAY, True),
        (400 * DAY, 60, False),
        (-5 * DAY, 0, True),  # a date in the future counts as the youngest
    ],
)
def test_due_on_the_default_schedule(age: float, since_fetch: float, expected: bool) -> None:
    assert due(age, since_fetch, DEFAULT) is expected


def test_schedule_parsing() -> None:
    assert (
        Rule(DAY, 0.0),
        Rule(7 * DAY, 6 * HOUR),
        Rule(30 * DAY, DAY),
        Rule(math.inf, 7 * DAY),
    ) == DEFAULT
    assert parse_schedule(" *=0 ") == (Rule(math.inf, 0.0),)
    assert parse_schedule("2w=90m") == (Rule(14 * DAY, 5400.0),)
    # Without "*", articles older than every rule are never due.
    assert due(15 * DAY, 365 * DAY, parse_schedule("2w=90m")) is False
    assert parse_duration("45s") == 45.0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "empty"),
        ("1d", "is not AGE=INTERVAL"),
        ("1d=0,banana=1h", "not a duration: 'banana'"),
        ("1d=5", "not a duration: '5'"),
        ("7d=1h,1d=0", "ages must grow"),
        ("*=7d,1d=0", "'*' must be the last rule"),
        ("0=1h", "an age must be more than 0"),
        ("1x=1h", "not a duration"),
    ],
)
def test_bad_schedule_is_one_clear_line(value: str, message: str) -> None:
    with pytest.raises(ValueError, match="bad NEWSCRAWL_REVISIT") as caught:
        parse_schedule(value)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_incremental_state_wants_unknown_and_due_links() -> None:
    now = 1_000_000_000.0
    known = {
        "http://s/new-ish": KnownArticle(now - HOUR, now - 60),  # a day old at most: due
        "http://s/old": KnownArticle(now - 90 * DAY, now - HOUR),  # weekly: not due
    }
    state = Incremental(known, DEFAULT, stop_after=2, now=now)
    assert state.active
    assert list(state.due_urls()) == ["http://s/new-ish"] and state.due_count == 1
    assert "http://s/new-ish" in state.due and "http://s/old" not in state.due
    assert state.wanted("http://s/unknown") and state.wanted("http://s/new-ish")
    assert not state.wanted("http://s/old")
    assert not state.brings_something(["http://s/old"])
    # Due ones are revisited from the archive's list: they keep no list paging.
    assert not state.brings_something(["http://s/old", "http://s/new-ish"])
    assert state.brings_something(["http://s/old", "http://s/unknown"])
    assert not state.stops(1) and state.stops(2)
    off = Incremental.off()
    assert not off.active and not off.stops(5) and off.wanted("http://s/old")


def test_sparkline() -> None:
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([5, None, 5]) == "▁ ▁"
    assert sparkline([0, 100]) == "▁█"
    assert sparkline([None]) == " "


def test_known_urls_take_eight_bytes_each_and_stream_in() -> None:
    """A harvest of a big site holds hashes, not URL strings: memory that grows
    8 bytes per archived article; the due URLs wait on disk."""
    now = 1_000_000_000.0
    count = 50_000

    def stream() -> Any:
        for number in range(count):
            age = HOUR if number % 1000 == 0 else 90 * DAY  # one in a thousand is due
            yield f"http://s/show.php?id={number}", KnownArticle(now - age, now - HOUR)
        yield "http://elsewhere/show.php?id=1", KnownArticle(now - HOUR, now - HOUR)

    state = Incremental(restrict_to(stream(), {"s"}), DEFAULT, now=now)
    assert len(state.known) == count and state.known.nbytes == 8 * count
    due = [f"http://s/show.php?id={n}" for n in range(0, count, 1000)]
    assert list(state.due_urls()) == due and state.due_count == len(due)
    assert len(state.due) == len(due) and all(url in state.due for url in due)
    assert all(f"http://s/show.php?id={n}" in state.known for n in range(count))
    assert "http://elsewhere/show.php?id=1" not in state.known
    assert not any(f"http://s/show.php?id={n}" in state.known for n in range(count, count + 5000))
    assert not state.wanted("http://s/show.php?id=1") and state.wanted("http://s/show.php?id=1000")


def test_known_urls_sorted_in_runs_match_one_sort() -> None:
    """Built from many sort runs (merged, repeats dropped), the set is the same."""
    urls = [f"http://s/show.php?id={n % 700}" for n in range(2_000)]  # each URL ~3 times
    whole = KnownUrls(urls)
    runs = incremental_module._sorted_unique(map(incremental_module._url_hash, urls), run=64)
    assert len(whole) == 700
    assert list(runs) == sorted({incremental_module._url_hash(u) for u in urls})
    assert list(runs) == list(whole._hashes)
    assert len(KnownUrls()) == 0 and not KnownUrls()


def test_a_due_url_with_a_line_break_is_left_out_not_split() -> None:
    """The due list holds one URL a line: one with a line break (never crawled so,
    an imported archive might hold one) is skipped, not read back as two."""
    now = 1_000_000_000.0
    due_now = KnownArticle(now - HOUR, now - HOUR)
    state = Incremental({"http://s/a\nb": due_now, "http://s/c": due_now}, DEFAULT, now=now)
    assert list(state.due_urls()) == ["http://s/c"] and state.due_count == 1
    assert "http://s/c" in state.due and "http://s/a" not in state.due


def test_due_urls_are_read_back_from_disk_independently() -> None:
    """Two readers of the due list each keep their place; close deletes the file."""
    now = 1_000_000_000.0
    known = {f"http://s/{n}": KnownArticle(now - HOUR, now - HOUR) for n in range(30_000)}
    state = Incremental(known, DEFAULT, now=now)
    assert state.due_count == 30_000
    first, second = state.due_urls(), state.due_urls()
    assert next(first) == "http://s/0" and next(second) == "http://s/0"
    assert list(first)[-1] == "http://s/29999"
    assert next(second) == "http://s/1"
    state.close()
    assert list(state.due_urls()) == []
    assert list(Incremental.off().due_urls()) == [] and Incremental.off().due_count == 0
