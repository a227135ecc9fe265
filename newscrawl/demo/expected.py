"""What a crawler should archive from the demo site, computed from the content alone.

The expected Article dicts are derived from ``data/articles.json`` and the
site's rules (counters, sidebar boxes, truncation), never by parsing the demo's
HTML: a bug shared by the renderer and an HTML-reading generator would
otherwise go unnoticed. They describe the state after ONE fetch of each page on
a fresh server, so ``views`` is ``base_views + 1`` (page 1 is fetched first).

The ``dedecms`` theme differs where DedeCMS does: the count is not in the page
but written by ``/plus/count.php``, so by default (a crawler that does not run
or fetch counter scripts) ``views``/``views_raw`` are null and ``views_source``
is ``"script"``; with ``counters=True`` (one counter request per article)
``views`` is ``base_views + 1``, ``views_raw`` the number the endpoint wrote
(``document.write('1235')`` -> ``"1235"``) and ``views_source`` ``"endpoint"``.
Its article URLs (``/a/news/2026/0108/613.html``) carry no channel id, so
``channel`` is null; the page shows minutes only (``published_raw``
``2026-01-08 09:30``), prints 来源 for some articles (``source``), and its
sidebar has a dated ``最新文章`` box and an undated ``热点文章`` box.

The same data is shipped as ``expected/<theme>.json`` with URLs written as
``{base}/…``; regenerate with ``python -m newscrawl.demo.expected`` and a test
keeps the files in sync with this module.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newscrawl.demo.content import DemoArticle, DemoSite, load_site, truncate_title
from newscrawl.demo.routes import THEMES, UrlScheme
from newscrawl.demo.schemes import url_scheme
from newscrawl.demo.theme_dedecms import dede_date, sidebar_boxes
from newscrawl.items import ARTICLE_KEYS

#: The placeholder the shipped JSON files use for the server's base URL.
BASE_PLACEHOLDER = "{base}"
#: Host of the demo server when the base URL is the placeholder.
DEFAULT_SITE = "127.0.0.1"
SITE_OFFSET = "+08:00"


def _site_of(base_url: str) -> str:
    return urlsplit(base_url).hostname or DEFAULT_SITE


def _sidebar(site: DemoSite, urls: UrlScheme, base_url: str) -> list[dict[str, Any]]:
    links = []
    for box, articles in site.sidebar_boxes():
        for a in articles:
            _, truncated = truncate_title(a.title)
            links.append(
                {
                    "box": box.name,
                    "title": a.title,
                    "url": urls.canonical_article(base_url, a.cid, a.id),
                    "date": a.date,
                    "date_raw": a.month_day,
                    "truncated": truncated,
                }
            )
    return links


def _dede_sidebar(site: DemoSite, urls: UrlScheme, base_url: str) -> list[dict[str, Any]]:
    links = []
    for box, articles, dated in sidebar_boxes(site):
        for a in articles:
            _, truncated = truncate_title(a.title)
            links.append(
                {
                    "box": box,
                    "title": a.title,
                    "url": urls.canonical_article(base_url, a.cid, a.id),
                    "date": a.date if dated else None,
                    "date_raw": a.month_day if dated else None,
                    "truncated": truncated,
                }
            )
    return links


def _dede_article(
    article: DemoArticle, base_url: str, counters: bool, data: dict[str, Any]
) -> dict[str, Any]:
    """Rewrite a PHPMyWind expectation into the DedeCMS theme's."""
    site = load_site()
    urls = url_scheme("dedecms")
    shown = dede_date(article)
    views = article.base_views + 1
    data.update(
        url=urls.canonical_article(base_url, article.cid, article.id),
        channel=None,
        published_at=shown.replace(" ", "T") + ":00" + SITE_OFFSET,
        published_raw=shown,
        source=article.source,
        views=views if counters else None,
        views_raw=str(views) if counters else None,
        views_source="endpoint" if counters else "script",
        sidebar=_dede_sidebar(site, urls, base_url),
    )
    return data


def expected_article(
    article: DemoArticle, base_url: str, theme: str = "phpmywind", *, counters: bool = False
) -> dict[str, Any]:
    """The Article-contract dict of one article (keys in ``ARTICLE_KEYS`` order).

    ``counters`` (``dedecms`` only): the crawler also requested each article's
    counter script once, so the count is known (see the module docstring).
    """
    if counters and theme != "dedecms":
        raise ValueError("counters=True applies to the dedecms theme (a script-filled count)")
    site = load_site()
    urls = url_scheme("phpmywind" if theme == "dedecms" else theme)
    sections = [
        {"heading": heading, "paragraphs": paragraphs}
        for heading, paragraphs in article.merged_sections()
    ]
    body = "\n".join(p for _, paragraphs in article.merged_sections() for p in paragraphs)
    views = article.base_views + 1
    data: dict[str, Any] = {
        "url": urls.canonical_article(base_url, article.cid, article.id),
        "site": _site_of(base_url),
        "cms_id": str(article.id),
        "channel": str(article.cid),
        "title": article.title,
        "published_at": article.published.replace(" ", "T") + SITE_OFFSET,
        "published_raw": article.published,
        "author": article.author,
        "source": None,
        "editor": None,
        "views": views,
        "views_raw": f"人气{article.colon_char}{views}",
        "views_source": "page",
        "sections": sections,
        "body": body,
        "sidebar": _sidebar(site, urls, base_url),
        "fetched_at": None,
    }
    if theme == "dedecms":
        data = _dede_article(article, base_url, counters, data)
    assert tuple(data) == ARTICLE_KEYS
    return data


def expected_articles(
    base_url: str, theme: str = "phpmywind", *, counters: bool = False
) -> list[dict[str, Any]]:
    """Every real article of the demo site, newest first, as a crawler should archive it.

    ``counters=True`` is for the ``dedecms`` theme: each article's
    ``/plus/count.php`` was requested once (``views_source`` ``"endpoint"``).
    """
    base = base_url.rstrip("/")
    return [expected_article(a, base, theme, counters=counters) for a in load_site().articles]


def load_expected(base_url: str, theme: str = "phpmywind") -> list[dict[str, Any]]:
    """The shipped ``expected/<theme>.json`` with ``{base}`` replaced by ``base_url``.

    The host of ``base_url`` also replaces the placeholder ``site``.
    """
    text = resources.files("newscrawl.demo").joinpath(f"expected/{theme}.json").read_text("utf-8")
    base = base_url.rstrip("/")
    articles: list[dict[str, Any]] = json.loads(text.replace(BASE_PLACEHOLDER, base))
    for article in articles:
        article["site"] = _site_of(base)
    return articles


def render_expected_json(theme: str) -> str:
    """The exact text of ``expected/<theme>.json`` (stable, human-diffable)."""
    data = expected_articles(BASE_PLACEHOLDER, theme)
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def expected_path(theme: str) -> Path:
    return Path(__file__).with_name("expected") / f"{theme}.json"


def main() -> None:
    """Write ``expected/<theme>.json`` for every theme (run after editing the content)."""
    for theme in THEMES:
        path = expected_path(theme)
        path.parent.mkdir(exist_ok=True)
        path.write_text(render_expected_json(theme), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
