"""Golden fixtures: saved pages + expected JSON, one assertion per field.

Each folder ``tests/fixtures/<family>/<case>/`` holds ``page.html`` (bytes as
served), ``meta.json`` (url, fetch time, Content-Type) and ``expected.json``
(the Article as it must come out, or ``{"not_article": true}``). Fixtures are
captured with ``newscrawl savefixture`` and their expected JSON reviewed.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from newscrawl.items import ARTICLE_KEYS
from newscrawl.normalize.article import normalize_article
from newscrawl.pages.base import ArticlePage
from newscrawl.pages.encoding import decode_html

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CASES = sorted(p.parent for p in FIXTURES.glob("*/*/expected.json"))


def _case_id(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


@cache
def extract(case: Path) -> dict[str, Any] | None:
    meta = json.loads((case / "meta.json").read_text())
    html, _ = decode_html((case / "page.html").read_bytes(), meta.get("content_type"))
    page = ArticlePage(meta["url"], html, fetched_at=meta["fetched_at"])
    item = page.to_item()
    return normalize_article(item, tz=meta.get("tz", "Asia/Shanghai")).to_dict() if item else None


def expected(case: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((case / "expected.json").read_text())
    return data


ARTICLE_CASES = [c for c in CASES if not expected(c).get("not_article")]
NOT_ARTICLE_CASES = [c for c in CASES if expected(c).get("not_article")]


def test_fixture_set_is_not_empty() -> None:
    assert len(ARTICLE_CASES) >= 4
    assert NOT_ARTICLE_CASES


@pytest.mark.parametrize("key", ARTICLE_KEYS)
@pytest.mark.parametrize("case", ARTICLE_CASES, ids=_case_id)
def test_field(case: Path, key: str) -> None:
    result = extract(case)
    assert result is not None, "the page object found no article"
    assert result[key] == expected(case)[key]


@pytest.mark.parametrize("case", ARTICLE_CASES, ids=_case_id)
def test_no_extra_fields(case: Path) -> None:
    result = extract(case)
    assert result is not None
    assert set(result) == set(ARTICLE_KEYS) == set(expected(case))


@pytest.mark.parametrize("case", NOT_ARTICLE_CASES, ids=_case_id)
def test_not_an_article(case: Path) -> None:
    assert extract(case) is None
