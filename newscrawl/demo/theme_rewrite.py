"""The ``rewrite`` demo theme: the same content in a different template.

Another PHPMyWind site would have its own designer: rewritten URLs
(``/show-29-613-1.html``), ``h1.art-title`` instead of ``article.info h2``,
the date and counter in ``<span>``s of ``div.art-info``, the body in
``div.content > div.art-body``, ``h3.tit`` sidebar headings with an ``<em>``
English word and the date *before* each link. Only the labels (日期 人气 作者
上一篇 下一页 …) stay the same, so an extractor that passes on both themes reads
pages by structure and labels, not by class names.
"""

from __future__ import annotations

from newscrawl.demo.content import DemoArticle, truncate_title
from newscrawl.demo.render import attr, date_line_parts, editor_html, esc, url_attr
from newscrawl.demo.theme_phpmywind import PhpMyWindTheme


class RewriteTheme(PhpMyWindTheme):
    """Overrides only the template-specific parts of :class:`PhpMyWindTheme`."""

    name = "rewrite"
    css_name = "xl2026"

    def breadcrumb(self, cid: int | None, tail: str | None) -> str:
        parts = ['<a href="/">首页</a>']
        channel = self.site.channel(cid) if cid is not None else None
        if channel is not None:
            href = url_attr(self.urls.list_url(channel.cid))
            parts.append(f'<a href="{href}">{esc(channel.name)}</a>')
        if tail:
            parts.append(f"<span>{esc(tail)}</span>")
        return f'<div class="container"><div class="position">您的位置：{" / ".join(parts)}</div></div>'

    def sidebar(self) -> str:
        mods = []
        for box, articles in self.site.sidebar_boxes():
            items = []
            for a in articles:
                text, _ = truncate_title(a.title)
                href = url_attr(self.urls.show_url(a.cid, a.id))
                items.append(
                    f'<li><span class="date">{a.month_day}</span>'
                    f'<a href="{href}" title="{attr(a.title)}" target="_blank">{esc(text)}</a></li>'
                )
            mods.append(
                f'<div class="side-mod"><h3 class="tit">{esc(box.name)}<em>{box.en}</em></h3>\n'
                f'<ul class="list">{"".join(items)}</ul></div>'
            )
        mods.append(
            '<div class="side-mod side-contact"><h3 class="tit">客户服务<em>Service</em></h3>'
            "<p>客服热线：400-800-0613</p><p>服务时间：周一至周五 9:00-18:00</p></div>"
        )
        return '<div class="col-md-3 main-right">\n' + "\n".join(mods) + "\n</div>"

    def article_main(self, article: DemoArticle | None, page: int, views: int) -> str:
        if article is None:
            return (
                '<div class="col-md-9 main-left"><div class="news-detail">\n<h1 class="art-title"></h1>\n'
                '<div class="content"><div class="art-body"></div></div>\n</div></div>'
            )
        date, counter = date_line_parts(article, views)
        pager = ""
        if article.page_count > 1:
            pager = f'\n<div class="page-nav">{self.content_pager(article, page)}</div>'
        author = ""
        if article.author:
            author = f'\n<div class="author">作者{article.colon_char}{esc(article.author)}</div>'
        older, newer = self.prenext(article)
        return f"""<div class="col-md-9 main-left"><div class="news-detail">
<h1 class="art-title">{esc(article.title)}</h1>
<div class="art-info"><span>{date}</span> / <span>{counter}</span></div>
<div class="content"><div class="art-body">
{editor_html(article, page)}
</div>{pager}</div>{author}
<div class="prev-next"><p>上一篇：{older}</p><p>下一篇：{newer}</p></div>
</div></div>"""

    def list_item(self, a: DemoArticle) -> str:
        href = url_attr(self.urls.show_url(a.cid, a.id))
        return (
            f'<li><span class="date">{a.date}</span><a href="{href}" title="{attr(a.title)}">'
            f"{esc(a.title)}</a><p>{esc(a.summary())}</p></li>"
        )

    def list_main(self, cid: int, page: int) -> str:
        items = "\n".join(self.list_item(a) for a in self.site.list_page(cid, page))
        last = self.site.list_page_count(cid)
        pager = self.list_pager(cid, page, last) if items else ""
        return (
            f'<div class="col-md-9 main-left"><ul class="news-list art-list">\n{items}\n</ul>\n'
            f'<div class="pages">{pager}</div></div>'
        )
