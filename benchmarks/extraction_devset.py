"""Extraction on the development set: newscrawl beside trafilatura, GNE and readability-lxml.

    python -m benchmarks.extraction_devset [--tools newscrawl,trafilatura,gne,readability]
        [--quick | --limit N] [--repeat 3] [--devset DIR] [--out benchmarks/DEVSET.md]

Every tool runs in this process on the same pages of ``../shared/devset``
(or ``$NEWSCRAWL_DEVSET``, or ``--devset``), page by page in turn, and is
scored by the devset's own ``score.py``: the tables have its columns and
``ms_med`` is each tool's median CPU milliseconds a page (the fastest of
``--repeat`` runs of each page). Our time is also given as a multiple of
``lxml.html.fromstring`` parsing the same page, measured in the same run.

- newscrawl: the page's bytes through :func:`newscrawl.cli.extract_article`,
  which is what ``newscrawl extract --url URL FILE`` prints (its time
  includes detecting the encoding and decoding);
- trafilatura (2.x): ``bare_extraction(html, url=URL, with_metadata=True)``
  with its default settings (its date comes as a day, so it scores no minutes);
- GNE: ``GeneralNewsExtractor().extract(html)``; it was tuned on these pages;
- readability-lxml: ``Document(html, url=URL)``, title from ``short_title()`` and
  body from the text of ``summary()``; it gives no date, author or views,
  so those columns are blank for it.

The other tools get the page as str, decoded outside their time: as UTF-8
when its bytes are strictly UTF-8 (several pages were saved as UTF-8 and still
declare gb2312), else as newscrawl decodes it (``<meta charset>``, else
GB18030, Big5). newscrawl gets the bytes, as ``newscrawl extract`` does. They are an
optional extra, never a runtime dependency: ``pip install -e '.[bench-extract]'``
(pip 23.2 fails to resolve trafilatura's ``lxml[html_clean]`` beside
readability-lxml's ``lxml[html-clean]``; a newer pip, ``pip install -U pip``,
installs them). A tool that is not installed is left out with a note, unless
it was asked for by ``--tools``, which then fails.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import importlib.metadata
import io
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html

from benchmarks.devset import (
    COLUMNS_OF,
    REPO,
    Page,
    Prediction,
    Run,
    load_pages,
    locate,
    missing,
    newscrawl_prediction,
    scorer,
    scores_of,
)
from newscrawl.pages.encoding import decode_html

QUICK_PAGES = 10

#: Elements whose text ends a line when a tool's HTML output is turned into text.
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "pre")


@dataclass(frozen=True)
class Tool:
    """A tool to measure: its label (with version), the fields it gives, its predictor."""

    name: str
    label: str
    fields: frozenset[str]
    predict: Callable[[Page, bytes, str], Prediction]


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _text(fragment: str) -> str:
    """The text of an HTML fragment, one line per block element."""
    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    text = "".join(str(part) for part in root.itertext())
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _str(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _newscrawl() -> Tool:
    def predict(page: Page, body: bytes, html: str) -> Prediction:
        return newscrawl_prediction(body, page.url)

    return Tool("newscrawl", "newscrawl", frozenset(COLUMNS_OF), predict)


def _trafilatura() -> Tool:
    import trafilatura

    def predict(page: Page, body: bytes, html: str) -> Prediction:
        doc = trafilatura.bare_extraction(html, url=page.url, with_metadata=True)
        if doc is None:
            return {}
        # A Document (2.x, attributes in __slots__), or a dict (as_dict, 1.x).
        get = doc.get if isinstance(doc, dict) else functools.partial(getattr, doc)
        return {
            "title": _str(get("title", None)),
            "date": _str(get("date", None)),
            "author": _str(get("author", None)),
            "body": _str(get("text", None)),
        }

    label = f"trafilatura {_version('trafilatura')}"
    return Tool("trafilatura", label, frozenset({"title", "date", "author", "body"}), predict)


def _gne() -> Tool:
    from gne import GeneralNewsExtractor

    extractor = GeneralNewsExtractor()

    def predict(page: Page, body: bytes, html: str) -> Prediction:
        got = extractor.extract(html)
        return {
            "title": _str(got.get("title")),
            "date": _str(got.get("publish_time")),
            "author": _str(got.get("author")),
            "body": _str(got.get("content")),
        }

    return Tool(
        "gne", f"GNE {_version('gne')}", frozenset({"title", "date", "author", "body"}), predict
    )


def _readability() -> Tool:
    from readability import Document

    def predict(page: Page, body: bytes, html: str) -> Prediction:
        doc = Document(html, url=page.url)
        return {"title": _str(doc.short_title()), "body": _text(doc.summary())}

    label = f"readability-lxml {_version('readability-lxml')}"
    return Tool("readability", label, frozenset({"title", "body"}), predict)


TOOLS: dict[str, Callable[[], Tool]] = {
    "newscrawl": _newscrawl,
    "trafilatura": _trafilatura,
    "gne": _gne,
    "readability": _readability,
}


def decode_text(body: bytes) -> str:
    """The page as str for the other tools: strict UTF-8 (a BOM dropped), else newscrawl's decoding.

    Bytes in GBK or Big5 that are long enough to hold a page of Chinese are
    practically never valid UTF-8, so a strict UTF-8 decoding that succeeds is
    right even where the page's own ``<meta charset>`` says otherwise.
    """
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_html(body)[0]


def lxml_parse(html: str) -> object:
    """The floor: ``lxml.html.fromstring`` of the page (as UTF-8 bytes if it declares an encoding)."""
    try:
        return lxml.html.fromstring(html)
    except ValueError:  # str input with an XML encoding declaration
        return lxml.html.fromstring(html.encode("utf-8", "surrogatepass"))


def _best_ms(func: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(max(1, repeat)):
        started = time.process_time()
        func()
        best = min(best, time.process_time() - started)
    return best * 1000


@dataclass
class Measured:
    """Every tool's run, and the lxml parse and decoding time of each page."""

    pages: list[Page]
    runs: list[tuple[Tool, Run]]
    parse_ms: dict[str, float]
    decode_ms: dict[str, float]
    #: Pages whose text from newscrawl's decoding differs from the other tools' text.
    decoded_apart: list[str]


