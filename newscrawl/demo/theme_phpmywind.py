"""The default demo theme: PHPMyWind's Bootstrap template with dynamic URLs.

The article markup follows the template the example site uses (``article.info``
with an ``h2``, a ``日期… / 人气…`` line, ``div.bd > div`` editor HTML, the
author in ``p.text-right``, ``ul.prenext``, and ``h4`` + ``ul`` sidebar boxes).
:class:`~newscrawl.demo.theme_rewrite.RewriteTheme` overrides the
template-specific methods to prove extraction does not depend on class names.
"""

from __future__ import annotations

from newscrawl.demo.content import DemoArticle, DemoSite, truncate_title
from newscrawl.demo.render import attr, date_line_parts, editor_html, esc, footer, head, url_attr
from newscrawl.demo.routes import UrlScheme

#: The stale link the home page keeps to an article that was deleted (soft 404).
STALE_ARTICLE_ID = 999
STALE_TITLE = "星澜娱乐2024年度报告摘要（已下线）"


class PhpMyWindTheme:
    """Renders every page kind of the site; one instance per server."""

    name = "phpmywind"
    css_name = "style"

    def __init__(self, site: DemoSite, urls: UrlScheme) -> None:
        self.site = site
        self.urls = urls

    # -- chrome -------------------------------------------------------------

    def header(self, active_cid: int | None) -> str:
        home_active = ' class="active"' if active_cid is None else ""
        items = [f'<li{home_active}><a href="/">网站首页</a></li>']
        for channel in self.site.channels:
            active = ' class="active"' if channel.cid == active_cid else ""
            href = url_attr(self.urls.list_url(channel.cid))
            items.append(f'<li{active}><a href="{href}">{esc(channel.name)}</a></li>')
        items.append('<li><a href="javascript:void(0)" id="navContact">联系我们</a></li>')
        return f"""<body>
<div class="topbar"><div class="container">欢迎访问{esc(self.site.name)}官方网站！
<span class="pull-right"><a href="/">设为首页</a><a href="javascript:void(0)">加入收藏</a></span>
</div></div>
<div class="header"><div class="container clearfix">
<a class="logo" href="/">{esc(self.site.name)}<small>XINGLAN ENTERTAINMENT</small></a>
<form class="search" action="/search.php" method="get" onsubmit="return CheckSearch(this);">
<input type="text" name="kw" placeholder="请输入关键字" /><button type="submit">搜索</button></form>
</div></div>
<nav class="navbar navbar-default"><div class="container">
<div class="navbar-header"><button type="button" class="navbar-toggle collapsed"
 data-toggle="collapse" data-target="#navbar"><span class="sr-only">导航</span>
<span class="icon-bar"></span><span class="icon-bar"></span><span class="icon-bar"></span></button></div>
<div id="navbar" class="collapse navbar-collapse"><ul class="nav navbar-nav">{"".join(items)}</ul></div>
</div></nav>
<div class="mobile-mask"></div>
<nav class="mobile-menu"><ul>{"".join(items)}</ul></nav>"""

    def breadcrumb(self, cid: int | None, tail: str | None) -> str:
        parts = ['<a href="/">首页</a>']
        channel = self.site.channel(cid) if cid is not None else None
        if channel is not None:
            href = url_attr(self.urls.list_url(channel.cid))
            parts.append(f'<a href="{href}">{esc(channel.name)}</a>')
        if tail:
            parts.append(esc(tail))
        return f'<div class="container"><div class="crumb">当前位置：{" &gt; ".join(parts)}</div></div>'

    def sidebar(self) -> str:
        boxes = []
        for box, articles in self.site.sidebar_boxes():
            items = []
            for a in articles:
                text, _ = truncate_title(a.title)
                href = url_attr(self.urls.show_url(a.cid, a.id))
                items.append(
                    f'<li><a href="{href}" title="{attr(a.title)}">{esc(text)}</a>'
                    f"<small>{a.month_day}</small></li>"
                )
            boxes.append(
                f"<h4>{esc(box.name)} <small>{box.en}</small></h4>\n<ul>{''.join(items)}</ul>"
            )
        boxes.append(
            '<div class="contact"><h4>联系我们 <small>Contact</small></h4>'
            "<p>客服热线：400-800-0613</p><p>工作时间：周一至周五 9:00-18:00</p></div>"
        )
        return '<div class="col-md-3"><div class="sidebar">\n' + "\n".join(boxes) + "\n</div></div>"

    def page(self, title: str, cid: int | None, crumb: str | None, main: str) -> str:
        """A complete page: head, header, breadcrumb, main column, sidebar, footer."""
        return "\n".join(
            [
                head(title, self.site, self.css_name),
                self.header(cid),
                self.breadcrumb(cid, crumb),
                '<div class="container"><div class="row">',
                main,
                self.sidebar(),
                "</div></div>",
                footer(self.site, self.channel_links()),
            ]
        )

    def channel_links(self) -> str:
        return "".join(
            f'<a href="{url_attr(self.urls.list_url(c.cid))}">{esc(c.name)}</a>'
            for c in self.site.channels
        )

    def title_suffix(self, cid: int | None) -> str:
        channel = self.site.channel(cid) if cid is not None else None
        return f" - {channel.name} - {self.site.name}" if channel else f" - {self.site.name}"

    # -- article --------------------------------------------------------------

    def content_pager(self, article: DemoArticle, current: int) -> str:
        n = article.page_count
        link = self.urls.content_page_url
        parts = [
            f'<a href="{url_attr(link(article.cid, article.id, max(1, current - 1)))}">上一页</a>'
        ]
        for k in range(1, n + 1):
            if k == current:
                parts.append(f"<span>{k}</span>")
            else:
                parts.append(f'<a href="{url_attr(link(article.cid, article.id, k))}">{k}</a>')
        parts.append(
            f'<a href="{url_attr(link(article.cid, article.id, min(n, current + 1)))}">下一页</a>'
        )
        return " ".join(parts)

    def prenext(self, article: DemoArticle) -> tuple[str, str]:
        """Inner HTML of the 上一篇 / 下一篇 entries."""
        older, newer = self.site.neighbours(article)

        def link(target: DemoArticle | None) -> str:
            if target is None:
                return "已经没有了"
            href = url_attr(self.urls.show_url(target.cid, target.id))
            return f'<a href="{href}" title="{attr(target.title)}">{esc(target.title)}</a>'

        return link(older), link(newer)

    def article_main(self, article: DemoArticle | None, page: int, views: int) -> str:
        """The main column; ``article`` None renders the soft-404 empty frame."""
        if article is None:
            return (
                '<div class="col-md-9"><article class="info">\n<h2></h2>\n'
                '<div class="bd"><div></div></div>\n</article></div>'
            )
        date, counter = date_line_parts(article, views)
        pager = ""
        if article.page_count > 1:
            pager = f'\n<div class="contPage">{self.content_pager(article, page)}</div>'
        author = (
            f'\n<p class="text-right">作者{article.colon_char}{esc(article.author)}</p>'
            if article.author
            else ""
        )
        older, newer = self.prenext(article)
        return f"""<div class="col-md-9"><article class="info">
<h2>{esc(article.title)}</h2>
<p class="info-date">{date} / {counter}</p>
<div class="bd"><div>
{editor_html(article, page)}
</div>{pager}
</div>{author}
<div class="share-bar">分享到：<a href="javascript:void(0)" data-share="weixin">微</a>
<a href="javascript:void(0)" data-share="weibo">博</a><a href="javascript:void(0)" data-share="qzone">Q</a></div>
<ul class="prenext"><li>←上一篇：{older}</li><li>下一篇→：{newer}</li></ul>
</article></div>"""

    def article(self, article: DemoArticle | None, cid: int | None, page: int, views: int) -> str:
        title = article.title if article else ""
        shown_cid = article.cid if article else cid
        main = self.article_main(article, page, views)
        return self.page(title + self.title_suffix(shown_cid), shown_cid, "正文", main)

    # -- lists --------------------------------------------------------------------

    def list_item(self, a: DemoArticle) -> str:
        href = url_attr(self.urls.show_url(a.cid, a.id))
        return (
            f'<li><a href="{href}" title="{attr(a.title)}">{esc(a.title)}</a>'
            f'<span>{a.date}</span><p class="summary">{esc(a.summary())}</p></li>'
        )

    def list_pager(self, cid: int, page: int, last: int) -> str:
        url = self.urls.list_url
        parts = [f'<a href="{url_attr(url(cid, 1))}" title="首页">首页</a>']
        if page > 1:
            parts.append(f'<a href="{url_attr(url(cid, page - 1))}" title="上一页">上一页</a>')
        else:
            parts.append('<a href="javascript:;" title="已是第一页">上一页</a>')
        for k in range(1, last + 1):
            on = ' class="on"' if k == page else ""
            parts.append(f'<a href="{url_attr(url(cid, k))}"{on}>{k}</a>')
        if page < last:
            parts.append(f'<a href="{url_attr(url(cid, page + 1))}" title="下一页">下一页</a>')
        else:
            parts.append('<a href="javascript:;" title="已是最后一页">下一页</a>')
        parts.append(f'<a href="{url_attr(url(cid, last))}" title="尾页">尾页</a>')
        return "\n".join(parts)

    def list_main(self, cid: int, page: int) -> str:
        items = "\n".join(self.list_item(a) for a in self.site.list_page(cid, page))
        last = self.site.list_page_count(cid)
        pager = self.list_pager(cid, page, last) if items else ""
        return (
            f'<div class="col-md-9"><ul class="news-list">\n{items}\n</ul>\n'
            f'<div class="page_list">{pager}</div></div>'
        )

    def listing(self, cid: int | None, page: int) -> str:
        """A list page; out-of-range ``page`` values were already clamped to 1."""
        channel = self.site.channel(cid) if cid is not None else None
        name = channel.name if channel else ""
        main = self.list_main(channel.cid, page) if channel else '<div class="col-md-9"></div>'
        suffix = f" - 第{page}页" if page > 1 else ""
        return self.page(f"{name}{suffix} - {self.site.name}", cid, None, main)

    # -- home and the pages a polite crawler never sees --------------------------

    def home_block(self, cid: int) -> str:
        channel = self.site.channel(cid)
        assert channel is not None
        href = url_attr(self.urls.list_url(cid))
        items = []
        for a in self.site.in_channel(cid)[:6]:
            text, _ = truncate_title(a.title, 20)
            link = url_attr(self.urls.show_url(a.cid, a.id))
            items.append(
                f'<li><a href="{link}" title="{attr(a.title)}">{esc(text)}</a><span>{a.month_day}</span></li>'
            )
        return (
            f'<div class="home-block"><h3><a href="{href}">{esc(channel.name)}</a>'
            f'<a class="more" href="{href}">更多+</a></h3><ul class="news-list">{"".join(items)}</ul></div>'
        )

    def home(self) -> str:
        slides = []
        for index, a in enumerate(self.site.newest(3)):
            active = " active" if index == 0 else ""
            link = url_attr(self.urls.show_url(a.cid, a.id))
            slides.append(
                f'<div class="item{active}"><a href="{link}"><h3>{esc(a.title)}</h3></a></div>'
            )
        stale = url_attr(self.urls.show_url(29, STALE_ARTICLE_ID))
        words = "".join(f'<a href="/search.php?kw={w}">{w}</a>' for w in ("AI", "短剧", "演唱会"))
        blocks = "\n".join(self.home_block(c.cid) for c in self.site.channels)
        main = f"""<div class="col-md-9">
<div id="carousel" class="carousel slide" data-ride="carousel"><div class="carousel-inner">{"".join(slides)}</div></div>
{blocks}
<div class="home-block"><h3>推荐阅读</h3><ul class="news-list">
<li><a href="{stale}" title="{attr(STALE_TITLE)}">{esc(STALE_TITLE)}</a></li></ul></div>
<div class="home-block hot-words"><h3>热门搜索</h3>{words}</div>
</div>"""
        return self.page(f"{self.site.name} - 官方网站", None, None, main)

    def search(self, keyword: str) -> str:
        found = [a for a in self.site.articles if keyword and keyword.lower() in a.title.lower()]
        items = "\n".join(self.list_item(a) for a in found) or "<li>没有找到相关内容</li>"
        main = f'<div class="col-md-9"><h3>搜索：{esc(keyword)}</h3><ul class="news-list">{items}</ul></div>'
        return self.page(f"搜索结果 - {self.site.name}", None, "搜索", main)

    def admin(self) -> str:
        return (
            '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8" /><title>后台登录</title>'
            '</head><body><form method="post" action="/admin/login.php">'
            '<input name="username" /><input name="password" type="password" />'
            "<button>登录</button></form></body></html>"
        )
