"""Harvests of the demo site as cron runs them (a subprocess each), for the incremental tests."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from archive import iter_articles, open_archive

BIN = Path(sys.executable).parent
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=0"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def stored_views(db: Path) -> dict[str, int | None]:
    opened = open_archive(str(db), create=False)
    try:
        with opened.session() as session:
            return {a["url"]: a["views"] for a in iter_articles(session)}
    finally:
        opened.close()
