"""The faulty site's content: its articles, which fault each one has, and the HTML of its pages.

A PHPMyWind-style news site (``list.php?cid=N``, ``show.php?cid=N&id=M``) whose
channel 1 is healthy and whose channel 2 lists one article per fault; the
channels 4 and 5 are calendar traps. All Chinese text here is written for these tests.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Story:
    """One article of the site: our own short text."""

    id: int
    title: str
    paragraphs: tuple[str, ...]
    day: int  # January 2026
    author: str = "本站记者"


GOOD_STORIES = (
    Story(
        101,
        "青石镇图书馆延长周末开放时间",
        (
            "从本月起，青石镇图书馆周六和周日的闭馆时间推迟到晚上九点。",
            "馆长说，周末来自习的中学生越来越多，原来的开放时间已经不够用了。",
        ),
        3,
    ),
    Story(
        102,
        "河畔公园新增三条夜跑步道",
        (
            "河畔公园东侧的三条步道铺上了防滑塑胶，并加装了感应路灯。",
            "附近居民表示，晚饭后沿着河边跑上两圈，成了不少家庭的新习惯。",
        ),
        4,
        "林晓雨",
    ),
    Story(
        103,
        "社区食堂推出低盐套餐",
        (
            "南街社区食堂在营养师的建议下，每天中午供应两种低盐套餐。",
            "食堂负责人介绍，套餐推出一周以来，七十岁以上的老人点得最多。",
        ),
        5,
    ),
    Story(
        104,
        "城西小学举办首届科技节",
        (
            "城西小学的操场上摆满了学生自己做的水火箭、风力小车和简易机器人。",
            "科学老师说，孩子们花了一个多月准备，很多作品是和家长一起完成的。",
        ),
        6,
        "周明远",
    ),
    Story(
        105,
        "老旧小区加装电梯工程完工",
        (
            "桂花巷小区最后一部加装电梯上周通过验收，正式投入使用。",
            "住在六楼的王阿姨说，以前买菜回来要歇三次，现在一趟就到家了。",
        ),
        7,
    ),
    Story(
        106,
        "秋季菜市价格总体平稳",
        (
            "据市场管理部门统计，本周主要蔬菜的零售价格与上周基本持平。",
            "白菜和萝卜上市量较大，价格略有下降，菌菇类价格小幅上涨。",
        ),
        8,
    ),
)


def _fault_story(cms_id: int, title: str, day: int = 10) -> Story:
    return Story(
        cms_id,
        title,
        (
            f"{title}，这是本站在故障演练之前保存的原文。",
            "第二段文字用来确认正文没有被后来的错误页面覆盖。",
        ),
        day,
    )


#: Charset cases: titles with characters that tell GBK, Big5 and mojibake apart.
CHARSET_TITLES = {
    401: "滨江大桥夜间限行措施调整",  # GBK bytes, header says charset=utf-8, meta says gbk
    402: "冬季供暖管网完成压力测试",  # GBK bytes, header says charset=utf-8, no meta
    403: "湿地保护区迎来首批候鸟",  # UTF-8 bytes, header says charset=gbk
    404: "旧城区雨污分流改造启动",  # GBK bytes, no charset anywhere
    405: "农贸市场开设周末夜市",  # UTF-8 bytes, no charset anywhere
    406: "街道志愿者为独居老人送饭",  # malformed HTML (unclosed tags, stray end tags)
    407: "山区学校新建塑胶操场",  # UTF-8 with one broken byte, header utf-8, no meta
    408: "地铁四号线试运行首日平稳",  # <title> double-encoded mojibake, headline correct
}
CHARSET_BODY = (
    "本文用于检查字符集处理：标题和正文都应当还原成正确的汉字。",
    "编码错误的页面不应让整次抓取失败，也不应把乱码写进档案。",
)


def _gbk_story(cms_id: int) -> Story:
    return Story(cms_id, CHARSET_TITLES[cms_id], CHARSET_BODY, 12)


#: Articles that exist in phase 1 (archived then) and fail in phase 2: the fault, by id.
SEEDED_FAULTS = {
    201: "500",
    202: "502",
    203: "503",
    204: "429",
    206: "timeout",
    207: "reset",
    208: "truncated",
    209: "drip",
    215: "soft404",
    216: "huge",
    217: "huge_unannounced",
    218: "png_as_html",
    219: "zip_octet",
}
#: Fault pages that only appear in phase 2 (nothing of them was archived before).
NEW_FAULTS = {
    205: "flaky",  # 503 twice, then the article
    210: "redirect_loop",  # 210 -> 211 -> 210
    211: "redirect_loop",
    212: "redirect_forever",  # to itself with a new query every time
    213: "redirect_other_host",
    214: "redirect_other_port",
}
FAULT_TITLES = {
    201: "自来水厂检修期间错峰供水",
    202: "中心医院开通夜间门诊",
    203: "城南新建两处口袋公园",
    204: "全民健身中心预约系统上线",
    205: "快递驿站进驻老旧小区",
    206: "春运首日火车站客流平稳",
    207: "市区新增一批共享单车停放点",
    208: "高新区企业招聘会提供千余岗位",
    209: "图书漂流活动走进乡村学校",
    215: "夜间施工噪声投诉明显减少",
    216: "博物馆推出文物修复体验课",
    217: "青年创业园首批企业入驻",
    218: "非遗剪纸作品亮相文化节",
    219: "社区卫生服务站延长服务时间",
}
#: The same article (id 101) under other URLs the site links.
ALIASES = (
    "show.php?id=101&cid=1",
    "show.php?cid=1&id=101&utm_source=wechat&utm_medium=share",
    "show.php?cid=1&id=101#comments",
    "/show-1-101-1.html",
)
#: Article-shaped links robots.txt forbids, to another host, and through odd schemes.
ROBOTS_BLOCKED = "/private/show.php?cid=1&id=190"
#: Calendar traps: cid 4's days list nothing, cid 5's days list the same articles again.
CALENDAR_CHANNELS = (4, 5)
CALENDAR_START = "2026-01-01"
#: List pages of channel 1 (4 articles per page: 101-104, then 105-106).
LIST_PAGES = 2
PER_PAGE = 4

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", 13)
    + b"IHDR"
    + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)))
    + bytes(range(256)) * 8
)
ZIP_BYTES = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(255, -1, -1)) * 8
HUGE_SIZE = 20 * 1024 * 1024


def page(
    title: str, main: str, *, charset: str | None = "utf-8", head_title: str | None = None
) -> bytes:
    """A full page of the site's template, as UTF-8 bytes (callers re-encode)."""
    meta = f'<meta charset="{charset}" />' if charset else ""
    shown = head_title if head_title is not None else f"{title} - 晨风资讯网"
    html = f"""<!DOCTYPE html>
<html><head>{meta}<title>{escape(shown)}</title></head>
<body><div class="header"><a class="logo" href="/">晨风资讯网</a>
<ul class="nav"><li><a href="/">网站首页</a></li><li><a href="list.php?cid=1">本地新闻</a></li></ul></div>
<div class="container">{main}</div>
<div class="footer">晨风资讯网 版权所有</div></body></html>"""
    return html.encode("utf-8")


def article_main(story: Story | None) -> str:
    if story is None:  # the soft 404: an empty article frame
        return '<article class="info"><h2></h2><div class="bd"><div></div></div></article>'
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<article class="info">
<h2>{escape(story.title)}</h2>
<p class="info-date">日期：2026-01-{story.day:02d} 09:30:00 / 人气：{story.id % 97 + 3}</p>
<div class="bd"><div>
{body}
</div></div>
<p class="text-right">作者：{escape(story.author)}</p>
</article>"""


def list_main(items: list[tuple[str, str]], pager: str = "") -> str:
    lis = "\n".join(
        f'<li><a href="{escape(h)}" title="{escape(t)}">{escape(t)}</a></li>' for h, t in items
    )
    return f'<ul class="news-list">\n{lis}\n</ul>\n<div class="page_list">{pager}</div>'


def show(cid: int, cms_id: int) -> str:
    return f"show.php?cid={cid}&id={cms_id}"
