"""Every project setting in one table: name, default, parser and help, written once.

Each setting of newscrawl (``ARCHIVE_*``, ``NEWSCRAWL_*``) is one field of :class:`Config`,
declared below with its Scrapy name, its default as a user would write it, the parser that
turns a raw value (a Python value from ``settings.py`` or the string of ``-s NAME=VALUE``)
into the field's type, and one line of help. Everything else is derived from this table, so
a setting cannot be documented, defaulted or checked differently in two places:

- ``newscrawl/settings.py`` takes its project defaults from :func:`defaults`;
- ``from_crawler`` methods read :meth:`Config.from_settings` instead of
  ``settings.getint(NAME, fallback)`` with a fallback of their own;
- ``docs/settings.md`` holds :func:`markdown_table`'s output, and ``tests/project/test_docs.py``
  fails when the two differ (``python -m newscrawl.config`` prints the table);
- the commands (``scrapy crawl``, ``newscrawl demo``, ``newscrawl harvest``) build a Config
  before anything starts: a bad value is :class:`SettingError`, a ``ValueError`` whose
  message is one line naming the setting (exit code 2), never a traceback from inside a crawl.

Values that depend on the machine (the ``auto`` worker, writer and index modes) are resolved
when parsed, so a Config holds what the crawl will do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Self

from newscrawl.config.parsers import (
    Setting,
    SettingError,
    boolean,
    choice,
    names,
    number,
    positive,
    schedule,
    text,
    time_zone,
    whole,
    workers,
    writer,
)
from newscrawl.crawl.revisit import DEFAULT_SCHEDULE, Schedule
from newscrawl.normalize.dates import DEFAULT_TZ
from newscrawl.runtime.cores import index_for, writer_for
from newscrawl.runtime.gc_tuning import DEFAULT_THRESHOLD, MAX_THRESHOLD

__all__ = ["Config", "Setting", "SettingError", "defaults", "markdown_table", "setting", "table"]

#: The key of a Config field's metadata that holds its :class:`Setting`.
_SETTING = "setting"


def _spec(name: str, default: Any, parser: Callable[[Any], Any], help: str) -> dict[str, Any]:
    """A Config field's metadata: its row of the table."""
    return {_SETTING: Setting(name, default, parser, help)}


