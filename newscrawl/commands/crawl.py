"""``scrapy crawl`` that rejects bad spider arguments and settings with one line, not a traceback.

Scrapy builds the spider inside the crawl; an exception raised there is logged
with a traceback and the command still exits 1. Spiders that offer a
``check_arguments`` class method get their ``-a`` arguments checked first, and
a bad value becomes a usage error (exit 2) naming what is wrong; so does a bad value
of a project setting (:mod:`newscrawl.config`, checked for every spider). An archive
that cannot be opened (a missing folder, a database server that does not
answer, no driver for the URL) is one ``Error:`` line and exit 1 before the
crawl starts, its URL shown with the password masked.
"""

from __future__ import annotations

import argparse
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.settings import BaseSettings

from newscrawl.config import Config, SettingError

#: The pipeline that writes the archive, under its path and its earlier one
#: (:mod:`newscrawl.pipelines`); the archive is checked only when it is on.
ARCHIVE_PIPELINES = (
    "newscrawl.storage.pipeline.ArchivePipeline",
    "newscrawl.pipelines.ArchivePipeline",
)


def archive_problem(settings: BaseSettings) -> str | None:
    """Why the crawl's archive (``ARCHIVE_URL``) cannot be opened, or None."""
    url = settings.get("ARCHIVE_URL")
    pipelines = settings.getwithbase("ITEM_PIPELINES")
    if not url or all(pipelines.get(name) is None for name in ARCHIVE_PIPELINES):
        return None
    from sqlalchemy.exc import SQLAlchemyError

    from archive.db import ArchiveError, error_line, mask_url, open_archive

    try:
        open_archive(str(url)).close()
    except ArchiveError as exc:
        return str(exc)
    except (SQLAlchemyError, OSError) as exc:
        return f"cannot open archive {mask_url(str(url))}: {error_line(exc)}"
    return None


class Command(ScrapyCrawl):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) == 1 and self.crawler_process is not None:
            try:
                spider_class = self.crawler_process.spider_loader.load(args[0])
            except KeyError as exc:
                raise UsageError(f"unknown spider: {args[0]}") from exc
            check = getattr(spider_class, "check_arguments", None)
            if check is not None:
                try:
                    check(dict(opts.spargs))
                except ValueError as exc:
                    raise UsageError(str(exc)) from exc
            if self.settings is not None:
                try:
                    Config.from_settings(self.settings)  # the project settings (newscrawl.config)
                except SettingError as exc:
                    raise UsageError(str(exc)) from exc
            problem = archive_problem(self.settings) if self.settings is not None else None
            if problem is not None:
                print(f"Error: {problem}", file=sys.stderr)
                self.exitcode = 1
                return
        super().run(args, opts)
