"""Site profiles: what a user names with ``-a site=NAME``, kept as data.

The built-in sites are entries of ``builtin.toml``, in the form of a user's
``sites.toml`` and read by the same code (:mod:`newscrawl.sites.registry`); a
profile gives the start URLs (and hosts) that ``-a site=NAME`` crawls. Nothing
else is kept here: the page class is chosen per page by
``newscrawl.pages.detect_family``, and an entry's time zone and other settings
are Scrapy settings the harvest applies (``SiteEntry.settings``). Adding a site means adding an entry to a
registry (``newscrawl sites add``), not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from newscrawl.sites.registry import (
    RegistryError,
    SiteEntry,
    all_sites,
    builtin_entries,
    registry_path,
)

__all__ = ["PROFILES", "SiteProfile", "UnknownSite", "builtin_entries", "get_profile"]


@dataclass(frozen=True)
class SiteProfile:
    """One site the project knows by name."""

    name: str
    start_urls: tuple[str, ...]
    #: Extra hosts the site serves articles from (the start URLs' hosts always count).
    extra_hosts: tuple[str, ...] = field(default=())
    #: Scrapy settings of the site's crawls (the registry entry's keys and ``settings``).
    settings: Mapping[str, Any] = field(default_factory=dict)


def _profile(entry: SiteEntry) -> SiteProfile:
    return SiteProfile(name=entry.name, start_urls=entry.urls, settings=entry.settings)


PROFILES: dict[str, SiteProfile] = {
    name: _profile(entry) for name, entry in builtin_entries().items()
}


class UnknownSite(ValueError):
    """Raised for a ``site`` name no profile has; the message lists the known ones."""


def get_profile(name: str) -> SiteProfile:
    """The site called ``name``: a built-in one, else one of the registry
    (``$NEWSCRAWL_REGISTRY`` or ``sites.toml`` here); ``UnknownSite`` lists the known names.

    A registry that cannot be read is an ``UnknownSite`` too, with the registry's error.
    """
    try:
        entries = all_sites(registry_path(None))
    except RegistryError as exc:
        raise UnknownSite(f"unknown site {name!r} ({exc})") from None
    entry = entries.get(name)
    if entry is None:
        known = ", ".join(sorted(entries)) or "none"
        raise UnknownSite(f"unknown site {name!r} (known: {known})")
    return _profile(entry)
