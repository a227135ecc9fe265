"""A small news site on 127.0.0.1 that misbehaves on purpose, over real sockets.

:class:`FaultServer` is a threaded HTTP server that records every request
(path + query, with the time it arrived) and hands each one to a
:class:`Site`, which answers with a good page or a fault. Faults write to
the socket themselves: a connection reset is a real RST (``SO_LINGER`` 0), a
cut-off body really stops short of its ``Content-Length``, a timeout is a
handler that waits (for the server to stop) instead of answering, a slow
drip writes a byte at a time until the client hangs up.

:class:`FaultySite` is the site the fault suite crawls: a PHPMyWind-style
news site (``list.php?cid=N``, ``show.php?cid=N&id=M``) whose channel 1 is
healthy and whose channel 2 lists one article per fault. It has two
phases: in phase 1 every article that already exists answers well (the
archive gets a copy), in phase 2 the faults are switched on and new fault
pages appear, so the suite can check that nothing stored before is lost.

All Chinese text here is written for these tests.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit

#: How long a hanging handler waits at most when nobody stops the server.
HANG_LIMIT = 30.0
#: Seconds between two bytes of the slow drip.
DRIP_INTERVAL = 0.05


# -- the server -------------------------------------------------------------------


class Exchange:
    """One request as a fault sees it: the path, its query, and the raw handler."""

    def __init__(self, handler: _Handler) -> None:
        self.handler = handler
        self.path = handler.path
        parts = urlsplit(handler.path)
        self.route = parts.path
        self.query = dict(parse_qsl(parts.query, keep_blank_values=True))

    @property
    def server(self) -> FaultServer:
        return self.handler.server.fault  # type: ignore[attr-defined, no-any-return]

    # -- good answers ----------------------------------------------------------

    def send(
        self,
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        h = self.handler
        h.send_response(status)
        if content_type:
            h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.end_headers()
        h.wfile.write(body)

    def redirect(self, location: str, status: int = 302) -> None:
        self.send(status, b"", headers={"Location": location})

    # -- faults ------------------------------------------------------------------

    def reset(self) -> None:
        """Close the connection with a TCP RST before any response byte."""
        h = self.handler
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.close_connection = True
        h.connection.close()

    def truncated(self, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        """Announce the whole body, send the first third, then close the connection."""
        h = self.handler
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body[: len(body) // 3])
        h.wfile.flush()
        h.close_connection = True

    def hang(self) -> None:
        """Never answer: wait until the client gives up (or the server stops)."""
        h = self.handler
        h.close_connection = True
        started = time.monotonic()
        h.connection.settimeout(0.2)  # how often to look at ``stopping``
        try:
            # recv returns b"" once the client closes its end (its download timeout).
            while not self.server.stopping.is_set() and time.monotonic() - started < HANG_LIMIT:
                try:
                    if h.connection.recv(1024) == b"":
                        break
                except TimeoutError:
                    continue
        except OSError:
            pass
        self.server.note_duration(self.path, time.monotonic() - started)

    def drip(self, content_type: str = "text/html; charset=utf-8") -> None:
        """Headers, then one byte every :data:`DRIP_INTERVAL` s for as long as the client reads."""
        h = self.handler
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        started = time.monotonic()
        chunk = b"<html><head><title>"
        try:
            h.wfile.write(chunk)
            h.wfile.flush()
            while not self.server.stopping.wait(DRIP_INTERVAL):
                if time.monotonic() - started > HANG_LIMIT:
                    break
                h.wfile.write(b"x")
                h.wfile.flush()
        except OSError:  # the client hung up: what a download timeout does
            pass
        self.server.note_duration(self.path, time.monotonic() - started)

    def stream(self, total: int, chunk: bytes, *, announce: bool) -> None:
        """``total`` bytes of ``chunk`` repeated; with or without a Content-Length."""
        h = self.handler
        h.send_response(200)
        h.send_header("Content-Type", "text/html; charset=utf-8")
        if announce:
            h.send_header("Content-Length", str(total))
        else:
            h.send_header("Connection", "close")
        h.end_headers()
        h.close_connection = True
        sent = 0
        try:
            while sent < total:
                piece = chunk[: total - sent]
                h.wfile.write(piece)
                sent += len(piece)
        except OSError:  # the client stopped reading at its size limit
            pass
        self.server.note_sent(self.path, sent)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Apache/2.4.58"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read the server's records instead."""

    def do_GET(self) -> None:
        fault: FaultServer = self.server.fault  # type: ignore[attr-defined]
        fault.record(self.path)
        try:
            fault.site.answer(Exchange(self))
        except OSError:  # the client went away mid-answer
            self.close_connection = True
        finally:
            fault.answered()


