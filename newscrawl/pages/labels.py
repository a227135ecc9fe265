"""Label and value patterns of Chinese news pages, in one place.

Page classes find fields by the labels readers see (日期 人气 作者 新闻资讯 下一页)
rather than by a template's class names, which differ from site to site even
within one CMS family. Every pattern used for that lives here.
"""

from __future__ import annotations

import re

# Simplified and traditional forms; the longest label first where one contains another.
DATE_LABELS = (
    "发布时间", "发表时间", "发布日期", "更新时间", "发稿时间", "日期", "时间", "发表于", "发布于",
    "發佈時間", "發表時間", "發布時間", "發佈日期", "時間",
)  # fmt: skip
VIEWS_LABELS = (
    "点击次数", "浏览次数", "阅读次数", "阅读数", "浏览数", "点击数", "访问量", "阅读量", "浏览量",
    "点击量", "人气", "点击",
    "阅读", "浏览", "热度", "點擊次數", "瀏覽次數", "閱讀次數", "訪問量", "閱讀量", "瀏覽量",
    "點擊量", "點擊", "瀏覽", "閱讀", "人氣", "熱度",
)  # fmt: skip
AUTHOR_LABELS = ("作者", "撰文", "记者", "記者", "撰稿", "文")
SOURCE_LABELS = ("来源", "來源", "出处", "出處")
EDITOR_LABELS = ("责任编辑", "責任編輯", "责编", "編輯", "编辑")
#: Every byline label; a value ends where the next label starts.
ALL_LABELS = (*DATE_LABELS, *VIEWS_LABELS, *AUTHOR_LABELS, *SOURCE_LABELS, *EDITOR_LABELS)

_COLON = r"\s*[：:]\s*"

# A date as pages print it: 2025-10-29 15:38:36, 2025/10/29, 2025.10.29, 2025年10月29日 15:38,
# 10月29日, [2013年11月01日], and the relative forms.
# (The lookahead lists the first characters of the alternatives, so the search skips
# other positions at once: several times faster on the long texts it is run on.)
DATE_TEXT = re.compile(
    r"(?=[\d刚剛今昨前])(?:"
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?"
    r"|\d{1,2}月\d{1,2}日(?:\s*\d{1,2}[:：]\d{2})?"
    r"|(?<![\d.:/-])\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}(?![\d-])"
    r"|刚刚|剛剛|\d+\s*(?:秒|分钟|分鐘|小时|小時|天)前|(?:今天|昨天|前天)(?:\s*\d{1,2}[:：]\d{2})?)"
)
DATE_LABEL_RE = re.compile("(?:" + "|".join(DATE_LABELS) + ")" + r"\s*[：:]?")


def first_chars(words: tuple[str, ...]) -> str:
    r"""A lookahead on the words' first characters, for an alternation ``re`` cannot skip
    through by itself.

    ``re`` skips to the positions where a match can start when the pattern
    starts with a literal or with alternatives that all start with one
    (``(?:人气|点击|阅读)``): use the plain alternation then, it is three times
    faster than this lookahead on long text. When one alternative starts with
    something else (a lookbehind: ``(?<=\s)文``), ``re`` tries every
    alternative at every position, and this lookahead before them is several
    times faster.
    """
    return "(?=[" + "".join(sorted({w[0] for w in words})) + "])"


_VIEWS_LABEL = "(?:" + "|".join(VIEWS_LABELS) + ")"
# 人气：6, 点击: 1,234, 阅读 2.3万, 浏览次数：[88] ; the colon may be missing, never the label.
VIEWS_TEXT = re.compile(
    _VIEWS_LABEL + r"(?:\s*[：:]\s*|\s+|(?=[\[【(（]))[\[【(（]?\s*(\d[\d,，.]*\s*[万萬亿億wW]?\+?)"
)
#: A count printed before its label: 1164次阅读, 2.3万 浏览 (not 3 条评论).
VIEWS_BEFORE_LABEL = re.compile(
    # (not the minutes of a time, 14:05 点击：…, nor a label that a colon follows)
    r"(?<![\d.:：/-])(\d[\d,，]*(?:\.\d+)?\s*[万萬]?\+?)\s*(?:次|人次)?\s*"
    r"(?:阅读|浏览|点击|閱讀|瀏覽|點擊)(?!量|数|次数|\s*[：:])"
)
VIEWS_LABEL_ONLY = re.compile(_VIEWS_LABEL + r"\s*[：:]")
#: A views label however it is followed (the count may sit in a child element).
VIEWS_LABEL_ANY = re.compile(_VIEWS_LABEL)

