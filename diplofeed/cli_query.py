"""The commands that read and judge: search, browse, sources, extract, classify, retag
(docs/cli.md). Registered on the ``diplofeed`` group in diplofeed/cli.py."""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from diplofeed.errors import DiplofeedError, StoreUnavailable
from storage.times import parse_moment
from storage.vocabulary import EVENT_TYPES, TOPICS

from .cli_base import EXIT_BAD_INPUT, db_option, fail

__all__ = ["QUERY_COMMANDS"]


def _when(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime | None:
    """An ISO 8601 date or time, read as the feed server reads ``since``/``until``: a date
    alone is its whole day, a time without an offset is UTC."""
    if value is None:
        return None
    text = value.strip()
    try:
        return parse_moment(text, end=param.name == "until")
    except (ValueError, OverflowError):
        raise click.BadParameter(
            f"{text!r} is not an ISO 8601 date or time (2026-11-28 or 2026-11-28T10:00Z)"
        ) from None


# The columns of `search --json` and `--csv`, in order.
SEARCH_COLUMNS = (
    "id",
    "source",
    "source_name",
    "url",
    "title",
    "language",
    "published",
    "story_id",
    "relevant",
    "countries",
    "topics",
    "event_type",
    "score",
    "snippet",
)
# ANSI bold on and off around matched words, on a terminal.
_BOLD = ("\x1b[1m", "\x1b[22m")


# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR,
# skips to one): Excel and LibreOffice would run `=HYPERLINK(...)` or `=cmd|...` from a
# site's title. OWASP's rule (CSV injection): such a text cell is written after a single
# quote, which the spreadsheet shows as text. Numbers (a negative score) are left alone.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet will not run: text starting with ``=``,
    ``+``, ``-``, ``@``, a tab or a line break gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _print_csv(rows: list[dict[str, Any]]) -> None:
    """Write search results as CSV, every text cell escaped by :func:`csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SEARCH_COLUMNS)
    for row in rows:
        values = {
            **row,
            "countries": ",".join(json.loads(row["countries"] or "[]")),
            "topics": ",".join(json.loads(row["topics"] or "[]")),
            "relevant": int(bool(row["relevant"])),
        }
        writer.writerow(csv_cell(values[c]) for c in SEARCH_COLUMNS)
    click.echo(out.getvalue(), nl=False)


@click.command()
@click.argument("query", required=False)
@db_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option(
    "--country", "countries", multiple=True, metavar="CC", help="A state that is a party."
)
@click.option(
    "--pair",
    "pairs",
    multiple=True,
    metavar="CC-CC",
    help="Two states that are both parties (KZ-CN).",
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
    "--lang", "languages", multiple=True, metavar="LANG", help="A language (ru, en, kk, uz...)."
)
@click.option("--since", metavar="DATE", callback=_when, help="Published on or after (ISO 8601).")
@click.option("--until", metavar="DATE", callback=_when, help="Published on or before (ISO 8601).")
@click.option(
    "--relevant",
    "relevant_only",
    is_flag=True,
    help="Only Central Asian diplomacy (implied by --country, --pair, --topic, --event-type, "
    "--source).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (with a header) instead of a table.")
def search(
    query: str | None,
    db: str,
    limit: int,
    countries: tuple[str, ...],
    pairs: tuple[str, ...],
    topics: tuple[str, ...],
    event_types: tuple[str, ...],
    sources: tuple[str, ...],
    languages: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    relevant_only: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Full-text search over titles and bodies, best match first.

    Every word must match, in any form: Казахстана also finds Казахстан, переговоры finds
    переговорах, agreements finds agreement, and Oʻzbekiston, O'zbekiston and O‘zbekiston
    find each other, and a name in Latin letters finds its Cyrillic spelling and the
    reverse (Saidov, Саидов; Kambarata, Камбарата). Words are searched as typed text:
    quotes, *, AND, NEAR( are not query syntax. Articles with the words as typed come
    first, and a match in the title ranks above one in the body.

    Without QUERY, the filters alone give the newest articles they keep (score empty,
    the summary as snippet); a QUERY without a word finds nothing.

    Filters narrow it: --country (a state that is a party: KZ, CN, EU...; repeated: any
    of them), --pair (two states that are both parties: KZ-CN), --topic,
    --event-type, --source, --lang (each repeatable: any of), --since and --until (a
    date is its whole day; a time without an offset is UTC).

    --json and --csv give the same columns: id, source, source_name, url, title,
    language, published, story_id, relevant, countries, topics, event_type, score (bm25,
    higher is better) and snippet (matched words in [ ]). In CSV, countries and topics
    are joined with commas (KZ,CN) and relevant is 1 or 0.

    \b
    Example:
        diplofeed search "water" --country KZ --country KG --topic water_energy --json
    """
    from storage import ArticleFilter, Store

    if as_json and as_csv:
        raise click.UsageError("--json and --csv exclude each other")
    from storage.relevance import country_codes
    from storage.vocabulary import LANGUAGES

    # a typo finds nothing, silently: say so instead (as the feed server does)
    unknown = [c for c in countries if c.upper() not in country_codes()]
    if unknown:
        raise click.BadParameter(
            f"unknown country {unknown[0]!r} (ISO 3166 alpha-2, as KZ, CN, or EU)",
            param_hint="--country",
        )
    strange = [lang for lang in languages if lang not in LANGUAGES]
    if strange:
        raise click.BadParameter(
            f"unknown language {strange[0]!r} (one of {', '.join(LANGUAGES)})",
            param_hint="--lang",
        )
    pair_list = _pairs(pairs, country_codes())
    filtered = bool(countries or pairs or topics or event_types or sources or relevant_only)
    if query is None and not (filtered or languages or since or until):
        raise click.UsageError("give words to search for, or filters (--pair KZ-CN...)")
    spec = ArticleFilter(
        countries=list(countries),
        pairs=pair_list,
        topics=list(topics),
        event_types=list(event_types),
        sources=list(sources),
        languages=list(languages),
        since=since,
        until=until,
        include_irrelevant=not filtered,
    )
    table = not (as_json or as_csv)
    marks = _BOLD if table and sys.stdout.isatty() else ("[", "]")
    try:
        with Store.for_reading(db) as store:
            rows = _found(store, query, spec, limit, marks)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    if as_csv:
        _print_csv(rows)
        return
    if as_json:
        for row in rows:
            row["countries"] = json.loads(row["countries"] or "[]")
            row["topics"] = json.loads(row["topics"] or "[]")
            row["relevant"] = bool(row["relevant"])
        click.echo(
            json.dumps(
                [{c: r[c] for c in SEARCH_COLUMNS} for r in rows], ensure_ascii=False, indent=2
            )
        )
        return
    from storage.normalize import clean_text

    for row in rows:
        tags = ",".join(json.loads(row["countries"] or "[]")) or "-"
        # stored text is cleaned when stored; an older store's or a hand-written row's is
        # cleaned here, so no terminal control sequence reaches the screen
        title, url, snippet = (clean_text(row[k]) for k in ("title", "url", "snippet"))
        click.echo(f"{row['published'][:16]}  {row['source']:<12} [{tags}] {title}")
        click.echo(f"{'':18}{url}")
        click.echo(f"{'':18}{snippet}")


def _pairs(given: tuple[str, ...], countries: frozenset[str]) -> list[tuple[str, str]]:
    """``--pair`` values as pairs of states, read as the feeds read ``pair=``."""
    from feeds.query import BadQuery, parse_pair

    try:
        return [parse_pair(p, countries) for p in given]
    except BadQuery as exc:
        raise click.BadParameter(str(exc), param_hint="--pair") from None


def _found(
    store: Any, query: str | None, spec: Any, limit: int, marks: tuple[str, str]
) -> list[dict[str, Any]]:
    """The search's rows: ranked matches of ``query`` (given, even blank: a blank one
    finds nothing), or without it the newest articles the filters keep."""
    if query is not None:
        return list(store.search(query, limit=limit, spec=spec, marks=marks))
    rows = store.query_articles(replace(spec, limit=limit))
    for row in rows:
        row["score"], row["snippet"] = None, row["summary"][:200]
    return list(rows)


@click.command()
@click.argument("file", type=click.File("rb"), default="-")
@click.option("--explain", is_flag=True, help="Add the words and weights that decided.")
def classify(file: Any, explain: bool) -> None:
    """Classify posts: JSON lines with title, body and optional language (and
    source_country) in; one JSON line out each: relevant, score, countries, topics,
    event_type. FILE defaults to standard input.

    A line that is not a JSON object with string title and body is reported on stderr
    with its number; the others are classified; the exit status is then 4. So is a line
    longer than 4 MiB or nested deeper than 32 levels, as in import; after 64 MiB
    without a line break, reading stops with an error and the status 4.

    \b
    Example:
        echo '{"title": "Токаев провел переговоры с Мирзиёевым", "body": "..."}' | diplofeed classify --explain
    """
    from storage.importer import LineReader, json_object
    from storage.relevance import default_classifier

    classifier = default_classifier()
    bad = 0
    reader = LineReader(file)  # bounded lines, as import reads them
    for number, raw in enumerate(reader, 1):
        try:
            post = json_object(raw)
            if post is None:
                continue
            if not all(isinstance(post.get(k), str) for k in ("title", "body")):
                raise ValueError("needs a JSON object with string 'title' and 'body'")
            for key in ("language", "source_country"):
                if post.get(key) is not None and not isinstance(post[key], str):
                    raise ValueError(f"'{key}' must be a string")
        except ValueError as exc:
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
    if reader.stopped:
        raise fail(reader.stopped)
    if bad:
        sys.exit(EXIT_BAD_INPUT)


@click.command()
@db_option
def retag(db: str) -> None:
    """Classify every stored article again (after the relevance data changed).

    \b
    Example:
        diplofeed retag --db news.db
    """
    from storage import Store

    from .progress import TaskDisplay

    try:
        with Store(db, create=False) as store, TaskDisplay("classifying", "articles") as shown:
            count = store.tag_untagged(everything=True, progress=shown.update)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    click.echo(f"{count} articles classified")


@click.command()
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--check",
    is_flag=True,
    help="Check the store file itself (SQLite's quick_check and the full-text index): "
    "prints 'ok' or each problem; exits 6 when the store is damaged.",
)
def sources(db: str, as_json: bool, check: bool) -> None:
    """List the sources: country, kind, articles, last crawl, last new article, health.

    Health after the latest crawl, with its reason, decided again at every crawl: ok;
    degraded (some pages failed, selectors missed, fields missing); stale (nothing new
    for much longer than usual); broken (pages fetched, no article found: the layout
    changed?); unreachable (DNS, connection, timeout or TLS failures); blocked
    (403/429/captcha); unknown (never crawled). The last column is the status of the
    last crawls, newest first (o ok, d degraded, s stale, b broken, u unreachable,
    B blocked); --json gives them in full (``history``: the last 10 crawls).

    \b
    Example:
        diplofeed sources --db news.db
        diplofeed sources --db news.db --json | jq '.[] | {id, status, last_crawled}'
    """
    from crawler.registry import load_registry
    from storage import Store
    from storage.store import writable

    if check:
        _check_store(db)
        return
    registry = load_registry()
    try:
        if not Path(db).exists() and writable(db):  # a new store: made, with the registry
            with Store(db) as store:
                store.sync_sources((s.as_row() for s in registry.values()), complete=True)
                rows = store.sources()
        else:  # read only: no write lock to wait for, a store the user cannot write works
            with Store.for_reading(db) as store:
                rows = store.sources()
    except DiplofeedError as exc:
        raise fail(exc) from exc
    listed = {r["id"] for r in rows}
    for source in registry.values():  # registered since the last crawl: never crawled
        if source.id not in listed:
            row = source.as_row()
            rows.append(
                {**row, "languages": list(row.get("languages", [])), "article_count": 0,
                 "newest_published": None, "status": None, "status_reason": None,
                 "last_crawled": None, "last_new_article": None, "history": []}
            )  # fmt: skip
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{'id':<14}{'country':<8}{'kind':<7}{'articles':>8}  {'last crawled':<21}"
        f"{'last new article':<21}{'status':<12}{'history':<11}why"
    )
    for r in rows:
        history = "".join(_HISTORY_MARK.get(h["status"], "?") for h in r.get("history") or [])
        click.echo(
            f"{r['id']:<14}{r['country'] or '-':<8}{r['kind']:<7}{r['article_count']:>8}  "
            f"{r.get('last_crawled') or '-':<21}{r.get('last_new_article') or '-':<21}"
            f"{r['status'] or 'unknown':<12}{history or '-':<11}{r['status_reason'] or ''}"
        )


