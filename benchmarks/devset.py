"""The development set of real news pages (issue 26), scored in-process.

The pages and their hand-made truth live outside the repository, at
``../shared/devset`` beside the checkout (``NEWSCRAWL_DEVSET`` points
elsewhere); they are read from there and never copied in. Our extractor runs
on each page as ``newscrawl extract --url URL FILE`` does (the same function,
:func:`newscrawl.cli.extract_article`, without a process per page), and the
predictions are scored by the devset's own ``score.py``, imported from its
folder, so the metrics stay the devset's definitions.

    from benchmarks.devset import locate, score_newscrawl
    scores = score_newscrawl(locate())      # {"title_exact": 0.9, ...}
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import json
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from newscrawl.cli import extract_article

ENV = "NEWSCRAWL_DEVSET"
REPO = Path(__file__).resolve().parent.parent
DEFAULT = REPO.parent / "shared" / "devset"

#: The prediction keys score.py reads, and the Article keys they come from.
PREDICTED = {"title": "title", "date": "published_at", "author": "author", "body": "body"}
PREDICTED_VIEWS = "views"

#: score.py's columns by the prediction field they score (ms_med is every tool's).
COLUMNS_OF = {
    "title": ("title_exact", "title_loose", "title_in"),
    "date": ("date_day", "date_min"),
    "author": ("author_exact", "author_len", "author_fp"),
    "body": ("body_P", "body_R", "body_F1"),
    "views": ("views_exact", "views_fp"),
}

Prediction = dict[str, Any]
Scores = dict[str, tuple[float | None, int]]


def locate() -> Path:
    """The devset folder: ``$NEWSCRAWL_DEVSET``, else ``../shared/devset`` beside the repository."""
    configured = os.environ.get(ENV)
    return Path(configured).expanduser() if configured else DEFAULT


def missing(folder: Path) -> str | None:
    """Why ``folder`` cannot be scored (absent, or without pages, truth or score.py), else None."""
    if not folder.is_dir():
        return f"no development set at {folder} (set {ENV} to its folder)"
    for part in ("pages", "truth", "score.py"):
        if not (folder / part).exists():
            return f"the development set at {folder} has no {part}"
    if not any((folder / "truth").glob("*.json")):
        return f"the development set at {folder} has no truth files"
    return None


@dataclass(frozen=True)
class Page:
    """One devset page: its id, the URL it is extracted with, and its file."""

    id: str
    url: str
    path: Path
    kind: str | None


def load_pages(folder: Path, limit: int | None = None) -> list[Page]:
    """Every page with a truth file, in id order, each with run.py's URL.

    run.py extracts with the truth's ``url``, or ``http://devset.invalid/<id>.html``
    where the page states none; so do we.
    """
    pages = []
    for truth_file in sorted((folder / "truth").glob("*.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        pid = str(truth["id"])
        url = truth.get("url") or f"http://devset.invalid/{pid}.html"
        pages.append(Page(pid, url, folder / "pages" / f"{pid}.html", truth.get("kind")))
    return pages[:limit] if limit is not None else pages


_scorers: dict[Path, ModuleType] = {}


def scorer(folder: Path) -> ModuleType:
    """The devset's own ``score.py``, imported from its folder (once per folder)."""
    path = (folder / "score.py").resolve()
    if path not in _scorers:
        spec = importlib.util.spec_from_file_location("devset_score", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _scorers[path] = module
    return _scorers[path]


def newscrawl_prediction(body: bytes, url: str) -> Prediction:
    """Our extraction of one page's bytes, in score.py's prediction shape.

    ``{}`` when the extractor finds no article (``newscrawl extract`` prints
    nothing then, and run.py scores an empty prediction).
    """
    article = extract_article(body, url)
    if article is None:
        return {}
    got = article.to_dict()
    prediction: Prediction = {key: got.get(name) for key, name in PREDICTED.items()}
    prediction[PREDICTED_VIEWS] = got.get("views")
    return prediction


@dataclass
class Run:
    """One tool's predictions on the pages, CPU milliseconds a page, and the pages it raised on."""

    tool: str
    fields: frozenset[str]
    predictions: dict[str, Prediction] = field(default_factory=dict)
    ms: dict[str, float] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def record(
        self, page: Page, func: Callable[[], Prediction], repeat: int = 1
    ) -> Prediction | None:
        """Run ``func`` ``repeat`` times on ``page``; keep its prediction and its fastest time.

        Time is the process's CPU time (other work on a shared machine does
        not count); an exception is kept as the page's error, and the page
        then scores as an empty prediction, as a crashed ``newscrawl extract`` does.
        """
        best = float("inf")
        prediction: Prediction | None = None
        for _ in range(max(1, repeat)):
            started = time.process_time()
            try:
                prediction = func()
            except Exception as exc:  # noqa: BLE001 - a tool failing on a page scores it empty
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                where = f"{Path(frame.filename).name}:{frame.lineno}"
                self.errors[page.id] = f"{type(exc).__name__}: {exc} ({where})"[:300]
                self.predictions[page.id] = {}
                return None
            best = min(best, time.process_time() - started)
        assert prediction is not None
        self.predictions[page.id] = prediction
        self.ms[page.id] = best * 1000
        return prediction


@contextlib.contextmanager
def _prediction_folder(
    predictions: Mapping[str, Prediction], ms: Mapping[str, float]
) -> Iterator[str]:
    """A temporary folder of ``<id>.json`` predictions (with ``_ms``), as score.py reads them."""
    with tempfile.TemporaryDirectory(prefix="devset-") as pred_dir:
        for pid, prediction in predictions.items():
            payload = {**prediction, "_ms": ms.get(pid)}
            Path(pred_dir, f"{pid}.json").write_text(
                json.dumps(payload, ensure_ascii=False), encoding="utf-8"
            )
        yield pred_dir


def _truths(folder: Path) -> dict[str, Any]:
    module = scorer(folder)
    return {f.stem: module.load(str(f)) for f in sorted((folder / "truth").glob("*.json"))}


def score(
    folder: Path, predictions: Mapping[str, Prediction], ids: Iterable[str], ms: Mapping[str, float]
) -> Scores:
    """score.py's ``score_tool`` on ``predictions`` over the pages ``ids``: column -> (mean, n)."""
    with _prediction_folder(predictions, ms) as pred_dir:
        result: Scores = scorer(folder).score_tool(pred_dir, _truths(folder), list(ids))
    return result


def per_page(run: Run, folder: Path, ids: Iterable[str], column: str) -> dict[str, float]:
    """Each page's own value of ``column`` (pages that column does not count are left out)."""
    module, truths = scorer(folder), _truths(folder)
    values: dict[str, float] = {}
    with _prediction_folder(run.predictions, run.ms) as pred_dir:
        for pid in ids:
            value, n = module.score_tool(pred_dir, truths, [pid]).get(column, (None, 0))
            if n and value is not None:
                values[pid] = value
    return values


def scores_of(run: Run, folder: Path, ids: Iterable[str]) -> Scores:
    """``run`` scored over ``ids``, without the columns of fields the tool does not give."""
    result = score(folder, run.predictions, ids, run.ms)
    for name, columns in COLUMNS_OF.items():
        if name not in run.fields:
            for column in columns:
                result.pop(column, None)
    return result


def run_newscrawl(folder: Path, limit: int | None = None) -> Run:
    """Our extractor on every page (or the first ``limit``)."""
    run = Run("newscrawl", frozenset(COLUMNS_OF))
    for page in load_pages(folder, limit):
        run.record(page, functools.partial(newscrawl_prediction, page.path.read_bytes(), page.url))
    return run


def score_newscrawl(folder: Path, limit: int | None = None) -> dict[str, float]:
    """Our per-column scores on the devset (columns with no pages left out)."""
    run = run_newscrawl(folder, limit)
    ids = [page.id for page in load_pages(folder, limit)]
    return {k: v for k, (v, _n) in scores_of(run, folder, ids).items() if v is not None}
