"""Normalization, the stage between reading a page and storing it: clean text
and counts (:mod:`~newscrawl.normalize.text`), Chinese dates and times
(:mod:`~newscrawl.normalize.dates`), and the whole Article with its sidebar
years resolved (:mod:`~newscrawl.normalize.article`), which the Scrapy item pipeline
(:mod:`~newscrawl.normalize.pipeline`) applies to each item of a crawl."""
