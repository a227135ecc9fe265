"""``scrapy crawl`` that rejects bad spider arguments with one line, not a traceback.

Scrapy builds the spider inside the crawl; an exception raised there is logged
with a traceback and the command still exits 1. Spiders that offer a
``check_arguments`` class method get their ``-a`` arguments checked first, and
a bad value becomes a usage error (exit 2) naming what is wrong.
"""

from __future__ import annotations

import argparse

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError


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
            check_settings = getattr(spider_class, "check_settings", None)
            if check_settings is not None:
                try:
                    check_settings(self.settings)
                except ValueError as exc:
                    raise UsageError(str(exc)) from exc
        super().run(args, opts)
