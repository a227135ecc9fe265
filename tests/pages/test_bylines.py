"""Credits read from bylines, brackets and closing lines (newscrawl.pages.bylines)."""

from __future__ import annotations

import pytest

from newscrawl.pages.bylines import closing_name, is_credit_line, is_name, read_credits

AUTHORS = [
    ("作者：王小青 周立", ["王小青", "周立"]),
    ("来源：本站 作者：后勤服务中心 陈敏 时间：2024-05-01 09:00", ["后勤服务中心", "陈敏"]),
    ("河口日报讯（记者林晓 整理） 昨天上午，", ["林晓"]),
    ("新闻社杭州3月9日电（记者何川）", ["何川"]),
    ("（文/图 许青 孔明月）", ["许青", "孔明月"]),
    ("【文/本报特约评论员 柯远】", ["柯远"]),
    ("执笔/小山羊、大树&青苔", ["小山羊", "大树", "青苔"]),
    ("采写：晚报见习记者 邹一凡", ["邹一凡"]),
    ("都市报记者 唐可", ["唐可"]),
    ("快报记者 宋雨 钱丰", ["宋雨", "钱丰"]),
    ("作者:办公室 蒋帆", ["办公室", "蒋帆"]),
    ("《观潮》作者 金竹", ["金竹"]),
    ("作者：Li Ming", ["Li Ming"]),
    ("作者 林深 发布于 2024-01-02", ["林深"]),
    ("作者：杜若 昨天 15:30", ["杜若"]),
    ("作者：星澜公益基金", ["星澜公益基金"]),
    ("原创： 江枫编译 海边读书会", ["江枫"]),
    ("原创 QingMu 2019-09-04 22:18:34", ["QingMu"]),
]


@pytest.mark.parametrize(("text", "names"), AUTHORS, ids=[t for t, _ in AUTHORS])
def test_authors(text: str, names: list[str]) -> None:
    assert read_credits(text).authors == names


@pytest.mark.parametrize(
    "text",
    [
        "作者：网络整理",
        "原文：这是一句话",
        "版权归原作者所有，转载请联系原作者并获许可",
        "记者调查发现，这条路很少有车",
        "他的作者身份是一位教师，文章写得好",
        "资料图：市民在雨中出行。晚报记者 汪洋 摄",
        "作者：佚名",
        "（实习生许亮对此文亦有贡献）",
        "作者：网络整理 返回首页",
    ],
)
def test_no_author(text: str) -> None:
    assert read_credits(text).authors == []


def test_editors_and_sources_are_their_own_fields() -> None:
    credits = read_credits("出处：河口网 作者：陶然 编辑：陶然 人气：88次")
    assert credits.authors == ["陶然"]
    assert credits.editors == ["陶然"]
    assert credits.sources == ["河口网"]
    assert read_credits("编辑 苗青 校对 石磊").editors == ["苗青"]
    assert read_credits("责任编辑：顾远 NB123").editors == ["顾远"]


def test_credit_lines_and_closing_names() -> None:
    assert is_credit_line("都市报记者 唐可")
    assert is_credit_line("编辑 苗青 校对 石磊")
    assert not is_credit_line("记者手记")
    assert not is_credit_line("记者来到现场，看到了这一幕。")
    assert closing_name("新款手机今天上市。（毕然）") == "毕然"
    assert closing_name("新款手机今天上市。（完）") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("张三", True), ("后勤服务中心", True), ("kingfisher", True), ("SN184", False),
     ("这是一个句子。", False), ("2024-01-01", False), ("admin", False)],
)  # fmt: skip
def test_is_name(value: str, expected: bool) -> None:
    assert is_name(value) is expected


def test_a_time_before_a_label_is_no_count() -> None:
    from newscrawl.pages.labels import VIEWS_BEFORE_LABEL

    assert VIEWS_BEFORE_LABEL.search("时间: 2026-01-06 14:05 点击: 次") is None
    match = VIEWS_BEFORE_LABEL.search("1164次阅读")
    assert match is not None and match.group(1) == "1164"
