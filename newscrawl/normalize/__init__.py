"""Normalization, the stage between reading a page and storing it: clean text
and counts (:mod:`~newscrawl.normalize.text`), Chinese dates and times
(:mod:`~newscrawl.normalize.dates`), the years of sidebar dates
(:mod:`~newscrawl.normalize.sidebar_dates`), and the whole Article with its sidebar
years resolved (:mod:`~newscrawl.normalize.article`), which the Scrapy item pipeline
(:mod:`~newscrawl.normalize.pipeline`) applies to each item of a crawl."""
