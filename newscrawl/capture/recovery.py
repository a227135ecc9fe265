"""Capture files a killed crawl left open, closed at the next crawl's start.

A file is ``….warc.gz.open`` while a crawl writes it and holds an exclusive
``flock`` (:mod:`newscrawl.capture.warc`). One still ``.open`` whose lock nobody
holds was left by a crawl that was killed: every record before the last is a
complete gzip member, the last may be cut short. :func:`recover` keeps the
complete members and gives the file its final name.
"""

from __future__ import annotations

import fcntl
import logging
import os
import zlib
from pathlib import Path

from archive.captures import OPEN_SUFFIX

logger = logging.getLogger(__name__)


def complete_length(path: Path) -> int:
    """How many leading bytes of ``path`` are complete gzip members."""
    end = position = 0
    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            data = chunk
            while data:
                try:
                    decompressor.decompress(data)
                except zlib.error:
                    return end
                if decompressor.eof:
                    used = len(data) - len(decompressor.unused_data)
                    position += used
                    end = position
                    data = decompressor.unused_data
                    decompressor = zlib.decompressobj(zlib.MAX_WBITS | 16)
                else:
                    position += len(data)
                    data = b""
    return end


def recover(folder: Path) -> list[str]:
    """Close files a killed crawl left ``.open`` in ``folder``; one line about each.

    A file whose lock a live crawl holds is left alone. Returns what was done.
    """
    done: list[str] = []
    if not folder.is_dir():
        return done
    for path in sorted(folder.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        with path.open("r+b") as file:
            try:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # another crawl is writing it
            size = path.stat().st_size
            keep = complete_length(path)
            file.truncate(keep)
            os.fsync(file.fileno())
            final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
            if keep:
                path.rename(final)
            else:
                path.unlink()
        message = (
            f"capture file {final.name} was left open by a stopped crawl: "
            f"kept {keep} bytes of complete records, cut {size - keep}"
        )
        logger.warning(message)
        done.append(message)
    return done
