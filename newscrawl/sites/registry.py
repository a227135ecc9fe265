"""The site registry: ``sites.toml``, the sites a user harvests, kept as data.

One table per site under ``[sites]``::

    [sites.county-news]
    urls = ["http://www.example.gov.cn/", "http://www.example.gov.cn/list.php?cid=3"]
    every = "6h"              # how often a harvest is due (default 1d)
    timezone = "Asia/Shanghai"
    revisit = "1d=0,7d=6h,*=7d"
    delay = 1.0               # DOWNLOAD_DELAY, seconds
    concurrency = 2           # CONCURRENT_REQUESTS_PER_DOMAIN
    counters = false          # NEWSCRAWL_FETCH_COUNTERS
    timeout = "2h"            # the longest a harvest of the site may run

    [sites.county-news.settings]   # any other Scrapy setting
    RETRY_TIMES = 5

Reading is :func:`load_registry` (``tomllib``); every mistake is a
:class:`RegistryError` whose message names the file and line. Writing goes
through ``tomlkit`` (:func:`add_site`, :func:`remove_site`), so the comments
and layout a person gave the file stay as they were. The built-in profiles
(:mod:`newscrawl.sites`) are entries of the same form, read by the same code.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newscrawl.crawl.revisit import parse_duration, parse_schedule

#: The registry read when neither ``--registry`` nor ``NEWSCRAWL_REGISTRY`` names one.
DEFAULT_REGISTRY = "sites.toml"
#: Environment variable naming the registry file.
REGISTRY_ENV = "NEWSCRAWL_REGISTRY"
#: How often a site is due when its entry says nothing.
DEFAULT_EVERY = "1d"

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: Entry keys and the Scrapy setting each one sets (None: not a setting).
ENTRY_KEYS: dict[str, str | None] = {
    "urls": None,
    "every": None,
    "timezone": "NEWSCRAWL_TZ",
    "revisit": "NEWSCRAWL_REVISIT",
    "delay": "DOWNLOAD_DELAY",
    "concurrency": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "counters": "NEWSCRAWL_FETCH_COUNTERS",
    "timeout": "CLOSESPIDER_TIMEOUT",
    "settings": None,
}


class RegistryError(ValueError):
    """A registry that cannot be used: the message is one line naming file and line."""


@dataclass(frozen=True)
class SiteEntry:
    """One site of the registry."""

    name: str
    urls: tuple[str, ...]
    #: Seconds between harvests (``every``).
    every: float = 86400.0
    #: Scrapy settings of this site's harvests (from the entry's keys and its ``settings``).
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Where it was read: ``FILE:LINE``.
    origin: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "urls": list(self.urls),
            "every_seconds": self.every,
            "settings": dict(self.settings),
            "origin": self.origin,
        }


def registry_path(option: str | None) -> Path:
    """``--registry``, else ``$NEWSCRAWL_REGISTRY``, else ``sites.toml`` here."""
    return Path(option or os.environ.get(REGISTRY_ENV) or DEFAULT_REGISTRY)


def _line_index(text: str) -> dict[tuple[str, ...], int]:
    """Line numbers (1-based) of table headers and of keys within tables.

    ``("sites", "x")`` is the line of ``[sites.x]``, ``("sites", "x", "urls")``
    the line of ``urls =`` inside it. A plain scan of the lines: enough for the
    registry's shape (tables of keys), and only used to name lines in errors.
    """
    index: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        header = re.match(r"^\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$", line)
        if header:
            table = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
            index.setdefault(table, number)
            continue
        key = re.match(r"^([A-Za-z0-9_.\"'-]+)\s*=", line)
        if key:
            parts = tuple(part.strip().strip("\"'") for part in key.group(1).split("."))
            index.setdefault(table + parts, number)
    return index


class _Reader:
    """Checks one parsed registry, with the file's name and line numbers for errors."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = _line_index(text)

    def fail(self, where: tuple[str, ...], message: str) -> RegistryError:
        line = None
        for end in range(len(where), 0, -1):
            line = self.lines.get(where[:end])
            if line is not None:
                break
        return RegistryError(f"{self.path}:{line or 1}: {message}")

    def entry(self, name: str, table: Any) -> SiteEntry:
        where = ("sites", name)
        if not _NAME.match(name):
            raise self.fail(where, f"bad site name {name!r} (letters, digits, '.', '_', '-')")
        if not isinstance(table, dict):
            raise self.fail(where, f"site {name!r} must be a table ([sites.{name}])")
        for key in table:
            if key not in ENTRY_KEYS:
                known = ", ".join(ENTRY_KEYS)
                raise self.fail((*where, key), f"site {name!r}: unknown key {key!r} ({known})")
        urls = table.get("urls")
        if isinstance(urls, str):
            urls = [urls]
        if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
            raise self.fail((*where, "urls"), f"site {name!r}: urls must be a list of URLs")
        for url in urls:
            problem = url_problem(url)
            if problem:
                raise self.fail((*where, "urls"), f"site {name!r}: {problem}")
        settings: dict[str, Any] = {}
        for key, setting in ENTRY_KEYS.items():
            if setting is None or key not in table:
                continue
            try:
                settings[setting] = _entry_value(key, table[key])
            except ValueError as exc:
                raise self.fail((*where, key), f"site {name!r}: {key}: {exc}") from None
        extra = table.get("settings", {})
        if not isinstance(extra, dict):
            raise self.fail((*where, "settings"), f"site {name!r}: settings must be a table")
        for key, value in extra.items():
            if not re.match(r"^[A-Z][A-Z0-9_]*$", key):
                raise self.fail(
                    (*where, "settings", key), f"site {name!r}: {key!r} is not a setting name"
                )
            settings[key] = value
        try:
            every = parse_duration(str(table.get("every", DEFAULT_EVERY)))
        except ValueError as exc:
            raise self.fail((*where, "every"), f"site {name!r}: every: {exc}") from None
        line = self.lines.get(where, 1)
        return SiteEntry(name, tuple(urls), every, settings, f"{self.path}:{line}")


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a start URL, or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"not an http(s) URL: {url!r}"
    try:
        parts.port  # noqa: B018  # raises on a bad port
    except ValueError:
        return f"bad port in URL: {url!r}"
    return None


