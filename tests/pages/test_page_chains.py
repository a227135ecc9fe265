"""Targeted cases of the generic field chains that the fixture families do not cover."""

from __future__ import annotations

from newscrawl.normalize.article import normalize_article
from newscrawl.pages.base import ArticlePage

URL = "https://news.example.cn/c/2025-10-29/doc-1234567.shtml"
FETCHED = "2026-11-27T10:00:00+08:00"


def _read(html: str) -> dict[str, object] | None:
    page = ArticlePage(URL, html, fetched_at=FETCHED)
    item = page.to_item()
    return normalize_article(item).to_dict() if item else None


def test_an_unlabelled_date_right_after_the_headline_is_the_date_line() -> None:
    html = """<html><head><title>江边新建步道月底开放_新闻中心</title></head><body>
    <div class="top">今天是2026年11月27日 星期五</div>
    <div class="main"><h1 class="main-title">江边新建步道月底开放</h1>
    <div class="date-source"><span class="date">2025年10月29日 15:38</span>
    <a class="source" href="https://other.example.cn/">市融媒体中心</a></div>
    <div class="article"><p>沿江步道全长六公里，串起三个公园和两处码头。</p>
    <p>市民可以从北岸的渡口一路走到南岸的老城墙下。</p></div></div></body></html>"""
    item = _read(html)
    assert item is not None
    assert item["title"] == "江边新建步道月底开放"
    assert item["published_at"] == "2025-10-29T15:38:00+08:00"
    assert item["published_raw"] == "2025年10月29日 15:38"
    assert (
        item["body"]
        == "沿江步道全长六公里，串起三个公园和两处码头。\n市民可以从北岸的渡口一路走到南岸的老城墙下。"
    )


def test_a_list_of_dated_links_is_not_a_date_line() -> None:
    html = """<html><head><title>新闻中心</title></head><body>
    <h2>新闻中心</h2>
    <ul><li><a href="/a/1.html">第一条新闻的标题</a> 2025-10-29</li>
    <li><a href="/a/2.html">第二条新闻的标题</a> 2025-10-28</li></ul>
    </body></html>"""
    assert _read(html) is None


def test_a_traditional_counter_label_and_unit_give_the_views() -> None:
    html = """<html><head><title>港城日報</title></head><body>
    <div class="main"><h1>海濱長廊明年擴建</h1>
    <div class="info"><span>發佈時間：2025-10-29 15:38</span> <span>閱讀次數：2.3萬</span></div>
    <div class="article"><p>區議會昨晚通過海濱長廊擴建方案，工程將於明年春季動工。</p>
    <p>新路段會把單車徑和行人步道分開鋪設，中間以矮樹叢相隔。</p></div></div></body></html>"""
    item = _read(html)
    assert item is not None
    assert item["views_raw"] == "閱讀次數：2.3萬"
    assert item["views"] == 23000
