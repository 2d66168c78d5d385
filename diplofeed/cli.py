"""The ``diplofeed`` command line: one click group mirroring the library (docs/cli.md).

Exit status: 0 success; 1 an error (message on stderr); 2 a usage error; 3 a crawl in
which some source yielded nothing; 4 input lines were rejected (``import``); 5 another
crawl holds the store's lock (``crawl``: nothing was done), or another writer holds it or
the Redis (``writer``); 6 the store cannot be used (full disk, read-only, damaged, locked
past the write bound; ``crawl``: articles not stored); 7 an output cannot be written or
opened (``--out``, a port in use). The codes live on the error classes
(diplofeed/errors.py).
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from diplofeed.errors import DiplofeedError

from .cli_base import (
    EXIT_BAD_INPUT,
    EXIT_OUTPUT,
    EXIT_SOURCES_FAILED,
    EXIT_STORE,
    db_option,
    fail,
    output_failure,
)
from .cli_live import check, record
from .cli_query import QUERY_COMMANDS
from .cli_report import report


def _summary_line(source: str, stats: dict[str, Any] | None) -> str:
    if not stats:
        return f"{source:<14} FAILED: the source did not finish (see the log)"
    return (
        f"{source:<14} {stats.get('status') or '?':<12}"
        f"pages={stats['pages']:<4} articles={stats['articles']:<4} "
        f"new={stats['new']:<4} updated={stats['updated']:<3} unchanged={stats['unchanged']:<4} "
        f"failed={stats['failed']:<3} undated={stats['undated']}"
        + (f" unstored={stats['unstored']}" if stats.get("unstored") else "")
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
    type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"]),
    help="Scrapy's log on stderr from this level [default: WARNING; --verbose: INFO].",
)
@click.option("--verbose", "-v", is_flag=True, help="Scrapy's log at INFO (as --log-level INFO).")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print one JSON summary of the run on stdout instead of a line per source.",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    help="Run as of this time (e.g. 2026-11-28T00:00:00+00:00): relative dates, first-seen "
    "times and health are read against it. --replay sets it to the copies' recording time.",
)
@click.option(
    "--log-file",
    type=click.Path(dir_okay=False),
    help="Write Scrapy's log here instead of stderr (at INFO unless --log-level says).",
)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Scale-out: crawl as one of several workers sharing the crawl through this Redis; "
    "`diplofeed writer` writes the store, --db is not opened.",
)
def crawl(
    db: str,
    sources: tuple[str, ...],
    replay: bool,
    replay_url: str | None,
    as_of: datetime | None,
    log_level: str | None,
    verbose: bool,
    as_json: bool,
    log_file: str | None,
    redis_url: str | None,
) -> None:
    """Crawl sources into the store; print one summary line per source as it finishes.

    Each line gives the source's figures and its health (ok, degraded, stale, broken,
    unreachable, blocked). On a terminal a live display on stderr shows sources done,
    pages, articles, errors and time elapsed; elsewhere (cron, systemd) only the lines.
    Scrapy's own log is quiet unless asked for (--verbose, --log-level INFO).

    Exits 3 when a source yielded no article (broken, blocked or unreachable), 5 at once
    when another crawl is writing to the store (safe under cron), 6 when articles could
    not be stored (full disk, read-only, another writer past the bound).

    With --redis, crawl as a scale-out worker (docs/scale-out.md): each line gives this
    worker's share of the source's figures; the writer records the health.

    \b
    Example:
        diplofeed crawl --db news.db --source kt_kz --source kabar
        diplofeed crawl --db news.db --json | jq '.sources[] | select(.status != "ok")'
    """
    from crawler.replay import ReplayArchive, ReplayServer
    from crawler.runner import run_crawl

    # a log file is asked for to be read later: Scrapy's INFO goes there unless told
    level = log_level or ("INFO" if verbose or log_file else "WARNING")
    options: dict[str, Any] = {"log_level": level, "log_file": log_file}
    if redis_url:
        _crawl_worker(redis_url, list(sources), replay, replay_url, as_of, options)
        return
    from crawler.registry import load_registry

    from .progress import CrawlDisplay

    try:
        chosen = list(sources) or list(load_registry())
        with CrawlDisplay(chosen, None if as_json else _summary_line) as display:
            options["observer"] = display
            if replay and not replay_url:
                when = as_of or ReplayArchive.load().recorded
                with ReplayServer() as server:
                    result = run_crawl(
                        db, list(sources), replay_url=server.url, as_of=when, **options
                    )
            else:
                result = run_crawl(db, list(sources), replay_url=replay_url, as_of=as_of, **options)
            display.rest(result.stats)
    except DiplofeedError as exc:  # CrawlLocked: exit 5
        raise fail(exc) from exc
    if as_json:
        click.echo(json.dumps(_run_summary(result), ensure_ascii=False, indent=2))
    _crawl_exit(result)


def _run_summary(result: Any) -> dict[str, Any]:
    """``crawl --json``: the run, each source's figures and health, what failed."""
    sources = []
    for source in result.sources:
        stats = result.stats.get(source)
        entry: dict[str, Any] = {"source": source, "finished": bool(stats)}
        if stats:
            entry.update({k: v for k, v in stats.items() if k not in ("run_id", "source")})
        sources.append(entry)
    return {
        "run_id": result.run_id,
        "sources": sources,
        "failed_sources": result.failed_sources,
        "unstored": result.unstored,
    }


