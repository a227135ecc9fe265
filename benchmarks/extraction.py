"""Extraction accuracy on our golden fixtures and speed against the lxml parse floor.

    python -m benchmarks.extraction [--fixtures tests/fixtures] [--repeat 20] [--out FILE]

Accuracy is measured per field the way issue 3 states its targets: title
exact; publication date to the day, and to the minute where the page shows a
time; author exact, plus how often an author is invented on pages that have
none; body token F1 (CJK characters and Latin words are tokens); views exact;
sidebar links found (recall and precision by URL). Speed is the page object
(parse + every field) and the normalizer, each as a multiple of parsing the
same page with ``lxml.html.fromstring`` alone, measured in the same run.

These are our own fixtures: the extractor was developed against them, so
they show it works on the families we wrote; they are not a held-out score.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lxml.html

from newscrawl.items import PageArticle
from newscrawl.normalize.article import normalize_article
from newscrawl.pages import ArticlePage
from newscrawl.pages.encoding import decode_html

_TOKEN = re.compile(r"[\u3400-\u9fff]|[A-Za-z]+|\d+")


@dataclass
class Case:
    """One fixture page: its bytes decoded, where it came from, what it must give."""

    name: str
    url: str
    html: str
    fetched_at: str
    expected: dict[str, Any]


@dataclass
class Tally:
    """Hits over attempts for one measure."""

    hits: float = 0.0
    total: int = 0

    def add(self, hit: float) -> None:
        self.hits += hit
        self.total += 1

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0


@dataclass
class Accuracy:
    """Every measure of issue 3, plus the cases that missed each one."""

    tallies: dict[str, Tally] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)

    def add(self, measure: str, hit: float, case: str) -> None:
        self.tallies.setdefault(measure, Tally()).add(hit)
        if hit < 1.0:
            self.misses.setdefault(measure, []).append(case)


def load_cases(folder: Path) -> list[Case]:
    """Every fixture with an expected article (not-article fixtures are skipped)."""
    cases = []
    for expected_file in sorted(folder.glob("*/*/expected.json")):
        expected = json.loads(expected_file.read_text())
        if expected.get("not_article"):
            continue
        meta = json.loads((expected_file.parent / "meta.json").read_text())
        body = (expected_file.parent / "page.html").read_bytes()
        html, _ = decode_html(body, meta.get("content_type"))
        name = f"{expected_file.parent.parent.name}/{expected_file.parent.name}"
        cases.append(Case(name, meta["url"], html, meta["fetched_at"], expected))
    return cases


def extract(case: Case) -> PageArticle | None:
    page = ArticlePage(case.url, case.html, fetched_at=case.fetched_at)
    return page.to_item()


def token_f1(expected: str, got: str) -> float:
    """F1 over the multisets of tokens (CJK characters, Latin words, numbers)."""
    want, have = Counter(_TOKEN.findall(expected)), Counter(_TOKEN.findall(got))
    if not want and not have:
        return 1.0
    common = sum((want & have).values())
    if not common:
        return 0.0
    precision, recall = common / sum(have.values()), common / sum(want.values())
    return 2 * precision * recall / (precision + recall)


def score(cases: list[Case]) -> Accuracy:
    """Field accuracy of the extractor and normalizer over ``cases``."""
    accuracy = Accuracy()
    for case in cases:
        want = case.expected
        raw = extract(case)
        got = normalize_article(raw).to_dict() if raw else {}
        add = accuracy.add
        add("title exact", float(got.get("title") == want["title"]), case.name)
        if want["published_at"]:
            day = (got.get("published_at") or "")[:10] == want["published_at"][:10]
            add("date to the day", float(day), case.name)
            # A page "shows a time" when its expected value is not a bare day.
            if not want["published_at"].endswith("T00:00:00+08:00"):
                minute = (got.get("published_at") or "")[:16] == want["published_at"][:16]
                add("date to the minute", float(minute), case.name)
        if want["author"]:
            add("author exact", float(got.get("author") == want["author"]), case.name)
        else:
            add("author not invented", float(not got.get("author")), case.name)
        add("source exact", float(got.get("source") == want["source"]), case.name)
        add("views exact", float(got.get("views") == want["views"]), case.name)
        add("views_source", float(got.get("views_source") == want["views_source"]), case.name)
        add("body token F1", token_f1(want["body"], got.get("body") or ""), case.name)
        add("sections exact", float(got.get("sections") == want["sections"]), case.name)
        want_links = {link["url"] for link in want["sidebar"]}
        got_links = {link["url"] for link in got.get("sidebar") or []}
        if want_links:
            add("sidebar recall", len(want_links & got_links) / len(want_links), case.name)
        if got_links:
            add("sidebar precision", len(want_links & got_links) / len(got_links), case.name)
    return accuracy


def _seconds(func: Callable[[], object]) -> float:
    """CPU seconds of ``func``: time the process spent waiting for a busy CPU does not count."""
    started = time.process_time()
    func()
    return time.process_time() - started


def speed(cases: list[Case], repeat: int) -> dict[str, float]:
    """Seconds per page: lxml parse, page object, normalizer (best of ``repeat`` rounds).

    Each round times the three in turn, in CPU time, so that other work on
    the machine slows all three alike (or not at all) and their ratios stay
    steady from run to run.
    """
    raws = [r for r in (extract(case) for case in cases) if r is not None]
    stages: dict[str, Callable[[], object]] = {
        "parse": lambda: [lxml.html.fromstring(c.html) for c in cases],
        "extract": lambda: [extract(c) for c in cases],
        "normalize": lambda: [normalize_article(r) for r in raws],
    }
    best = dict.fromkeys(stages, float("inf"))
    for _ in range(repeat):
        for name, func in stages.items():
            best[name] = min(best[name], _seconds(func))
    count = len(cases)
    return {name: seconds / count for name, seconds in best.items()}


def report(cases: list[Case], accuracy: Accuracy, times: dict[str, float]) -> str:
    """The figures as a markdown table, with the cases that missed."""
    families = sorted({case.name.split("/")[0] for case in cases})
    lines = [
        (
            f"Extraction on {len(cases)} fixture pages of {len(families)} families "
            f"({', '.join(families)})."
        ),
        "",
        "| measure | value | pages |",
        "|---|---|---|",
    ]
    for measure, tally in accuracy.tallies.items():
        lines.append(f"| {measure} | {tally.rate:.1%} | {tally.total} |")
    floor = times["parse"]
    lines += [
        f"| lxml parse (floor) | {floor * 1000:.2f} ms/page | {len(cases)} |",
        (
            f"| page object (all fields) | {times['extract'] * 1000:.2f} ms/page, "
            f"{times['extract'] / floor:.1f}x the floor | {len(cases)} |"
        ),
        (
            f"| normalization | {times['normalize'] * 1000:.2f} ms/page, "
            f"{times['normalize'] / times['extract']:.0%} of extraction | {len(cases)} |"
        ),
    ]
    misses = [f"- {m}: {', '.join(names)}" for m, names in accuracy.misses.items()]
    if misses:
        lines += ["", "Misses:", *misses]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=Path("tests/fixtures"))
    parser.add_argument("--repeat", type=int, default=20, help="rounds; the best counts")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    cases = load_cases(args.fixtures)
    if not cases:
        print(f"no fixtures under {args.fixtures}", file=sys.stderr)
        return 1
    text = report(cases, score(cases), speed(cases, args.repeat))
    print(text, end="")
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