class FaultServer:
    """A :class:`Site` on ``host``:a free port, served by a thread per connection."""

    def __init__(self, site: Site, host: str = "127.0.0.1") -> None:
        self.site = site
        self.host = host
        self.port = 0
        self.hits: Counter[str] = Counter()
        self.arrivals: list[tuple[float, str]] = []
        #: Seconds each hanging or dripping answer lasted, by path.
        self.durations: dict[str, list[float]] = {}
        #: Bytes each streamed answer managed to send, by path.
        self.sent: dict[str, list[int]] = {}
        #: Set when the server stops: hanging handlers return.
        self.stopping = threading.Event()
        #: Requests received and not answered yet (hanging, dripping, streaming).
        self.active = 0
        self._lock = threading.Condition()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Self:
        httpd = ThreadingHTTPServer((self.host, 0), _Handler)
        httpd.daemon_threads = True
        httpd.fault = self  # type: ignore[attr-defined]
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- records -------------------------------------------------------------------

    def record(self, path: str) -> None:
        with self._lock:
            self.active += 1
            self.hits[path] += 1
            self.arrivals.append((time.monotonic(), path))
            self._lock.notify_all()

    def answered(self) -> None:
        with self._lock:
            self.active -= 1
            self._lock.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every request received so far has had its answer (or its fault)."""
        return self.wait_until(lambda: self.active == 0, timeout)

    def note_duration(self, path: str, seconds: float) -> None:
        with self._lock:
            self.durations.setdefault(path, []).append(seconds)
            self._lock.notify_all()

    def note_sent(self, path: str, count: int) -> None:
        with self._lock:
            self.sent.setdefault(path, []).append(count)
            self._lock.notify_all()

    def wait_until(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Block until ``condition()`` holds after some server event (or the timeout)."""
        with self._lock:
            return self._lock.wait_for(condition, timeout)

    def hits_where(self, predicate: Callable[[str], bool]) -> int:
        with self._lock:
            return sum(n for path, n in self.hits.items() if predicate(path))

    def reset_records(self) -> None:
        with self._lock:
            self.hits.clear()
            self.arrivals.clear()
            self.durations.clear()
            self.sent.clear()


class Site:
    """What a server answers; subclasses implement :meth:`answer`."""

    def answer(self, exchange: Exchange) -> None:
        exchange.send(404, b"<html><body>Not Found</body></html>")


class Nowhere(Site):
    """Another host: every request is recorded (the suite asserts there are none)."""

    def answer(self, exchange: Exchange) -> None:
        exchange.send(200, page("别处的页面", "<p>这里不是被抓取的网站。</p>"))


# -- the faulty news site ----------------------------------------------------------


@dataclass(frozen=True)
class Story:
    """One article of the site: our own short text."""

    id: int
    title: str
    paragraphs: tuple[str, ...]
    day: int  # January 2026
    author: str = "本站记者"


GOOD_STORIES = (
    Story(
        101,
        "青石镇图书馆延长周末开放时间",
        (
            "从本月起，青石镇图书馆周六和周日的闭馆时间推迟到晚上九点。",
            "馆长说，周末来自习的中学生越来越多，原来的开放时间已经不够用了。",
        ),
        3,
    ),
    Story(
        102,
        "河畔公园新增三条夜跑步道",
        (
            "河畔公园东侧的三条步道铺上了防滑塑胶，并加装了感应路灯。",
            "附近居民表示，晚饭后沿着河边跑上两圈，成了不少家庭的新习惯。",
        ),
        4,
        "林晓雨",
    ),
    Story(
        103,
        "社区食堂推出低盐套餐",
        (
            "南街社区食堂在营养师的建议下，每天中午供应两种低盐套餐。",
            "食堂负责人介绍，套餐推出一周以来，七十岁以上的老人点得最多。",
        ),
        5,
    ),
    Story(
        104,
        "城西小学举办首届科技节",
        (
            "城西小学的操场上摆满了学生自己做的水火箭、风力小车和简易机器人。",
            "科学老师说，孩子们花了一个多月准备，很多作品是和家长一起完成的。",
        ),
        6,
        "周明远",
    ),
    Story(
        105,
        "老旧小区加装电梯工程完工",
        (
            "桂花巷小区最后一部加装电梯上周通过验收，正式投入使用。",
            "住在六楼的王阿姨说，以前买菜回来要歇三次，现在一趟就到家了。",
        ),
        7,
    ),
    Story(
        106,
        "秋季菜市价格总体平稳",
        (
            "据市场管理部门统计，本周主要蔬菜的零售价格与上周基本持平。",
            "白菜和萝卜上市量较大，价格略有下降，菌菇类价格小幅上涨。",
        ),
        8,
    ),
)


def _fault_story(cms_id: int, title: str, day: int = 10) -> Story:
    return Story(
        cms_id,
        title,
        (
            f"{title}，这是本站在故障演练之前保存的原文。",
            "第二段文字用来确认正文没有被后来的错误页面覆盖。",
        ),
        day,
    )


