"""Crawl-stage code: what a page is, which links are worth following, no stray traffic.

The folder the design's "group by stage" step names: new crawl-stage modules
live here (``roles`` decides page roles and learns URL templates per site,
``offline`` keeps the crawl from reaching any host but the crawled site).
Existing modules (the spider, ``incremental``, ``revisit``) move here later.
"""
