"""The Article contract's keys are defined once (``archive.contract``); every place
that writes them out by hand is checked against that one definition here.

A key added to ``ARTICLE_KEYS`` and not to the dataclass, ``to_dict``,
``from_dict``, ``article_to_dict``, the models or the store fails one of these
tests, and so does a key added to one of those and not to ``ARTICLE_KEYS``.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from itemadapter import ItemAdapter
from sqlalchemy import inspect

from archive import get_article, iter_articles, open_archive, store_articles
from archive.contract import (
    ARTICLE_KEYS,
    SCALAR_KEYS,
    SECTION_KEYS,
    SIDEBAR_KEYS,
    article_to_dict,
)
from archive.links import LINK_COLUMNS
from archive.models import Article as ArticleRow
from archive.models import Link as LinkRow
from archive.models import Section as SectionRow
from newscrawl import items
from newscrawl.items import Article, PageArticle, RawArticle, Section, SidebarLink

#: Dataclass fields that are not contract keys (stored beside them, or not at all).
NOT_CONTRACT = {"captures"}

#: One value per key, each different from the field's default, so that a key
#: ``to_dict`` or ``from_dict`` leaves out shows as a difference.
SAMPLE_VALUES: dict[str, Any] = {
    "url": "http://www.example-news.cn/show.php?cid=29&id=613",
    "site": "www.example-news.cn",
    "cms_id": "613",
    "channel": "29",
    "title": "春耕时节话农事",
    "published_at": "2026-01-08T09:30:00+08:00",
    "published_raw": "2026-01-08 09:30",
    "author": "李明",
    "source": "本站原创",
    "editor": "赵磊",
    "views": 12000,
    "views_raw": "人气：1.2万",
    "views_source": "page",
    "sections": [
        {"heading": None, "paragraphs": ["清晨的田野里，农民们已经开始忙碌。"]},
        {"heading": "育苗", "paragraphs": ["温室里的秧苗长势喜人。", "技术员每天记录温度。"]},
    ],
    "body": "清晨的田野里，农民们已经开始忙碌。\n温室里的秧苗长势喜人。\n技术员每天记录温度。",
    "sidebar": [
        {
            "box": "新闻资讯",
            "title": "北塘镇博物馆推广稻渔综合种养",
            "url": "http://www.example-news.cn/show.php?cid=29&id=600",
            "date": "2025-12-28",
            "date_raw": "12-28",
            "truncated": True,
        }
    ],
    "fetched_at": "2026-01-09T10:00:00+08:00",
}


def sample() -> dict[str, Any]:
    """A contract dict with a value for every key of ``ARTICLE_KEYS``, in its order."""
    assert set(SAMPLE_VALUES) == set(ARTICLE_KEYS), "give the new key a sample value here"
    return {key: SAMPLE_VALUES[key] for key in ARTICLE_KEYS}


def test_newscrawl_takes_the_keys_from_the_archive() -> None:
    assert items.ARTICLE_KEYS is ARTICLE_KEYS
    assert items.SECTION_KEYS is SECTION_KEYS
    assert items.SIDEBAR_KEYS is SIDEBAR_KEYS


def test_keys_are_unique() -> None:
    for keys in (ARTICLE_KEYS, SECTION_KEYS, SIDEBAR_KEYS):
        assert len(set(keys)) == len(keys)


def test_dataclass_fields_are_the_keys() -> None:
    names = {f.name for f in fields(Article)} - NOT_CONTRACT
    assert names == set(ARTICLE_KEYS)
    assert tuple(f.name for f in fields(Section)) == SECTION_KEYS
    assert tuple(f.name for f in fields(SidebarLink)) == SIDEBAR_KEYS


def test_the_raw_stage_has_the_keys_with_a_date_hint() -> None:
    """A raw article has the contract's keys (the date as a hint: normalization decides
    ``published_at``), in the order of the Article's fields."""
    article = [f.name for f in fields(Article) if f.name not in NOT_CONTRACT]
    raw = [f.name for f in fields(RawArticle)]
    assert raw == ["published_hint" if name == "published_at" else name for name in article]
    assert [f.name for f in fields(PageArticle)] == raw


