"""``newsarchive raw`` and ``newsarchive reextract``: the captured pages of articles.

``raw`` only reads WARC records (:mod:`archive.captures`). ``reextract``
needs newscrawl's extractor, which the ``archive`` package never imports at
module level (the archive is a library without Scrapy or newscrawl): the
command imports :mod:`newscrawl.capture.reextract` when it runs, and says
so in one line when newscrawl is not installed beside the archive.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from archive._display import one_line, truncate
from archive.captures import Capture, CaptureError, base_folder, read_capture
from archive.commands.common import first_line, period_option, reading
from archive.db import ArchiveError, open_archive
from archive.filters import ArticleFilters
from archive.models import Article, ArticleVersion
from archive.published import DAY_ZONE
from archive.queries import find_article_id

if TYPE_CHECKING:
    from newscrawl.capture.reextract import Change, Summary

_FOLDERS = click.option(
    "--captures",
    "folders",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Also look for capture files in DIR (captures moved away from the archive).",
)


@click.command("raw")
@click.argument("id_or_url")
@click.option("--page", type=click.IntRange(min=1), help="Only page N of the article.")
@click.option(
    "--version", "number", type=click.IntRange(min=1), help="The pages of earlier version N."
)
@click.option(
    "--http", is_flag=True, help="Whole HTTP responses as captured (status, headers, payload)."
)
@_FOLDERS
@click.pass_obj
def raw_command(
    db: str, id_or_url: str, page: int | None, number: int | None, http: bool, folders: tuple[Path]
) -> None:
    """Write the captured bytes of an article's pages to stdout, page after page."""
    with reading(db) as session:
        article_id = find_article_id(session, id_or_url)
        if article_id is None:
            raise click.ClickException(f"no article with id or URL {id_or_url!r}")
        if number is None:
            entries = session.scalar(select(Article.captures).where(Article.id == article_id))
        else:
            found = session.execute(
                select(ArticleVersion.captures).where(
                    ArticleVersion.article_id == article_id, ArticleVersion.version == number
                )
            ).first()
            if found is None:
                raise click.ClickException(f"article {article_id} has no version {number}")
            entries = found[0]
    if not entries:
        raise click.ClickException(
            f"article {article_id} has no captured pages (fetched with captures off)"
        )
    captures = [Capture.from_json(entry) for entry in entries]
    pages = [c for c in captures if c.role == "page"] if page is not None else captures
    if page is not None:
        if page > len(pages):
            raise click.ClickException(f"article {article_id} has {len(pages)} captured pages")
        pages = [pages[page - 1]]
    out = sys.stdout.buffer
    for capture in pages:
        try:
            read = read_capture(capture, base_folder(db), folders)
        except CaptureError as exc:
            raise click.ClickException(str(exc)) from None
        out.write(read.http if http else read.body)
    out.flush()


def _shown(value: Any, width: int = 60) -> str:
    if isinstance(value, str):
        return repr(truncate(one_line(value), width))
    return repr(value)


def change_lines(change: Change) -> list[str]:
    """``ID URL`` and one line per changed field (texts cut, long ones as sizes)."""
    lines = [f"{change.article_id} {change.url}"]
    for key, (before, after) in change.fields.items():
        if key == "body":
            lines.append(f"  body: {len(before or '')} -> {len(after or '')} characters")
        elif key in ("sections", "sidebar"):
            lines.append(f"  {key}: {len(before or [])} -> {len(after or [])} entries, changed")
        else:
            lines.append(f"  {key}: {_shown(before)} -> {_shown(after)}")
    return lines


class _Progress:
    """A live line on stderr when it is a terminal, at most five times a second."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.shown = 0.0

    def __call__(self, summary: Summary, total: int) -> None:
        now = time.monotonic()
        if not self.live or (now - self.shown < 0.2 and summary.articles < total):
            return
        self.shown = now
        click.echo(
            f"\rreextract: {summary.articles}/{total} articles, {summary.changed} changed, "
            f"{summary.problems} problems",
            err=True,
            nl=False,
        )

    def clear(self) -> None:
        if self.live and self.shown:
            click.echo("\r\033[K", err=True, nl=False)


@click.command("reextract")
@click.option("--site", help="Only articles of this site (host).")
@click.option(
    "--since",
    metavar="DATE",
    callback=period_option(end=False),
    help=f"Only articles published on or after DATE (YYYY-MM-DD or ISO; naive = {DAY_ZONE}).",
)
@click.option("--dry-run", is_flag=True, help="Print what would change; store nothing.")
@click.option(
    "--tz",
    default=DAY_ZONE,
    show_default=True,
    help="Zone of naive site times (NEWSCRAWL_TZ of the crawl).",
)
@_FOLDERS
@click.pass_obj
def reextract_command(
    db: str, site: str | None, since: Any, dry_run: bool, tz: str, folders: tuple[Path]
) -> None:
    """Run today's extractor over the captured pages; store what changed (no network)."""
    try:
        from newscrawl.capture.reextract import Reextraction
    except ImportError:  # the archive installed without newscrawl
        raise click.ClickException("reextract needs newscrawl's extractor installed") from None
    try:
        opened = open_archive(db, create=False)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    progress = _Progress()

    def problem(line: str) -> None:
        progress.clear()
        click.echo(line, err=True)

    def changed(change: Change) -> None:
        progress.clear()
        for line in change_lines(change):
            click.echo(line)

    started = time.perf_counter()
    run = Reextraction(
        opened.sessions,
        base=base_folder(db),
        folders=folders,
        tz=tz,
        dry_run=dry_run,
        on_change=changed,
        on_problem=problem,
        on_progress=progress,
    )
    try:
        summary = run.run(ArticleFilters(site=site, since=since))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    except DBAPIError as exc:
        raise click.ClickException(f"cannot reextract into the archive: {first_line(exc)}") from exc
    finally:
        opened.close()
    progress.clear()
    stored = "nothing stored (dry run)" if dry_run else "stored"
    click.echo(
        f"reextracted {summary.articles} articles in {time.perf_counter() - started:.1f} s: "
        f"{summary.changed} changed ({stored}), {summary.unchanged} unchanged, "
        f"{summary.problems} could not be read"
    )
    if summary.problems:
        raise SystemExit(1)
