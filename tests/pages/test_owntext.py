"""The own-text index: which elements' own text holds a label, as a reader sees the page."""

from __future__ import annotations

import re

from newscrawl.pages.dom import parse_html
from newscrawl.pages.owntext import OwnText

LABEL = re.compile("作者|来源")


def _tags(html: str, **kwargs: object) -> list[str]:
    root = parse_html(html)
    return [f"{el.tag}#{el.get('id')}" for el in OwnText(root).elements(LABEL, **kwargs)]  # type: ignore[arg-type]  # kwargs are elements()'s


def test_text_and_tails_name_their_element_in_document_order() -> None:
    html = (
        "<body><div id='outer'><span id='s'>x</span>来源：本站<p id='p'>作者：李明</p></div></body>"
    )
    # The div's own text is the span's tail; it starts before the p.
    assert _tags(html) == ["div#outer", "p#p"]


def test_link_text_and_site_chrome_are_not_read() -> None:
    html = (
        "<body><header><p id='h'>作者：站长</p></header>"
        "<nav>来源：导航</nav><p id='l'><a href='/x'>作者：链接</a></p>"
        "<article><header><p id='a'>作者：王芳</p></header></article>"
        "<footer id='f'><span>x</span></footer>来源：页尾之后</body>"
    )
    # The article's own header is read; a footer's tail is its parent's (body's)
    # text, and the body starts first.
    assert _tags(html) == ["body#None", "p#a"]


def test_scripts_ignored_tags_and_scope() -> None:
    html = (
        "<body><script>var a='作者：';</script><title>来源</title>"
        "<div id='d'><p id='in'>来源：新华社</p></div><p id='out'>作者：张三</p></body>"
    )
    root = parse_html(html)
    inside = root.find(".//div")
    index = OwnText(root)
    assert [el.get("id") for el in index.elements(LABEL, within=inside)] == ["in"]
    assert [el.tag for el in index.elements(LABEL, ignore={"p"})] == ["title"]
    assert [el.get("id") for el in index.elements(LABEL, ignore={"title"})] == ["in", "out"]


def test_no_text_at_all() -> None:
    assert OwnText(parse_html("<html></html>")).elements(LABEL) == []
