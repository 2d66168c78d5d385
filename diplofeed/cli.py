"""The ``diplofeed`` command line: one click group mirroring the library (docs/cli.md).

Exit status: 0 success; 1 an error (message on stderr); 2 a usage error; 3 a crawl in
which some source yielded nothing; 4 input lines were rejected (``import``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from diplofeed.errors import DiplofeedError
from diplofeed.relevance import EVENT_TYPES, TOPICS

F = TypeVar("F", bound=Callable[..., Any])

EXIT_SOURCES_FAILED = 3
EXIT_BAD_INPUT = 4


def _default_db() -> str:
    return os.environ.get("DIPLOFEED_DB") or "diplofeed.db"


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=_default_db,
        show_default="$DIPLOFEED_DB or ./diplofeed.db",
        help="The SQLite store.",
    )(func)


def _fail(exc: DiplofeedError) -> click.ClickException:
    return click.ClickException(str(exc))


def _summary_line(source: str, stats: dict[str, Any] | None) -> str:
    if not stats:
        return f"{source:<14} FAILED: the source did not finish (see the log)"
    return (
        f"{source:<14} {stats.get('status') or '?':<9}"
        f"pages={stats['pages']:<4} articles={stats['articles']:<4} "
        f"new={stats['new']:<4} updated={stats['updated']:<3} unchanged={stats['unchanged']:<4} "
        f"failed={stats['failed']:<3} undated={stats['undated']}"
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="diplofeed")
def cli() -> None:
    """diplofeed: Central Asian diplomacy from ministries and agencies, as feeds."""


@cli.command()
@db_option
@click.option(
    "--source", "sources", multiple=True, metavar="ID", help="Crawl only this source (repeatable)."
)
@click.option(
    "--replay", is_flag=True, help="Fetch from the bundled replay copies, not the live sites."
)
@click.option(
    "--replay-url", metavar="URL", help="Fetch from a replay server already running at URL."
)
@click.option(
    "--log-level",
    default="INFO",
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    show_default=True,
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    help="Run as of this time (e.g. 2026-11-28T00:00:00+00:00): relative dates, first-seen "
    "times and health are read against it. --replay sets it to the copies' recording time.",
)
@click.option(
    "--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log here instead of stderr."
)
def crawl(
    db: str,
    sources: tuple[str, ...],
    replay: bool,
    replay_url: str | None,
    as_of: datetime | None,
    log_level: str,
    log_file: str | None,
) -> None:
    """Crawl sources into the store; print one summary line per source.

    Each line gives the source's figures and its health (ok, degraded, stale, broken,
    blocked). Exits 3 when a source yielded no article (broken, blocked or unreachable).

    Example:

        diplofeed crawl --db news.db --source kt_kz --source kabar
    """
    from crawler.replay import ReplayArchive, ReplayServer
    from diplofeed.crawl import run_crawl

    options: dict[str, Any] = {"log_level": log_level, "log_file": log_file}
    try:
        if replay and not replay_url:
            when = as_of or ReplayArchive.load().recorded
            with ReplayServer() as server:
                result = run_crawl(db, list(sources), replay_url=server.url, as_of=when, **options)
        else:
            result = run_crawl(db, list(sources), replay_url=replay_url, as_of=as_of, **options)
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    for source in result.sources:
        click.echo(_summary_line(source, result.stats.get(source)))
    if result.failed_sources:
        click.echo(f"sources that yielded nothing: {', '.join(result.failed_sources)}", err=True)
        sys.exit(EXIT_SOURCES_FAILED)


@cli.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False),
    default="demo/diplofeed.db",
    show_default=True,
    help="The SQLite store.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False),
    default="demo/feeds",
    show_default=True,
    help="Where to write the feeds.",
)
def demo(db: str, out: str) -> None:
    """Crawl every source from the bundled replay copies, offline, and build the feeds.

    Example:

        diplofeed demo --db /tmp/demo.db --out /tmp/feeds
    """
    from crawler.replay import ReplayArchive, ReplayServer
    from diplofeed.crawl import run_crawl
    from feeds import build_static_feeds
    from storage import Store

    Path(db).parent.mkdir(parents=True, exist_ok=True)
    try:
        with ReplayServer() as server:
            click.echo(
                f"replay server on {server.url}; crawling every source (real Scrapy engine)..."
            )
            result = run_crawl(
                db, replay_url=server.url, log_level="WARNING", as_of=ReplayArchive.load().recorded
            )
        for source in result.sources:
            click.echo(_summary_line(source, result.stats.get(source)))
        with Store(db) as store:
            build = build_static_feeds(store, out)
            counts = store.counts()
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    click.echo(f"\nstore: {db} ({counts['articles']} articles in {counts['stories']} stories)")
    click.echo(f"feeds: {out}/ ({len(build.files)} files: all.rss, all.atom, country-*, source-*)")
    click.echo(f"try:   sqlite-utils tables {db} --counts")
    click.echo(f"       diplofeed search --db {db} Kulubaev")
    if result.failed_sources:
        sys.exit(EXIT_SOURCES_FAILED)


@cli.command(name="import")
@click.argument("file", type=click.File("rb"))
@db_option
def import_(file: Any, db: str) -> None:
    """Import articles extracted elsewhere: JSON lines with url, title, body and optional
    published (ISO 8601 with offset), source, language. FILE may be - for stdin.

    Bad lines are reported with their number and skipped; the exit status is then 4.

    Example:

        diplofeed import articles.jsonl --db news.db
    """
    from diplofeed.importer import import_lines
    from storage import Store

    try:
        with Store(db) as store:
            result = import_lines(store, file)
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    for number, message in result.errors:
        click.echo(f"line {number}: {message}", err=True)
    o = result.outcomes
    click.echo(
        f"new={o['new']} updated={o['updated']} unchanged={o['unchanged']} rejected={len(result.errors)}"
    )
    if result.errors:
        sys.exit(EXIT_BAD_INPUT)


@cli.group()
def feeds() -> None:
    """Build feed files."""


@feeds.command(name="build")
@db_option
@click.option(
    "--out", required=True, type=click.Path(file_okay=False), help="Folder to write the feeds into."
)
@click.option(
    "--base-url",
    default="http://127.0.0.1:8080/",
    show_default=True,
    help="Where the folder will be served (for self links).",
)
@click.option(
    "--limit", default=100, show_default=True, type=click.IntRange(1, 1000), help="Items per feed."
)
@click.option(
    "--prefer-language",
    "prefer_languages",
    multiple=True,
    metavar="LANG",
    help="In one-item-per-story feeds, show this language's version (repeat for fallbacks).",
)
def feeds_build(
    db: str, out: str, base_url: str, limit: int, prefer_languages: tuple[str, ...]
) -> None:
    """Write all.rss/all.atom and one RSS/Atom pair per country and per source, plus
    health.atom (source status changes) and changes.atom (edited articles).

    Files are rewritten only when their content changed. With --prefer-language en
    --prefer-language ru, one-item-per-story feeds show a story's English version, else
    its Russian one, else its best other version.

    Example:

        diplofeed feeds build --db news.db --out /var/www/feeds --base-url https://example.org/feeds/
    """
    from feeds import build_static_feeds
    from storage import Store

    try:
        with Store(db, create=False) as store:
            build = build_static_feeds(
                store, out, base_url=base_url, limit=limit, prefer_languages=list(prefer_languages)
            )
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    click.echo(f"{len(build.written)} written, {len(build.unchanged)} unchanged in {out}")


@cli.command()
@click.argument("query")
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option(
    "--country", "countries", multiple=True, metavar="CC", help="A state that is a party."
)
@click.option("--topic", "topics", multiple=True, type=click.Choice(TOPICS), help="A topic.")
@click.option(
    "--event-type",
    "event_types",
    multiple=True,
    type=click.Choice(EVENT_TYPES),
    help="A kind of event.",
)
@click.option("--source", "sources", multiple=True, metavar="ID", help="A source id.")
@click.option(
    "--relevant",
    "relevant_only",
    is_flag=True,
    help="Only Central Asian diplomacy (implied by the filters).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def search(
    query: str,
    db: str,
    limit: int,
    countries: tuple[str, ...],
    topics: tuple[str, ...],
    event_types: tuple[str, ...],
    sources: tuple[str, ...],
    relevant_only: bool,
    as_json: bool,
) -> None:
    """Full-text search over titles and bodies, best match first.

    Every word must match; words of four letters or more match as word beginnings, so
    Казахстан also finds Казахстана. Filters narrow it: --country (a state that is a
    party: KZ, CN, EU...), --topic, --event-type, --source (each repeatable: any of).

    Example:

        diplofeed search "water" --country KZ --country KG --topic water_energy --json
    """
    from storage import ArticleFilter, Store

    filtered = bool(countries or topics or event_types or sources or relevant_only)
    spec = ArticleFilter(
        countries=list(countries),
        topics=list(topics),
        event_types=list(event_types),
        sources=list(sources),
        include_irrelevant=not filtered,
    )
    try:
        with Store(db, create=False) as store:
            rows = store.search(query, limit=limit, spec=spec)
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    if as_json:
        for row in rows:
            row["countries"] = json.loads(row["countries"] or "[]")
            row["topics"] = json.loads(row["topics"] or "[]")
            row["relevant"] = bool(row["relevant"])
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        tags = ",".join(json.loads(row["countries"] or "[]")) or "-"
        click.echo(f"{row['published'][:16]}  {row['source']:<12} [{tags}] {row['title']}")
        click.echo(f"{'':18}{row['url']}")
        click.echo(f"{'':18}{row['snippet']}")


@cli.command()
@click.argument("file", type=click.File("rb"), default="-")
@click.option("--explain", is_flag=True, help="Add the words and weights that decided.")
def classify(file: Any, explain: bool) -> None:
    """Classify posts: JSON lines with title, body and optional language (and
    source_country) in; one JSON line out each: relevant, score, countries, topics,
    event_type. FILE defaults to standard input.

    A line that is not a JSON object with string title and body is reported on stderr
    with its number; the others are classified; the exit status is then 4.

    Example:

        echo '{"title": "Токаев провел переговоры с Мирзиёевым", "body": "..."}' | diplofeed classify --explain
    """
    from diplofeed.relevance import default_classifier

    classifier = default_classifier()
    bad = 0
    for number, raw in enumerate(file, 1):
        if not raw.strip():
            continue
        try:
            post = json.loads(raw.decode("utf-8"))
            if not isinstance(post, dict) or not all(
                isinstance(post.get(k), str) for k in ("title", "body")
            ):
                raise ValueError("needs a JSON object with string 'title' and 'body'")
            for key in ("language", "source_country"):
                if post.get(key) is not None and not isinstance(post[key], str):
                    raise ValueError(f"'{key}' must be a string")
        except (ValueError, UnicodeDecodeError) as exc:
            click.echo(f"line {number}: {exc}", err=True)
            bad += 1
            continue
        tags = classifier.classify(
            post["title"],
            post["body"],
            post.get("language"),
            source_country=post.get("source_country"),
        )
        click.echo(json.dumps(tags.as_dict(explain=explain), ensure_ascii=False))
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@cli.command()
@db_option
def retag(db: str) -> None:
    """Classify every stored article again (after the relevance data changed).

    Example:

        diplofeed retag --db news.db
    """
    from storage import Store

    try:
        with Store(db, create=False) as store:
            count = store.tag_untagged(everything=True)
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    click.echo(f"{count} articles classified")


@cli.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sources(db: str, as_json: bool) -> None:
    """List the sources: country, kind, languages, articles, newest article and health.

    Health after the latest crawl: ok; degraded (some pages failed, or fields missing);
    stale (nothing new for much longer than usual); broken (nothing extracted: the
    layout changed?); blocked (403/429/TLS errors); unknown (never crawled).

    Example:

        diplofeed sources --json
    """
    from crawler.registry import load_registry
    from storage import Store

    try:
        with Store(db) as store:
            store.sync_sources((s.as_row() for s in load_registry().values()), complete=True)
            rows = store.sources()
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{'id':<14}{'country':<8}{'kind':<9}{'strategy':<9}{'languages':<16}{'articles':>8}  "
        f"{'newest':<21}{'status':<9}why"
    )
    for r in rows:
        click.echo(
            f"{r['id']:<14}{r['country'] or '-':<8}{r['kind']:<9}{r['strategy'] or '-':<9}"
            f"{','.join(r['languages']):<16}{r['article_count']:>8}  "
            f"{r['newest_published'] or '-':<21}{r['status'] or 'unknown':<9}{r['status_reason'] or ''}"
        )


@cli.command()
@click.argument("url")
@click.option(
    "--source",
    "source_id",
    metavar="ID",
    help="Registry source (default: found from the URL's host).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Read the page from FILE instead of fetching it.",
)
@click.option("--replay", is_flag=True, help="Fetch from the bundled replay copies.")
def extract(url: str, source_id: str | None, html_file: str | None, replay: bool) -> None:
    """Print, as JSON, what diplofeed extracts from one page, feed or API answer.

    The tool to run when adding a source or when one breaks.

    Example:

        diplofeed extract https://www.kt.kz/rus/politics/some_article_1377996214.html --html page.html
    """
    from crawler.registry import find_source_for_url, load_registry
    from crawler.replay import ReplayServer
    from diplofeed.extracting import extract_document
    from diplofeed.fetch import fetch_page

    try:
        registry = load_registry()
        if source_id and source_id not in registry:
            raise click.ClickException(
                f"unknown source {source_id!r} (known: {', '.join(registry)})"
            )
        source = registry[source_id] if source_id else find_source_for_url(url, registry)
        if source is None:
            raise click.ClickException(
                f"no source for {url}: pass --source (known: {', '.join(registry)})"
            )
        if html_file:
            body, content_type = Path(html_file).read_bytes(), ""
        elif replay:
            with ReplayServer() as server:
                page = fetch_page(url, replay_url=server.url)
            body, content_type, url = page.body, page.content_type, page.url
        else:
            page = fetch_page(url)
            body, content_type, url = page.body, page.content_type, page.url
        result = extract_document(body, url, source, content_type=content_type)
    except DiplofeedError as exc:
        raise _fail(exc) from exc
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@cli.group()
def replay() -> None:
    """The replay server: recorded copies of the sites, served on 127.0.0.1."""


@replay.command(name="serve")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--sites",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="Site folders (default: the bundled copies).",
)
def replay_serve(port: int, sites: tuple[str, ...]) -> None:
    """Serve the replay copies until interrupted (see docs/replay.md).

    Example:

        diplofeed replay serve --port 8765 & diplofeed crawl --replay-url http://127.0.0.1:8765
    """
    from crawler.replay.server import main as serve

    args = ["--port", str(port)]
    for site in sites:
        args += ["--sites", site]
    sys.exit(serve(args))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="diplofeed")
