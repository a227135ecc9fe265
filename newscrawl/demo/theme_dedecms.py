"""The ``dedecms`` demo theme: the same articles as a DedeCMS 5.7 site.

What a crawler meets on such a site, and this theme reproduces:

- pages are GBK (served as GB18030 bytes) declared only by
  ``<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />``;
  the HTTP ``Content-Type`` is a bare ``text/html`` (see the server);
- the headline is ``div.title > h2``, the meta line ``<div class="info">`` holds
  ``<small>时间:</small>…<small>来源:</small>…<small>作者:</small>…<small>点击:</small>``
  and the count is NOT in the page: ``<script src="/plus/count.php?view=yes&aid=ID&mid=1">``
  writes it (and adds one) when a browser runs it;
- dates show minutes only (``2026-01-08 09:30``);
- the body is ``div.content > table > tr > td`` after an ad ``div#contentMidPicAD``;
  most articles use ``<p>`` paragraphs, the old-editor ones (``indent: nbsp`` in
  the data) bare text lines indented with ``&nbsp;`` and ended by ``<br />``;
  headings are always ``<p><strong>一、…</strong></p>``;
- multi-page articles (``620.html``, ``620_2.html``) carry the
  ``div.dede_pages > ul.pagelist`` pager of ``GetPagebreak`` (with ``href='#'``
  for the current page) inside ``div.content``, after the table;
- lists (``list_{typeid}_{page}.html``) use ``GetPageListST``: no 下一页 on the
  last page, ``共 <strong>3</strong>页<strong>22</strong>条`` at the end;
- the sidebar boxes are ``dl.tbox`` (``最新文章`` with ``MM-DD`` dates after each
  link, ``热点文章`` without dates); prev/next is ``上一篇：<a …>`` / ``下一篇：没有了 ``.

DedeCMS writes most of its own markup with single-quoted attributes
(``<a href='list_29_2.html'>``); the template's markup uses double quotes.
"""

from __future__ import annotations

from newscrawl.demo.chrome_dedecms import (
    CHARSET_META,
    dede_footer,
    dede_head,
    dede_header,
    dede_place,
)
from newscrawl.demo.content import DemoArticle, DemoSite, truncate_title
from newscrawl.demo.render import IDEOGRAPHIC_INDENT, NBSP_INDENT, attr, esc
from newscrawl.demo.routes import DedeUrls

#: The id of the deleted article the home page still links (``/plus/view.php?aid=999``).
STALE_ARTICLE_ID = 999
STALE_TITLE = "星澜娱乐2024年度报告摘要（已下线）"
#: What ``/plus/view.php`` prints for an id it does not know (with HTTP 200).
MISSING_MESSAGE = "文档不存在或已被删除！"
#: ``mid`` of every ``count.php`` call: the member id of the publisher (admin).
MEMBER_ID = 1
#: Box names of the article sidebar.
NEWEST_BOX = "最新文章"
HOT_BOX = "热点文章"


def dede_date(article: DemoArticle) -> str:
    """``2026-01-08 09:30``: the article template's ``MyDate('Y-m-d H:i', pubdate)``."""
    return article.published[:16]


def uses_br_paragraphs(article: DemoArticle) -> bool:
    """Articles pasted through the old editor: ``&nbsp;`` indents and ``<br />`` lines."""
    return article.indent == "nbsp"


def sidebar_boxes(site: DemoSite) -> list[tuple[str, list[DemoArticle], bool]]:
    """(box name, linked articles, whether each link shows its MM-DD) in page order."""
    return [(NEWEST_BOX, site.newest(), True), (HOT_BOX, site.hottest(), False)]


def counter_src(article_id: int) -> str:
    """The counter script's URL (as written in ``src``, bare ``&``)."""
    return f"/plus/count.php?view=yes&aid={article_id}&mid={MEMBER_ID}"