# -- the table -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    """The project settings of one crawl, parsed: build it with :meth:`from_settings`.

    The fields are the table (their order is the docs' order); the help text is one line,
    the docs (``docs/settings.md``) add what needs more room below the table.
    """

    archive_url: str = field(
        metadata=_spec(
            "ARCHIVE_URL",
            "sqlite:///archive.sqlite",
            text,
            "the archive: a SQLAlchemy URL or a file path; empty: items are not archived",
        )
    )
    archive_batch_size: int = field(
        metadata=_spec(
            "ARCHIVE_BATCH_SIZE",
            200,
            whole(),
            "items stored per transaction: fewer commits, a bounded loss on a crash",
        )
    )
    archive_writer: str = field(
        metadata=_spec(
            "ARCHIVE_WRITER",
            "auto",
            writer,
            "where the transactions run: `inline` (the crawl waits) or `process` (the "
            "extraction worker, else a writer process); `auto`: `inline` when a worker "
            "extracts, else `process` with two or more usable cores",
        )
    )
    archive_index: str = field(
        metadata=_spec(
            "ARCHIVE_INDEX",
            "auto",
            choice("auto", "batch", "thread", "close"),
            "when the full-text index catches up: `batch` (after each batch), `thread` (after "
            "each batch, SQLite's share on a thread) or `close` (once, as the crawl ends); "
            "`auto`: `thread` when the crawl is one process, else `batch`",
        )
    )
    archive_checkpoint: str = field(
        metadata=_spec(
            "ARCHIVE_CHECKPOINT",
            "thread",
            choice("thread", "commit"),
            "who copies SQLite's write-ahead log into the file: `thread` (after each "
            "transaction) or `commit` (SQLite, inside a commit)",
        )
    )
    tz: str = field(
        metadata=_spec(
            "NEWSCRAWL_TZ",
            DEFAULT_TZ,
            time_zone,
            "the zone in which naive site times are read (+08:00)",
        )
    )
    fetch_counters: bool = field(
        metadata=_spec(
            "NEWSCRAWL_FETCH_COUNTERS",
            False,
            boolean,
            "request script counter endpoints to fill `views` (each request adds one to "
            "the site's public count)",
        )
    )
    extract_workers: int = field(
        metadata=_spec(
            "NEWSCRAWL_EXTRACT_WORKERS",
            "auto",
            workers,
            "worker processes that parse, extract and normalize article pages (`0`: in the "
            "crawl process); `auto`: 1 with two or more usable cores, else 0",
        )
    )
    gc_threshold: int = field(
        metadata=_spec(
            "NEWSCRAWL_GC_THRESHOLD",
            DEFAULT_THRESHOLD,
            whole(0, MAX_THRESHOLD),
            "allocations between young garbage collections in every process of a crawl "
            "(Python's default is 700; `0` keeps it)",
        )
    )
    health_fields: tuple[str, ...] = field(
        metadata=_spec(
            "NEWSCRAWL_HEALTH_FIELDS",
            ["title", "published_at", "body"],
            names,
            "fields whose fill rate `newscrawl harvest` compares with the site's previous runs",
        )
    )
    health_max_fill_drop: float = field(
        metadata=_spec(
            "NEWSCRAWL_HEALTH_MAX_FILL_DROP",
            0.3,
            number,
            "how far (absolute) such a fill rate may fall below the mean of the site's "
            "previous 5 finished runs before the run fails its health check",
        )
    )
    incremental: bool = field(
        metadata=_spec(
            "NEWSCRAWL_INCREMENTAL",
            True,
            boolean,
            "once the archive holds articles of the start hosts, request known articles only "
            "when due and stop paging lists at known ones",
        )
    )
    stop_after_known_pages: int = field(
        metadata=_spec(
            "NEWSCRAWL_STOP_AFTER_KNOWN_PAGES",
            1,
            whole(1),
            "list pages in a row (per list) that bring no unknown article before that "
            "list's pager is no longer followed",
        )
    )
    revisit: Schedule = field(
        metadata=_spec(
            "NEWSCRAWL_REVISIT",
            DEFAULT_SCHEDULE,
            schedule,
            "the revisit schedule, `AGE=INTERVAL` rules youngest first (`*`: every older "
            "age; units `s m h d w`)",
        )
    )
    discovery_memory: bool = field(
        metadata=_spec(
            "NEWSCRAWL_DISCOVERY_MEMORY",
            True,
            boolean,
            "keep the URL templates a crawl learned for the site's next harvest, in a JSON "
            "file beside the archive",
        )
    )
    capture: bool = field(
        metadata=_spec(
            "NEWSCRAWL_CAPTURE",
            False,
            boolean,
            "write every request and response as WARC records (on for `newscrawl harvest` "
            "and `newscrawl demo`)",
        )
    )
    capture_dir: str = field(
        metadata=_spec(
            "NEWSCRAWL_CAPTURE_DIR",
            "",
            text,
            "the folder of the capture files; empty: `<archive file>.captures/` beside a "
            "SQLite archive, `captures/` here for a server database",
        )
    )
    # 1 GB: the WARC standard's suggested file size.
    capture_max_size: int = field(
        metadata=_spec(
            "NEWSCRAWL_CAPTURE_MAX_SIZE",
            1_000_000_000,
            whole(),
            "bytes after which a capture file is closed and the next one begun",
        )
    )
    # 256: a few seconds of crawling, some MB of pages.
    capture_queue: int = field(
        metadata=_spec(
            "NEWSCRAWL_CAPTURE_QUEUE",
            256,
            whole(),
            "exchanges handed to the capture process and not yet written, at most",
        )
    )
    progress: str = field(
        metadata=_spec(
            "NEWSCRAWL_PROGRESS",
            "auto",
            choice("auto", "line", "log", "off"),
            "progress reports: `line` (a live line on stderr), `log` (INFO log lines), "
            "`off`; `auto`: `line` on a terminal, else `log`",
        )
    )
    progress_interval: float = field(
        metadata=_spec(
            "NEWSCRAWL_PROGRESS_INTERVAL", 1.0, positive, "seconds between updates of the live line"
        )
    )
    progress_log_interval: float = field(
        metadata=_spec(
            "NEWSCRAWL_PROGRESS_LOG_INTERVAL", 60.0, positive, "seconds between progress log lines"
        )
    )
    retry_backoff: float = field(
        metadata=_spec(
            "NEWSCRAWL_RETRY_BACKOFF",
            0.5,
            number,
            "seconds before retrying a 5xx or 429 that gave no `Retry-After`, doubled at each "
            "retry",
        )
    )
    retry_after_max: float = field(
        metadata=_spec(
            "NEWSCRAWL_RETRY_AFTER_MAX",
            60.0,
            number,
            "the longest wait before a retry, whatever `Retry-After` asks",
        )
    )
    every: float = field(
        metadata=_spec(
            "NEWSCRAWL_EVERY",
            0.0,
            number,
            "seconds between a site's harvests, recorded in its runs (`newscrawl harvest` sets "
            "it from the registry's `every`)",
        )
    )
    redis_url: str = field(
        metadata=_spec(
            "NEWSCRAWL_REDIS_URL",
            "",
            text,
            "the Redis of a shared harvest (`newscrawl harvest --redis URL` sets it)",
        )
    )

    @classmethod
    def from_settings(cls, settings: Any) -> Self:
        """Every setting of ``settings`` (Scrapy's Settings, or a mapping) parsed; a value
        that is not set takes the table's default. Raises :class:`SettingError`."""
        values = {}
        for f in fields(cls):
            spec: Setting[Any] = f.metadata[_SETTING]
            raw = settings.get(spec.name)
            values[f.name] = spec.parse(spec.default if raw is None else raw)
        # The values that depend on others: where batches are stored follows whether a
        # worker extracts, and how the index catches up follows both
        # (newscrawl.runtime.cores).
        values["archive_writer"] = writer_for(values["archive_writer"], values["extract_workers"])
        values["archive_index"] = index_for(
            values["archive_index"], values["extract_workers"], values["archive_writer"]
        )
        return cls(**values)


def table() -> Iterator[Setting[Any]]:
    """The rows, in the docs' order."""
    for f in fields(Config):
        yield f.metadata[_SETTING]


def setting(name: str) -> Setting[Any]:
    """The row of ``name``; KeyError for a name the table does not hold."""
    for row in table():
        if row.name == name:
            return row
    raise KeyError(name)


def defaults() -> dict[str, Any]:
    """``{NAME: default}`` for ``newscrawl/settings.py`` (Scrapy reads the module's names)."""
    return {row.name: row.default for row in table()}


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    if isinstance(value, str) and not value:
        return "empty"
    return str(value)


def markdown_table() -> str:
    """The settings reference of ``docs/settings.md``, generated from the table."""
    lines = ["| setting | default | meaning |", "|---|---|---|"]
    for row in table():
        default = _shown(row.default)
        shown = default if default == "empty" else f"`{default}`"
        lines.append(f"| `{row.name}` | {shown} | {row.help} |")
    return "\n".join(lines) + "\n"
