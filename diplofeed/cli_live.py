"""The live-web commands: ``replay record`` and ``check`` (docs/sources.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from diplofeed.errors import DiplofeedError

from .cli_base import EXIT_SOURCES_FAILED, fail

__all__ = ["check", "record"]


@click.command(name="record")
@click.option(
    "--source",
    "sources",
    multiple=True,
    metavar="ID",
    help="Record this source as a crawl fetches it (repeatable).",
)
@click.option("--all", "every", is_flag=True, help="Record every source of the registry.")
@click.option(
    "--articles",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="Per source: how many of the articles its start pages link to.",
)
@click.option("--url", "urls", multiple=True, metavar="URL", help="Record this page (repeatable).")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="With --source/--all: the folder holding one folder per source (default: the "
    "bundled copies). With --url: the site folder.",
)
@click.option(
    "--draft-truth",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Also draft a truth file per article page into DIR/<source>/, for a person to confirm.",
)
def record(
    sources: tuple[str, ...],
    every: bool,
    articles: int,
    urls: tuple[str, ...],
    out: str | None,
    draft_truth: str | None,
) -> None:
    """Record live pages as replay copies: bodies byte for byte, status, Content-Type,
    ETag, Last-Modified, redirects, and the time of recording (docs/replay.md).

    Pages are fetched by the Scrapy engine as in a crawl (robots.txt, User-Agent,
    politeness). Copies of the same URLs in a folder's manifest are replaced. With
    --draft-truth, a truth file is drafted per article page (marked "draft": the
    extraction tests refuse it until a person has confirmed it). Exits 3 when a source
    gave no response.

    Example:

        diplofeed replay record --source kt_kz --articles 10
    """
    from crawler.registry import find_source_for_url, load_registry
    from crawler.replay import DEFAULT_SITES
    from crawler.replay.record import record_sources, record_urls
    from crawler.replay.truth import draft_truth as draft

    if sum((bool(sources), every, bool(urls))) != 1:
        raise click.UsageError("give --source ID, --all or --url URL (one of them)")
    if urls and not out:
        raise click.UsageError("--url needs --out FOLDER")
    try:
        registry = load_registry()
        if urls:
            recording = record_urls(list(urls), Path(str(out)))
            found = find_source_for_url(urls[0], registry)
            parts = {found.id if found else "": recording}
        else:
            recording = record_sources(
                list(sources) or None, Path(out) if out else DEFAULT_SITES, articles=articles
            )
            parts = recording.parts
        failed = []
        for source_id in list(sources) or list(parts):
            part = parts.get(source_id)
            drafts = []
            if part is not None and draft_truth and part.articles and source_id in registry:
                target = Path(draft_truth) / source_id
                drafts = draft(part.folder, part.articles, registry[source_id], target)
            if part is None or not part.responses:
                failed.append(source_id)
                click.echo(f"{source_id or 'pages'}: nothing recorded")
                continue
            click.echo(
                f"{source_id or 'pages'}: {len(part.responses)} response(s), "
                f"{len(part.articles)} article page(s) into {part.folder}"
                + (f"; {len(drafts)} truth file(s) drafted" if draft_truth else "")
            )
    except DiplofeedError as exc:
        raise fail(exc) from exc
    if failed:
        sys.exit(EXIT_SOURCES_FAILED)


@click.command()
@click.option("--source", "sources", multiple=True, metavar="ID", help="Check only these.")
@click.option(
    "--articles",
    default=3,
    show_default=True,
    type=click.IntRange(min=1),
    help="Article pages to read per source.",
)
def check(sources: tuple[str, ...], articles: int) -> None:
    """Check sources against the live sites: per source and field, whether the
    selectors hit, what the generic path found, whether they agree, and a verdict (ok,
    degraded, broken, unreachable, blocked). Exits 3 when a source is not ok.

    The first command to run after installing, and when a source turns degraded.

    Example:

        diplofeed check --source mfa_kz
    """
    from crawler.check import check_sources

    try:
        report = check_sources(list(sources) or None, articles=articles)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    for source in report:
        click.echo(f"{source.source}: {source.verdict}: {source.reason}")
        for checked in source.fields:
            click.echo(f"  {checked.summary(source.articles)}")
    if any(s.verdict != "ok" for s in report):
        sys.exit(EXIT_SOURCES_FAILED)
