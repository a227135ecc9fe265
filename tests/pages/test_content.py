"""Choosing the article's text by what its paragraphs look like (newscrawl.pages.content)."""

from __future__ import annotations

from newscrawl.pages.base import ArticlePage
from newscrawl.pages.content import best_content, is_unlikely, looks_like_list
from newscrawl.pages.dom import parse_html

PARAGRAPHS = [
    "今年秋天，河口镇的稻田迎来了丰收，农户们一早就下田收割，脸上满是笑容。",
    "镇农技站的老周说，今年推广的新品种抗倒伏，产量比去年高出一成多，米质也更好。",
    "合作社还请来了烘干设备，收下的稻谷当天就能烘干入库，不再怕连阴雨。",
    "不少年轻人也回到村里，帮着家里开收割机、做直播，把新米卖到了外地。",
]
LINKS = "".join(
    f'<li><a href="/a/{i}.html">镇里的第{i}条新闻标题在这里</a></li>' for i in range(30)
)


def table_portal() -> str:
    """A 2005-era portal: tables, the article as <br> runs beside a tall link column."""
    text = "<br>\n".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{p}" for p in PARAGRAPHS)
    return (
        "<html><head><title>河口镇喜获丰收_乡镇新闻</title></head><body>"
        f"<table><tr><td width=200><ul>{LINKS}</ul></td>"
        "<td><table><tr><td align=center><font size=4><b>河口镇喜获丰收</b></font></td></tr>"
        "<tr><td>发布日期：2006-10-12</td></tr>"
        f"<tr><td class=content>{text}</td></tr></table></td></tr></table>"
        "<div class=copyright>版权所有：河口镇人民政府 地址：河口镇政府路1号</div>"
        "</body></html>"
    )


def blog() -> str:
    """A blog post whose comments are longer than the post (classed as comments)."""
    comments = "".join(
        f"<div class=comment-item><p>{p}{p}</p></div>" for p in PARAGRAPHS + PARAGRAPHS
    )
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<html><head><title>秋收记 - 小周的博客</title></head><body>"
        "<h1>秋收记</h1><div class=entry>" + body + "</div>"
        f"<div id=comments>{comments}</div></body></html>"
    )


def list_page() -> str:
    items = "".join(
        f'<li><h3><a href="/a/{i}.html">河口镇第{i}则新闻的完整标题</a></h3>'
        f"<p>{PARAGRAPHS[i % 4][:20]}……</p><p>2024-05-0{i}</p></li>"
        for i in range(1, 8)
    )
    return f"<html><head><title>乡镇新闻</title></head><body><h1>乡镇新闻</h1><ul>{items}</ul></body></html>"


def test_a_table_portals_br_text_beats_its_link_column() -> None:
    page = ArticlePage("http://example.test/a/1.html", table_portal())
    item = page.to_item()
    assert item is not None
    assert item.body.splitlines() == PARAGRAPHS


def test_comment_boxes_are_never_the_body() -> None:
    page = ArticlePage("http://example.test/blog/7.html", blog())
    item = page.to_item()
    assert item is not None
    assert item.title == "秋收记"
    assert item.body.splitlines() == PARAGRAPHS


def test_an_article_without_a_date_line_still_gives_title_and_body() -> None:
    html = (
        "<html><head><title>秋收记</title></head><body><h1>秋收记</h1>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</body></html>"
    )
    item = ArticlePage("http://example.test/a/2.html", html).to_item()
    assert item is not None
    assert item.title == "秋收记"
    assert item.published_raw is None
    assert item.body.splitlines() == PARAGRAPHS


def test_a_list_page_is_no_article() -> None:
    page = ArticlePage("http://example.test/list/1.html", list_page())
    assert page.body_element is not None and looks_like_list(page.body_element)
    assert page.to_item() is None


def test_an_empty_page_has_no_content() -> None:
    root = parse_html("<html><body><div id=nav><a href=/>首页</a></div></body></html>")
    assert best_content(root) is None


def test_unlikely_names_keep_content_words() -> None:
    root = parse_html(
        "<html><body><div class='share-bar'></div><div class='article-share content'></div>"
        "</body></html>"
    )
    share, content = root.find("body")
    assert is_unlikely(share)
    assert not is_unlikely(content)


def test_a_page_wrapped_in_a_form_still_has_a_body() -> None:
    # Government CMSs (ASP.NET, VSB) put the whole page, article included, in one <form>.
    html = (
        "<html><head><title>秋收记</title></head><body><form name='page'><table><tr><td>"
        "<h1>秋收记</h1><div id='vsb_content'>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "</div></td></tr></table></form>"
        "<div>主办单位：河口镇人民政府 版权所有 地址：政府路1号</div></body></html>"
    )
    item = ArticlePage("http://example.test/a/3.html", html).to_item()
    assert item is not None
    assert item.body.splitlines() == PARAGRAPHS


def test_provenance_and_breadcrumb_lines_are_not_body() -> None:
    html = (
        "<html><head><title>秋收记</title></head><body><h1>秋收记</h1><div class='text'>"
        "<p>您所在的位置： 首页 > 乡镇 > 新闻</p><p>（原标题：河口镇秋收见闻）</p>"
        + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        + "<p>原标题是编辑后来改的，这一句是正文。</p></div></body></html>"
    )
    item = ArticlePage("http://example.test/a/4.html", html).to_item()
    assert item is not None
    assert item.body.splitlines() == [*PARAGRAPHS, "原标题是编辑后来改的，这一句是正文。"]


def test_error_pages_and_forum_indexes_are_no_articles() -> None:
    error = (
        "<html><head><title>404 页面不存在</title></head><body><h1>抱歉，您访问的页面不存在</h1>"
        "<p>可能已被删除或地址有误。</p><a href='/'>返回首页</a></body></html>"
    )
    assert ArticlePage("http://example.test/a/404.html", error).to_item() is None
    rows = "".join(
        f"<tr><td><a href='/t/{i}.html'>河口镇第{i}个讨论帖子的标题在这里</a></td>"
        f"<td>网友{i}</td><td>{i * 3}</td><td>2024-05-0{i % 9 + 1}</td></tr>"
        for i in range(20)
    )
    forum = (
        "<html><head><title>河口论坛</title></head><body><h1>河口论坛</h1>"
        f"<table>{rows}</table></body></html>"
    )
    assert ArticlePage("http://example.test/forum/1.html", forum).to_item() is None