def _crawl_exit(result: Any) -> None:
    """Exit as docs/cli.md says: 6 when articles could not be stored, 3 when a source
    yielded nothing, else 0."""
    if result.unstored:
        click.echo(
            f"Error: {result.unstored} article(s) could not be stored (see the log); "
            "the next crawl fetches them again",
            err=True,
        )
    if result.failed_sources:
        click.echo(f"sources that yielded nothing: {', '.join(result.failed_sources)}", err=True)
    if result.unstored:
        sys.exit(EXIT_STORE)
    if result.failed_sources:
        sys.exit(EXIT_SOURCES_FAILED)


def _crawl_worker(
    redis_url: str,
    sources: list[str],
    replay: bool,
    replay_url: str | None,
    as_of: datetime | None,
    options: dict[str, Any],
) -> None:
    from crawler.replay import ReplayArchive, ReplayServer
    from crawler.runner import run_worker

    try:
        if replay and not replay_url:
            when = as_of or ReplayArchive.load().recorded
            with ReplayServer() as server:
                result = run_worker(
                    redis_url, sources, replay_url=server.url, as_of=when, **options
                )
        else:
            result = run_worker(redis_url, sources, replay_url=replay_url, as_of=as_of, **options)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    click.echo(f"worker of round {result.round_id or '?'} (the writer records the run)")
    for source in result.sources:
        figures = result.stats.get(source)
        if not figures:
            click.echo(f"{source:<14} FAILED: the source did not finish (see the log)")
            continue
        click.echo(
            f"{source:<14} pages={figures['pages']:<4} articles={figures['articles']:<4} "
            f"known={figures['known']:<4} not_modified={figures['not_modified']:<3} "
            f"failed={figures['failed']}"
        )


