"""The fast paths of the page objects give what the plain code they replace gives.

Extraction must cost a few times the lxml parse (issue 3), so hot helpers
use C-level shortcuts: ``tostring(method="text")`` for ``itertext``, XPath
text nodes, one tree walk for many tags, a chrome-pruning walk, a split-join
whitespace collapse. Each is checked here against its straightforward
definition, on every element of every fixture page, so that a change in
lxml (or in the helpers) cannot alter extraction silently.
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Iterator
from dataclasses import fields
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from newscrawl.items import Article, PageArticle, Section
from newscrawl.normalize.text import clean_text
from newscrawl.pages import credit_lines, dateline, document, headline, metadata, sidebar
from newscrawl.pages.dom import (
    Element,
    collect,
    has_text,
    parse_html,
    stripped_length,
    text_longer_than,
    text_nodes,
    text_of,
)
from newscrawl.pages.encoding import decode_html
from newscrawl.pages.extraction import extract_page
from newscrawl.pages.owntext import OwnText

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = sorted(FIXTURES.glob("*/*/page.html"))
ODD_HTML = (
    "<html><body><div>a<!-- c -->b<?pi x?>c<script>s</script>&amp;<p>t</p>tail"
    "<span></span><b>x<i>y</i>z</b> \u3000\u200b\n</div><header><p>日期：2025-01-02</p>"
    "</header><article><header><p>作者：张三</p></header></article></body></html>"
)


def _page_id(path: Path) -> str:
    return f"{path.parent.parent.name}/{path.parent.name}"


@cache
def _root(path: Path | None) -> Element:
    if path is None:
        return parse_html(ODD_HTML)
    meta = json.loads((path.parent / "meta.json").read_text())
    html, _ = decode_html(path.read_bytes(), meta.get("content_type"))
    return parse_html(html)


ROOTS = pytest.mark.parametrize("path", [*PAGES, None], ids=[*map(_page_id, PAGES), "odd"])


def _elements(root: Element) -> list[Element]:
    return list(root.iter(etree.Element))


@ROOTS
def test_text_helpers_equal_itertext(path: Path | None) -> None:
    for el in _elements(_root(path)):
        pieces = [str(t) for t in el.itertext()]
        assert text_of(el) == "".join(pieces)
        assert text_nodes(el) == pieces
        assert stripped_length(el) == sum(len(t.strip()) for t in pieces)


@pytest.mark.parametrize("path", [*PAGES, None, "nul"], ids=[*map(_page_id, PAGES), "odd", "nul"])
def test_parsing_the_utf8_bytes_equals_parsing_the_text(path: Path | str | None) -> None:
    if isinstance(path, Path):
        meta = json.loads((path.parent / "meta.json").read_text())
        html, _ = decode_html(path.read_bytes(), meta.get("content_type"))
    else:
        html = ODD_HTML if path is None else ODD_HTML.replace("<p>t", "<p>\x00t\x00")
    from_text = etree.tostring(parse_html(html), encoding="unicode")
    from_bytes = etree.tostring(parse_html(html, html.encode("utf-8")), encoding="unicode")
    assert from_bytes == from_text


@ROOTS
def test_longer_than_equals_its_definition(path: Path | None) -> None:
    for el in _elements(_root(path)):
        size = sum(len(str(t).strip()) for t in el.itertext())
        for limit in (0, 24, 100):
            assert sidebar._longer_than(el, limit) is (size > limit)


@ROOTS
def test_has_text_equals_its_definition(path: Path | None) -> None:
    for el in _elements(_root(path)):
        shown = len(text_of(el).strip())
        for min_chars in (1, 2, 20, 500):
            assert has_text(el, min_chars) is (shown >= min_chars)


@ROOTS
def test_text_longer_than_equals_its_definition(path: Path | None) -> None:
    for el in _elements(_root(path)):
        size = len(text_of(el))
        for limit in (0, 1, 160, 5000):
            assert text_longer_than(el, limit) is (size > limit)


@ROOTS
def test_collect_equals_one_iter_per_group(path: Path | None) -> None:
    root = _root(path)
    found = collect(root, document._INDEXED)
    for group, tags in document._INDEXED.items():
        assert found[group] == list(root.iter(*tags))


@ROOTS
def test_hrefs_from_the_collected_links_equal_the_xpath(path: Path | None) -> None:
    root = _root(path)
    page = document.PageDocument("http://city.test/a.html", "")
    page.__dict__["root"] = root  # (the cached tree: no second parse)
    assert page._hrefs == [str(href) for href in root.xpath("//a/@href")]


#: Every spelling the script-date pattern names, and lookalikes it must not take.
_SCRIPT_NAMES = (
    "pubtime", "pub_time", "PubTime", "pubTime", "publishTime", "publish_time", "PublishTime",
    "publishDate", "publish_date", "pubDate", "pub_date", "PubDate", "ptime", "createTime",
    "create_time", "CreateTime", "updateTime", "setTimeout", "template", "data",
)  # fmt: skip


@pytest.mark.parametrize("name", _SCRIPT_NAMES)
@pytest.mark.parametrize(
    "shape", ["var {name} = '2019-09-23 07:48';", '{{"{name}": "2019-9-3T07:48:05"}}']
)
def test_script_date_prefilter_hides_nothing_the_pattern_finds(name: str, shape: str) -> None:
    script = "/* 模板脚本 */ " + shape.format(name=name)
    root = parse_html(f"<html><head><script>{script}</script></head><body></body></html>")
    found = metadata.script_date(root.iter("script"), root, "")
    expected = metadata._SCRIPT_DATE.search(script)
    assert found == (expected.group(1) if expected else None)


@ROOTS
def test_first_anchor_equals_a_walk(path: Path | None) -> None:
    for el in _elements(_root(path)):
        if el.tag == "a":
            continue  # rows that are links are taken as they are
        assert sidebar._first_anchor(el, with_href=False) is next(el.iter("a"), None)
        with_href = next((a for a in el.iter("a") if a.get("href")), None)
        assert sidebar._first_anchor(el, with_href=True) is with_href


_HEADING_BEFORE = etree.XPath(
    "preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6][1]"
)


@ROOTS
def test_heading_before_equals_the_xpath(path: Path | None) -> None:
    for el in _elements(_root(path)):
        found = _HEADING_BEFORE(el)
        assert isinstance(found, list)
        assert headline.heading_before(el) is (found[0] if found else None)


def _with_own_text(root: Element, pattern: re.Pattern[str]) -> Iterator[Element]:
    """The plain scan the pruning walk replaces: every element, own text tested."""
    for el in root.iter(etree.Element):
        own = [el.text, *(child.tail for child in el)]
        if any(text and pattern.search(text) for text in own):
            yield el


#: Own text in every place the scans treat apart: a label in a tail (its parent's
#: own text) before a child's own match, in a link and after it, after a comment,
#: in a script, in site chrome and in an article's own nav and header.
SCAN_HTML = (
    "<html><body><div><p><b>来源：甲</b>作者：乙</p>"
    "<a href='x'>作者：链<b>x</b>来源：内</a>来源：尾<!-- c -->作者：注释尾"
    "<script>作者：脚本</script><nav><p>作者：导航</p></nav>"
    "<header>来源：页眉<i>x</i>作者：页眉尾</header>"
    "<ul><li>作者：一<span>s</span>来源：二</li><li><em>e</em>来源：三</li></ul>"
    "<article><nav><p>作者：文章导航</p></nav><header>来源：文章头</header>"
    "<td><a href='y'>z</a>作者：格</td></article></div>"
    "<footer><div>来源：页脚<p>作者：页脚段</p></div></footer></body></html>"
)


@pytest.mark.parametrize("path", [*PAGES, None, "scan"], ids=[*map(_page_id, PAGES), "odd", "scan"])
@pytest.mark.parametrize("label", [dateline.META_LABEL_RE, credit_lines.ANY_BYLINE_LABEL])
def test_own_text_index_equals_scan_minus_chrome(
    path: Path | str | None, label: re.Pattern[str]
) -> None:
    root = parse_html(SCAN_HTML) if path == "scan" else _root(path)  # type: ignore[arg-type]
    for scope in (root, root.find("body"), *root.iter("article", "div", "td")):
        if scope is None:
            continue
        want = [el for el in _with_own_text(scope, label) if not headline.IN_CHROME(el)]
        # The page's one index of own text (scripts and styles are never read) gives
        # the same elements in the same order, for any part of the page.
        index = OwnText(root)
        shown = [el for el in want if el.tag not in ("script", "style")]
        assert index.elements(label, within=scope) == shown
        assert index.elements(label, ignore={"li"}, within=scope) == [
            el for el in shown if el.tag != "li"
        ]
        # An index of the scope alone answers questions asked within it the same way.
        assert OwnText(scope).elements(label, within=scope) == shown


def _looks_like_menu(container: Element, rows: list[Element]) -> bool:
    """The full count the early-stopping one replaces."""
    long_texts = 0
    for row in rows:
        a = row if row.tag == "a" else next(row.iter("a"), None)
        text = (a.get("title") or text_of(a)) if a is not None else ""
        if len(text.strip()) >= 6:
            long_texts += 1
    return long_texts * 2 <= len(rows) and not sidebar._DATE.search(text_of(container))


@ROOTS
def test_menu_test_stops_early_with_the_same_answer(path: Path | None) -> None:
    root = _root(path)
    for container in root.iter("ul", "ol", "div", "td", "tbody", "dl"):
        rows = [el for el in container if el.tag in ("li", "tr", "dd", "a")]
        for count in range(1, len(rows) + 1):
            assert sidebar._looks_like_menu(container, rows[:count]) is _looks_like_menu(
                container, rows[:count]
            )


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff\u2060]")
_NBSP_ENTITY = re.compile(r"&(?:nbsp;?|#160;|#x0*a0;)", re.IGNORECASE)


def _clean_text(text: str) -> str | None:
    """The regex definition ``clean_text`` had before its split-join fast path."""
    out = _NBSP_ENTITY.sub(" ", _ZERO_WIDTH.sub("", text))
    return re.sub(r"\s+", " ", out).strip() or None


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "News",
        "  a \t b\n",
        "\u3000\u3000正文\xa0第一段\u200b。",
        "作者：&nbsp;张三&#160;来源&#xA0;本站",
        "\ufeff标题\u2060",
        "".join(chr(c) for c in range(0x2000, 0x2070)),
        "".join(chr(c) for c in range(0x100)),
    ],
)
def test_clean_text_equals_the_regex_definition(text: str) -> None:
    assert clean_text(text) == _clean_text(text)


def test_str_split_splits_where_the_regex_did() -> None:
    chars = [chr(c) for c in range(0x110000)]
    spaces = [ch for ch in chars if re.fullmatch(r"\s", ch)]
    assert spaces == [ch for ch in chars if ch.isspace()]
    assert clean_text("a" + "".join(spaces) + "b") == "a b"


@pytest.mark.parametrize("path", PAGES, ids=list(map(_page_id, PAGES)))
def test_items_pickled_by_arguments_come_back_equal(path: Path) -> None:
    """Items cross the pipe from an extraction worker pickled as their constructor's
    arguments (``PickledByArguments``); every field must survive, and the type."""
    meta = json.loads((path.parent / "meta.json").read_text())
    result = extract_page(
        meta["url"],
        path.read_bytes(),
        meta.get("content_type"),
        meta["fetched_at"],
        "Asia/Shanghai",
    )
    again = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    assert again.links == result.links
    item = result.item
    if item is None:  # a list or home page among the fixtures: links only
        assert again.item is None
        return
    cls, arguments = item.__reduce__()
    assert (cls, arguments) == (Article, tuple(getattr(item, f.name) for f in fields(Article)))
    assert again.item == item
    assert type(again.item) is Article
    assert again.item.sections and type(again.item.sections[0]) is Section
    assert [vars(link) for link in again.item.sidebar] == [vars(link) for link in item.sidebar]


@pytest.mark.parametrize("path", PAGES, ids=list(map(_page_id, PAGES)))
def test_later_pages_pickled_by_arguments_come_back_equal(path: Path) -> None:
    """A later page crosses the pipe as the page object read it (``PageArticle``)."""
    meta = json.loads((path.parent / "meta.json").read_text())
    result = extract_page(
        meta["url"],
        path.read_bytes(),
        meta.get("content_type"),
        meta["fetched_at"],
        "Asia/Shanghai",
        normalize=False,
    )
    again = pickle.loads(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    if result.item is None:
        assert again.item is None
        return
    assert type(again.item) is PageArticle
    assert again.item == result.item
    assert [vars(link) for link in again.item.sidebar] == [
        vars(link) for link in result.item.sidebar
    ]
