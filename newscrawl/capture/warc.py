"""WARC files of a crawl: records written through warcio, one gzip member each.

:class:`WarcFiles` owns a folder of capture files. Each exchange becomes a
``request`` record and a ``response`` record (or a ``revisit`` record when
the same payload was already captured, in this run or by an earlier harvest
the archive holds captures of: WARC 1.1's identical-payload-digest profile), each its own gzip member, so any record
can be read alone from its offset (:mod:`archive.captures`) and standard
tools (``warcio index``, pywb) read the files whole.

Crash safety. A record's gzip member is built in memory and handed to the
operating system in one ``write`` on an unbuffered file: a process killed
at any moment leaves every earlier record complete (the kernel holds what was
written), at worst the member being written cut short. A file is named
``….warc.gz.open`` while written and holds an exclusive ``flock``; closing
it renames it to ``….warc.gz``. A file still ``.open`` whose lock nobody
holds was left by a killed crawl: :func:`newscrawl.capture.recovery.recover`
cuts it after its last complete member and gives it its final name. Every crawl starts new files
(never appending to an old one), named by UTC time, process id and serial.

Files rotate once they reach ``max_size`` bytes (a request and its response
stay in one file). Members are compressed by ISA-L (``isal``, standard gzip
members) at its level 2: several times cheaper a page than zlib at any
level, for files a little larger than zlib level 6's (warcio's own gzip
writer uses zlib level 9); ``benchmarks/CAPTURE.md`` and
``benchmarks/TUNING.md`` have the figures. A crawl shares its machine's
cores with its capture process, extraction worker and archive writer: the
capture's CPU is the crawl's.
"""

from __future__ import annotations

import asyncio
import base64
import fcntl
import hashlib
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from pathlib import Path
from typing import IO, Any, NamedTuple
from urllib.parse import urlsplit

from isal import isal_zlib
from warcio.recordbuilder import RecordBuilder
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.captures import OPEN_SUFFIX, Capture, PriorCaptures, stored_name

#: ISA-L level (0-3) of each record's gzip member (see the module docstring).
LEVEL = 2
#: Payloads shorter than this are always written whole: a revisit record would
#: save nothing (empty 404s, tiny counter answers).
MIN_REVISIT_PAYLOAD = 1024
WARC_VERSION = "WARC/1.1"
SOFTWARE = "newscrawl/0.1 (warcio)"


class Exchange(NamedTuple):
    """One request as sent and the response as received (Scrapy-free; a tuple, so that
    handing it to the capture process pickles cheaply)."""

    url: str
    method: str
    request_headers: Sequence[tuple[bytes, bytes]]
    request_body: bytes
    status: int
    protocol: str  # "HTTP/1.1"
    response_headers: Sequence[tuple[bytes, bytes]]
    body: bytes  # the payload as sent (any Content-Encoding kept, chunking undone)
    ip_address: str | None = None


