"""Turn a body element into paragraphs and headed sections.

Editor HTML in Chinese CMSs is messy: paragraphs come as ``<p>``, as runs of
text split by ``<br>``, or as bare text in ``<div>``s, indented with U+3000 or
``&nbsp;``; headings are ``<h3>``, a paragraph that is all ``<strong>``, or a
plain line starting with a Chinese ordinal (一、 （二） 第三章). This module
walks the lxml tree once and applies those rules, so every page class shares
them.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from lxml import etree

from newscrawl.items import Section
from newscrawl.normalize.text import clean_text
from newscrawl.pages.dom import Element, text_of

#: Elements that end a paragraph.
BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "section",
        "article",
        "table",
        "tr",
        "td",
        "th",
        "pre",
        "center",
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "header",
        "footer",
        "aside",
        "nav",
        "hr",
    ]
)
#: Elements whose text is never article text.
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "iframe",
        "form",
        "button",
        "select",
        "textarea",
        "svg",
        "canvas",
        "template",
        "object",
        "embed",
    ]
)
_HEADING_TAGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_BOLD_TAGS = frozenset(["strong", "b"])

# 一、 / （一） / (一) / 第一章 / 第3节 / 1、 / 1. (followed by text)
_ORDINAL_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[）)]"
    r"|第[一二三四五六七八九十百\d]+[章节部分篇]|\d{1,2}[、．]|\d{1,2}\.(?!\d))"
)
_SENTENCE_END = ("。", "！", "？", "!", "?", "；", ";", "…", "，", ",")
_MAX_HEADING_CHARS = 40

# Pagers, prev/next and bylines that editors leave inside the body.
_PAGER_TEXT = re.compile(
    r"^(?:上一页|下一页|上页|下页|首页|尾页|末页|共\s*\d+\s*(?:页|条记录|条)|第\s*\d+\s*页|\d+"
    r"|[<>«»…\[\]|:：.,，\-]|\s)+$"
)
_PRENEXT = re.compile(r"^\s*(?:←|→)?\s*(?:上一篇|下一篇|上一条|下一条)")
# Lines editors and templates put in the body that are not article text.
_BOILERPLATE = re.compile(
    r"^[（(【\[]?\s*(?:责任编辑|责编|编辑|作者|来源|文章来源|本文来源|稿件来源|分享到|版权所有|"
    r"Copyright|©|转载请注明|声明：|免责声明|点击数|阅读数|关键词|标签|Tags?|原标题[：:]|"
    r"您(?:现在)?(?:所在|的)?的?位置[：:]|当前位置[：:]|分享[：:]?$)\s*[：:]?",
    re.IGNORECASE,
)


@dataclass
class Block:
    """One paragraph of text, with the hints that make it a heading."""

    text: str
    heading_tag: bool = False
    all_bold: bool = False

    @property
    def is_heading(self) -> bool:
        """Headings are short and do not end like a sentence."""
        text = self.text
        if len(text) > _MAX_HEADING_CHARS or text.endswith(_SENTENCE_END):
            return False
        return self.heading_tag or self.all_bold or bool(_ORDINAL_HEADING.match(text))


def _tag(el: etree._Element) -> str:
    """The element's tag ('' for comments); lxml's HTML parser already lower-cases tags."""
    tag = el.tag
    return tag if isinstance(tag, str) else ""


def _has_link(el: etree._Element) -> bool:
    return next(el.iter("a"), None) is not None


def _link_dense(el: etree._Element) -> bool:
    """A block that is mostly links: a related list, a share bar, a tag line."""
    if _tag(el) in ("p", "h1", "h2", "h3", "h4", "h5", "h6") or not _has_link(el):
        return False
    total = len(text_of(el).strip())
    return total > 0 and _link_text_len(el) / total > 0.6


def is_pager(el: etree._Element) -> bool:
    """A block of page links (1 2 下一页) inside an article body."""
    if not _has_link(el):
        return False
    text = text_of(el)
    return bool(_PAGER_TEXT.match(text))


class _Walker:
    """Collects blocks in document order; one instance per body."""

    def __init__(self, skip: Collection[etree._Element] = ()) -> None:
        self.skip = skip
        self.blocks: list[Block] = []
        self._parts: list[tuple[str, bool]] = []
        self._heading_depth = 0

    def flush(self) -> None:
        parts = self._parts
        if not parts:  # most block boundaries close nothing
            return
        if len(parts) == 1 and parts[0][0].isspace():  # the newline between two blocks
            parts.clear()
            return
        text = clean_text(parts[0][0] if len(parts) == 1 else "".join([p for p, _ in parts]))
        if text:
            visible = [bold for part, bold in parts if part.strip()]
            self.blocks.append(
                Block(
                    text=text,
                    heading_tag=self._heading_depth > 0,
                    all_bold=bool(visible) and all(visible),
                )
            )
        parts.clear()

    def add(self, text: str | None, bold: bool) -> None:
        if text:
            self._parts.append((text, bold))

    def _leaf_block(self, text: str | None, bold: bool, heading: bool) -> None:
        """A block element without children (most ``<p>``): ``flush`` of its one text, inlined."""
        cleaned = clean_text(text) if text else None
        if cleaned:  # text with something visible: its one part decides all_bold
            self.blocks.append(
                Block(text=cleaned, heading_tag=heading or self._heading_depth > 0, all_bold=bold)
            )

    def walk(self, el: etree._Element, bold: bool = False) -> None:
        tag = el.tag
        if not isinstance(tag, str) or tag in SKIP_TAGS:  # comments and PIs have no str tag
            return
        if self.skip and el in self.skip:
            self.flush()
            return
        inner_bold = bold or tag in _BOLD_TAGS
        if not len(el):  # a leaf, like most paragraphs: no link to test, no children to walk
            if tag in BLOCK_TAGS:
                self.flush()
                self._leaf_block(el.text, inner_bold, tag in _HEADING_TAGS)
            else:
                self.add(el.text, inner_bold)
            return
        block = tag in BLOCK_TAGS
        if block:
            if _has_link(el) and (
                is_pager(el) or ((self.blocks or self._parts) and _link_dense(el))
            ):
                return
            self.flush()
        heading = tag in _HEADING_TAGS
        if heading:
            self._heading_depth += 1
        parts = self._parts  # flush() empties this list in place
        if el.text:
            parts.append((el.text, inner_bold))
        for child in el:
            child_tag = child.tag
            if child_tag == "br":
                self.flush()
            elif isinstance(child_tag, str):
                self.walk(child, inner_bold)
            tail = child.tail
            if tail:
                parts.append((tail, inner_bold))
        if block:
            self.flush()
        if heading:
            self._heading_depth -= 1


def _link_text_len(el: etree._Element) -> int:
    return sum(len(text_of(a).strip()) for a in el.iter("a"))


def body_blocks(el: Element, skip: Collection[Element] = ()) -> list[Block]:
    """Paragraph blocks of a body element, minus pagers, prev/next lines and ``skip``'s subtrees.

    Template lines (责任编辑：…, 来源：…, 版权所有) are kept here, marked by
    :func:`is_boilerplate`: the page object reads credits from them before it
    leaves them out of the body.
    """
    walker = _Walker(skip)
    walker.walk(el)
    walker.flush()
    return [b for b in walker.blocks if not _PRENEXT.match(b.text)]


def is_boilerplate(text: str) -> bool:
    """A line templates and editors add to the body that is not article text."""
    return _BOILERPLATE.match(text) is not None


def to_sections(blocks: list[Block]) -> list[Section]:
    """Group blocks into sections; paragraphs before the first heading form the lead."""
    sections: list[Section] = []
    for block in blocks:
        if block.is_heading:
            sections.append(Section(heading=block.text, paragraphs=[]))
        elif sections:
            sections[-1].paragraphs.append(block.text)
        else:
            sections.append(Section(heading=None, paragraphs=[block.text]))
    return sections


def merge_sections(first: list[Section], more: list[Section]) -> list[Section]:
    """Append the sections of a following page; a headless start continues the last one."""
    merged = [Section(s.heading, list(s.paragraphs)) for s in first]
    for i, section in enumerate(more):
        if i == 0 and section.heading is None and merged:
            merged[-1].paragraphs.extend(section.paragraphs)
        else:
            merged.append(Section(section.heading, list(section.paragraphs)))
    return merged


def body_text(sections: list[Section]) -> str:
    """All paragraphs, one per line (headings excluded)."""
    return "\n".join(p for s in sections for p in s.paragraphs)
