"""Crawl-stage code: which URLs to fetch and what each page turned out to be.

``urls`` (URL shapes, canonical keys, page 1 of a pager), ``roles`` (page
roles decided by content, URL templates learned per site), ``incremental``
and ``revisit`` (what a harvest skips or fetches again), ``shared_queue``
(scrapy-redis across machines) and ``offline`` (no traffic to any host but
the crawled site). The spider (``newscrawl.spiders.cms``) and the Scrapy
components named in settings (``middlewares``, ``pipelines``) stay where Scrapy
projects keep them.
"""