def measure(pages: list[Page], tools: list[Tool], repeat: int) -> Measured:
    """Each page through every tool in turn (so a slow spell of the machine hits all alike)."""
    runs = [(tool, Run(tool.name, tool.fields)) for tool in tools]
    parse_ms: dict[str, float] = {}
    decode_ms: dict[str, float] = {}
    apart: list[str] = []
    for page in pages:
        body = page.path.read_bytes()
        html = decode_text(body)
        if decode_html(body)[0] != html:
            apart.append(page.id)
        decode_ms[page.id] = _best_ms(functools.partial(decode_html, body), repeat)
        parse_ms[page.id] = _best_ms(functools.partial(lxml_parse, html), repeat)
        for tool, run in runs:
            run.record(page, functools.partial(tool.predict, page, body, html), repeat)
    return Measured(pages, runs, parse_ms, decode_ms, apart)


def _commit() -> str:
    """The commit measured, and whether tracked files differed from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head} (with uncommitted changes)" if dirty else head


def report(folder: Path, measured: Measured, repeat: int, notes: list[str]) -> str:
    """The tables of score.py for every tool, our speed against the lxml parse, and notes."""
    module = scorer(folder)
    ids = [page.id for page in measured.pages]
    subsets = {
        "all dev pages": ids,
        "news and gov pages": [p.id for p in measured.pages if p.kind in ("news", "gov")],
    }
    out = io.StringIO()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    where = os.path.relpath(folder, REPO)
    intro = (
        f"{len(ids)} real news pages of `{where}`, commit {_commit()}, {now}; "
        "`python -m benchmarks.extraction_devset` (each page timed in CPU time, "
        f"the fastest of {repeat} runs). Columns are `score.py`'s; `-` where a tool "
        "gives no such field; `ms_med` is the median ms a page."
    )
    lines = ["# Extraction on the development set", "", intro]
    out.write("\n".join(lines) + "\n")
    for title, subset in subsets.items():
        if not subset:
            continue
        results = {tool.label: scores_of(run, folder, subset) for tool, run in measured.runs}
        with contextlib.redirect_stdout(out):
            module.print_table(title, results, len(subset))
    out.write("\n" + "\n".join(_speed(measured)) + "\n")
    versions = ", ".join(
        f"{dist} {_version(dist)}" for dist in ("lxml", "trafilatura", "gne", "readability-lxml")
    )
    machine = (
        f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}; {versions} "
        "(`?`: not installed)."
    )
    errors = [
        f"- {tool.label} raised on {pid}: {message}"
        for tool, run in measured.runs
        for pid, message in run.errors.items()
    ]
    tail = [machine, *notes]
    if measured.decoded_apart:
        tail.append(
            f"newscrawl decoded {len(measured.decoded_apart)} pages otherwise than the other "
            f"tools got them (their bytes are strict UTF-8): {', '.join(measured.decoded_apart)}."
        )
    if errors:
        tail += ["", "Pages a tool raised on (scored as empty):", *errors]
    out.write("\n" + "\n".join(tail) + "\n")
    return out.getvalue()


def _speed(measured: Measured) -> list[str]:
    """Our median time a page, as a multiple of the lxml parse of the same page."""
    ours = next((run for tool, run in measured.runs if tool.name == "newscrawl"), None)
    parse = statistics.median(measured.parse_ms.values())
    lines = [f"lxml.html.fromstring of the same pages: median {parse:.2f} ms a page."]
    if ours is None or not ours.ms:
        return lines
    ratios = [ours.ms[pid] / measured.parse_ms[pid] for pid in ours.ms if measured.parse_ms[pid]]
    decode = statistics.median(measured.decode_ms.values())
    lines.append(
        f"newscrawl: median {statistics.median(ours.ms.values()):.2f} ms a page, bytes to "
        f"normalized Article (of which decoding, median {decode:.2f} ms); "
        f"**{statistics.median(ratios):.1f}x the lxml parse of the same page** (median of the "
        f"per-page ratios; target <= 5x)."
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--tools",
        help=f"comma-separated, of {', '.join(TOOLS)} (default: all that are installed)",
    )
    parser.add_argument("--devset", type=Path, help="the devset folder (default: %(default)s)")
    parser.add_argument("--quick", action="store_true", help=f"first {QUICK_PAGES} pages, 1 run")
    parser.add_argument("--limit", type=int, help="only the first N pages")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each page; fastest counts")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    folder = args.devset or locate()
    why = missing(folder)
    if why:
        print(why, file=sys.stderr)
        return 2
    names = [n.strip() for n in args.tools.split(",") if n.strip()] if args.tools else list(TOOLS)
    unknown = [n for n in names if n not in TOOLS]
    if unknown:
        parser.error(f"unknown tool(s) {', '.join(unknown)}; choose from {', '.join(TOOLS)}")
    tools: list[Tool] = []
    notes: list[str] = []
    for name in names:
        try:
            tools.append(TOOLS[name]())
        except ImportError as exc:
            if args.tools:
                print(f"{name} is not installed: {exc}", file=sys.stderr)
                return 2
            notes.append(f"{name}: not installed (`pip install -e '.[bench-extract]'`).")
    limit = QUICK_PAGES if args.quick and args.limit is None else args.limit
    repeat = 1 if args.quick else args.repeat
    measured = measure(load_pages(folder, limit), tools, repeat)
    text = report(folder, measured, repeat, notes)
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