def _entry_value(key: str, value: Any) -> Any:
    """An entry key's value as its Scrapy setting; raises ``ValueError``."""
    if key == "timezone":
        try:
            ZoneInfo(str(value))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return str(value)
    if key == "revisit":
        parse_schedule(str(value))
        return str(value)
    if key == "delay":
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ValueError(f"must be a number of seconds, not {value!r}")
        return float(value)
    if key == "concurrency":
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"must be a whole number of 1 or more, not {value!r}")
        return value
    if key == "counters":
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, not {value!r}")
        return value
    if key == "timeout":
        return parse_duration(str(value))
    raise ValueError(f"unknown key {key!r}")  # pragma: no cover  # ENTRY_KEYS lists them


def parse_registry(text: str, path: Path) -> dict[str, SiteEntry]:
    """The sites of a registry's ``text`` (read from ``path``); raises :class:`RegistryError`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib says "... (at line N, column M)": put the line first, as the others do.
        message = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)$", message)
        if match:
            detail = message[: match.start()].strip()
            raise RegistryError(f"{path}:{match.group(1)}: {_toml_message(detail)}") from None
        raise RegistryError(f"{path}:1: {message}") from None
    reader = _Reader(path, text)
    for key in data:
        if key != "sites":
            raise reader.fail((key,), f"unknown key {key!r} (the registry holds [sites.NAME])")
    sites = data.get("sites", {})
    if not isinstance(sites, dict):
        raise reader.fail(("sites",), "sites must be tables [sites.NAME]")
    entries: dict[str, SiteEntry] = {}
    owners: dict[str, str] = {}
    for name, table in sites.items():
        entry = reader.entry(name, table)
        folded = name.lower()
        for other in entries:
            if other.lower() == folded:
                raise reader.fail(("sites", name), f"duplicate site {name!r} (also {other!r})")
        for url in entry.urls:
            if url in owners:
                raise reader.fail(
                    ("sites", name, "urls"),
                    f"duplicate site: {url} is a start URL of {owners[url]!r} already",
                )
            owners[url] = name
        entries[name] = entry
    return entries


def _toml_message(detail: str) -> str:
    if detail.startswith("Cannot declare") or "overwrite" in detail.lower():
        return f"duplicate site or key: {detail}"
    return f"not valid TOML: {detail}"


def load_registry(path: Path, *, missing_ok: bool = True) -> dict[str, SiteEntry]:
    """The sites of the registry file at ``path`` (none when it does not exist and
    ``missing_ok``); raises :class:`RegistryError`."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing_ok:
            return {}
        raise RegistryError(f"{path}: no such registry file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"{path}: cannot read: {exc}") from None
    return parse_registry(text, path)


@cache
def builtin_entries() -> dict[str, SiteEntry]:
    """The built-in sites (``newscrawl/sites/builtin.toml``), as registry entries.

    Read here, by the code that reads every registry, so that the profiles
    (:mod:`newscrawl.sites`) import this module and not the other way round.
    """
    text = files("newscrawl.sites").joinpath("builtin.toml").read_text(encoding="utf-8")
    return parse_registry(text, Path("newscrawl/sites/builtin.toml"))


def all_sites(path: Path, *, missing_ok: bool = True) -> dict[str, SiteEntry]:
    """The built-in sites, then the registry's (an entry of the same name replaces one)."""
    return {**builtin_entries(), **load_registry(path, missing_ok=missing_ok)}


def builtin_names() -> frozenset[str]:
    """Names of the built-in sites."""
    return frozenset(builtin_entries())


# -- editing (tomlkit keeps comments and layout) -----------------------------------


def _coerce(value: str) -> Any:
    """A ``-s NAME=VALUE`` value as TOML: bool, int, float, else the string."""
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(value)
        except ValueError:
            continue
    return value


def add_site(
    path: Path, name: str, urls: list[str], settings: Mapping[str, str], *, replace: bool = False
) -> SiteEntry:
    """Add (or with ``replace`` replace) site ``name`` in the registry at ``path``.

    The new file is checked as a whole before it is written; raises
    :class:`RegistryError` (then the file is unchanged).
    """
    import tomlkit

    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read: {exc}") from None
    current = parse_registry(text, path)
    if name in current and not replace:
        raise RegistryError(
            f"{path}:{current[name].origin.rpartition(':')[2]}: site {name!r} "
            "is in the registry already (sites remove it first)"
        )
    document = tomlkit.parse(text)
    sites = document.get("sites")
    if sites is None:
        sites = tomlkit.table(is_super_table=True)
        document["sites"] = sites
    entry = tomlkit.table()
    entry["urls"] = list(urls)
    extra = tomlkit.table()
    for key, value in settings.items():
        short = {setting: key for key, setting in ENTRY_KEYS.items() if setting}.get(key)
        if key.lower() in ENTRY_KEYS and key.lower() not in ("urls", "settings"):
            entry[key.lower()] = _coerce(value) if key.lower() != "every" else value
        elif short is not None:
            entry[short] = _coerce(value)
        else:
            extra[key] = _coerce(value)
    if extra:
        entry["settings"] = extra
    if name in sites:
        del sites[name]
    sites[name] = entry
    new_text = tomlkit.dumps(document)
    entries = parse_registry(new_text, path)
    _write(path, new_text)
    return entries[name]


def remove_site(path: Path, name: str) -> None:
    """Remove site ``name`` from the registry at ``path``; raises :class:`RegistryError`."""
    import tomlkit

    current = load_registry(path, missing_ok=False)
    if name not in current:
        known = ", ".join(sorted(current)) or "none"
        raise RegistryError(f"{path}: no site {name!r} in the registry (sites: {known})")
    document = tomlkit.parse(path.read_text(encoding="utf-8"))
    del document["sites"][name]
    _write(path, tomlkit.dumps(document))


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed)."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as exc:
        raise RegistryError(f"{path}: cannot write: {exc.strerror}") from None