# One letter per crawl in the `sources` table's history column.
_HISTORY_MARK = {
    "ok": "o",
    "degraded": "d",
    "stale": "s",
    "broken": "b",
    "unreachable": "u",
    "blocked": "B",
}


def _check_store(db: str) -> None:
    from storage import Store

    try:
        with Store.for_reading(db) as store:
            problems = store.check()
    except DiplofeedError as exc:
        raise fail(exc) from exc
    for problem in problems:
        click.echo(problem)
    damage = [p for p in problems if "not checked" not in p]
    if damage:
        raise fail(
            StoreUnavailable(
                f"the store {db} is damaged ({len(damage)} problem(s)); "
                "docs/reliability.md says how to recover"
            )
        )
    checked = (
        "SQLite's quick_check"
        if problems
        else ("SQLite's quick_check and the full-text index's check")
    )
    click.echo(f"ok: {db} passed {checked}")


@click.command()
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
@click.option(
    "--replay",
    is_flag=True,
    help="Fetch from the bundled replay copies, read on their recording time (as crawl --replay).",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    help="Read relative dates against this time, as a crawl run with --as-of does.",
)
def extract(
    url: str, source_id: str | None, html_file: str | None, replay: bool, as_of: datetime | None
) -> None:
    """Print, as JSON, what diplofeed extracts from one page, feed or API answer: what a
    crawl reads there (the same decoding, parser and clock).

    The tool to run when adding a source or when one breaks. A date the page gives to
    the day only shows as local midnight with published_precision "day" and its
    published_day (a crawl stores it at 09:00 UTC of that day).

    \b
    Example:
        diplofeed extract https://www.kt.kz/rus/politics/some_article_1377996214.html --html page.html
    """
    from crawler.fetch import extract_url

    try:
        result = extract_url(url, source_id, html_file=html_file, replay=replay, as_of=as_of)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    click.echo(json.dumps(result, ensure_ascii=False, indent=2))


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option(
    "--port",
    default=8001,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0: any free port.",
)
def browse(db: str, host: str, port: int) -> None:
    """Open the store in Datasette, read only, until interrupted.

    Every table and column is described, and canned queries are ready: latest relevant
    posts by country, stories with the most sources, posts by event type, source
    health, contacts between two states, contacts per pair, stories a week per state,
    posts per day (with a chart, drawn by datasette-vega). The store is migrated first;
    a crawl may write it meanwhile. Needs the optional extra: pip install
    'diplofeed[browse]'.

    \b
    Example:
        diplofeed browse --db news.db --port 8001
    """
    from diplofeed.browse import serve

    try:
        serve(db, host=host, port=port)
    except DiplofeedError as exc:
        raise fail(exc) from exc


QUERY_COMMANDS = [search, classify, retag, sources, extract, browse]