def payload_digest(body: bytes) -> str:
    """The WARC payload digest of ``body``, as warcio writes it (``sha1:`` base32)."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _headers(pairs: Sequence[tuple[bytes, bytes]], drop: frozenset[bytes]) -> list[tuple[str, str]]:
    return [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in pairs
        if name.lower() not in drop
    ]


#: Response headers not written: the body Scrapy hands over is de-chunked already.
_DROPPED = frozenset({b"transfer-encoding"})


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class WarcFiles:
    """The capture files of one crawl in ``folder``; see the module docstring."""

    def __init__(
        self,
        folder: Path,
        *,
        base: Path,
        max_size: int,
        prefix: str = "newscrawl",
        prior: PriorCaptures | None = None,
    ) -> None:
        self.folder = folder
        self.base = base  # stored file names are relative to it when below it
        self.max_size = max(1, max_size)
        self.prefix = prefix
        self.files: list[str] = []  # stored names of the files written, in order
        self.records = 0
        self.revisits = 0
        self.bytes = 0
        self._builder = RecordBuilder(warc_version=WARC_VERSION)
        self._file: IO[bytes] | None = None
        self._path: Path | None = None
        self._name = ""
        self._size = 0
        self._serial = 0
        self._seen: dict[str, tuple[str, str]] = {}  # payload digest -> first uri, date
        self._captured: dict[str, Capture] = {}  # payload digest -> its response record
        self.prior = prior  # payloads captured by earlier harvests (the archive's)

    # -- files -----------------------------------------------------------------

    def _open_next(self) -> None:
        self._close_file()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._serial += 1
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        final = self.folder / f"{self.prefix}-{stamp}-{os.getpid()}-{self._serial:05d}.warc.gz"
        path = final.with_name(final.name + OPEN_SUFFIX)
        file = path.open("xb", buffering=0)
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        self._file, self._path, self._size = file, path, 0
        self._name = stored_name(final, self.base)
        self.files.append(self._name)
        info = self._builder.create_warcinfo_record(
            final.name, {"software": SOFTWARE, "format": "WARC File Format 1.1"}
        )
        self._write(_bytes(info))

    def start(self) -> None:
        """Open the first file now (a crawl's capture process does, before the crawl
        fetches anything), not on the first record."""
        if self._file is None:
            self._open_next()

    def close(self) -> None:
        """Finish the current file: flush it to disk, give it its final name."""
        self._close_file()
        if self.prior is not None:
            self.prior.close()

    def _close_file(self) -> None:
        if self._file is None or self._path is None:
            return
        file, path = self._file, self._path
        self._file = self._path = None
        try:
            os.fsync(file.fileno())
        finally:
            file.close()  # releases the lock
        path.rename(path.with_name(path.name.removesuffix(OPEN_SUFFIX)))

    # -- records ---------------------------------------------------------------

    def _write(self, raw: bytes) -> tuple[int, int]:
        """Write one record's bytes as its own gzip member; returns its (offset, length)."""
        assert self._file is not None
        compressor = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS | 16)
        member = compressor.compress(raw) + compressor.flush()
        offset = self._size
        view = memoryview(member)
        while view:  # one write in practice; a regular file may take less only when full
            written = self._file.write(view)
            if not written:
                raise OSError("capture file write returned 0")
            view = view[written:]
        self._size += len(member)
        self.bytes += len(member)
        self.records += 1
        return offset, len(member)

    def write(self, exchange: Exchange) -> Capture:
        """Capture one exchange; returns where its payload is (for a revisit record,
        the earlier response record that holds the same payload)."""
        return self._commit(self._build(exchange))

    def _build(self, exchange: Exchange) -> _Built:
        url = exchange.url
        digest = payload_digest(exchange.body)
        date = self._builder.curr_warc_date()
        reason = HTTPStatus(exchange.status).phrase if exchange.status in _STATUSES else ""
        status_line = f"{exchange.status} {reason}".rstrip()
        http = StatusAndHeaders(
            status_line,
            _headers(exchange.response_headers, _DROPPED),
            protocol=exchange.protocol or "HTTP/1.1",
        )
        headers = {"WARC-Date": date, "WARC-Payload-Digest": digest}
        if exchange.ip_address:
            headers["WARC-IP-Address"] = exchange.ip_address
        large = len(exchange.body) >= MIN_REVISIT_PAYLOAD
        earlier = self._seen.get(digest) if large else None
        prior = None
        if large and earlier is None and self.prior is not None:
            # A payload an earlier harvest captured: a revisit of that record.
            prior = self.prior.get(url, digest)
            if prior is not None:
                earlier = (prior.record_url or prior.url, prior.date)
        if earlier is not None:
            first_uri, first_date = earlier
            response = self._builder.create_revisit_record(
                url, digest, first_uri, first_date, http_headers=http, warc_headers_dict=headers
            )
        else:
            response = self._builder.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(exchange.body),
                length=len(exchange.body),
                http_headers=http,
                warc_headers_dict=headers,
            )
            if large:
                self._seen[digest] = (url, date)
        request = self._builder.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(exchange.request_body),
            length=len(exchange.request_body),
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_request_target(url)}",
                _headers(exchange.request_headers, frozenset()),
                protocol="HTTP/1.1",
                is_http_request=True,
            ),
            warc_headers_dict={
                "WARC-Date": date,
                "WARC-Concurrent-To": response.rec_headers.get_header("WARC-Record-ID"),
            },
        )
        return _Built(
            url, date, digest, earlier is not None, prior, _bytes(request), _bytes(response)
        )

    def _commit(self, built: _Built) -> Capture:
        if self._file is None or self._size >= self.max_size:
            self._open_next()
        self._write(built.request)
        offset, length = self._write(built.response)
        if built.revisit:
            self.revisits += 1
            original = built.prior or self._captured[built.digest]
            return original._replace_url(built.url)
        capture = Capture(built.url, self._name, offset, length, built.date, digest=built.digest)
        if built.digest in self._seen:
            self._captured[built.digest] = capture
        return capture


