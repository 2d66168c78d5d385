"""The contacts report of 30 days on a store of 100,000 articles, against building the
Atom feed of the same 30 days' stories, measured in the same run (issue #16).

    python bench/report_bench.py [--articles 100000] [--store PATH] [--rounds 5]

* the report (``feeds.report.build_report``): its queries (storage/contacts.py) and its
  five pictures, median of the rounds after one to warm up (the first, with matplotlib's
  imports, is printed too);
* the baseline: the Atom feed of the period's stories, 50 items, as ``/feed.atom?
  unique=story&since=...&until=...`` builds it.

Target: the report in under 2 s. The store is built once with ``diplofeed import``
(bench/synth.py) and kept with ``--store``; opening a store made before migration m015
migrates it first (timed: it reads every article once).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.serve_bench import build_store

TARGET = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="Keep (or reuse) the store here.")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.store or Path(tmp) / "bench.db"
        if not path.exists():
            build_store(path, args.articles)
        began = time.perf_counter()
        from storage import Store

        with Store(path):  # migrates a store made before m015
            pass
        print(f"  store opened (and migrated if needed) in {time.perf_counter() - began:.1f} s")
        with Store(path, readonly=True) as store:
            newest = store.db.execute("SELECT max(published_day) FROM articles").fetchone()[0]
            until = date.fromisoformat(newest)
            since = until - timedelta(days=29)
            began = time.perf_counter()
            from feeds.report import build_report

            page = build_report(store, since, until)
            first = time.perf_counter() - began
            report = timed(lambda: build_report(store, since, until), args.rounds)
            queries = timed(lambda: read(store, since, until), args.rounds)
            feed = timed(lambda: atom(store, since, until), args.rounds)
            contacts = store.db.execute(
                "SELECT count(DISTINCT story_id) FROM contacts WHERE day BETWEEN ? AND ?",
                [since.isoformat(), until.isoformat()],
            ).fetchone()[0]
    print(f"report of {since} to {until} ({contacts} stories with contacts, {len(page):,} bytes)")
    print(f"  Atom feed of the period's stories (baseline) {feed * 1000:8.1f} ms")
    print(f"  report's queries alone                       {queries * 1000:8.1f} ms")
    print(
        f"  report, queries and pictures                 {report * 1000:8.1f} ms   "
        f"ratio {report / feed:.1f}   (first, with imports: {first * 1000:.0f} ms)"
    )
    print(f"  target < {TARGET:.0f} s: {'met' if report < TARGET else 'NOT met'}")


def timed(work, rounds: int) -> float:
    work()
    seconds = []
    for _ in range(rounds):
        began = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds)


def read(store, since: date, until: date) -> None:
    from storage.contacts import read_report

    read_report(store.db, since.isoformat(), until.isoformat())


def atom(store, since: date, until: date) -> bytes:
    from feeds.build import FeedSpec, build_feed
    from feeds.publish import feed_rows, vocabulary
    from feeds.query import parse_query

    params = {"since": [since.isoformat()], "until": [until.isoformat()], "unique": ["story"]}
    query = parse_query(params, vocabulary(store), now=datetime.now(UTC))
    rows = feed_rows(store, query)
    spec = FeedSpec(
        "query", "bench", "bench", "http://x/feed.atom", "http://x/", store.info(),
        one_per_story=True,
    )  # fmt: skip
    return build_feed(spec, rows, "atom")


if __name__ == "__main__":
    main()
