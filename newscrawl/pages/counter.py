"""Answers of counter endpoints: the number inside the script they return.

DedeCMS ``/plus/count.php?view=yes`` and EmpireCMS ``ViewClick`` answer
``document.write('1234');``; PHPCMS ``api.php?op=count`` answers
``$('#hits').html('1234');`` (sometimes with more statements around).
"""

from __future__ import annotations

import re

_WRITE = re.compile(
    r"""(?:document\.write|\.html|\.text|innerHTML\s*=)\s*\(?\s*['"]?\s*([\d,，.]+\s*[万亿]?)"""
)
_BARE = re.compile(r"^\s*(\d[\d,]*)\s*;?\s*$")


def counter_value(script: str) -> str | None:
    """The count text a counter endpoint printed, or None when it printed no number."""
    if match := _WRITE.search(script):
        return match.group(1).strip()
    if match := _BARE.match(script):
        return match.group(1)
    return None
