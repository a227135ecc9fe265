"""Compare the archive a benchmark crawl produced with the synthetic site's truth.

A fast crawl that archives wrong values is no result at all, so every run
checks completeness and the fields a reader sees first (title, date, count,
author, number of sections) for every article, reading the archive through
the same ``archive`` library the CLI uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from archive import iter_articles, open_archive
from benchmarks.site import Truth

FIELDS = ("title", "published_at", "views", "author", "sections")


@dataclass
class CheckResult:
    """Counts of archived and correct articles, with a few examples of mismatches."""

    expected: int
    archived: int = 0
    found: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    examples: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.found == self.expected

    @property
    def all_correct(self) -> bool:
        return self.complete and all(n == self.expected for n in self.correct.values())


def _actual(article: dict[str, Any], name: str) -> Any:
    if name == "sections":
        return len(article.get("sections") or [])
    return article.get(name)


def check_archive(archive_url: str, base_url: str, truth: Sequence[Truth]) -> CheckResult:
    """Field-by-field comparison of every expected article with the archived one."""
    opened = open_archive(archive_url, create=False)
    with opened.session() as session:
        archived = {a["url"]: a for a in iter_articles(session)}
    opened.close()
    result = CheckResult(expected=len(truth), archived=len(archived))
    for expected in truth:
        article = archived.get(base_url + expected.path)
        if article is None:
            if len(result.examples) < 5:
                result.examples.append(f"missing: {expected.path}")
            continue
        result.found += 1
        for name in FIELDS:
            want = getattr(expected, name)
            got = _actual(article, name)
            if got == want:
                result.correct[name] += 1
            elif len(result.examples) < 5:
                result.examples.append(f"{expected.path} {name}: {got!r} != {want!r}")
    return result
