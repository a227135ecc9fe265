"""WARC captures of a crawl, and re-extraction from them without the network.

- :mod:`newscrawl.capture.warc`: the capture files (warcio records, one gzip
  member each, rotation); no Scrapy;
- :mod:`newscrawl.capture.recovery`: files a killed crawl left open, closed
  after their last complete record; no Scrapy;
- :mod:`newscrawl.capture.middleware`: the downloader middleware that writes
  every exchange and tells the spider where each page went;
- :mod:`newscrawl.capture.reextract`: today's extractor over the captured
  pages (``newsarchive reextract``); no Scrapy, no network.

Reading a capture back is the archive's (:mod:`archive.captures`). Nothing is
imported here, so that the re-extraction does not load Scrapy.
"""
