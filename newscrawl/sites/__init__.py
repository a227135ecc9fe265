"""Site profiles: what a user names with ``-a site=NAME``, kept as data.

A profile gives the start URLs and the site's time zone; the page class is
chosen by ``newscrawl.pages.detect_family``. Adding a site of a known family
means adding one entry here, not code.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SiteProfile:
    """One site the project knows by name."""

    name: str
    start_urls: tuple[str, ...]
    family: str = "phpmywind"
    timezone: str = "Asia/Shanghai"
    #: Extra hosts the site serves articles from (the start URLs' hosts always count).
    extra_hosts: tuple[str, ...] = field(default=())


PROFILES: dict[str, SiteProfile] = {
    profile.name: profile
    for profile in (
        SiteProfile(
            name="xingyuyle",
            start_urls=(
                "http://www.xingyuyle.com/",
                "http://www.xingyuyle.com/list.php?cid=29",
            ),
            family="phpmywind",
        ),
    )
}


class UnknownSite(ValueError):
    """Raised for a ``site`` name no profile has; the message lists the known ones."""


def get_profile(name: str) -> SiteProfile:
    """The profile called ``name``, or ``UnknownSite`` with the known names."""
    try:
        return PROFILES[name]
    except KeyError:
        known = ", ".join(sorted(PROFILES)) or "none"
        raise UnknownSite(f"unknown site {name!r} (known: {known})") from None
