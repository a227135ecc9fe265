"""A harvest's plan: its arguments and settings checked before anything is crawled."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newscrawl.config import Config, SettingError
from newscrawl.harvest.verdict import EXIT_USAGE, HarvestError


@dataclass
class Plan:
    """One site's harvest, checked before anything is crawled."""

    key: str
    site: str | None
    start_urls: list[str]
    settings: Any  # scrapy.settings.Settings
    fields: list[str]
    max_drop: float


def plan_harvest(
    *,
    site: str | None,
    start_urls: list[str],
    url: str,
    overrides: Mapping[str, Any],
    log_file: str | None,
) -> Plan:
    """Check a harvest's arguments and settings; raises :class:`HarvestError` (exit 2)."""
    from newscrawl.cli_common import project_settings
    from newscrawl.spiders.cms import CmsSpider, site_key

    try:
        start, _hosts = CmsSpider.check_arguments({"start_urls": start_urls, "site": site})
    except ValueError as exc:
        raise HarvestError(str(exc), EXIT_USAGE) from None
    key = site_key(site, start)
    # Captures on unless -s NEWSCRAWL_CAPTURE=0: a harvest keeps the pages it read.
    extra: dict[str, Any] = {"ARCHIVE_URL": url, "NEWSCRAWL_CAPTURE": True, **overrides}
    if log_file:
        extra["LOG_FILE"] = log_file
    redis_url = extra.get("NEWSCRAWL_REDIS_URL")
    if redis_url:
        from newscrawl.crawl.shared_queue import shared_settings

        extra.update(shared_settings(str(redis_url)))
    settings = project_settings(extra)
    try:
        config = Config.from_settings(settings)  # every project setting checked
    except SettingError as exc:
        raise HarvestError(str(exc), EXIT_USAGE) from None
    if log_file:
        folder = Path(log_file).expanduser().resolve().parent
        if not folder.is_dir():
            raise HarvestError(f"cannot write the log file {log_file}: no folder {folder}")
    return Plan(
        key, site, start_urls, settings, list(config.health_fields), config.health_max_fill_drop
    )


def crawl_kwargs(plan: Plan) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"start_urls": plan.start_urls}
    if plan.site:
        kwargs["site"] = plan.site
    return kwargs
