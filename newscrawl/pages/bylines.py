"""Credits: who wrote an article, who edited it, where it comes from.

Chinese pages credit people in many forms, and the same rules read them all:

- labelled: ``作者：张三 李四``, ``记者 王五``, ``文/赵六``, ``执笔/甲、乙&丙``,
  ``采写：南都见习记者 林子沛``, ``责任编辑：钱七``, ``来源：新华社``;
- inside a sentence's brackets: ``新华社巴黎12月9日电（记者唐霁）``,
  ``长江网10月4日讯（记者陈智 整合）``, ``（文/图 刘玺东 易赛楠）``;
- a closing line of its own: ``新京报记者 陆一夫``, ``澎湃新闻记者 段彦超 廖艳``.

A value is split into names at spaces, 、 ， & and /; a name keeps its whole
form (``医技药剂党支部`` is one name, ``综合科 谢阳`` two). Descriptors that
end in a role (``南都见习记者``, ``观察者网专栏作者``) and role words after a
name (``整合``, ``编译``, ``摄``) are dropped. Only name-shaped values count:
a sentence, a date or a placeholder (``网络整理``, ``佚名``, ``admin``) is never
an author (:func:`is_name`).

Pure string functions; :class:`newscrawl.pages.base.ArticlePage` decides
where on the page to read them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newscrawl.pages.labels import DATE_LABELS, VIEWS_LABELS, first_chars

#: Roles of people who wrote the article (the longest first where one holds another).
AUTHOR_ROLES = (
    "特约记者", "见习记者", "实习记者", "本报记者", "本台记者", "记者", "記者", "作者", "撰文",
    "撰稿", "执笔", "執筆", "采写", "採寫", "文字", "通讯员", "通訊員", "文/图", "图/文", "文图",
    "图文", "文",
)  # fmt: skip
#: A self-media page's badge before its account's name (原创 账号名 2019-09-04 22:18);
#: a role only at the start of a line or after a space, with a separator.
ORIGINAL_BADGES = ("原创", "原創")
EDITOR_ROLES = (
    "责任编辑", "責任編輯", "值班编辑", "编辑", "編輯", "责编", "責編", "主编", "审核", "校对",
)  # fmt: skip
SOURCE_ROLES = ("来源", "來源", "出处", "出處", "稿源", "转自", "轉自")
#: Words after or before a name that say what the person did, not who they are.
_ROLE_SUFFIX = re.compile(
    r"(?:整合|整理|编译|編譯|综合|綜合|报道|報道|摄影|摄|攝|翻译|翻譯|供稿|实习生|实习|原创|原創"
    r"|见习|特约|专栏|專欄)$"
)
#: Values that name nobody.
_PLACEHOLDERS = frozenset(
    (
        "网络整理", "網絡整理", "未知", "佚名", "匿名", "本站", "本网", "本網", "网络", "網絡",
        "admin", "administrator", "管理员", "系统管理员", "系統管理員", "小编", "小編", "原创",
        "原創", "转载", "轉載", "编辑", "作者", "记者", "网友", "网络转载", "互联网", "完",
        "今天", "昨天", "前天", "刚刚", "剛剛", "今日", "昨日", "大前天",
        # the words of buttons and links that sit beside bylines
        "返回", "返回首页", "首页", "更多", "更多文章", "相关文章", "关注", "已关注", "订阅", "分享",
        "打印", "关闭", "收藏", "评论", "推荐", "主页", "举报", "纠错",
    )
)  # fmt: skip
# "文" alone credits only after a bracket, a space or a slash (原文, 此文, 文化 are words);
# the lookbehind also spares the search a try at every 文 of a paragraph.
_ROLE_ALT = (
    "|".join(
        re.escape(r)
        for r in sorted(
            {*AUTHOR_ROLES, *EDITOR_ROLES, *SOURCE_ROLES} - {"文"}, key=len, reverse=True
        )
    )
    + r"|(?:(?<=[（(【\[　\s/|丨])|^)文"
    + r"|(?:(?<=\s)|^)(?:"
    + "|".join(ORIGINAL_BADGES)
    + r")(?=\s*[：:]|\s)"
)
# A role and its value: "作者：张三", "记者 李四", "文/王五", "（记者唐霁）". The value runs
# to the next role, a closing bracket, a sentence mark or the end.
_STOP_ALT = "|".join(
    re.escape(w)
    for w in sorted(
        {*AUTHOR_ROLES, *EDITOR_ROLES, *SOURCE_ROLES, *DATE_LABELS, *VIEWS_LABELS},
        key=len,
        reverse=True,
    )
)
_CREDIT = re.compile(
    first_chars((*AUTHOR_ROLES, *EDITOR_ROLES, *SOURCE_ROLES, *ORIGINAL_BADGES))
    + r"(?P<role>"
    + _ROLE_ALT
    + r")(?P<sep>\s*[：:/／|丨]|\s+)?\s*"
    r"(?P<value>(?:(?!(?:" + _STOP_ALT + r")(?:\s*[：:/／]|\s))[^）)\]】\n。！？；;，,：:])*)"
)
_ALL_ROLES = frozenset((*AUTHOR_ROLES, *EDITOR_ROLES, *SOURCE_ROLES, *DATE_LABELS, *VIEWS_LABELS))
_LABEL_STARTS = tuple(sorted({*DATE_LABELS, *VIEWS_LABELS}, key=len, reverse=True))
_REPORTER_ROLES = frozenset(r for r in AUTHOR_ROLES if r.endswith(("记者", "記者")))
_ROLE_AT = re.compile(
    "(?:" + "|".join(map(re.escape, sorted(AUTHOR_ROLES, key=len, reverse=True))) + ")"
)
_NAME_SPLIT = re.compile(r"[^\S\u00a0]+|[、，,&＆/／·|丨;；]+")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
# A department or team credited as a whole: 医技药剂党支部, 综合科, 新闻中心.
_CJK_UNIT = re.compile(
    r"^[\u4e00-\u9fff]{2,10}(?:支部|党委|部|科|室|处|中心|组|站|办公室|办|局|队|院)$"
)
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z_.\-' ]{1,29}$")  # no digits: SN184 is a code
_LATIN_SPACE = re.compile(r"(?<=[A-Za-z]) (?=[A-Za-z])")
_ENDS_IN_ROLE = re.compile(r"(?:" + "|".join(AUTHOR_ROLES[:-1]) + r"|作者|编辑|主笔)$")
_DATE_LIKE = re.compile(r"\d")
#: Common Chinese surnames: a name run into a role word with no separator
#: (记者唐霁) must start with one, so that 记者调查发现 credits nobody.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕"
    "屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧"
    "闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝劳劉張陳楊黃趙吳孫馬鄭"
    "謝韓馮鄧蕭葉蘇呂盧鍾譚陸範賈韋鄒熊邱閆龍陶賀顧龔嚴覃湯顏聶魯嚴歐蘭錢"
)


@dataclass
class Credits:
    """Names found in one text, by role, each list in order and without repeats."""

    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def add(self, other: Credits) -> None:
        for mine, theirs in (
            (self.authors, other.authors),
            (self.editors, other.editors),
            (self.sources, other.sources),
        ):
            mine.extend(n for n in theirs if n not in mine)

    def __bool__(self) -> bool:
        return bool(self.authors or self.editors or self.sources)


_PHOTO_CREDIT = re.compile(r"(?:^|\s)摄影?\s*$|\S\s*摄\s*$")


def _in_brackets(text: str, at: int) -> bool:
    """Position ``at`` is inside a bracket opened at most ten characters before it."""
    window = text[max(0, at - 10) : at]
    opening = max(window.rfind(c) for c in "（(【[")
    return opening >= 0 and not any(c in window[opening:] for c in "）)】]")


def is_name(value: str) -> bool:
    """A person's or a unit's name, not a sentence, a date or a placeholder."""
    if not value or value in _PLACEHOLDERS or value.lower() in _PLACEHOLDERS:
        return False
    if _CJK_NAME.match(value) or _CJK_UNIT.match(value):
        return True
    return bool(_LATIN_NAME.match(value)) and not value.isdigit()


def _names(value: str, *, labelled: bool = False, editor: bool = False) -> list[str]:
    """The names in a credit's value (descriptors and role words dropped).

    ``labelled``: the value follows a role and a colon (作者：…), which names it
    outright, so a longer name of an organisation counts too (星澜公益基金,
    up to :data:`_MAX_LABELLED_NAME` characters with no digit or sentence mark).
    ``editor``: a CMS account credited as editor (编辑：admin) is kept: it is
    what the page says, and it names nobody only as an author would.
    """
    names: list[str] = []
    # A Latin name's words stay together (Li Ming); Chinese names are split at spaces.
    value = _LATIN_SPACE.sub("\u00a0", value.strip())
    for token in _NAME_SPLIT.split(value):
        token = token.replace("\u00a0", " ")
        token = token.strip("《》“”\"'()（）[]【】")
        if token in _ALL_ROLES or token.startswith(_LABEL_STARTS):
            break  # the next role's names (编辑 刘晓阳 校对 李铭), a date (发布于 …)
        if not token or _ENDS_IN_ROLE.search(token):
            continue  # 南都见习记者, 观察者网专栏作者: who they are, not their names
        while (match := _ROLE_SUFFIX.search(token)) and len(token) > len(match.group(0)):
            token = token[: match.start()]
        if _ROLE_SUFFIX.fullmatch(token):
            continue
        if (
            is_name(token)
            or (labelled and _labelled_name(token))
            or (editor and token.lower() in _CMS_ACCOUNTS)
        ) and token not in names:
            names.append(token)
    return names


#: The accounts CMSs credit as editor when nobody typed a name.
_CMS_ACCOUNTS = frozenset(("admin", "administrator", "管理员", "系统管理员", "系統管理員"))
_MAX_LABELLED_NAME = 12
_CJK_ONLY = re.compile(rf"^[\u4e00-\u9fff·]{{5,{_MAX_LABELLED_NAME}}}$")


def _labelled_name(token: str) -> bool:
    return bool(_CJK_ONLY.match(token)) and token not in _PLACEHOLDERS


def _source_value(value: str) -> str | None:
    """A source outlet: the value up to its first space, if it looks like a name."""
    text = value.strip()
    first = _NAME_SPLIT.split(text, maxsplit=1)[0] if text else ""
    if not first or _DATE_LIKE.search(first) or len(first) > 20:
        return None
    return first


def read_credits(text: str, *, bare: bool = True) -> Credits:
    """Every credit in ``text`` (a byline, a closing line, a bracket in a sentence).

    ``bare=False`` takes only roles followed by a separator or inside brackets
    (for long paragraphs, where 文 or 记者 alone is a word of the sentence).
    """
    found = Credits()
    for match in _CREDIT.finditer(text):
        role, sep, value = match.group("role"), match.group("sep"), match.group("value")
        start = match.start()
        opened = _in_brackets(text, start)
        if value and not value[-1].isspace() and _ROLE_AT.match(text, match.end()):
            # "采写：晚报见习记者 邹一凡": the value's last word is glued to the next
            # role, so it describes that person (晚报), it names nobody.
            value = value.rsplit(None, 1)[0] if " " in value.strip() else ""
        if _PHOTO_CREDIT.search(value):
            continue  # 记者 张三 摄: who took the picture
        spaced = sep is not None and not sep.strip()
        # A value a colon introduces, one word long (作者：星澜公益基金), may be a long name.
        colon = (
            sep is not None
            and sep.strip() in ("：", ":")
            and role not in ORIGINAL_BADGES
            and len(value.split()) == 1
        )
        if sep is None and not (opened or role in _REPORTER_ROLES):
            continue  # 作者所有, 编辑部: a word of the sentence
        if spaced and not (opened or role in _REPORTER_ROLES or role == "作者" or bare):
            continue
        if not bare and sep is None and not opened and role not in _REPORTER_ROLES:
            continue
        if sep is None and not opened and role in _REPORTER_ROLES:
            # 记者唐霁 outside brackets: only a name that starts with a surname.
            value = value if value[:1] in SURNAMES else ""
        if role in SOURCE_ROLES:
            source = _source_value(value)
            if source and is_source_name(source) and source not in found.sources:
                found.sources.append(source)
        elif role in EDITOR_ROLES:
            if role in ("审核", "校对"):
                continue
            names = _names(value, labelled=colon, editor=True)
            found.editors.extend(n for n in names if n not in found.editors)
        else:
            names = _names(value, labelled=colon)
            found.authors.extend(n for n in names if n not in found.authors)
    return found


def is_source_name(value: str) -> bool:
    """An outlet's name: short and not a date."""
    return 0 < len(value) <= 20 and not _DATE_LIKE.search(value)


