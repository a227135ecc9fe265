"""newscrawl: harvest Chinese news CMS sites into an archive."""

__version__ = "0.1.0"
