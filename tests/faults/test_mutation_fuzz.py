"""A seeded mutation fuzz of the page objects over every fixture page.

Each saved page in ``tests/fixtures`` is damaged the ways the web damages
pages: cut off at a random byte, tags deleted or duplicated, bytes
overwritten, the charset declaration changed or the bytes re-encoded under a
wrong one, several of these at once. Every mutant goes through the crawl's
own path, :func:`newscrawl.pages.extraction.extract_page` (bytes and Content-Type
in: decode, page object, links, normalizer), and must give an Article or a
clear "not an article" (``item`` None), never an exception.

The mutants are reproducible: each page's random generator is seeded from
the page's path, so a failure names the page and the mutant's number.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from newscrawl.items import Article
from newscrawl.pages.extraction import PageResult, extract_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = sorted(FIXTURES.glob("*/*/page.html"))
MUTANTS_PER_PAGE = 60
TZ = "Asia/Shanghai"

_TAG = re.compile(rb"<[A-Za-z/!][^<>]{0,200}>")
_CHARSET = re.compile(rb"charset\s*=\s*[\"']?[A-Za-z0-9_-]+", re.IGNORECASE)
CHARSETS = [b"utf-8", b"gb2312", b"gbk", b"big5", b"iso-8859-1", b"utf-16", b"x-no-such", b""]
CONTENT_TYPES = [
    None, "text/html", "text/html; charset=utf-8", "text/html; charset=gbk",
    "text/html; charset=big5", "text/html; charset=x-no-such", "application/octet-stream",
]  # fmt: skip


def _truncate(body: bytes, rng: random.Random) -> bytes:
    return body[: rng.randrange(len(body) + 1)]


def _delete_tags(body: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG.finditer(body))
    for match in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 40))),
                        key=lambda m: m.start(), reverse=True):  # fmt: skip
        body = body[: match.start()] + body[match.end() :]
    return body


def _duplicate_tags(body: bytes, rng: random.Random) -> bytes:
    tags = list(_TAG.finditer(body))
    for match in sorted(rng.sample(tags, min(len(tags), rng.randint(1, 40))),
                        key=lambda m: m.start(), reverse=True):  # fmt: skip
        body = body[: match.end()] + match.group(0) * rng.randint(1, 50) + body[match.end() :]
    return body


def _damage_bytes(body: bytes, rng: random.Random) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, max(1, len(data) // 50))):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def _swap_charset(body: bytes, rng: random.Random) -> bytes:
    """Declare another charset than the bytes are in (or none at all)."""
    if _CHARSET.search(body):
        return _CHARSET.sub(b"charset=" + rng.choice(CHARSETS), body)
    return b'<meta charset="' + rng.choice(CHARSETS) + b'">' + body


def _reencode(body: bytes, rng: random.Random) -> bytes:
    """Mojibake: the text decoded under one charset, then encoded under another."""
    text = body.decode(rng.choice(["utf-8", "gb18030", "latin-1"]), errors="replace")
    return text.encode(rng.choice(["utf-8", "gb18030", "big5", "utf-16", "latin-1"]), "replace")


def _splice(body: bytes, rng: random.Random) -> bytes:
    """A chunk of the page cut out and pasted elsewhere (a proxy mixing up blocks)."""
    if len(body) < 2:
        return body
    start = rng.randrange(len(body))
    chunk = body[start : start + rng.randint(1, 4000)]
    at = rng.randrange(len(body))
    return body[:at] + chunk + body[at:]


MUTATIONS = [_truncate, _delete_tags, _duplicate_tags, _damage_bytes, _swap_charset, _reencode,
             _splice]  # fmt: skip


def mutants(page: Path) -> list[tuple[str, bytes, str | None]]:
    """(description, body, content type) for each mutant of ``page``, seeded by its path."""
    rng = random.Random(str(page.relative_to(FIXTURES)))
    original = page.read_bytes()
    found = []
    for number in range(MUTANTS_PER_PAGE):
        body = original
        steps = [rng.choice(MUTATIONS) for _ in range(rng.randint(1, 3))]
        for step in steps:
            body = step(body, rng)
        content_type = rng.choice(CONTENT_TYPES)
        names = "+".join(step.__name__.strip("_") for step in steps)
        found.append((f"#{number} {names} as {content_type}", body, content_type))
    return found


def check(result: PageResult) -> None:
    """An Article that keeps the contract, or not an article (None)."""
    assert isinstance(result, PageResult)
    item = result.item
    if item is None:
        return
    assert isinstance(item, Article)
    assert item.url and item.site
    assert item.title is None or item.title.strip() == item.title
    assert item.views is None or item.views >= 0
    assert item.body == "\n".join(p for s in item.sections for p in s.paragraphs)
    json.dumps(item.to_dict(), ensure_ascii=False)  # exportable as it is


@pytest.mark.parametrize("page", PAGES, ids=[str(p.parent.relative_to(FIXTURES)) for p in PAGES])
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_mutated_fixture_pages_never_raise(page: Path) -> None:
    meta = json.loads((page.parent / "meta.json").read_text())
    for description, body, content_type in mutants(page):
        try:
            result = extract_page(
                meta["url"], body, content_type, meta.get("fetched_at") or "2026-01-01", TZ
            )
        except Exception as exc:  # pragma: no cover - the failure report
            raise AssertionError(f"{page.parent.name} mutant {description}: {exc!r}") from exc
        check(result)


def test_the_fuzz_covers_every_fixture_and_every_mutation() -> None:
    assert len(PAGES) >= 40
    used = {
        name
        for page in PAGES
        for description, _body, _ct in mutants(page)
        for name in description.split()[1].split("+")
    }
    assert used == {m.__name__.strip("_") for m in MUTATIONS}


def test_unmutated_fixture_pages_still_read_as_expected() -> None:
    """The fuzz starts from pages that work: each gives its expected article (or none)."""
    for page in PAGES:
        meta = json.loads((page.parent / "meta.json").read_text())
        expected = json.loads((page.parent / "expected.json").read_text())
        result = extract_page(
            meta["url"], page.read_bytes(), meta.get("content_type"),
            meta.get("fetched_at") or "2026-01-01", TZ,
        )  # fmt: skip
        if expected.get("not_article"):
            assert result.item is None, page
        else:
            assert result.item is not None, page
            assert result.item.title == expected["title"], page
