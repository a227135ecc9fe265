"""The sites the fault suite crawls, served by :class:`tests.faults.faultserver.FaultServer`.

:class:`FaultySite` has two phases: in phase 1 every article that already
exists answers well (the archive gets a copy), in phase 2 the faults are
switched on and new fault pages appear, so the suite can check that nothing
stored before is lost. :class:`Nowhere` stands for another host or port.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date, timedelta

from tests.faults.fault_stories import (
    ALIASES,
    CALENDAR_CHANNELS,
    CALENDAR_START,
    CHARSET_TITLES,
    FAULT_TITLES,
    GOOD_STORIES,
    HUGE_SIZE,
    LIST_PAGES,
    NEW_FAULTS,
    PER_PAGE,
    PNG_BYTES,
    ROBOTS_BLOCKED,
    SEEDED_FAULTS,
    ZIP_BYTES,
    Story,
    _fault_story,
    _gbk_story,
    article_main,
    list_main,
    page,
    show,
)
from tests.faults.faultserver import Exchange, Site


class Nowhere(Site):
    """Another host: every request is recorded (the suite asserts there are none)."""

    def answer(self, exchange: Exchange) -> None:
        exchange.send(200, page("别处的页面", "<p>这里不是被抓取的网站。</p>"))


# -- the faulty news site ----------------------------------------------------------


@dataclass
class FaultySite(Site):
    """The crawled site; ``phase`` 1 is healthy, 2 switches the faults on."""

    phase: int = 1
    #: Base URLs of the other-host and other-port servers (set by the suite).
    other_host: str = "http://127.0.0.2:9"
    other_port: str = "http://127.0.0.1:9"
    #: Answers given so far to the flaky article (503 twice, then the page).
    flaky_tries: int = 0
    redirect_count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- what exists -------------------------------------------------------------

    def stories(self) -> dict[int, Story]:
        found = {s.id: s for s in GOOD_STORIES}
        for cms_id, title in FAULT_TITLES.items():
            if cms_id in SEEDED_FAULTS or self.phase == 2:
                found[cms_id] = _fault_story(cms_id, title)
        if self.phase == 2:
            found.update({cms_id: _gbk_story(cms_id) for cms_id in CHARSET_TITLES})
        return found

    def fault_of(self, cms_id: int) -> str | None:
        if self.phase == 1:
            return None
        return SEEDED_FAULTS.get(cms_id) or NEW_FAULTS.get(cms_id)

    # -- pages -------------------------------------------------------------------

    def home(self) -> bytes:
        links = [(show(1, s.id), s.title) for s in GOOD_STORIES[:3]]
        nav = [
            ("list.php?cid=1", "本地新闻"),
            ("list.php?cid=2", "演练频道"),
            ("list.php?cid=3", "已停更栏目"),
        ]
        nav += [(f"list.php?cid={c}&date={CALENDAR_START}", "往日新闻") for c in CALENDAR_CHANNELS]
        if self.phase == 2:
            links += [(href, "同一篇文章") for href in ALIASES]
            links += [
                (ROBOTS_BLOCKED, "内部资料"),
                (f"{self.other_host}/show.php?cid=1&id=191", "友站新闻"),
                (f"{self.other_port}/show.php?cid=1&id=192", "旧版网站新闻"),
                ("file:///etc/passwd", "本地文件"),
                ("file:///tmp/show.php?cid=1&id=193", "本地文章"),
                ("data:text/html,<a href='show.php?cid=1&id=194'>x</a>", "数据链接"),
                ("javascript:location.href='show.php?cid=1&id=195'", "脚本链接"),
                ("mailto:news@example.invalid", "投稿邮箱"),
            ]
        return page("晨风资讯网", list_main(nav + links))

    def listing(self, cid: int, query: dict[str, str]) -> bytes:
        if cid == 1:
            number = int(query.get("page", "1") or 1) if query.get("page", "1").isdigit() else 1
            shown = number if 1 <= number <= LIST_PAGES else 1  # the pagination trap
            chunk = GOOD_STORIES[(shown - 1) * PER_PAGE : shown * PER_PAGE]
            # A naive pager: "next" is the requested number plus one, even past the end.
            pager = (
                "".join(
                    f'<a href="list.php?cid=1&page={k}">{k}</a>' for k in range(1, LIST_PAGES + 1)
                )
                + f'<a href="list.php?cid=1&page={number + 1}" title="下一页">下一页</a>'
            )
            return page(
                f"本地新闻 第{number}页",
                list_main([(show(1, s.id), s.title) for s in chunk], pager),
            )
        if cid == 2:
            ids = sorted(SEEDED_FAULTS)
            if self.phase == 2:
                ids = sorted({*SEEDED_FAULTS, *NEW_FAULTS, *CHARSET_TITLES})
            items = [
                (show(2, i), FAULT_TITLES.get(i) or CHARSET_TITLES.get(i) or f"链接{i}")
                for i in ids
            ]
            return page("演练频道", list_main(items))
        if cid in CALENDAR_CHANNELS:
            day = query.get("date", CALENDAR_START)
            nxt = _next_day(day)
            items = [(show(1, s.id), s.title) for s in GOOD_STORIES[:2]] if cid == 5 else []
            items.append((f"list.php?cid={cid}&date={nxt}", "后一天"))
            return page(f"往日新闻 {day}", list_main(items))
        # cid 3 and unknown channels: the soft 404 of a list, HTTP 200 and an empty list
        return page("栏目", list_main([]))

    def article(self, cms_id: int) -> bytes:
        story = self.stories().get(cms_id)
        return page(story.title if story else "", article_main(story))

    # -- the router ----------------------------------------------------------------

    def answer(self, ex: Exchange) -> None:
        if ex.route == "/robots.txt":
            ex.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
            return
        if ex.route in ("/", "/index.php"):
            ex.send(200, self.home())
            return
        if ex.route == "/list.php":
            cid = ex.query.get("cid", "0")
            ex.send(200, self.listing(int(cid) if cid.isdigit() else 0, ex.query))
            return
        if ex.route == "/show-1-101-1.html":
            ex.send(200, self.article(101))
            return
        if ex.route != "/show.php":
            ex.send(404, b"<html><body><h1>Not Found</h1></body></html>")
            return
        raw_id = ex.query.get("id", "0")
        cms_id = int(raw_id) if raw_id.isdigit() else 0
        fault = self.fault_of(cms_id)
        if cms_id in CHARSET_TITLES and self.phase == 2:
            self.charset_case(ex, cms_id)
        elif fault is None:
            ex.send(200, self.article(cms_id))
        else:
            self.fault(ex, cms_id, fault)

    def fault(self, ex: Exchange, cms_id: int, fault: str) -> None:
        if fault in ("500", "502", "503"):
            ex.send(int(fault), page("服务器错误", "<p>服务暂时不可用</p>"))
        elif fault == "429":
            ex.send(429, page("请求过多", "<p>请稍后再试</p>"), headers={"Retry-After": "1"})
        elif fault == "flaky":
            with self.lock:
                self.flaky_tries += 1
                tries = self.flaky_tries
            if tries <= 2:
                ex.send(503, page("服务器繁忙", "<p>请稍后再试</p>"), headers={"Retry-After": "0"})
            else:
                ex.send(200, self.article(cms_id))
        elif fault == "timeout":
            ex.hang()
        elif fault == "reset":
            ex.reset()
        elif fault == "truncated":
            ex.truncated(self.article(cms_id))
        elif fault == "drip":
            ex.drip()
        elif fault == "soft404":
            ex.send(200, page("", article_main(None)))
        elif fault in ("huge", "huge_unannounced"):
            filler = self.article(cms_id).replace(b"</html>", b"") + b"<p>" + "填充".encode() * 4000
            ex.stream(HUGE_SIZE, filler, announce=fault == "huge")
        elif fault == "png_as_html":
            ex.send(200, PNG_BYTES, "text/html")
        elif fault == "zip_octet":
            ex.send(200, ZIP_BYTES, "application/octet-stream")
        elif fault == "redirect_loop":
            ex.redirect(show(2, 211 if cms_id == 210 else 210))
        elif fault == "redirect_forever":
            with self.lock:
                self.redirect_count += 1
                n = self.redirect_count
            ex.redirect(f"show.php?cid=2&id=212&hop={n}")
        elif fault == "redirect_other_host":
            ex.redirect(f"{self.other_host}/{show(2, cms_id)}", 301)
        elif fault == "redirect_other_port":
            ex.redirect(f"{self.other_port}/{show(2, cms_id)}", 301)
        else:  # pragma: no cover - a typo in the tables above
            raise AssertionError(fault)

    def charset_case(self, ex: Exchange, cms_id: int) -> None:
        story = _gbk_story(cms_id)
        text = page(story.title, article_main(story), charset=None).decode("utf-8")
        if cms_id == 401:
            body = text.replace("<head>", '<head><meta charset="gbk" />').encode("gbk")
            ex.send(200, body, "text/html; charset=utf-8")
        elif cms_id == 402:
            ex.send(200, text.encode("gbk"), "text/html; charset=utf-8")
        elif cms_id == 403:
            ex.send(200, text.encode("utf-8"), "text/html; charset=gbk")
        elif cms_id == 404:
            ex.send(200, text.encode("gbk"), "text/html")
        elif cms_id == 405:
            ex.send(200, text.encode("utf-8"), "text/html")
        elif cms_id == 406:
            broken = (
                text.replace("</h2>", "")
                .replace("</p>", "", 2)
                .replace('<div class="bd">', '</span><div class="bd"><table><tr><td>')
                .replace("</body></html>", "")
            )
            ex.send(200, broken.encode("utf-8"), "text/html; charset=utf-8")
        elif cms_id == 407:
            raw = text.encode("utf-8")
            cut = (
                raw.index("第二段".encode()) if "第二段" in text else raw.index("编码错误".encode())
            )
            ex.send(200, raw[:cut] + b"\xe7\xbc" + raw[cut:], "text/html; charset=utf-8")
        elif cms_id == 408:
            mojibake = story.title.encode("utf-8").decode("latin-1")
            html = page(story.title, article_main(story), head_title=mojibake)
            ex.send(200, html, "text/html; charset=utf-8")


def _next_day(day: str) -> str:
    try:
        value = date.fromisoformat(day)
    except ValueError:
        value = date(2026, 1, 1)
    return (value + timedelta(days=1)).isoformat()
