"""What harvests left in an archive, read back by the tests that ran them."""

from __future__ import annotations

from pathlib import Path

from archive import RunSummary, list_runs, open_archive


def runs_of(db: Path) -> list[RunSummary]:
    opened = open_archive(str(db), create=False)
    try:
        with opened.session() as session:
            return list_runs(session)
    finally:
        opened.close()
