"""Label and value patterns of Chinese news pages, in one place.

Page classes find fields by the labels readers see (日期 人气 作者 新闻资讯 下一页)
rather than by a template's class names, which differ from site to site even
within one CMS family. Every pattern used for that lives here.
"""

from __future__ import annotations

import re

DATE_LABELS = ("发布时间", "发表时间", "发布日期", "更新时间", "日期", "时间", "发表于", "发布于")
VIEWS_LABELS = (
    "点击次数",
    "浏览次数",
    "阅读次数",
    "访问量",
    "阅读量",
    "人气",
    "点击",
    "阅读",
    "浏览",
    "热度",
)
AUTHOR_LABELS = ("作者", "撰文", "记者", "文")
SOURCE_LABELS = ("来源", "出处")
EDITOR_LABELS = ("责任编辑", "责编", "编辑")
#: Every byline label; a value ends where the next label starts.
ALL_LABELS = (*DATE_LABELS, *VIEWS_LABELS, *AUTHOR_LABELS, *SOURCE_LABELS, *EDITOR_LABELS)

_COLON = r"\s*[：:]\s*"

# A date as pages print it: 2025-10-29 15:38:36, 2025/10/29, 2025.10.29, 2025年10月29日 15:38,
# 10月29日, [2013年11月01日], and the relative forms.
DATE_TEXT = re.compile(
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
    r"|\d{1,2}月\d{1,2}日(?:\s*\d{1,2}[:：]\d{2})?"
    r"|刚刚|\d+\s*(?:秒|分钟|小时|天)前|(?:今天|昨天|前天)(?:\s*\d{1,2}[:：]\d{2})?"
)
DATE_LABEL_RE = re.compile("(?:" + "|".join(DATE_LABELS) + ")" + r"\s*[：:]?")

VIEWS_TEXT = re.compile(
    "(?:" + "|".join(VIEWS_LABELS) + ")" + _COLON + r"[\[【(（]?\s*(\d[\d,，.]*\s*[万亿]?\+?\s*次?)"
)
VIEWS_LABEL_ONLY = re.compile("(?:" + "|".join(VIEWS_LABELS) + ")" + r"\s*[：:]")

_NEXT_LABEL = "|".join(sorted(ALL_LABELS, key=len, reverse=True))
# 作者：张三  来源：本站 -> 张三 ; the value stops at a separator or the next label.
BYLINE = {
    "author": re.compile(
        r"(?:^|[\s|丨/　])(?:"
        + "|".join(AUTHOR_LABELS)
        + ")"
        + _COLON
        + r"(.+?)(?=\s*(?:[|丨/]|\s{2,}|　|(?:"
        + _NEXT_LABEL
        + r")\s*[：:]|$))"
    ),
    "source": re.compile(
        r"(?:^|[\s|丨/　])(?:"
        + "|".join(SOURCE_LABELS)
        + ")"
        + _COLON
        + r"(.+?)(?=\s*(?:[|丨/]|\s{2,}|　|(?:"
        + _NEXT_LABEL
        + r")\s*[：:]|$))"
    ),
}

#: Script endpoints that print or fill an article's counter (DedeCMS, PHPCMS, EmpireCMS …).
COUNTER_SCRIPT = re.compile(
    r"/plus/count\.php|api\.php\?op=count|/ViewClick/|/e/public/ViewClick|hits\.php|click\.php",
    re.IGNORECASE,
)

#: Link texts and titles of pagers: the next page of a list or article.
NEXT_PAGE_TEXTS = ("下一页", "下页", "后一页", "下一頁")
LAST_PAGE_MARKERS = ("已是最后一页", "没有了", "最后一页了")
#: Box headings of sidebars that list the site's newest articles, newest first.
NEWEST_BOX_WORDS = ("最新", "资讯", "新闻", "动态", "快讯", "更新")
#: Box headings of sidebars that list articles older than (or related to) this one.
OLDER_BOX_WORDS = ("相关", "上一篇", "往期", "推荐阅读", "延伸阅读", "更多阅读")
