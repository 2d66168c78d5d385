"""``diplofeed report``: the contacts report and the weekly digest as files (docs/cli.md).
Registered on the ``diplofeed`` group in diplofeed/cli.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import click

from diplofeed.errors import DiplofeedError

from .cli_base import db_option, fail, output_failure

__all__ = ["report"]


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a day (2026-11-28)") from None


@click.command()
@db_option
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="report",
    show_default=True,
    help="The folder to write report.html (and the digest) into.",
)
@click.option("--since", metavar="DAY", callback=_day, help="First day [default: 30 days ago].")
@click.option("--until", metavar="DAY", callback=_day, help="Last day [default: today, UTC].")
@click.option(
    "--digest",
    is_flag=True,
    help="Also write each week's stories per state: digest-<week>.html and digest.atom.",
)
@click.option(
    "--base-url",
    default="",
    metavar="URL",
    help="Where the feed server and these files are published (http://host/): feed "
    "and digest links start with it [default: links relative to the page].",
)
def report(
    db: str, out: str, since: date | None, until: date | None, digest: bool, base_url: str
) -> None:
    """Write the contacts report: pictures of a period (the last 30 days by default).

    report.html holds a heatmap of contacts between the Central Asian states and their
    partners (bilateral and multilateral apart), each state's stories a week, the event
    types, each state's top partners and each source's articles a day with its health.
    Each picture has its numbers, a link to the feed of its stories and its SQL. The
    page loads nothing from the network. `diplofeed serve` serves the same page at
    /report.

    --digest adds one HTML page a week (the week's stories per state) and digest.atom,
    one entry a week, for newsrooms. Days are YYYY-MM-DD, both included.

    \b
    Example:
        diplofeed report --db news.db --out site/ --since 2026-11-01 --digest --base-url https://feeds.example.org/
    """
    from feeds.report import period, write_report
    from storage import Store

    if base_url and not base_url.endswith("/"):
        base_url += "/"
    try:
        start, end = period(since, until, datetime.now(UTC).date())
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--since/--until") from None
    try:
        with Store.for_reading(db) as store:
            files = write_report(store, out, start, end, feeds_url=base_url, digest=digest)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    except OSError as exc:
        raise output_failure(exc, "the report", out) from exc
    click.echo(f"{start.isoformat()} to {end.isoformat()}: {len(files)} files in {out}")