@pytest.mark.parametrize("cls", [RawArticle, PageArticle, Article])
def test_both_stages_are_plain_dataclass_items(cls: type[Any]) -> None:
    item = cls(url="http://x/1", site="x")
    assert ItemAdapter.is_item(item)
    assert set(ItemAdapter(item).field_names()) == {f.name for f in fields(cls)}


def test_to_dict_writes_every_key_in_order() -> None:
    data = sample()
    article = Article.from_dict(data)
    out = article.to_dict()
    assert tuple(out) == ARTICLE_KEYS
    assert out == data
    assert all(tuple(s) == SECTION_KEYS for s in out["sections"])
    assert all(tuple(link) == SIDEBAR_KEYS for link in out["sidebar"])
    for key in ARTICLE_KEYS:
        if key not in ("sections", "sidebar"):
            assert out[key] == getattr(article, key), key


def test_from_dict_reads_every_key() -> None:
    data = sample()
    article = Article.from_dict(data)
    defaults = Article(url="", site="")
    for key in ARTICLE_KEYS:
        assert getattr(article, key) != getattr(defaults, key), f"from_dict skips {key}"
    assert [s.heading for s in article.sections] == [s["heading"] for s in data["sections"]]
    assert article.sidebar == [SidebarLink(**link) for link in data["sidebar"]]


def test_model_columns_hold_every_key() -> None:
    articles = {c.key for c in inspect(ArticleRow).columns}
    for key in ARTICLE_KEYS:
        if key == "sections":
            assert set(SECTION_KEYS) <= {c.key for c in inspect(SectionRow).columns}
        elif key == "sidebar":
            assert set(SIDEBAR_KEYS) <= {c.key for c in inspect(LinkRow).columns}
        else:
            assert key in articles, f"no articles column for {key}"
    assert set(SCALAR_KEYS) <= articles


def test_the_store_writes_the_link_keys() -> None:
    """``archive.links`` names the link columns it inserts by hand."""
    assert set(SIDEBAR_KEYS) <= set(LINK_COLUMNS)


def test_article_to_dict_writes_every_key() -> None:
    data = sample()
    row = ArticleRow(
        **{key: data[key] for key in ARTICLE_KEYS if key not in ("sections", "sidebar")}
    )
    row.sections = [
        SectionRow(position=i, heading=s["heading"], paragraphs=s["paragraphs"])
        for i, s in enumerate(data["sections"])
    ]
    row.links = [LinkRow(position=i, **link) for i, link in enumerate(data["sidebar"])]
    out = article_to_dict(row)
    assert tuple(out) == ARTICLE_KEYS
    assert out == data


@pytest.mark.parametrize("read", ["get_article", "iter_articles"])
def test_a_stored_article_reads_back_with_every_key(tmp_path: Path, read: str) -> None:
    """The store (its own column lists and hand-written rows) keeps every key it is given."""
    data = sample()
    with open_archive(str(tmp_path / "a.sqlite")) as opened:
        with opened.begin() as session:
            store_articles(session, [data])
        with opened.begin() as session:
            found = (
                get_article(session, data["url"])
                if read == "get_article"
                else next(a for a in iter_articles(session) if a["url"] == data["url"])
            )
    assert found is not None
    stored = {key: found[key] for key in ARTICLE_KEYS}
    # (The archive completes a cut link title from the linked article, which it has not
    # got here: the link comes back as it went in.)
    assert stored == data


def test_the_contract_alone_loads_no_database_code() -> None:
    """Every extraction worker imports the keys: that must not load SQLAlchemy."""
    script = (
        "import sys\n"
        "import newscrawl.items, newscrawl.pages.extraction\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic')"
        " or m.startswith('archive.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "['archive.contract']"


def test_every_name_the_archive_exports_resolves() -> None:
    import archive

    for name in archive.__all__:
        assert getattr(archive, name) is not None, name
    assert set(archive.__all__) <= set(dir(archive))
    with pytest.raises(AttributeError):
        archive.no_such_name  # noqa: B018  # the read is the test