@dataclass(frozen=True)
class _Built:
    """An exchange's records, built and serialized, not yet compressed or written."""

    url: str
    date: str
    digest: str
    revisit: bool
    prior: Capture | None  # the earlier harvest's record it is a revisit of
    request: bytes
    response: bytes


def _bytes(record: object) -> bytes:
    buffer = io.BytesIO()
    WARCWriter(buffer, gzip=False).write_record(record)
    return buffer.getvalue()


_STATUSES = frozenset(int(status) for status in HTTPStatus)


# -- the capture process ----------------------------------------------------------
#
# A crawl hands each exchange to a process of its own (``WarcCapture`` through a
# :class:`~newscrawl.runtime.pipe_worker.PipeWorker`), which builds the records (warcio),
# digests, compresses and writes them: none of it takes the crawl's GIL.


class Written(NamedTuple):
    """What the capture process answers: where a payload went, and the files' counts."""

    capture: Capture | None  # None for the open and close tasks
    records: int
    revisits: int
    bytes: int
    files: tuple[str, ...]


_files: WarcFiles | None = None


def start_process(folder: str, base: str, max_size: int, archive_url: str) -> None:
    """The capture process's initializer: its :class:`WarcFiles` (revisits of what the
    archive at ``archive_url`` holds captures of, when given)."""
    global _files  # the process's one set of files, kept between tasks
    prior = PriorCaptures(archive_url) if archive_url else None
    _files = WarcFiles(Path(folder), base=Path(base), max_size=max_size, prior=prior)


def in_process(task: str, exchange: Exchange | None = None) -> Written:
    """One task of the capture process: ``"open"`` the first file, ``"write"`` an
    exchange, or ``"close"`` the files."""
    files = _files
    if files is None:
        raise RuntimeError("the capture process was not started")
    capture = None
    if task == "write":
        assert exchange is not None
        capture = files.write(exchange)
    elif task == "open":
        files.start()
    elif task == "close":
        files.close()
    return Written(capture, files.records, files.revisits, files.bytes, tuple(files.files))


@dataclass(frozen=True)
class PendingCapture:
    """One page of an item whose capture the capture process is writing."""

    written: asyncio.Future[Written]
    role: str = "page"  # "page" or "counter" (archive.captures.Capture.role)


async def settle(captures: Sequence[dict[str, Any] | PendingCapture]) -> list[dict[str, Any]]:
    """An item's captures as the archive stores them (JSON), once written; a capture
    that could not be written is left out (the crawl reported it)."""
    settled: list[dict[str, Any]] = []
    for entry in captures:
        if not isinstance(entry, PendingCapture):
            settled.append(entry)
            continue
        try:
            written = await entry.written
        # Not written (a full disk, the process gone): WarcCapture counted and logged it.
        except (Exception, asyncio.CancelledError):  # noqa: BLE001, S112 - reported there
            continue
        if written.capture is not None:
            settled.append({**written.capture.to_json(), "role": entry.role})
    return settled