@cli.command()
@db_option
@click.option(
    "--redis",
    "redis_url",
    required=True,
    metavar="URL",
    envvar="DIPLOFEED_REDIS_URL",
    help="The Redis the workers send to ($DIPLOFEED_REDIS_URL).",
)
@click.option(
    "--drain",
    is_flag=True,
    help="Stop once nothing is waiting and no crawl round is open (cron, tests); "
    "without it, run until SIGTERM or SIGINT.",
)
def writer(db: str, redis_url: str, drain: bool) -> None:
    """Scale-out: write what the crawl workers send into the store (the one writer).

    Records a crawl run per round, with each source's figures summed over the workers,
    and prints its summary when the round ends. Exits 3 when a run written was partial
    (a source yielded nothing) or interrupted (a worker died), 5 when a crawl or another
    writer holds the store or the Redis, 6 when the store cannot be written (the event
    stays in Redis for the next start).
    See docs/scale-out.md.

    \b
    Example:
        diplofeed writer --db /var/lib/diplofeed/news.db --redis redis://queue.internal:6379/0
    """
    import signal
    import threading

    from crawler.scaleout.writer import RunWritten, run_writer

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())

    def report(run: RunWritten) -> None:
        click.echo(f"run {run.run_id} (round {run.round_id}): {run.status}")
        for source in sorted(run.stats):
            click.echo(_summary_line(source, run.stats[source]))
        if run.failed_sources:
            click.echo(f"sources that yielded nothing: {', '.join(run.failed_sources)}", err=True)

    try:
        runs = run_writer(db, redis_url, drain=drain, stop=stop, on_run=report)
    except DiplofeedError as exc:  # CrawlLocked, WriterBusy: exit 5
        raise fail(exc) from exc
    if any(run.status != "finished" for run in runs):
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

    \b
    Example:
        diplofeed demo --db /tmp/demo.db --out /tmp/feeds
    """
    from crawler.registry import load_registry
    from crawler.replay import ReplayArchive, ReplayServer
    from crawler.runner import run_crawl
    from feeds import build_static_feeds
    from storage import Store

    from .progress import CrawlDisplay

    Path(db).parent.mkdir(parents=True, exist_ok=True)
    try:
        with ReplayServer() as server, CrawlDisplay(list(load_registry()), _summary_line) as shown:
            click.echo(
                f"replay server on {server.url}; crawling every source (real Scrapy engine)..."
            )
            result = run_crawl(
                db, replay_url=server.url, as_of=ReplayArchive.load().recorded, observer=shown
            )
            shown.rest(result.stats)
        with Store(db) as store:
            build = build_static_feeds(store, out)
            counts = store.counts()
    except DiplofeedError as exc:
        raise fail(exc) from exc
    click.echo(f"\nstore: {db} ({counts['articles']} articles in {counts['stories']} stories)")
    click.echo(f"feeds: {out}/ ({len(build.files)} files: all.rss, all.atom, country-*, source-*)")
    click.echo(f"try:   sqlite-utils tables {db} --counts")
    click.echo(f"       diplofeed search --db {db} Kulubaev")
    if result.failed_sources:
        sys.exit(EXIT_SOURCES_FAILED)


def _progress_printer(every: int | None, display: Any = None) -> Any:
    """A progress callback for ``import``: the live display on a terminal, and with
    ``--progress N`` one stderr line each N lines."""
    if not every and (display is None or not display.live):
        return None
    import time

    started = time.perf_counter()
    state = {"next": every or 0}

    def show(number: int, result: Any) -> None:
        if display is not None:
            outcomes = result.outcomes
            display.update(
                number,
                figures=f"new {outcomes['new']}  updated {outcomes['updated']}  "
                f"rejected {result.rejected}",
            )
        if not every or number < state["next"]:
            return
        state["next"] = (number // every + 1) * every
        seconds = time.perf_counter() - started
        click.echo(
            f"progress: {number} lines in {seconds:.1f} s ({number / seconds:.0f}/s), "
            f"new={result.outcomes['new']}, rejected={result.rejected}, rss={_rss_mb():.0f} MB",
            err=True,
        )

    return show


def _rss_mb() -> float:
    """This process's resident memory now (Linux), else its peak."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@cli.command(name="import")
