"""How the ``newsarchive`` commands print articles: readable text and CSV rows.

Kept apart from the click commands (``archive.cli``) so that each stays small;
these functions only format dicts in the Article contract shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from archive._display import display_width, pad
from archive.queries import ArticleState, VersionRow

#: Contract keys whose values are lists: JSON strings in a CSV cell.
JSON_KEYS = ("sections", "sidebar")


def dumps(value: Any, *, indent: int | None = 2) -> str:
    """JSON with Chinese kept readable (no \\u escapes)."""
    return json.dumps(value, ensure_ascii=False, indent=indent)


def state_lines(state: ArticleState, article_id: int) -> Iterator[str]:
    if state.versions:
        versions = (
            f"{state.versions} earlier (newsarchive show {article_id} --version N, 1 = oldest)"
        )
    else:
        versions = "none earlier"
    yield f"versions: {versions}"
    if state.gone_at is not None:
        yield f"{'gone:':8}since {state.gone_at} ({state.gone_reason or 'unknown'})"


def as_version(article: dict[str, Any], version: VersionRow) -> dict[str, Any]:
    """The article with version ``version``'s content, for the same layout."""
    return {
        **article,
        "title": version.title,
        "published_at": version.published_at,
        "published_raw": None,
        "author": version.author,
        "source": version.source,
        "editor": None,
        "views": None,
        "views_raw": None,
        "views_source": None,
        "sections": version.sections,
        "body": version.body,
        "sidebar": [],
        "fetched_at": version.fetched_at,
        "url": version.url or article["url"],
    }


def field_lines(article: dict[str, Any]) -> Iterator[str]:
    date = article["published_at"] or article["published_raw"] or "-"
    if article["published_raw"] and article["published_at"]:
        date = f"{article['published_at']} ({article['published_raw']})"
    views = "-" if article["views"] is None else str(article["views"])
    details = [v for v in (article["views_raw"], article["views_source"]) if v]
    if details:
        views += f" ({', '.join(details)})"
    fields = [
        ("date", date),
        ("author", article["author"] or "-"),
        ("source", article["source"] or "-"),
        ("editor", article["editor"] or "-"),
        ("views", views),
        ("url", article["url"]),
        ("id", f"{article['id']} ({article['site']}, cms id {article['cms_id'] or '-'})"),
    ]
    for label, value in fields:
        yield f"{label + ':':8}{value}"


def render_article(article: dict[str, Any], facts: Iterable[str] = ()) -> Iterator[str]:
    """The article as a person reads it: headline, facts (and ``facts``), text, sidebar."""
    title = article["title"] or "(untitled)"
    yield title
    yield "=" * display_width(title)
    yield from field_lines(article)
    yield from facts
    for section in article["sections"]:
        yield ""
        if section["heading"]:
            yield section["heading"]
            yield "-" * display_width(section["heading"])
        for paragraph in section["paragraphs"]:
            yield f"  {paragraph}"
    if not article["sections"] and article["body"]:
        yield ""
        yield from (f"  {line}" for line in article["body"].splitlines())
    box: object = object()
    for link in article["sidebar"]:
        if link["box"] != box:
            box = link["box"]
            yield ""
            yield f"[{box or 'links'}]"
        day = link["date"] or link["date_raw"] or "-"
        yield f"  {pad(day, 10)}  {link['title']}"
        yield f"  {'':10}  {link['url']}"
