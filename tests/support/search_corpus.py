"""The search tests' corpus: our own articles whose texts are known, so every expected result set is written out by hand."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from archive.models import Article
from archive.search import search_articles

SITE_A, SITE_B = "news.example-a.cn", "www.example-b.cn"


def _article(number: int, site: str, channel: str, day: str, **fields: Any) -> dict[str, Any]:
    return {
        "url": f"http://{site}/show.php?cid={channel}&id={number}",
        "site": site,
        "cms_id": str(number),
        "channel": channel,
        "published_at": f"{day}T09:00:00+08:00",
        "fetched_at": "2026-03-20T00:00:00+00:00",
        "sections": [{"heading": None, "paragraphs": [fields["body"]]}],
        "sidebar": [],
        **fields,
    }


CORPUS = [
    _article(1, SITE_A, "7", "2026-02-01", title="市图书馆试行夜间开放", author="王芳",
             body="从本月起，市图书馆周五和周六开放到晚上十点。读者可以用手机预约座位。"),
    _article(2, SITE_A, "8", "2026-02-05", title="科技公司宣布裁员计划", author="李明",
             body="这家公司表示，裁员比例约为百分之十，涉及市场和行政部门。员工将获得补偿。"
                  " The company cited a weak market."),
    _article(3, SITE_B, "8", "2026-03-01", title="新剧人气持续走高", author="王芳",
             body="网剧《雾中城》上线一周，人气指数突破九十万。C++ 工程师出身的导演说，"
                  "拍摄用了 3.5% 的预算做特效。"),
    _article(4, SITE_B, "7", "2026-03-10", title="周末天气提示", author=None,
             body="本周末以晴为主，气温回升。市民出门注意防晒。under_score 与 e-mail 写法照旧，"
                  "降雨概率50%以下。"),
    _article(5, SITE_A, "9", "2026-03-15", title="Open Data Week 开幕", author="赵一鸣",
             body="开放数据周今天开幕，主办方展示了交通和气象数据。Data journalists joined."),
]  # fmt: skip


def found(session: Session, query: str, **options: Any) -> set[int]:
    """The cms ids of every match (all pages)."""
    page = search_articles(session, query, limit=100, **options)
    assert not page.more
    return {int(session.get_one(Article, hit.id).cms_id or 0) for hit in page.hits}