@click.argument("file", type=click.File("rb"))
@db_option
@click.option(
    "--workers",
    type=click.IntRange(min=0, max=64),
    default=None,
    help="Worker processes that parse, clean, classify and fingerprint lines while this "
    "one writes the store [default: one per CPU; 0: none].",
)
@click.option(
    "--progress",
    type=click.IntRange(min=1),
    metavar="N",
    help="Every N lines, print lines done, rate and memory to stderr.",
)
def import_(file: Any, db: str, workers: int | None, progress: int | None) -> None:
    """Import articles extracted elsewhere: JSON lines with url, title, body and optional
    published (ISO 8601 with offset), source, language. FILE may be - for stdin.

    Bad lines are reported with their number and skipped; the exit status is then 4. A
    line is bad when it is not UTF-8 or JSON, nests arrays and objects deeper than 32
    levels, is longer than 4 MiB (skipped unread), or is not an article (a field of the
    wrong type, a URL with a bad port...). After 64 MiB without a line break the input
    is not JSON lines (/dev/zero): reading stops there, with an error and the status 4.

    When the store fails (disk full, read-only, corrupted, locked too long) the import
    stops with an error saying how many lines were imported, and the status 6; importing
    the file again resumes it (lines already stored come back unchanged).

    \b
    Example:
        diplofeed import articles.jsonl --db news.db
    """
    from storage import Store
    from storage.importer import ImportStopped, import_lines

    if workers is None:
        workers = os.cpu_count() or 1

    def reject(number: int, message: str) -> None:
        click.echo(f"line {number}: {message}", err=True)

    from .progress import TaskDisplay

    stopped: ImportStopped | None = None
    try:
        with Store(db) as store, TaskDisplay("importing", "lines") as shown:
            try:
                result = import_lines(
                    store,
                    file,
                    workers=workers,
                    progress=_progress_printer(progress, shown),
                    reject=reject,
                )
            except ImportStopped as exc:  # what was committed before stays: say what
                stopped, result = exc, exc.result
    except DiplofeedError as exc:
        raise fail(exc) from exc
    o = result.outcomes
    click.echo(
        f"new={o['new']} updated={o['updated']} unchanged={o['unchanged']} rejected={result.rejected}"
    )
    if stopped is not None:
        raise fail(stopped) from stopped
    if result.rejected:
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
@click.option(
    "--feeds-config",
    type=click.Path(dir_okay=False, exists=True),
    help="Named feeds (feeds.toml) [default: the bundled feeds/feeds.toml].",
)
def feeds_build(
    db: str,
    out: str,
    base_url: str,
    limit: int,
    prefer_languages: tuple[str, ...],
    feeds_config: str | None,
) -> None:
    """Write every feed in RSS, Atom and JSON Feed: all, one per Central Asian state
    (country-kz...), one per source (source-<id>) and the named feeds of feeds.toml; plus
    feeds.opml (them all, for a reader's import), index.html, health.atom (source status
    changes) and changes.atom (edited articles).

    Files are rewritten (by atomic rename) only when their content changed, so a web
    server's own ETags stay valid. With --prefer-language en
    --prefer-language ru, one-item-per-story feeds show a story's English version, else
    its Russian one, else its best other version.

    \b
    Example:
        diplofeed feeds build --db news.db --out /var/www/feeds --base-url https://example.org/feeds/
    """
    from feeds import build_static_feeds
    from feeds.config import load_config
    from storage import Store

    from .progress import TaskDisplay

    try:
        config = load_config(feeds_config)
        with Store.for_reading(db) as store, TaskDisplay("building", "feeds") as shown:
            build = build_static_feeds(
                store,
                out,
                base_url=base_url,
                limit=limit,
                prefer_languages=list(prefer_languages),
                config=config,
                progress=shown.update,
            )
    except DiplofeedError as exc:
        raise fail(exc) from exc
    except OSError as exc:  # the files written so far are whole (atomic renames)
        raise output_failure(exc, "the feeds", out) from exc
    click.echo(f"{len(build.written)} written, {len(build.unchanged)} unchanged in {out}")


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--feeds-config",
    type=click.Path(dir_okay=False, exists=True),
    help="Named feeds (feeds.toml) [default: the bundled feeds/feeds.toml].",
)
@click.option(
    "--cache-size",
    default=256,
    show_default=True,
    type=click.IntRange(0, 100_000),
    help="Feed answers kept in memory until the store changes (0: build every answer).",
)
@click.option(
    "--max-connections",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="Open connections at most, lowered to fit the open-file limit (ulimit -n); "
    "past it the longest idle one is closed.",
)
@click.option(
    "--header-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds a client has to send a complete request head.",
)
def serve(
    db: str,
    host: str,
    port: int,
    feeds_config: str | None,
    cache_size: int,
    max_connections: int,
    header_timeout: float,
) -> None:
    """Serve the feeds over HTTP until interrupted: / (the front page, with /search and
    the feed builder's /build), /opml, /feed.rss|atom|json with filters,
    /feeds/<name>.rss|atom|json, /health.atom, /changes.atom (docs/feeds.md). A port
    in use is an error (exit status 7).

    \b
    Example:
        diplofeed serve --db news.db --port 8080 &
        curl 'http://127.0.0.1:8080/feed.atom?country=KZ&topic=water_energy&unique=story'
    """
    from feeds.config import load_config
    from feeds.server import Limits, create_app, listen, run

    limits = Limits(max_connections=max_connections, header_timeout=header_timeout).fitted()
    try:
        app = create_app(db, load_config(feeds_config), cache_size=cache_size)
        sock = listen(host, port, limits.backlog)
    except DiplofeedError as exc:
        raise fail(exc) from exc
    bound = sock.getsockname()[1]  # --port 0: the port the system chose
    click.echo(f"serving {db} on http://{host}:{bound}/ (Ctrl-C stops)", err=True)
    if limits.max_connections < max_connections:
        click.echo(
            f"at most {limits.max_connections} connections: the open-file limit "
            "(ulimit -n) leaves room for no more",
            err=True,
        )
    run(app, sock, limits)


