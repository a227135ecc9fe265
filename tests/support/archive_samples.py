"""Sample articles and links of the archive tests, and the helpers that store and read them back."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from archive import (
    Archive,
    get_article,
    store_articles,
)
from archive.models import Link

SITE = "www.example-news.cn"


def item(number: int, **overrides: Any) -> dict[str, Any]:
    """A complete Article-contract dict with our own Chinese sample text."""
    data: dict[str, Any] = {
        "url": f"http://{SITE}/show.php?cid=29&id={number}",
        "site": SITE,
        "cms_id": str(number),
        "channel": "29",
        "title": f"春耕时节话农事：第{number}篇",
        "published_at": "2026-01-08T09:30:00+08:00",
        "published_raw": "2026-01-08 09:30:00",
        "author": "李明",
        "source": "本站原创",
        "editor": "赵磊",
        "views": 6,
        "views_raw": "人气：6",
        "views_source": "page",
        "sections": [
            {"heading": None, "paragraphs": ["清晨的田野里，农民们已经开始忙碌。"]},
            {"heading": "育苗", "paragraphs": ["温室里的秧苗长势喜人。", "技术员每天记录温度。"]},
        ],
        "body": "清晨的田野里，农民们已经开始忙碌。\n温室里的秧苗长势喜人。\n技术员每天记录温度。",
        "sidebar": [],
        "fetched_at": "2026-01-09T10:00:00+08:00",
    }
    data.update(overrides)
    return data


def link(number: int, date: str | None = "2025-01-05", box: str = "新闻资讯") -> dict[str, Any]:
    return {
        "box": box,
        "title": f"春耕时节话农事：第{number}篇",
        "url": f"http://{SITE}/show.php?cid=29&id={number}",
        "date": date,
        "date_raw": "01-05",
        "truncated": False,
    }


def store(opened: Archive, *items: dict[str, Any]) -> tuple[int, int, int]:
    with opened.begin() as session:
        result = store_articles(session, list(items))
    return result.new, result.updated, result.unchanged


def fetch(opened: Archive, key: str) -> dict[str, Any]:
    with opened.begin() as session:
        found = get_article(session, key)
    assert found is not None
    return found


def links_of(opened: Archive, url: str) -> list[tuple[str | None, bool]]:
    with opened.begin() as session:
        rows = session.execute(select(Link.date, Link.date_settled).where(Link.url == url))
        return [(row.date, row.date_settled) for row in rows]


def sidebar_of(opened: Archive, url: str) -> list[tuple[str, bool]]:
    return [(entry["title"], entry["truncated"]) for entry in fetch(opened, url)["sidebar"]]


FULL = "北塘镇博物馆推广稻渔综合种养模式"


def cut_links() -> list[dict[str, Any]]:
    """DedeCMS cuts sidebar titles with no marker; other boxes mark the cut."""
    return [
        {**link(2), "title": "北塘镇博物馆推广稻渔综", "truncated": False},  # no marker
        {**link(2), "title": "北塘镇博物馆推广...", "truncated": True},  # marked, no a/@title
        {**link(2), "title": FULL, "truncated": False},  # the whole title
        {**link(2), "title": "北塘镇新闻", "truncated": False},  # another text: left alone
    ]


EXPECTED_CUT = [(FULL, True), (FULL, True), (FULL, False), ("北塘镇新闻", False)]
