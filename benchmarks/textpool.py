"""Deterministic synthetic articles built from a pool of our own Chinese sentences.

The benchmark needs thousands of articles that look like the demo site's (a
lead, five headed sections 一、…五、, a byline, a date and a counter) without
shipping thousands of real texts. Sentences, headings and title parts are
combined by a seeded ``random.Random`` so every run of a given size generates
the same site, and therefore the same truth and comparable timings.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from newscrawl.demo.content import Channel, DemoArticle, DemoSection

SENTENCES = (
    "本次活动由公司文化事业部牵头组织，邀请了来自全国二十余个城市的合作伙伴共同参与。",
    "项目负责人在接受采访时表示，团队在前期调研中走访了数十家影院和社区文化中心。",
    "据主办方统计，首日到场观众超过一万两千人次，线上直播累计观看量突破三百万。",
    "与往年相比，今年的筹备周期缩短了近一个月，但整体流程更加规范，分工也更加明确。",
    "业内人士认为，这一模式有望为中小城市的文化消费市场带来新的增长点。",
    "为保障现场秩序，活动方增设了分时段预约入场，并在主要通道安排志愿者引导。",
    "多位青年创作者在分享环节谈到，短视频平台正在改变观众发现好作品的方式。",
    "公司同时宣布，将设立专项基金，用于扶持原创剧本开发和新人导演的首部作品。",
    "在技术层面，制作团队首次大规模使用虚拟拍摄，外景转场时间因此减少了四成。",
    "不少观众在留言中提到，希望今后能有更多贴近日常生活的现实题材作品。",
    "从票房结构看，二三线城市的贡献比例持续上升，家庭观影需求明显回暖。",
    "发布会结束后，主创团队还前往当地高校，与学生们就影视创作进行了交流。",
    "相关负责人介绍，下一阶段将重点推进版权保护和数字资产管理方面的工作。",
    "音乐节期间，周边餐饮和住宿的预订量较平日增长了两倍以上，带动效应明显。",
    "据了解，该剧的剧本前后修改了七稿，编剧团队为此查阅了大量地方志资料。",
    "演出采用了环绕声场设计，观众无论坐在哪个区域，都能获得较为均衡的听感。",
    "工作人员提醒，演出当天地铁将延长运营时间，建议观众尽量选择公共交通出行。",
    "此外，主办方还准备了面向儿童的互动体验区，家长可以带孩子一起参与手工制作。",
    "有分析指出，优质内容仍是平台竞争的核心，单纯依靠流量的做法难以持续。",
    "在随后的圆桌讨论中，几位嘉宾就人工智能辅助创作的边界展开了热烈讨论。",
    "新版应用上线后，用户平均使用时长提升了百分之十八，次日留存率也有所提高。",
    "纪录片摄制组历时两年，跟拍了三位非遗传承人的日常工作与生活。",
    "按照计划，巡演将覆盖华东、华南和西南地区的十二座城市，预计年底前完成。",
    "展览以时间为线索，分为起源、发展、变革和未来四个单元，展品总数超过六百件。",
    "为了让更多人了解幕后工作，剧组开放了部分拍摄现场，供媒体和影迷参观。",
    "多家合作机构表示，将在场地、宣传和票务等方面给予持续支持。",
    "公司财务部门披露，上半年营业收入同比增长百分之二十一，利润率保持稳定。",
    "评审委员会由资深制片人、导演、编剧和高校学者组成，评审过程全程公开透明。",
    "志愿者服务队提前一周进行了培训，内容包括应急疏散、咨询引导和无障碍服务。",
    "此次合作的另一项重点，是共同建设面向青少年的影视教育实践基地。",
    "主办方表示，明年将进一步扩大规模，并考虑增加夜间场次和户外放映单元。",
    "在观众调查中，超过七成受访者表示愿意向亲友推荐这部作品。",
    "与会专家建议，行业应加快建立统一的数据标准，提升内容评估的科学性。",
    "今年的新人单元共收到投稿一千四百余部，最终有二十部作品入围终审。",
    "乐队成员透露，新专辑中有三首歌曲取材于他们在西北采风时的见闻。",
    "现场还设置了公益募捐环节，所得款项将全部用于乡村学校的艺术教室建设。",
    "负责舞美设计的团队表示，整套布景可以在四小时内完成拆装，便于巡回演出。",
    "随着配套设施的完善，园区已吸引四十余家文化企业入驻，形成了初步的产业集聚。",
    "主持人在开场致辞中回顾了过去一年的重要节点，并感谢各方的支持与信任。",
    "活动最后，全体嘉宾共同启动了新一季的创作计划，现场气氛十分热烈。",
)

HEADINGS = (
    "活动概况",
    "主要亮点",
    "幕后故事",
    "观众反响",
    "行业观察",
    "数据解读",
    "合作进展",
    "技术创新",
    "后续安排",
    "专家点评",
    "市场表现",
    "筹备过程",
    "人才培养",
    "公益行动",
    "未来展望",
)

NUMERALS = ("一", "二", "三", "四", "五")

TITLE_SUBJECTS = (
    "星澜影业",
    "回声实验室",
    "星图AI内容中台",
    "城市音乐节组委会",
    "星澜动画工作室",
    "杭州虚拟拍摄基地",
    "星澜App",
    "青年导演扶持计划",
    "纪录片《江南手艺人》剧组",
    "星澜剧场",
)

TITLE_EVENTS = (
    "举办年度发布会",
    "公布新一季片单",
    "启动全国巡演",
    "与高校签署合作协议",
    "上线全新版本",
    "发布上半年运营数据",
    "开启新人作品征集",
    "亮相国际影视交易会",
    "举行开机仪式",
    "推出公益放映周",
)

TITLE_TAILS = (
    "多项合作同步落地",
    "首批项目已进入制作",
    "观众规模创历史新高",
    "现场签约金额超亿元",
    "聚焦现实题材创作",
    "技术升级带来新体验",
    "覆盖十二座城市",
    "年轻观众占比明显提升",
)

AUTHORS = ("星澜编辑部", "林晓", "周文博", "陈思远", "赵一鸣", "黄若溪", "许晴川")

CHANNELS = (
    Channel(29, "新闻资讯", "News"),
    Channel(30, "行业动态", "Industry"),
    Channel(31, "娱乐快讯", "Express"),
    Channel(32, "公司公告", "Notice"),
)

#: The newest article's publication time; older ones step back from it.
NEWEST = datetime(2026, 1, 20, 18, 0, 0)
FIRST_ID = 1000


def _paragraph(rng: random.Random, low: int, high: int) -> str:
    return "".join(rng.sample(SENTENCES, rng.randint(low, high)))


def _sections(rng: random.Random) -> tuple[DemoSection, ...]:
    names = rng.sample(HEADINGS, len(NUMERALS))
    return tuple(
        DemoSection(
            heading=f"{numeral}、{name}",
            paragraphs=tuple(_paragraph(rng, 4, 7) for _ in range(rng.randint(4, 6))),
        )
        for numeral, name in zip(NUMERALS, names, strict=True)
    )


def generate_articles(count: int, seed: int = 6) -> list[DemoArticle]:
    """``count`` articles, ids from :data:`FIRST_ID` upward, newest id newest.

    Template quirks vary the way the demo's do (colon style, heading markup,
    indents, images), so extraction is timed over the variety it meets on
    real sites rather than over one fixed page shape.
    """
    rng = random.Random(seed)
    articles: list[DemoArticle] = []
    when = NEWEST
    for index in range(count):
        article_id = FIRST_ID + count - 1 - index  # index 0 is the newest
        title = (
            f"{rng.choice(TITLE_SUBJECTS)}{rng.choice(TITLE_EVENTS)}，"
            f"{rng.choice(TITLE_TAILS)}（第{article_id}期）"
        )
        features = {f for f in ("image", "span", "spacer") if rng.random() < 0.25}
        articles.append(
            DemoArticle(
                id=article_id,
                cid=CHANNELS[article_id % len(CHANNELS)].cid,
                title=title,
                published=when.strftime("%Y-%m-%d %H:%M:%S"),
                base_views=rng.randint(0, 60000),
                author=rng.choice(AUTHORS) if rng.random() < 0.85 else None,
                colon="ascii" if rng.random() < 0.15 else "full",
                heading_style=rng.choices(("strong", "h3", "plain"), (7, 2, 1))[0],
                indent=rng.choice(("ideo", "nbsp", None)),
                features=frozenset(features),
                lead=tuple(_paragraph(rng, 2, 4) for _ in range(rng.randint(2, 3))),
                sections=_sections(rng),
            )
        )
        when -= timedelta(minutes=rng.randint(20, 400), seconds=rng.randint(0, 59))
    return articles
