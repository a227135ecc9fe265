"""Counter endpoint answers of the CMS families."""

from __future__ import annotations

import pytest

from newscrawl.pages.counter import counter_value


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        ("document.write('1235');", "1235"),
        ('document.write("88")', "88"),
        ("$('#hits').html('4521');\n$('#todaydowns').html('3');", "4521"),
        ("1024", "1024"),
        ("document.write('');", None),
        ("<html>not found</html>", None),
        ("", None),
    ],
)
def test_counter_value(answer: str, value: str | None) -> None:
    assert counter_value(answer) == value
