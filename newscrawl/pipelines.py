"""The item pipelines under their earlier dotted paths, for settings written before the move.

The pipelines live with their stages: ``newscrawl.normalize.pipeline.NormalizePipeline``
and ``newscrawl.storage.pipeline.ArchivePipeline`` (``newscrawl/settings.py`` names
them so). Scrapy loads ``ITEM_PIPELINES`` entries by dotted path, so a project's own
settings module or a ``-s ITEM_PIPELINES=…`` that still names
``newscrawl.pipelines.NormalizePipeline`` or ``newscrawl.pipelines.ArchivePipeline``
would stop the crawl with an import error. Decision: keep this re-export (the
same classes, no code of its own), documented in ``docs/settings.md``; the
``scrapy crawl`` archive check accepts either path (:mod:`newscrawl.commands.crawl`).
New code and settings name the stage modules; nothing in newscrawl imports this one.
"""

from newscrawl.normalize.pipeline import NormalizePipeline
from newscrawl.storage.pipeline import ArchivePipeline

__all__ = ["ArchivePipeline", "NormalizePipeline"]
