"""The ``newscrawl`` command: the offline demo, scheduled harvests, extraction of saved pages.

``newscrawl demo`` serves the bundled demo site on a free 127.0.0.1 port over
real HTTP and runs the real ``cms`` spider and pipelines against it, so a new
user sees the whole product work without the internet. ``newscrawl extract``
runs the page objects and normalizers on saved files (bytes in, encoding
detected) and prints Article JSON. ``newscrawl harvest`` (in
:mod:`newscrawl.harvest`) is one locked, health-checked run for crontab.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click
from scrapy.crawler import CrawlerProcess

from newscrawl.cli_common import archive_url, parse_overrides, project_settings, settings_option
from newscrawl.demo.routes import ALL_THEMES
from newscrawl.harvest.command import harvest
from newscrawl.items import Article
from newscrawl.normalize.article import DEFAULT_TZ, normalize_article
from newscrawl.pages import ArticlePage
from newscrawl.pages.encoding import decode_html
from newscrawl.sites.cli import sites


def extract_article(
    body: bytes, url: str, *, tz: str = DEFAULT_TZ, fetched_at: str | None = None
) -> Article | None:
    """``newscrawl extract`` on one saved page: bytes in (encoding detected), normalized Article out.

    None when the page is not an article. The development-set harness
    (``benchmarks/devset.py``) calls this too, so it measures what the command prints.
    """
    html, _encoding = decode_html(body)
    page = ArticlePage(url, html, fetched_at=fetched_at)
    item = page.to_item()
    return None if item is None else normalize_article(item, tz=tz)


@click.group()
@click.version_option(package_name="newscrawl")
def main() -> None:
    """Harvest Chinese news CMS sites into an archive."""


@main.command()
@click.option("--db", default="archive.sqlite", show_default=True, help="Archive path or URL.")
@click.option(
    "--theme",
    type=click.Choice(ALL_THEMES),
    default="phpmywind",
    show_default=True,
    help="Template of the demo site (the same articles, other markup and URLs).",
)
@click.option("--port", type=int, default=0, help="Port to serve on (default: a free one).")
@click.option("--log-level", default="WARNING", show_default=True, help="Scrapy log level.")
@settings_option()
def demo(db: str, theme: str, port: int, log_level: str, overrides: tuple[str, ...]) -> None:
    """Serve the bundled demo site on 127.0.0.1 and crawl it into the archive."""
    from archive import count_articles, open_archive
    from newscrawl.config import Config, SettingError
    from newscrawl.demo.server import DemoServer
    from newscrawl.spiders.cms import CmsSpider
    from newscrawl.storage.signals import unstored_articles

    url = archive_url(db)
    extra = parse_overrides(overrides)
    settings = project_settings(
        {
            "ARCHIVE_URL": url,
            "LOG_LEVEL": log_level,
            # The demo runs on this machine: no politeness delay is needed.
            "AUTOTHROTTLE_ENABLED": False,
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
            "NEWSCRAWL_CAPTURE": True,  # the demo keeps its pages too (-s NEWSCRAWL_CAPTURE=0)
            **extra,
        }
    )
    try:
        Config.from_settings(settings)  # every project setting checked before the site starts
    except SettingError as exc:  # a bad -s value: one line, exit 2, as harvest does
        click.echo(f"Error: {exc}", err=True)
        raise SystemExit(2) from None
    with DemoServer(theme=theme, port=port) as server:
        click.echo(f"demo site: {server.base_url}/  ({theme} theme)")
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(CmsSpider)
        started = time.perf_counter()
        process.crawl(crawler, start_urls=f"{server.base_url}/")
        process.start()
        elapsed = time.perf_counter() - started
    stats = crawler.stats.get_stats() if crawler.stats else {}
    with open_archive(url, create=False) as opened, opened.session() as session:
        archived = count_articles(session)
    pages = int(stats.get("downloader/response_count", 0))
    items = int(stats.get("newscrawl/items", 0))
    unstored = unstored_articles(stats)  # committed counts, not items that reached the pipeline
    click.echo(
        f"crawled {pages} pages in {elapsed:.1f} s ({pages / elapsed:.0f} pages/s); "
        f"{items - unstored} articles stored, "
        f"{stats.get('newscrawl/soft_404', 0)} soft 404 skipped"
    )
    click.echo(f"archive: {db} holds {archived} articles; try: newsarchive --db {db} list")
    if stats.get("finish_reason") != "finished" or not items:
        raise click.ClickException(f"the demo crawl did not finish: {stats.get('finish_reason')}")
    if unstored:
        raise click.ClickException(
            f"{unstored} of {items} articles could not be stored in the archive (see the log)"
        )


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--url", help="URL the page was fetched from (ids and links resolve against it).")
@click.option("--tz", default=DEFAULT_TZ, show_default=True, help="Zone of naive site times.")
@click.option("--fetched-at", help="Fetch time (ISO 8601) for relative dates; default now.")
@click.option("--indent", type=int, default=None, help="Pretty-print with this indent.")
def extract(
    files: tuple[str, ...], url: str | None, tz: str, fetched_at: str | None, indent: int | None
) -> None:
    """Print one Article JSON object per saved page FILE (bytes in, encoding detected)."""
    failed = 0
    for name in files:
        path = Path(name)
        try:
            body = path.read_bytes()
        except OSError as exc:
            click.echo(f"Error: cannot read {name}: {exc.strerror}", err=True)
            failed += 1
            continue
        article = extract_article(
            body, url or path.resolve().as_uri(), tz=tz, fetched_at=fetched_at
        )
        if article is None:
            click.echo(f"{name}: not an article (no title or date line found)", err=True)
            failed += 1
            continue
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=indent))
    if failed:
        sys.exit(1)


@main.command()
@click.argument("url")
@click.argument("name")
@click.option(
    "--fixtures",
    default="tests/fixtures",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of fixture families.",
)
@click.option("--family", default="phpmywind", show_default=True, help="Family sub-folder.")
@click.option("--fetched-at", help="Fetch time to record (ISO 8601); default now.")
def savefixture(url: str, name: str, fixtures: str, family: str, fetched_at: str | None) -> None:
    """Save the page at URL as a golden fixture FAMILY/NAME for the page tests.

    Writes page.html (the bytes as served), meta.json (url, fetch time,
    Content-Type) and expected.json (today's extraction: review it, fix what
    is wrong by hand, and the page test holds the extractor to it).
    """
    from datetime import UTC, datetime
    from urllib.error import URLError
    from urllib.request import Request, urlopen

    from newscrawl.settings import USER_AGENT

    try:
        with urlopen(Request(url, headers={"User-Agent": USER_AGENT}), timeout=30) as response:
            body = response.read()
            content_type = response.headers.get("Content-Type")
    except (URLError, ValueError, OSError) as exc:
        raise click.ClickException(f"cannot fetch {url}: {exc}") from None
    fetched = fetched_at or datetime.now(UTC).isoformat(timespec="seconds")
    folder = Path(fixtures) / family / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "page.html").write_bytes(body)
    meta = {"url": url, "fetched_at": fetched, "content_type": content_type}
    (folder / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n")
    html, _encoding = decode_html(body, content_type)
    item = ArticlePage(url, html, fetched_at=fetched).to_item()
    expected = normalize_article(item).to_dict() if item else {"not_article": True}
    (folder / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n")
    click.echo(f"saved {folder}: review expected.json before committing")


main.add_command(harvest)
main.add_command(sites)

if __name__ == "__main__":
    main()
