"""The generic article page object: (url, html) -> PageArticle, with no I/O.

It finds each field the way a reader does, so it works on templates it has
never seen (class names and wrappers differ between sites, labels do not).
Each field is an ordered chain; the first link that answers wins:

- *meta line*: the first short element outside page chrome whose own text
  has a date or byline label (日期 时间 发布时间 来源 作者 点击 …) and whose
  text holds a date; not a header's "today" line (今天是… 星期五);
- *title*: the best heading (h1–h3, ``*title*`` elements) scored against
  ``<title>``/og:title and its nearness to the meta line; then og:title;
  then ``<title>`` without its site suffix;
- *published*: the meta line; meta tags (article:published_time …);
  JSON-LD datePublished; ``<time datetime>``; never the header or a sidebar;
- *author* and *source*: labelled bylines (作者/记者/文 vs 来源), in the meta
  line, then near the article; JSON-LD Person author; never 编辑/责任编辑;
- *views*: a labelled counter; an empty counter filled by a script is
  reported as ``script`` and its endpoint kept for the spider;
- *body*: the block after the meta line with the most text, else the
  densest paragraph container; split into sections by ``blocks``;
- *sidebar*: headed article-link boxes outside the body (``sidebar``).

A CMS family's XPath hints (``families``) are tried before the generic chains.
The parsed tree, its element index, the family and the page's metadata come
from :class:`~newscrawl.pages.document.PageDocument`; the chains' parts live
in ``dateline``, ``headline``, ``views``, ``credit_lines``, ``blocks`` and
``sidebar``. Everything returns clean text
as shown (a :class:`~newscrawl.items.PageArticle`); ``newscrawl.normalize.article``
turns it into typed values.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urljoin

from newscrawl.crawl import urls
from newscrawl.items import PageArticle, Section, SidebarLink, ViewsSource
from newscrawl.normalize.text import clean_text
from newscrawl.pages import labels, metadata
from newscrawl.pages.blocks import Block, body_blocks, body_text, is_boilerplate, to_sections
from newscrawl.pages.bylines import Credits, closing_name, is_credit_line, read_credits, split_names
from newscrawl.pages.content import best_content, looks_like_list
from newscrawl.pages.credit_lines import (
    ANY_BYLINE_LABEL,
    NO_BYLINE,
    author_element_name,
    lines_beside,
)
from newscrawl.pages.dateline import date_after, labelled_line
from newscrawl.pages.document import PageDocument
from newscrawl.pages.dom import Element, text_of
from newscrawl.pages.element_text import shown_text, visible_text
from newscrawl.pages.headline import best_headline, headline_candidates, headline_text
from newscrawl.pages.pager import hrefs_to_pages
from newscrawl.pages.sidebar import sidebar_links
from newscrawl.pages.views import count_near, views_in_lines, views_in_text

_MIN_BODY_CHARS = 20
#: Characters of prose an article without a date line shows at least.
_MIN_UNDATED_BODY = 120


class ArticlePage(PageDocument):
    """An article page of any Chinese news template, read by labels and structure."""

    @cached_property
    def meta_line(self) -> Element | None:
        """The element holding the date (and often byline and counter) of the article:
        the family's hint, else the first labelled line (:func:`dateline.labelled_line`)."""
        hinted = self._hint(self.profile.meta_line)
        if hinted is not None and labels.DATE_TEXT.search(text_of(hinted)):
            return hinted
        return labelled_line(self._own_text, self.root.find("body"))

    @cached_property
    def date_line(self) -> Element | None:
        """The article's date line: the first date after the headline, else the labelled line.

        Portals print ``<h1>…</h1><div><span>2025-10-29 15:38</span>
        <span>新华网</span></div>`` with or without a 日期/时间 label, so the
        elements that follow the headline are read first, up to
        :data:`_DATE_WINDOW` characters of text: the first that holds a date
        with a year (or a relative one) is the line, widened to its short
        block parent. A labelled line met on the way wins (it carries the
        counter and bylines too). Without a headline, or with no date near
        it, the labelled line found anywhere (:attr:`meta_line`).
        """
        line = self.meta_line
        headline = self.headline
        if headline is None:
            return line
        near = date_after(headline, line, self.body_element)
        return near if near is not None else line

    @cached_property
    def meta_text(self) -> str:
        """The date line's visible text (a script inside it, filling a counter, is not read)."""
        line = self.date_line
        return visible_text(line) if line is not None else ""

    @cached_property
    def headline(self) -> Element | None:
        """The headline element: the family's hint, else the best-scored heading-like element."""
        hinted = self._hint(self.profile.headline, min_chars=2)
        if hinted is not None:
            return hinted
        line = self.meta_line
        candidates = headline_candidates(self.root, self.elements["headings"], line)
        return best_headline(
            candidates,
            line,
            full_title=self._document_title or "",
            short_title=metadata.short_title(self._document_title) or "",
            og_title=metadata.first_meta(self._metas, metadata.TITLE_META_NAMES) or "",
        )

    @cached_property
    def body_element(self) -> Element | None:
        """The family's body hint; the block after the meta line with the most text; the densest.

        Walking out from the date line, blocks that are mostly links (a side
        column) do not count, and the walk does not leave an ``<article>``:
        an emptied article frame has no body rather than someone else's text.
        """
        hinted = self._hint(self.profile.body, min_chars=_MIN_BODY_CHARS)
        if hinted is not None:
            return hinted
        return best_content(self.root, headline=self.headline)

    # -- fields ------------------------------------------------------------

    def is_article(self) -> bool:
        """An article shows a headline and prose of its own; soft 404s and lists do not.

        The date line is evidence, not a gate: an article whose date is shown
        in a form nobody listed still has its headline and body (its date is
        then null). Without a date line, the body must be prose of some length
        (:data:`_MIN_UNDATED_BODY` characters): an emptied article frame, a
        list of links or an error page has none.
        """
        if self.meta_line is not None:
            return True
        if self.headline is None and self.title() is None:
            return False
        body = self.body_element
        if body is None or looks_like_list(body):
            return False
        sections = self.sections()
        size = sum(len(p) for s in sections for p in s.paragraphs)
        has_date = self.date_line is not None or self._structured_date is not None
        if has_date and self.headline is not None:
            return size > 0
        return size >= _MIN_UNDATED_BODY

    def title(self) -> str | None:
        """The headline, else og:title, else ``<title>`` without its suffix."""
        headline = self.headline
        if headline is not None:
            return headline_text(headline, self.meta_line)
        return metadata.first_meta(self._metas, metadata.TITLE_META_NAMES) or (
            metadata.short_title(self._document_title)
        )

    def published_raw(self) -> str | None:
        """The date as shown: meta line, then meta tags, JSON-LD, ``<time>``."""
        text = self.meta_text
        if text:
            label = labels.DATE_LABEL_RE.search(text)
            match = labels.DATE_TEXT.search(text, label.end() if label else 0)
            if match is None and label is not None:
                match = labels.DATE_TEXT.search(text)
            if match:
                return clean_text(match.group(0))
        value = self._structured_date
        return clean_text(value) if isinstance(value, str) else None

    def published_hint(self) -> str | None:
        """A machine-readable publication time (``<time datetime>``, meta, JSON-LD).

        Blogs often show only the day (2024年11月2日) while ``datetime`` has the
        minute; the normalizer uses this when it falls on the day shown.
        """
        value = self._structured_date
        return clean_text(value) if isinstance(value, str) else None

    @cached_property
    def _views_raw(self) -> str | None:
        """The counter as shown; a colon takes no spaces (``点击：<b>356</b>`` is ``点击：356``).

        In the date line; else in a labelled line near the article (阅读 <script/>539,
        阅读数(<em>15878</em>)); else an element named as the count
        (``<span id="viewCount">3573</span>``) or a number after an eye icon.
        """
        found = views_in_text(self.meta_text)
        if found is not None:
            return found
        found = views_in_lines(self._views_lines)
        if found is not None:
            return found
        return count_near(self.date_line if self.date_line is not None else self.headline)

    def views_raw(self) -> str | None:
        """The counter as shown (read once: ``views_source`` asks too)."""
        return self._views_raw

    @cached_property
    def _views_lines(self) -> list[Element]:
        return self._labelled_within(labels.VIEWS_LABEL_ANY, self._article_scope, ignore=NO_BYLINE)

    def counter_url(self) -> str | None:
        """The script endpoint that fills the counter (count.php, api.php?op=count, ViewClick)."""
        for script in self.elements["script"]:
            src = script.get("src")
            if src is not None and labels.COUNTER_SCRIPT.search(src):
                return urljoin(self.url, src.strip())
        return None

    def views_source(self) -> ViewsSource | None:
        if self.views_raw():
            return "page"
        if self.counter_url() is not None:
            return "script"
        return None

    def _byline(self, field: str) -> str | None:
        pattern = labels.BYLINE[field]
        if match := pattern.search(self.meta_text):
            return clean_text(match.group(1))
        for text in self._byline_lines:
            if match := pattern.search(text):
                return clean_text(match.group(1))
        return None

    @cached_property
    def _byline_lines(self) -> list[str]:
        """Short lines around the article with a byline label (one scan for author and source)."""
        lines: list[str] = []
        for el in self._labelled_within(ANY_BYLINE_LABEL, self._article_scope, ignore=NO_BYLINE):
            text = shown_text(el)
            if len(text) <= 120:
                lines.append(text)
        return lines

    @cached_property
    def _article_scope(self) -> Element:
        """The element around headline, meta line and body (bylines are searched there)."""
        parts = [p for p in (self.headline, self.date_line, self.body_element) if p is not None]
        if not parts:
            return self.root
        common = [parts[0], *parts[0].iterancestors()]
        for part in parts[1:]:
            ancestors = {part, *part.iterancestors()}
            common = [a for a in common if a in ancestors]
        return common[0] if common else self.root

    @cached_property
    def _credits(self) -> Credits:
        """Everyone the page credits, read where credits stand, nearest first.

        The date line, labelled byline lines around the article, the body's
        own credit lines (新京报记者 陆一夫, 【编辑：姚昊】), brackets in its first and
        last paragraphs (…电（记者唐霁）), a name in brackets closing it, then
        an element classed as the author (a self-media account's name) and
        JSON-LD. See :mod:`newscrawl.pages.bylines` for what counts as a name.
        """
        found = Credits()
        if self.meta_text:
            found.add(read_credits(self.meta_text))
        for line in lines_beside(self.date_line):
            found.add(read_credits(line))
        for line in self._byline_lines:
            found.add(read_credits(line))
        credit_blocks = self._credit_blocks
        for block in credit_blocks:
            found.add(read_credits(block.text))
        dropped = {id(b) for b in credit_blocks}
        prose = [b.text for b in self._blocks if id(b) not in dropped]
        for text in (*prose[:2], *prose[-3:]):
            found.add(read_credits(text, bare=False))
        if not found.authors and prose and (name := closing_name(prose[-1])):
            found.authors.append(name)
        if not found.authors:
            named = author_element_name(self._article_scope)
            if named:
                found.authors.append(named)
        if not found.authors and (person := metadata.jsonld_author(self._jsonld)):
            found.authors.extend(n for n in split_names(person) if n not in found.authors)
        return found

    def author(self) -> str | None:
        """Every credited writer, ``"; "`` between names; None when the page credits none."""
        return "; ".join(self._credits.authors) or None

    def editor(self) -> str | None:
        """The editors credited (编辑, 责任编辑, 责编), ``"; "`` between names."""
        return "; ".join(self._credits.editors) or None

    def source(self) -> str | None:
        """The outlet the article comes from (来源, 出处)."""
        return self._byline("source") or next(iter(self._credits.sources), None)

    @cached_property
    def _blocks(self) -> list[Block]:
        body = self.body_element
        if body is None:
            return []
        return body_blocks(body, self._not_body)

    @cached_property
    def _credit_blocks(self) -> list[Block]:
        """The body's lines that only credit people or are template lines (not article text)."""
        blocks = self._blocks
        edges = {id(b) for b in (*blocks[:3], *blocks[-4:])}
        return [
            b
            for b in blocks
            if is_boilerplate(b.text)
            or (is_credit_line(b.text) and (id(b) in edges or len(b.text) <= 20))
        ]

    def sections(self) -> list[Section]:
        if self.body_element is None:
            return []
        dropped = {id(b) for b in self._credit_blocks}
        blocks = self._blocks
        return to_sections([b for b in blocks if id(b) not in dropped] if dropped else blocks)

    @cached_property
    def _not_body(self) -> set[Element]:
        """What a body element may wrap that is not article text: headline and date line."""
        return {el for el in (self.headline, self.date_line) if el is not None}

    def page_urls(self) -> list[str]:
        """Other pages of a multi-page article: links anywhere on the page to its page 2..n."""
        return hrefs_to_pages(self.url, self._hrefs, urls.joiner(self.url))

    def sidebar(self) -> list[SidebarLink]:
        elements = self.elements
        return sidebar_links(
            self.root,
            self.url,
            self.body_element,
            anchors=elements["a"],
            landmarks=elements["landmarks"],
        )

    # -- the item ------------------------------------------------------------

    def to_item(self) -> PageArticle | None:
        """The page's raw article (texts clean), or None when the page is not an article
        (soft 404)."""
        if not self.is_article():
            return None
        sections = self.sections()
        return PageArticle(
            url=urls.first_page_url(self.url),
            site=urls.host_of(self.url),
            cms_id=urls.article_id(self.url),
            channel=urls.channel_id(self.url),
            title=self.title(),
            published_hint=self.published_hint(),
            published_raw=self.published_raw(),
            author=self.author(),
            source=self.source(),
            editor=self.editor(),
            views_raw=self.views_raw(),
            views_source=self.views_source(),
            sections=sections,
            body=body_text(sections),
            sidebar=self.sidebar(),
            fetched_at=self.fetched_at,
        )
