"""CMS families: how to recognize each one, and the small hints its pages get.

A family is data: the generator meta tag it prints, the URL shapes it uses,
markup only it emits (its counter script, its pager class), and optional
XPath hints for the date line, headline and body. Hints are tried first and
the generic chains of ``ArticlePage`` take over whenever a hint finds
nothing, so a site that changed its template still extracts.

Detection, in this order: the generator meta tag; family-only markup, read
where it sits (script and stylesheet addresses, link addresses, element ids)
in the parsed page, and only what has no such place (a name in the footer, a
pager's class) by a substring test of the whole HTML; then the URL shape.
Each substring test of a whole page costs about as much as reading all of a
page's script and link addresses, so the tree is read first
(``benchmarks/DEVSET.md`` holds extraction's timing on the development set).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from newscrawl.pages.dom import Element, parse_html


@dataclass(frozen=True)
class Family:
    """One CMS family as data."""

    name: str
    #: Pattern of ``<meta name="generator" content=…>`` values.
    generator: re.Pattern[str] | None = None
    #: Substrings of a ``<script src>`` or ``<link href>`` only this family's pages have.
    assets: tuple[str, ...] = ()
    #: Substrings of an ``<a href>`` only this family's pages have.
    links: tuple[str, ...] = ()
    #: Element ids only this family's templates use.
    ids: tuple[str, ...] = ()
    #: Substrings of the HTML itself, for markup with no place above (text, classes).
    markup: tuple[str, ...] = ()
    #: URL shapes of its article pages.
    url: re.Pattern[str] | None = None
    #: The element around the article in this family's template, found once
    #: (an XPath from the root). The hints below are then read inside it, so
    #: a page's tree is walked once for all of them, not once per hint; a page
    #: without it gets no hints.
    container: str | None = None
    #: XPath hints, tried before the generic chains (each must select elements);
    #: relative to ``container`` when the family has one.
    meta_line: str | None = None
    headline: str | None = None
    body: str | None = None
    #: Script endpoints that fill the counter; the spider may request them.
    counter: tuple[str, ...] = field(default=())


FAMILIES: tuple[Family, ...] = (
    Family(
        name="dedecms",
        generator=re.compile(r"dede", re.IGNORECASE),
        assets=("/plus/count.php",),
        links=("/plus/view.php",),
        markup=("dede_pages",),
        url=re.compile(r"/a/[\w/-]*/\d+(?:_\d+)?\.html$|/plus/view\.php\?aid="),
        meta_line="//div[contains(@class,'viewbox')]//div[contains(@class,'info')]",
        headline="//div[contains(@class,'viewbox')]//div[contains(@class,'title')]/h2",
        body="//div[contains(@class,'viewbox')]//div[contains(@class,'content')]",
        counter=("/plus/count.php",),
    ),
    Family(
        name="phpcms",
        generator=re.compile(r"phpcms", re.IGNORECASE),
        assets=("api.php?op=count",),
        ids=("Article",),
        url=re.compile(r"[?&]m=content&c=index&a=show|/html/\d{4}/\w+/\d+\.html$"),
        headline="//div[@id='Article']/h1",
        body="//div[@id='Article']//div[contains(@class,'content')]",
        counter=("api.php?op=count",),
    ),
    Family(
        name="empirecms",
        generator=re.compile(r"empire", re.IGNORECASE),
        assets=("/e/public/ViewClick", "/e/data/"),
        links=("/e/action/",),
        url=re.compile(r"/e/action/ShowInfo\.php|/\d{4}-\d{2}-\d{2}/\d+\.html$"),
        counter=("/e/public/ViewClick",),
    ),
    Family(
        name="pbootcms",
        generator=re.compile(r"pboot", re.IGNORECASE),
        assets=("/core/template/",),
        url=re.compile(r"/\?[a-z]+/\d+\.html$"),
    ),
    Family(
        name="phpmywind",
        generator=re.compile(r"phpmywind", re.IGNORECASE),
        assets=("templates/default/",),
        url=re.compile(r"/show\.php\?(?:.*&)?id=\d+|/[a-z]*show-\d+-\d+(?:-\d+)?\.html$"),
        # Its Bootstrap template (the example site's): the title is an h2 in
        # article.info, the date line the next <p>, the body div.bd (the editor's
        # div, and the div.contPage pager of a multi-page article beside it). Older
        # PHPMyWind templates have no <article>; the generic chains read them.
        # XPaths instead of the headline scoring, the date-line walk and the
        # body search, which cost more (benchmarks/EXTRACTION.md: the page object's timing).
        container="descendant::article[contains(@class,'info')]",
        meta_line="descendant::h2/following-sibling::p[1]",
        headline="descendant::h2",
        body="descendant::div[contains(@class,'bd')]",
    ),
)
GENERIC = Family(name="generic")

_GENERATOR = re.compile(
    r"""<meta[^>]+name\s*=\s*["']?generator["']?[^>]*content\s*=\s*["']([^"']+)""", re.IGNORECASE
)


def detect_family(
    url: str,
    html: str,
    root: Element | None = None,
    *,
    hrefs: list[str] | None = None,
    assets: list[str] | None = None,
) -> Family:
    """The family whose generator, markup or URL shape the page shows (else ``GENERIC``).

    ``root`` is the parsed page, ``hrefs`` its links' addresses and ``assets``
    its scripts' and stylesheets' addresses, when the caller has them (else
    ``html`` is parsed and they are read from it).
    """
    if match := _GENERATOR.search(html, 0, 4096):
        for family in FAMILIES:
            if family.generator is not None and family.generator.search(match.group(1)):
                return family
    if root is None:
        root = parse_html(html)
    if assets is None:
        assets = asset_addresses(root.iter("script", "link"))
    loaded = " ".join(assets)
    for family in FAMILIES:
        if any(marker in loaded for marker in family.assets):
            return family
    if hrefs is None:
        hrefs = [href for a in root.iter("a") if (href := a.get("href"))]
    addresses = " ".join(hrefs)
    for family in FAMILIES:
        if any(marker in addresses for marker in family.links):
            return family
        if any(_ID(root, id=name) for name in family.ids):
            return family
    for family in FAMILIES:
        if any(marker in html for marker in family.markup):
            return family
    for family in FAMILIES:
        if family.url is not None and family.url.search(url):
            return family
    return GENERIC


def asset_addresses(elements: Iterable[Element]) -> list[str]:
    """The ``src`` of ``<script>`` and the ``href`` of ``<link>`` elements that have one."""
    return [
        value
        for el in elements
        if (value := el.get("src") if el.tag == "script" else el.get("href"))
    ]


#: An element by id, through libxml2's id table (no walk of the tree).
_ID = etree.XPath("id($id)")
