"""Field chains on shapes seen on real pages: counters, dates and credits outside the date line."""

from __future__ import annotations

from newscrawl.pages.extraction import extract_page

TZ = "Asia/Shanghai"
FETCHED = "2026-12-01T10:00:00+08:00"
PROSE = "".join(
    f"<p>{p}</p>"
    for p in (
        "城西的老菜场翻修完工，摊位重新排了号，买菜的人比以前多了不少，街坊们都说方便。",
        "菜场管理处说，新装的排风和地面排水让夏天不再有异味，摊主们也愿意早来晚走。",
        "附近小区的住户说，下班路过就能买到新鲜的菜，价钱也和原来差不多，心里踏实。",
    )
)


def article(head: str, after_head: str, *, meta: str = "", tail: str = "") -> bytes:
    return (
        f"<html><head><meta charset='utf-8'>{meta}<title>{head}_城西新闻</title></head><body>"
        f"<div class='main'><h1>{head}</h1>{after_head}<div class='text'>{PROSE}</div>{tail}</div>"
        "</body></html>"
    ).encode()


def read(body: bytes, url: str = "http://city.test/news/1.html"):  # type: ignore[no-untyped-def]
    item = extract_page(url, body, "text/html; charset=utf-8", FETCHED, TZ).item
    assert item is not None
    return item


def test_a_count_after_a_script_and_in_brackets() -> None:
    item = read(article("老菜场翻修完工", "<div>2024-05-06 09:30</div>",
                        tail="<ul><li class='views'>阅读 <script src='/e/public/ViewClick/?id=1'>"
                             "</script>539</li></ul>"))  # fmt: skip
    assert item.views == 539
    item = read(article("老菜场翻修完工", "<div>2024-05-06 09:30</div>",
                        tail="<div class='tool'>阅读数(<em>15878</em>）</div>"))  # fmt: skip
    assert item.views == 15878


def test_a_count_named_by_its_element_or_an_eye_icon() -> None:
    item = read(article("老菜场翻修完工", "<div>2024-05-06 09:30 <span id='js-article-viewCount'>"
                                          "3573</span></div>"))  # fmt: skip
    assert item.views == 3573
    item = read(article("老菜场翻修完工",
                        "<h6><a>2024年05月06日</a> <i class='fa fa-eye'></i>1665 </h6>"))  # fmt: skip
    assert item.views == 1665


def test_no_count_is_invented() -> None:
    assert read(article("老菜场翻修完工", "<div>2024-05-06 09:30</div>")).views is None


def test_a_headline_saying_today_is_no_date() -> None:
    item = read(article("城西老菜场今天重新开门", "<div><span>2020-06-05 20:35</span></div>"))
    assert item.published_at == "2020-06-05T20:35:00+08:00"


def test_a_date_without_a_year_takes_the_pages_year_not_the_clocks() -> None:
    meta = "<meta itemprop='dateUpdate' content='2019-10-08 12:00:57'>"
    item = read(article("老菜场翻修完工", "<div>发布时间：10-08 12:00</div>", meta=meta))
    assert item.published_at == "2019-10-08T12:00:00+08:00"


def test_a_day_shown_without_a_time_stays_a_day() -> None:
    item = read(article("老菜场翻修完工", "<div>日期：2019-05-22</div>"))
    assert item.published_at == "2019-05-22"
    assert item.published_raw == "2019-05-22"


def test_a_script_time_completes_a_day() -> None:
    script = "<script>var info = {pubtime:'2019-09-23 07:48', id: 1};</script>"
    item = read(article("老菜场翻修完工", "<div>2019-09-23</div>", meta=script))
    assert item.published_at == "2019-09-23T07:48:00+08:00"


def test_a_date_in_the_body_is_not_the_articles() -> None:
    # No date line: the URL's day is the date, not a day the body's prose names.
    body = article("老菜场翻修完工", "", tail="<p>2009年5月14日那天，菜场第一次开门。</p>")
    item = read(body, url="http://city.test/news/2024/0506/1.html")
    assert item.published_at == "2024-05-06"


def test_credits_outside_the_date_line() -> None:
    item = read(article("老菜场翻修完工", "<div class='about'><p>晚报记者 唐可 钱丰</p>"
                        "<p>2024-05-06 09:30</p></div>",
                        tail="<p>编辑 苗青 校对 石磊</p>"))  # fmt: skip
    assert item.author == "唐可; 钱丰"
    assert "编辑" not in item.body


def test_a_count_before_its_label_and_a_credit_after_a_source() -> None:
    line = "<div>发表于 2014-08-24 21:30 | 1164次阅读 | 来源 河口网 | 0 条评论 | 作者 魏然</div>"
    item = read(article("老菜场翻修完工", line))
    assert item.views == 1164
    assert item.author == "魏然"
    assert item.source == "河口网"


def test_markup_after_the_closing_html_tag_is_read() -> None:
    body = (
        "<html><head><meta charset='utf-8'><title>老菜场翻修完工</title></head><body>"
        "<div>首页</div></body></html><html><div class='content'>" + PROSE * 2 + "</div></html>"
    ).encode()
    assert read(body).body.count("\n") == 5


def test_a_badge_before_the_headline_is_not_title_and_a_self_media_account_is_the_author() -> None:
    head = "<span>原创</span>城西老菜场翻修完工"
    item = read(article(head, "<div><span>原创</span> <span>QingMu</span> "
                              "<span>2019-09-04 22:18:34</span></div>"))  # fmt: skip
    assert item.title == "城西老菜场翻修完工"
    assert item.author == "QingMu"


def test_an_h5_headline_right_above_the_date_line() -> None:
    html = article("x", "").decode().replace("<h1>x</h1>", "<h5>城西老菜场翻修完工重新开门</h5>"
                                               "<div>发布时间：2019-05-18</div>")  # fmt: skip
    assert read(html.encode()).title == "城西老菜场翻修完工重新开门"


def test_a_first_published_meta_tag_with_a_dash_before_the_time() -> None:
    meta = "<meta name='firstpublishedtime' content='2007-08-20-23:59:59'>"
    item = read(article("老菜场翻修完工", "", meta=meta))
    assert item.published_at == "2007-08-20T23:59:59+08:00"
