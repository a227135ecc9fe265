"""Captured pages: where an article's pages lie in WARC files, and reading them back.

A crawl with captures on (``newscrawl.capture``) writes every request and
response as WARC records, one gzip member per record, and each stored
article (and each version kept of it) records where its pages' response
records are: ``articles.captures``, a JSON list of :class:`Capture` entries,
pages in page order (a counter endpoint's answer last, ``role: "counter"``).

Capture files are named as the crawl wrote them: relative to the folder of
a SQLite archive's file when they lie below it (the default folder is
``<archive file>.captures/``, see :func:`default_folder`), absolute
otherwise, so an archive moved with its captures keeps finding them. A file
still named ``….warc.gz.open`` (a crawl writing it, or killed while it did)
is found under that name too.

This module only reads (warcio, no Scrapy); every problem with a capture (a
missing file, a record cut short or corrupt, a record of another page) is a
:class:`CaptureError` with a one-line message.
"""

from __future__ import annotations

import io
import json
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archive.db import make_engine, sqlite_file

#: What a file being written is called until the crawl closes it.
OPEN_SUFFIX = ".open"


class CaptureError(Exception):
    """A capture that cannot be read; the message is one line naming the file."""


@dataclass(frozen=True)
class Capture:
    """Where one fetched page's response record lies."""

    url: str  # the URL fetched (WARC-Target-URI)
    file: str  # as stored: relative to the archive's folder, or absolute
    offset: int  # of the record's gzip member in the file
    length: int  # of that member, in bytes
    date: str  # WARC-Date of the record
    role: str = "page"  # "page" (the article's pages, in order) or "counter"
    #: The record's own URI when it is another URL's: this fetch got the same payload
    #: and was written as a revisit record pointing at it.
    record_url: str | None = None
    #: The payload's WARC digest (``sha1:`` base32): a later harvest that gets the same
    #: payload writes a revisit record instead of the payload again.
    digest: str | None = None

    def _replace_url(self, url: str) -> Capture:
        """The same record, reached by another URL or fetch (a revisit of its payload)."""
        return Capture(
            url,
            self.file,
            self.offset,
            self.length,
            self.date,
            self.role,
            self.record_url or self.url,
            self.digest,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "file": self.file,
            "offset": self.offset,
            "length": self.length,
            "date": self.date,
            "role": self.role,
            **({"record_url": self.record_url} if self.record_url else {}),
            **({"digest": self.digest} if self.digest else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Capture:
        return cls(
            url=str(data["url"]),
            file=str(data["file"]),
            offset=int(data["offset"]),
            length=int(data["length"]),
            date=str(data.get("date") or ""),
            role=str(data.get("role") or "page"),
            record_url=data.get("record_url"),
            digest=data.get("digest"),
        )


@dataclass(frozen=True)
class CapturedPage:
    """One response record read back."""

    url: str  # WARC-Target-URI
    date: str  # WARC-Date
    status: int
    content_type: str | None  # the HTTP Content-Type header
    http: bytes  # the HTTP response as captured: status line, headers, payload as sent
    body: bytes  # the payload with its Content-Encoding undone (the page's bytes)


def base_folder(archive_url: str) -> Path:
    """What stored relative capture file names are relative to: a SQLite archive's
    folder, else the current directory."""
    path = sqlite_file(archive_url)
    return path.expanduser().resolve().parent if path is not None else Path.cwd()


def default_folder(archive_url: str) -> Path:
    """Where a crawl writes captures unless told: ``<archive file>.captures/`` beside a
    SQLite archive, else ``captures/`` in the current directory."""
    path = sqlite_file(archive_url)
    if path is None:
        return Path.cwd() / "captures"
    path = path.expanduser().resolve()
    return path.parent / f"{path.name}.captures"


def stored_name(path: Path, base: Path) -> str:
    """How the archive names a capture file: relative to ``base`` when below it."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(base.resolve()))
    except ValueError:
        return str(resolved)


def locate(name: str, base: Path, folders: Iterable[Path] = ()) -> Path:
    """The capture file ``name`` (as stored), else its ``.open`` form, else the same
    file name in one of ``folders``; raises :class:`CaptureError` when none exists."""
    stored = Path(name)
    candidates = [stored if stored.is_absolute() else base / stored]
    candidates += [Path(folder) / stored.name for folder in folders]
    for candidate in candidates:
        for path in (candidate, candidate.with_name(candidate.name + OPEN_SUFFIX)):
            if path.is_file():
                return path
    raise CaptureError(f"capture file missing: {name}")


def read_member(path: Path, offset: int, length: int) -> bytes:
    """The uncompressed bytes of the gzip member at ``offset`` (one WARC record)."""
    try:
        with path.open("rb") as file:
            file.seek(offset)
            data = file.read(length)
    except OSError as exc:
        raise CaptureError(f"capture file unreadable: {path}: {exc.strerror or exc}") from None
    if len(data) < length:
        raise CaptureError(f"capture file truncated: {path} ends before the record at {offset}")
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    try:
        raw = decompressor.decompress(data)
    except zlib.error:
        raise CaptureError(f"capture record corrupt: {path} at offset {offset}") from None
    if not decompressor.eof:
        raise CaptureError(f"capture record cut short: {path} at offset {offset}")
    return raw


def read_capture(capture: Capture, base: Path, folders: Iterable[Path] = ()) -> CapturedPage:
    """Read the response record ``capture`` points at; checks it is that page's."""
    path = locate(capture.file, base, folders)
    raw = read_member(path, capture.offset, capture.length)
    try:
        record = next(iter(ArchiveIterator(io.BytesIO(raw))))
        if record.rec_type != "response" or record.http_headers is None:
            raise CaptureError(f"capture record is no response: {path} at offset {capture.offset}")
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        date = record.rec_headers.get_header("WARC-Date") or ""
        http_head = record.http_headers.to_bytes()
        content_type = record.http_headers.get_header("Content-Type")
        status = int(record.http_headers.get_statuscode() or 0)
        payload = record.raw_stream.read()
    except (ArchiveLoadFailed, StopIteration, ValueError) as exc:
        raise CaptureError(
            f"capture record unreadable: {path} at offset {capture.offset}: {exc}"
        ) from None
    if uri != (capture.record_url or capture.url):
        raise CaptureError(
            f"capture of another page: {path} at offset {capture.offset} holds {uri}, "
            f"not {capture.url}"
        )
    try:
        body = _decoded(payload, record.http_headers.get_header("Content-Encoding"))
    except (zlib.error, ValueError):
        raise CaptureError(
            f"capture payload undecodable: {path} at offset {capture.offset}"
        ) from None
    return CapturedPage(capture.url, date, status, content_type, http_head + payload, body)


def _decoded(payload: bytes, encoding: str | None) -> bytes:
    """The payload with a gzip or deflate Content-Encoding undone (others kept)."""
    kind = (encoding or "").strip().lower()
    if kind in ("gzip", "x-gzip"):
        return zlib.decompress(payload, zlib.MAX_WBITS | 16)
    if kind == "deflate":
        try:
            return zlib.decompress(payload)
        except zlib.error:
            return zlib.decompress(payload, -zlib.MAX_WBITS)
    return payload


class PriorCaptures:
    """The payloads an archive holds captures of, by digest: what a new harvest may
    write as revisit records of them rather than write again.

    Read host by host, on the first page of each host asked about (an article's
    ``site`` is its host): the stored captures of that host's articles, newest
    last, so a digest maps to the latest stored capture of that payload. Captures
    stored before digests were recorded are not known, nor those whose file is no
    longer where the archive says (a revisit of a missing record would lose the
    page). An archive that does not exist yet, or has no articles table, knows none.
    """

    def __init__(self, archive_url: str) -> None:
        self.archive_url = archive_url
        self._engine: Engine | None = None
        self._hosts: dict[str, dict[str, Capture]] = {}
        self._present: dict[str, bool] = {}  # stored file name -> found

    def get(self, url: str, digest: str) -> Capture | None:
        """The stored capture of ``digest`` among ``url``'s host's articles, if any."""
        host = (urlsplit(url).hostname or "").lower()
        known = self._hosts.get(host)
        if known is None:
            known = self._hosts[host] = self._load(host)
        capture = known.get(digest)
        if capture is None:
            return None
        present = self._present.get(capture.file)
        if present is None:
            try:
                locate(capture.file, base_folder(self.archive_url))
                present = True
            except CaptureError:
                present = False
            self._present[capture.file] = present
        return capture if present else None

    def _load(self, host: str) -> dict[str, Capture]:
        path = sqlite_file(self.archive_url)
        if not self.archive_url or (path is not None and not path.exists()):
            return {}
        found: dict[str, Capture] = {}
        query = text(
            "SELECT captures FROM articles WHERE site = :site AND captures IS NOT NULL ORDER BY id"
        )
        try:
            if self._engine is None:
                self._engine = make_engine(self.archive_url)
            with self._engine.connect() as connection:
                rows = connection.execute(query, {"site": host}).scalars().all()
        except SQLAlchemyError:
            return {}  # no articles table yet: a new archive
        for value in rows:
            entries = json.loads(value) if isinstance(value, str | bytes) else value
            for entry in entries or ():
                if isinstance(entry, dict) and entry.get("digest"):
                    capture = Capture.from_json(entry)
                    found[str(capture.digest)] = capture
        return found

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def same_site(url: str, site: str) -> bool:
    """Is ``url`` a page of the host ``site`` (ports aside)?"""
    host = (urlsplit(url).hostname or "").lower()
    return host == site.lower().split(":")[0]
