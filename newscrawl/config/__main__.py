"""``python -m newscrawl.config``: print the settings reference of ``docs/settings.md``."""

from newscrawl.config import markdown_table

print(markdown_table(), end="")