# A closing credit line of its own: "新京报记者 陆一夫", "扬子晚报记者 张楠", "（李楠）".
_CLOSING = re.compile(r"^[（(]\s*(?P<name>[\u4e00-\u9fff]{2,4})\s*[)）]$")


def closing_name(text: str) -> str | None:
    """A name alone in brackets closing the article (``……。（李楠）``), else None."""
    tail = text[-8:]
    start = max(tail.rfind("（"), tail.rfind("("))
    if start < 0:
        return None
    match = _CLOSING.match(tail[start:])
    if match is None:
        return None
    name = match.group("name")
    return name if is_name(name) and name not in ("完", "图", "注") else None


_SENTENCE_MARKS = re.compile(r"[。！？，,!?]")
_MAX_CREDIT_LINE = 40


def is_credit_line(text: str) -> bool:
    """A short line that only credits people (``新京报记者 陆一夫``, ``编辑 刘晓阳 校对 李铭``).

    Such a line is not article text: the body leaves it out, the credits keep it.
    """
    if len(text) > _MAX_CREDIT_LINE or _SENTENCE_MARKS.search(text):
        return False
    credits = read_credits(text)
    return bool(credits.authors or credits.editors)


def split_names(value: str) -> list[str]:
    """The names in a plain value (a JSON-LD or meta author): split, name-shaped only."""
    return _names(value)


def is_name_shaped_account(value: str) -> bool:
    """A self-media account's name (加拿大必读, IT之家): any short name but a placeholder."""
    return value not in _PLACEHOLDERS and value.lower() not in _PLACEHOLDERS