@cli.command()
@db_option
@click.option(
    "--every",
    required=True,
    metavar="DURATION",
    help="Time from the start of one crawl to the start of the next: 30m, 1h, 90s.",
)
@click.option(
    "--jitter",
    default="0s",
    show_default=True,
    metavar="DURATION",
    help="Add a random delay up to this long before each crawl (spreads load).",
)
@click.option("--source", "sources", multiple=True, metavar="ID", help="Crawl only these.")
@click.option("--replay", is_flag=True, help="Crawl the bundled replay copies (offline).")
@click.option(
    "--log-file", type=click.Path(dir_okay=False), help="Each crawl's Scrapy log goes here."
)
@click.option("--runs", type=click.IntRange(min=1), help="Stop after this many crawls.")
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Each crawl is a scale-out worker sharing the crawl through this Redis.",
)
@click.option(
    "--build-feeds",
    "build_feeds",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="After each crawl that changed the store, rebuild the static feeds in DIR "
    "(as `diplofeed feeds build --out DIR`).",
)
@click.option(
    "--base-url",
    default="http://127.0.0.1:8080/",
    show_default=True,
    help="With --build-feeds: where DIR is served (for self links).",
)
def schedule(
    db: str,
    every: str,
    jitter: str,
    sources: tuple[str, ...],
    replay: bool,
    log_file: str | None,
    runs: int | None,
    redis_url: str | None,
    build_feeds: str | None,
    base_url: str,
) -> None:
    """Crawl on a schedule, in the foreground (for a systemd service or a container).

    Each crawl runs in a fresh process (`diplofeed crawl`) and prints its summary and its
    exit status; then the schedule logs when the next crawl starts. A crawl that fails
    is logged with its exit status and the schedule goes on. With --build-feeds DIR the
    static feeds are rebuilt after each crawl that changed the store. SIGTERM or SIGINT
    stops the loop: between crawls at once, during one by passing the signal on (Scrapy
    finishes the pages in flight and stores them), then exits 0. See docs/deploy.md.

    \b
    Example:
        diplofeed schedule --db /var/lib/diplofeed/news.db --every 30m --jitter 5m
        diplofeed schedule --db news.db --every 1h --build-feeds /var/www/feeds
    """
    from diplofeed.schedule import Schedule, parse_duration

    try:
        period, spread = parse_duration(every), parse_duration(jitter)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from exc
    command = [sys.executable, "-m", "diplofeed", "crawl", "--db", db]
    for source in sources:
        command += ["--source", source]
    if replay:
        command.append("--replay")
    if log_file:
        command += ["--log-file", log_file]
    if redis_url:
        command += ["--redis", redis_url]
    after = None
    if build_feeds:
        after = [sys.executable, "-m", "diplofeed", "feeds", "build", "--db", db]
        after += ["--out", build_feeds, "--base-url", base_url]

    def marker() -> object:
        from storage import Store

        with Store.for_reading(db) as store:
            return store.change_marker()

    Schedule(command, period, spread, after=after, marker=marker).run(runs)


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
@click.option(
    "--access-log",
    type=click.Path(dir_okay=False),
    help="Append '<status> <URL>' to this file for every request answered.",
)
@click.option(
    "--latency",
    default=0.0,
    type=click.FloatRange(0, 60),
    help="Seconds every answer waits first, as a distant server would.",
)
def replay_serve(port: int, sites: tuple[str, ...], access_log: str | None, latency: float) -> None:
    """Serve the replay copies until interrupted (see docs/replay.md).

    \b
    Example:
        diplofeed replay serve --port 8765 & diplofeed crawl --replay-url http://127.0.0.1:8765
    """
    from crawler.replay.server import main as serve

    args = ["--port", str(port)]
    for site in sites:
        args += ["--sites", site]
    if access_log:
        args += ["--access-log", access_log]
    if latency:
        args += ["--latency", str(latency)]
    sys.exit(serve(args))


for _command in QUERY_COMMANDS:
    cli.add_command(_command)
replay.add_command(record)
cli.add_command(check)
cli.add_command(report)


def main() -> None:
    """Console-script entry point.

    A failure of the store or of the disk that a command did not turn into its own
    one-line error still ends as one line with its exit code (docs/cli.md), not a
    traceback: 6 for the store, 7 for another file.
    """
    import sqlite3

    from storage.writing import unavailable

    try:
        cli(prog_name="diplofeed")
    except (sqlite3.Error, OSError) as exc:
        store_error = unavailable(exc, None) if isinstance(exc, sqlite3.Error) else None
        if store_error is not None:
            click.echo(f"Error: {store_error}", err=True)
            sys.exit(store_error.exit_code)
        if isinstance(exc, OSError):
            where = f" {exc.filename}" if exc.filename else ""
            click.echo(f"Error: cannot write or read{where}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_OUTPUT)
        raise
