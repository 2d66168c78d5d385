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
    "--source", "source_id", metavar="ID", help="Record this source as a crawl fetches it."
)
@click.option(
    "--articles",
    default=5,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --source: how many of the articles its start pages link to.",
)
@click.option("--url", "urls", multiple=True, metavar="URL", help="Record this page (repeatable).")
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    help="Site folder to write (default with --source: the bundled copies' folder of the source).",
)
@click.option(
    "--draft-truth",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Also draft a truth file per article page into DIR, for a person to confirm.",
)
def record(
    source_id: str | None,
    articles: int,
    urls: tuple[str, ...],
    out: str | None,
    draft_truth: str | None,
) -> None:
    """Record live pages as replay copies: bodies byte for byte, status, Content-Type,
    ETag, Last-Modified, redirects, and the time of recording (docs/replay.md).

    Pages are fetched by the Scrapy engine as in a crawl (robots.txt, User-Agent,
    politeness). Copies of the same URLs in the folder's manifest are replaced. With
    --draft-truth, a truth file is drafted per article page (marked "draft": the
    extraction tests refuse it until a person has confirmed it).

    Example:

        diplofeed replay record --source kt_kz --articles 10
    """
    from crawler.registry import find_source_for_url, load_registry
    from crawler.replay import DEFAULT_SITES
    from crawler.replay.record import record_source, record_urls
    from crawler.replay.truth import draft_truth as draft

    if bool(source_id) == bool(urls):
        raise click.UsageError("give --source ID or --url URL (not both)")
    if urls and not out:
        raise click.UsageError("--url needs --out FOLDER")
    folder = Path(out) if out else DEFAULT_SITES / str(source_id)
    try:
        if source_id:
            recording = record_source(source_id, folder, articles=articles)
        else:
            recording = record_urls(list(urls), folder)
        drafts = []
        if draft_truth and recording.articles:
            registry = load_registry()
            source = (
                registry[source_id]
                if source_id
                else find_source_for_url(recording.articles[0], registry)
            )
            if source is None:
                raise click.UsageError(f"no source for {recording.articles[0]}: use --source")
            drafts = draft(folder, recording.articles, source, draft_truth)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    click.echo(
        f"recorded {len(recording.responses)} response(s), {len(recording.articles)} "
        f"article page(s) into {folder}"
        + (f"; {len(drafts)} truth file(s) drafted into {draft_truth}" if draft_truth else "")
    )
    if not recording.responses:
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