#: Charset cases: titles with characters that tell GBK, Big5 and mojibake apart.
CHARSET_TITLES = {
    401: "滨江大桥夜间限行措施调整",  # GBK bytes, header says charset=utf-8, meta says gbk
    402: "冬季供暖管网完成压力测试",  # GBK bytes, header says charset=utf-8, no meta
    403: "湿地保护区迎来首批候鸟",  # UTF-8 bytes, header says charset=gbk
    404: "旧城区雨污分流改造启动",  # GBK bytes, no charset anywhere
    405: "农贸市场开设周末夜市",  # UTF-8 bytes, no charset anywhere
    406: "街道志愿者为独居老人送饭",  # malformed HTML (unclosed tags, stray end tags)
    407: "山区学校新建塑胶操场",  # UTF-8 with one broken byte, header utf-8, no meta
    408: "地铁四号线试运行首日平稳",  # <title> double-encoded mojibake, headline correct
}
CHARSET_BODY = (
    "本文用于检查字符集处理：标题和正文都应当还原成正确的汉字。",
    "编码错误的页面不应让整次抓取失败，也不应把乱码写进档案。",
)


def _gbk_story(cms_id: int) -> Story:
    return Story(cms_id, CHARSET_TITLES[cms_id], CHARSET_BODY, 12)


#: Articles that exist in phase 1 (archived then) and fail in phase 2: the fault, by id.
SEEDED_FAULTS = {
    201: "500",
    202: "502",
    203: "503",
    204: "429",
    206: "timeout",
    207: "reset",
    208: "truncated",
    209: "drip",
    215: "soft404",
    216: "huge",
    217: "huge_unannounced",
    218: "png_as_html",
    219: "zip_octet",
}
#: Fault pages that only appear in phase 2 (nothing of them was archived before).
NEW_FAULTS = {
    205: "flaky",  # 503 twice, then the article
    210: "redirect_loop",  # 210 -> 211 -> 210
    211: "redirect_loop",
    212: "redirect_forever",  # to itself with a new query every time
    213: "redirect_other_host",
    214: "redirect_other_port",
}
FAULT_TITLES = {
    201: "自来水厂检修期间错峰供水",
    202: "中心医院开通夜间门诊",
    203: "城南新建两处口袋公园",
    204: "全民健身中心预约系统上线",
    205: "快递驿站进驻老旧小区",
    206: "春运首日火车站客流平稳",
    207: "市区新增一批共享单车停放点",
    208: "高新区企业招聘会提供千余岗位",
    209: "图书漂流活动走进乡村学校",
    215: "夜间施工噪声投诉明显减少",
    216: "博物馆推出文物修复体验课",
    217: "青年创业园首批企业入驻",
    218: "非遗剪纸作品亮相文化节",
    219: "社区卫生服务站延长服务时间",
}
#: The same article (id 101) under other URLs the site links.
ALIASES = (
    "show.php?id=101&cid=1",
    "show.php?cid=1&id=101&utm_source=wechat&utm_medium=share",
    "show.php?cid=1&id=101#comments",
    "/show-1-101-1.html",
)
#: Article-shaped links robots.txt forbids, to another host, and through odd schemes.
ROBOTS_BLOCKED = "/private/show.php?cid=1&id=190"
#: Calendar traps: cid 4's days list nothing, cid 5's days list the same articles again.
CALENDAR_CHANNELS = (4, 5)
CALENDAR_START = "2026-01-01"
#: List pages of channel 1 (4 articles per page: 101-104, then 105-106).
LIST_PAGES = 2
PER_PAGE = 4

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I", 13)
    + b"IHDR"
    + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    + struct.pack(">I", zlib.crc32(b"IHDR" + struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)))
    + bytes(range(256)) * 8
)
ZIP_BYTES = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(range(255, -1, -1)) * 8
HUGE_SIZE = 20 * 1024 * 1024


def page(
    title: str, main: str, *, charset: str | None = "utf-8", head_title: str | None = None
) -> bytes:
    """A full page of the site's template, as UTF-8 bytes (callers re-encode)."""
    meta = f'<meta charset="{charset}" />' if charset else ""
    shown = head_title if head_title is not None else f"{title} - 晨风资讯网"
    html = f"""<!DOCTYPE html>
<html><head>{meta}<title>{escape(shown)}</title></head>
<body><div class="header"><a class="logo" href="/">晨风资讯网</a>
<ul class="nav"><li><a href="/">网站首页</a></li><li><a href="list.php?cid=1">本地新闻</a></li></ul></div>
<div class="container">{main}</div>
<div class="footer">晨风资讯网 版权所有</div></body></html>"""
    return html.encode("utf-8")


def article_main(story: Story | None) -> str:
    if story is None:  # the soft 404: an empty article frame
        return '<article class="info"><h2></h2><div class="bd"><div></div></div></article>'
    body = "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)
    return f"""<article class="info">
<h2>{escape(story.title)}</h2>
<p class="info-date">日期：2026-01-{story.day:02d} 09:30:00 / 人气：{story.id % 97 + 3}</p>
<div class="bd"><div>
{body}
</div></div>
<p class="text-right">作者：{escape(story.author)}</p>
</article>"""


def list_main(items: list[tuple[str, str]], pager: str = "") -> str:
    lis = "\n".join(
        f'<li><a href="{escape(h)}" title="{escape(t)}">{escape(t)}</a></li>' for h, t in items
    )
    return f'<ul class="news-list">\n{lis}\n</ul>\n<div class="page_list">{pager}</div>'


def show(cid: int, cms_id: int) -> str:
    return f"show.php?cid={cid}&id={cms_id}"


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
