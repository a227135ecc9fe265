"""The cms spider's generator callbacks: checked by Scrapy once, serialized by name."""

from __future__ import annotations

import gc
import inspect
from typing import Any

import pytest
import scrapy
from scrapy.utils.misc import is_generator_with_return_value
from scrapy.utils.request import request_from_dict

from newscrawl.spiders.cms import CmsSpider

START = "http://127.0.0.1:8000/"


# The generator callbacks (parse and parse_article are async generators: Scrapy reads
# no source of those).
@pytest.mark.parametrize("name", ["parse_counter", "on_more_error"])
@pytest.mark.slow  # a subprocess or a large sweep: seconds
def test_scrapy_reads_a_generator_callbacks_source_once(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests made and dropped one after another share one cached answer."""
    spider = CmsSpider(start_urls=START)
    read: list[str] = []
    real = inspect.getsource

    def counting(obj: Any) -> str:
        read.append(obj.__qualname__)  # the name only: holding obj would keep it cached
        return real(obj)

    monkeypatch.setattr(inspect, "getsource", counting)
    for number in range(3):
        request = scrapy.Request(f"{START}list.php?page={number}", callback=getattr(spider, name))
        assert request.callback is not None
        assert is_generator_with_return_value(request.callback) is False
        del request
        gc.collect()  # the request and anything only it held are gone
    assert len(read) == 1


def test_pinned_callbacks_still_serialize_by_name() -> None:
    """A disk queue (``JOBDIR``) stores a callback by its method name."""
    spider = CmsSpider(start_urls=START)
    request = scrapy.Request(
        f"{START}list.php?cid=2", callback=spider.parse, errback=spider.on_more_error
    )
    data = request.to_dict(spider=spider)
    assert (data["callback"], data["errback"]) == ("parse", "on_more_error")
    restored = request_from_dict(data, spider=spider)
    assert restored.callback == spider.parse
    assert restored.errback == spider.on_more_error


def test_revisits_and_article_start_urls_expect_an_article() -> None:
    """A known article read again is judged as an article (a short headline stays one)."""
    article = f"{START}show.php?cid=2&id=7"
    spider = CmsSpider(start_urls=f"{START},{article}")
    assert spider._revisit(article).cb_kwargs == {"hint": "article"}


@pytest.mark.parametrize(
    ("url", "home"),
    [
        ("http://h/", True),
        ("http://h", True),
        ("http://h/index.php", True),
        ("http://h/Default.aspx", True),
        ("http://h/?article/", False),
        ("http://h/newsshow.php?cid=4&id=1", False),
        ("http://h/a/news/", False),
    ],
)
def test_home_pages_among_start_urls(url: str, home: bool) -> None:
    from newscrawl.spiders.cms import _is_home

    assert _is_home(url) is home


def test_list_pages_read_as_articles_are_told_apart() -> None:
    """A 'headline' as short as a menu label, or a list's pager, makes a page a list."""
    from newscrawl.demo.expected import expected_articles
    from newscrawl.items import Article
    from newscrawl.pages.listing import Links

    data = expected_articles("http://h", "phpmywind")[0]
    article = Article.from_dict(data)
    page2 = "http://h/show.php?cid=29&id=620&page=2"
    judge = CmsSpider._list_read_as_article
    assert not judge(article, Links(), [])
    assert judge(article, Links(next_page="http://h/list.php?cid=29&page=2"), [])
    assert not judge(article, Links(next_page=page2), [page2])  # its own page 2
    short = Article.from_dict({**data, "title": "新闻资讯"})
    assert judge(short, Links(), [])
