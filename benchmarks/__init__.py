"""Throughput benchmark of newscrawl (issue 6): ``python -m benchmarks.run``.

One command generates a synthetic PHPMyWind-style site with known truth,
serves it from a separate process, crawls it with a bare Scrapy spider and
with the real ``cms`` spider plus pipelines, checks the archive against the
truth and times the in-process stages (parse, extract, normalize, store).

The point is to know where a crawl's time goes: what Scrapy itself costs on
this machine (the bare crawl), what our extraction and storage add on top,
and whether the result is still correct at scale. The package lives outside
the installed distribution on purpose: it is run from the repository root.
"""