class DedeCmsTheme:
    """Renders every page kind of the DedeCMS site; one instance per server."""

    name = "dedecms"
    #: Where ``div.dede_pages`` sits: inside ``div.content`` after the table (this
    #: template), or after ``div.content`` closes (the stock 5.7 article template).
    pager_after_content = False

    def __init__(self, site: DemoSite, urls: DedeUrls) -> None:
        self.site = site
        self.urls = urls

    # -- the page frame -----------------------------------------------------------

    def page(self, title: str, cid: int | None, left: str, description: str = "") -> str:
        """head, header, the two columns (``left`` + the sidebar), footer."""
        return "\n".join(
            [
                dede_head(title, self.site, description or f"{self.site.name}官方网站"),
                dede_header(self.site, self.urls, cid),
                '<div class="w960 center clear mt1">',
                f'<div class="pleft">\n{left}\n</div><!-- /pleft -->',
                self.sidebar(),
                "</div>",
                dede_footer(self.site, self.urls),
            ]
        )

    def _box(self, name: str, articles: list[DemoArticle], dated: bool) -> str:
        items = []
        for a in articles:
            text, _ = truncate_title(a.title)
            href = self.urls.show_url(a.cid, a.id)
            date = f"<span>{a.month_day}</span>" if dated else ""
            items.append(f'<li><a href="{href}" title="{attr(a.title)}">{esc(text)}</a>{date}</li>')
        lines = "\n".join(items)
        return (
            f'<dl class="tbox"><dt><strong>{esc(name)}</strong></dt>\n'
            f'<dd><ul class="c1 ico2">\n{lines}\n</ul></dd></dl>'
        )

    def sidebar(self) -> str:
        boxes = "\n".join(self._box(*box) for box in sidebar_boxes(self.site))
        return (
            '<div class="pright">\n<div class="commend mt1">\n'
            f"{boxes}\n</div>\n"
            "<div class=\"mt1\"><script src='/plus/ad_js.php?aid=3' language='javascript'></script></div>\n"
            "</div><!-- /pright -->"
        )

    # -- article ------------------------------------------------------------------

    def body_html(self, article: DemoArticle, page_number: int) -> str:
        """The editor HTML of one page, as DedeCMS stores it in ``addonarticle.body``."""
        page = article.page(page_number)
        paragraph = self._br_paragraph if uses_br_paragraphs(article) else self._p_paragraph
        out = [paragraph(article, p) for p in page.lead]
        if "image" in article.features and page_number == 1:
            day = article.published_dt
            out.append(
                '<p style="text-align: center;"><img alt="" src="/uploads/allimg/'
                f'{day:%y%m%d}/1-{day:%y%m%d%H%M}{article.id}.jpg" '
                'style="width: 640px; height: 360px;" /></p>'
            )
        for index, section in enumerate(page.sections):
            if index and "spacer" in article.features:
                out.append("<p>&nbsp;</p>")
            out.append(f"<p><strong>{esc(section.heading)}</strong></p>")
            out.extend(paragraph(article, p) for p in section.paragraphs)
        return "\n".join(out)

    @staticmethod
    def _p_paragraph(article: DemoArticle, text: str) -> str:
        indent = IDEOGRAPHIC_INDENT if article.indent == "ideo" else ""
        body = esc(text)
        if "span" in article.features:
            body = f'<span style="font-size: 14px;">{body}</span>'
        return f"<p>{indent}{body}</p>"

    @staticmethod
    def _br_paragraph(article: DemoArticle, text: str) -> str:
        return f"{NBSP_INDENT}{esc(text)}<br />"

    def pagebreak(self, article: DemoArticle, current: int, dynamic: bool = False) -> str:
        """``GetPagebreak`` (static ``620_2.html``) or ``GetPagebreakDM`` (``view.php``)."""
        total = article.page_count
        if total == 1:
            return ""

        def link(page: int) -> str:
            if dynamic:
                return f"view.php?aid={self.urls.cms_id(article.id)}&pageno={page}"
            return self.urls.content_page_url(article.cid, article.id, page)

        items = [f"<li><a>共{total}页: </a></li>"]
        items.append(
            f"<li><a href='{link(current - 1)}'>上一页</a></li>"
            if current > 1
            else "<li><a href='#'>上一页</a></li>"
        )
        for k in range(1, total + 1):
            if k == current:
                items.append(f"<li class=\"thisclass\"><a href='#'>{k}</a></li>")
            else:
                items.append(f"<li><a href='{link(k)}'>{k}</a></li>")
        items.append(
            f"<li><a href='{link(current + 1)}'>下一页</a></li>"
            if current < total
            else "<li><a href='#'>下一页</a></li>"
        )
        return "".join(items)

    def prenext(self, article: DemoArticle) -> tuple[str, str]:
        """``上一篇：<a href='…'>…</a> `` / ``下一篇：没有了 `` (DedeCMS's own strings)."""
        older, newer = self.site.neighbours(article)

        def entry(label: str, target: DemoArticle | None) -> str:
            if target is None:
                return f"{label}：没有了 "
            href = self.urls.show_url(target.cid, target.id)
            return f"{label}：<a href='{href}'>{esc(target.title)}</a> "

        return entry("上一篇", older), entry("下一篇", newer)

    def info_line(self, article: DemoArticle) -> str:
        parts = [f"<small>时间:</small>{dede_date(article)}"]
        if article.source:
            parts.append(f"<small>来源:</small>{esc(article.source)}")
        if article.author:
            parts.append(f"<small>作者:</small>{esc(article.author)}")
        parts.append(
            f'<small>点击:</small><script src="{counter_src(self.urls.cms_id(article.id))}"></script>次'
        )
        return f'<div class="info">{"".join(parts)}</div><!-- /info -->'

    def viewbox(self, article: DemoArticle, page: int, dynamic: bool = False) -> str:
        older, newer = self.prenext(article)
        pages = (
            f'<div class="dede_pages"><ul class="pagelist">{self.pagebreak(article, page, dynamic)}'
            "</ul></div><!-- /pages -->\n"
        )
        return f"""<div class="viewbox">
<div class="title">
<h2>{esc(article.title)}</h2>
</div><!-- /title -->
{self.info_line(article)}
<div class="content">
<table width='100%'>
<tr>
<td>
<div id="contentMidPicAD" style="float:right; clear:both; top:0; vertical-align:top;"><script src='/plus/ad_js.php?aid=2' language='javascript'></script></div>
{self.body_html(article, page)}
</td>
</tr>
</table>
{"" if self.pager_after_content else pages}</div><!-- /content -->
{pages if self.pager_after_content else ""}<div class="boxoff">
<strong>------分隔线----------------------------</strong>
</div>
<div class="handle">
<div class="context">
<ul>
<li>{older}</li>
<li>{newer}</li>
</ul>
</div><!-- /context -->
</div><!-- /handle -->
</div><!-- /viewbox -->"""

    def article(self, article: DemoArticle, page: int, dynamic: bool = False) -> str:
        """An article page; ``dynamic`` renders it as ``/plus/view.php`` does (pager links)."""
        channel = self.site.channel(article.cid)
        name = channel.name if channel else ""
        left = (
            dede_place(self.site, self.urls, article.cid)
            + "\n"
            + self.viewbox(article, page, dynamic)
        )
        title = f"{article.title}_{name}_{self.site.name}"
        return self.page(title, article.cid, left, article.summary())

    def missing(self) -> str:
        """``/plus/view.php`` with an unknown id: HTTP 200, the frame and a message."""
        left = (
            dede_place(self.site, self.urls, None) + '\n<div class="viewbox">\n'
            '<div class="title">\n<h2></h2>\n</div><!-- /title -->\n'
            f'<div class="msgbox"><p>{MISSING_MESSAGE}</p>'
            "<p><a href='/'>返回主页</a></p></div>\n</div><!-- /viewbox -->"
        )
        return self.page(f"提示信息_{self.site.name}", None, left)

    # -- lists --------------------------------------------------------------------

    def list_item(self, a: DemoArticle) -> str:
        channel = self.site.channel(a.cid)
        lanmu = channel.name if channel else ""
        return (
            f"<li><a href='{self.urls.list_url(a.cid)}' class='lanmu'>[{esc(lanmu)}]</a> "
            f'<a href="{self.urls.show_url(a.cid, a.id)}" class="title">{esc(a.title)}</a>'
            f'<span class="info"><small>日期：</small>{a.published}</span>'
            f'<p class="intro">{esc(a.summary())}</p></li>'
        )

    def pagelist(self, cid: int, page: int) -> str:
        """``GetPageListST`` with ``listitem="index,pre,pageno,next,end,info"``.

        The last page has no 下一页 at all, the first none for 上一页; 首页/末页 lose
        their ``href`` where they would point at the current page. One page only
        prints the info item (``条记录``), as DedeCMS does.
        """
        total = self.site.list_page_count(cid)
        count = len(self.site.in_channel(cid))
        if total <= 1:
            return (
                f'<li><span class="pageinfo">共 <strong>1</strong>页<strong>{count}</strong>条记录'
                "</span></li>\r\n"
            )
        items = []
        if page > 1:
            items.append(f"<li><a href='{self.urls.list_file(cid, 1)}'>首页</a></li>\r\n")
            items.append(f"<li><a href='{self.urls.list_file(cid, page - 1)}'>上一页</a></li>\r\n")
        else:
            items.append("<li><a>首页</a></li>\r\n")
        for k in range(1, total + 1):
            if k == page:
                items.append(f'<li class="thisclass">{k}</li>\r\n')
            else:
                items.append(f"<li><a href='{self.urls.list_file(cid, k)}'>{k}</a></li>\r\n")
        if page < total:
            items.append(f"<li><a href='{self.urls.list_file(cid, page + 1)}'>下一页</a></li>\r\n")
            items.append(f"<li><a href='{self.urls.list_file(cid, total)}'>末页</a></li>\r\n")
        else:
            items.append("<li><a>末页</a></li>\r\n")
        items.append(
            f'<li><span class="pageinfo">共 <strong>{total}</strong>页<strong>{count}</strong>条'
            "</span></li>\r\n"
        )
        return "".join(items)

    def listing(self, cid: int, page: int) -> str:
        """A channel list page (the route only yields pages that exist)."""
        channel = self.site.channel(cid)
        name = channel.name if channel else ""
        items = "\n".join(self.list_item(a) for a in self.site.list_page(cid, page))
        left = (
            f"{dede_place(self.site, self.urls, cid)}\n"
            f'<div class="listbox">\n<ul class="e2">\n{items}\n</ul>\n</div><!-- /listbox -->\n'
            f'<div class="dede_pages">\n<ul class="pagelist">\n{self.pagelist(cid, page)}</ul>\n'
            "</div><!-- /pages -->"
        )
        suffix = f"_第{page}页" if page > 1 else ""
        return self.page(f"{name}{suffix}_{self.site.name}", cid, left)

    # -- home and the pages robots.txt keeps crawlers from -------------------------

    def home_box(self, cid: int) -> str:
        channel = self.site.channel(cid)
        assert channel is not None
        href = self.urls.list_url(cid)
        items = []
        for a in self.site.in_channel(cid)[:8]:
            text, _ = truncate_title(a.title, 20)
            link = self.urls.show_url(a.cid, a.id)
            items.append(
                f'<li><span>{a.month_day}</span><a href="{link}" title="{attr(a.title)}">'
                f"{esc(text)}</a></li>"
            )
        return (
            f"<dl class=\"tbox\"><dt><strong><a href='{href}'>{esc(channel.name)}</a></strong>"
            f"<span class=\"more\"><a href='{href}'>更多...</a></span></dt>\n"
            f'<dd><ul class="d1 ico3">{"".join(items)}</ul></dd></dl>'
        )

    def home(self) -> str:
        focus = "".join(
            f'<li><h3><a href="{self.urls.show_url(a.cid, a.id)}">{esc(a.title)}</a></h3>'
            f"<p>{esc(a.summary(40))}</p></li>"
            for a in self.site.newest(3)
        )
        boxes = "\n".join(self.home_box(c.cid) for c in self.site.channels)
        left = f"""<div class="focus"><ul>{focus}</ul></div>
<div class="index_main clear">
{boxes}
<dl class="tbox"><dt><strong>推荐阅读</strong></dt>
<dd><ul class="d1 ico3"><li><a href="/plus/view.php?aid={STALE_ARTICLE_ID}" title="{attr(STALE_TITLE)}">{esc(STALE_TITLE)}</a></li></ul></dd></dl>
</div>"""
        return self.page(f"{self.site.name}_官方网站", None, left)

    def search(self, keyword: str) -> str:
        found = [a for a in self.site.articles if keyword and keyword.lower() in a.title.lower()]
        items = "\n".join(self.list_item(a) for a in found) or "<li>没有找到相关内容</li>"
        left = (
            f'<div class="place"><strong>搜索：</strong>{esc(keyword)}</div>\n'
            f'<div class="listbox">\n<ul class="e2">\n{items}\n</ul>\n</div>'
        )
        return self.page(f"搜索结果_{self.site.name}", None, left)

    def admin(self) -> str:
        """The ``/member/`` and ``/dede/`` login forms (disallowed by robots.txt)."""
        return (
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
            f'<html xmlns="http://www.w3.org/1999/xhtml"><head>{CHARSET_META}'
            "<title>登录</title></head><body>"
            '<form method="post" action="login.php"><input type="hidden" name="dopost" value="login" />'
            '<input name="userid" /><input name="pwd" type="password" />'
            '<button type="submit">登录</button></form></body></html>'
        )