_NEXT_LABEL = "(?:" + "|".join(sorted(ALL_LABELS, key=len, reverse=True)) + r")\s*[：:]"
# A byline value: runs of non-separators, stopping before the next label; a name of
# Latin words may contain single spaces ("Li Ming"), Chinese names do not.
_VALUE = (
    r"((?:(?!" + _NEXT_LABEL + r")[^\s|丨/，,;；】\])）)])+"
    r"(?:\s(?=[A-Za-z])(?:(?!" + _NEXT_LABEL + r")[^\s|丨/，,;；】\])）)])+)*)"
)


def _byline(labels: tuple[str, ...]) -> re.Pattern[str]:
    # "文" alone must start the line or follow a separator ("原文：" is no byline).
    long = "(?:" + "|".join(label for label in labels if len(label) > 1) + ")"
    if "文" in labels:
        long = "(?:" + long + r"|(?:^|(?<=[\s|丨/　【\[(（]))文)"
    return re.compile(long + _COLON + _VALUE)


# 作者：张三  来源：本站 -> 张三 ; the value stops at a separator or the next label.
BYLINE = {"author": _byline(AUTHOR_LABELS), "source": _byline(SOURCE_LABELS)}
#: A header's "today" line (今天是2026年11月27日 星期五) is never the article's date.
TODAY_LINE = re.compile(r"星期[一二三四五六日天]|今天是|今日是|欢迎您?|礼拜[一二三四五六日天]")

#: Navigation and tag pages: links to them never make a sidebar box.
TAG_URL = re.compile(
    r"(?=[/?&])(?:/tags?[-/_.]|[?&]tags?=|/category/|/categories/|/cat[-/_]\d|/topics?/)",
    re.IGNORECASE,
)  # (the lookahead lets the search skip every other character at once)

#: Script endpoints that print or fill an article's counter (DedeCMS, PHPCMS, EmpireCMS …).
COUNTER_SCRIPT = re.compile(
    r"/plus/count\.php|api\.php\?op=count|/ViewClick/|/e/public/ViewClick|hits\.php|click\.php",
    re.IGNORECASE,
)

#: Link texts and titles of pagers: the next page of a list or article.
NEXT_PAGE_TEXTS = ("下一页", "下页", "后一页", "下一頁")
#: The characters every label of NEXT_PAGE_TEXTS holds (simplified and traditional 页):
#: a link text without one is not read for the pager at all.
PAGER_MARKS = ("页", "頁")
LAST_PAGE_MARKERS = ("已是最后一页", "没有了", "最后一页了", "已是最後一頁", "沒有了", "最後一頁了")
#: The characters every label of NEXT_PAGE_TEXTS and LAST_PAGE_MARKERS holds one of:
#: a link title without one is no pager label, and is not cleaned to be compared.
TITLE_MARKS = (*PAGER_MARKS, "没", "沒")
#: Box headings of sidebars that list the site's newest articles, newest first.
NEWEST_BOX_WORDS = ("最新", "资讯", "新闻", "动态", "快讯", "更新", "資訊", "新聞", "動態", "快訊")
#: Box headings of sidebars that list articles older than (or related to) this one.
OLDER_BOX_WORDS = (
    "相关", "上一篇", "往期", "推荐阅读", "延伸阅读", "更多阅读",
    "相關", "推薦閱讀", "延伸閱讀", "更多閱讀",
)  # fmt: skip
