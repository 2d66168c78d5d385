"""Two writers on one store: a crawl of the replay copies and an import, started together.

    python bench/concurrent_writers.py [--lines 20000] [--runs 10]

Each run starts both as real ``diplofeed`` processes on a new store, one of them
``offset`` seconds after the other (both orders, offsets 0 to 8 s), and checks what a
user would: both exit 0 and the store holds every article of both (the crawl's, as a
crawl alone stores them, and every imported line). It prints each run, then the time
of a run against the baseline measured in the same run of this script: the crawl and
the import one after the other on a store of their own (the ratio is the cost of
writing at once; under 1.0 the two overlap usefully).

Before issue #12 this lost articles: 117 "database is locked" in the crawl's log,
articles missing, and the crawl still reported every source "ok" (or the import died
with a traceback).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synth import generate
from crawler.replay import ReplayArchive, ReplayServer

# (which starts first, seconds before the other starts)
SCHEDULE = [
    ("crawl", 0.0),
    ("crawl", 1.0),
    ("crawl", 2.0),
    ("crawl", 4.0),
    ("crawl", 8.0),
    ("import", 0.5),
    ("import", 1.0),
    ("import", 2.0),
    ("import", 4.0),
    ("import", 8.0),
]


@dataclass(slots=True)
class Outcome:
    first: str
    offset: float
    crawl_rc: int
    import_rc: int
    crawled: int
    imported: int
    seconds: float
    crawl_output: str
    import_output: str


def _command(kind: str, db: Path, lines: Path, replay_url: str, as_of: str) -> list[str]:
    if kind == "crawl":
        return [
            *("crawl", "--db", str(db), "--replay-url", replay_url),
            *("--as-of", as_of, "--log-level", "ERROR"),
        ]
    return ["import", str(lines), "--db", str(db)]


def run_pair(
    db: Path, lines: Path, replay_url: str, as_of: str, first: str, offset: float
) -> Outcome:
    """Start ``first``, then the other ``offset`` seconds later; wait for both."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    second = "import" if first == "crawl" else "crawl"
    started = time.monotonic()
    procs = {}
    for kind in (first, second):
        procs[kind] = subprocess.Popen(
            [sys.executable, "-m", "diplofeed", *_command(kind, db, lines, replay_url, as_of)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        if kind == first:
            time.sleep(offset)
    outputs = {kind: proc.communicate(timeout=600)[0] for kind, proc in procs.items()}
    seconds = time.monotonic() - started
    conn = sqlite3.connect(db)
    try:
        imported = conn.execute(
            "SELECT count(*) FROM articles WHERE url LIKE 'https://%.example/%'"
        ).fetchone()[0]
        crawled = conn.execute(
            "SELECT count(*) FROM articles WHERE url NOT LIKE 'https://%.example/%'"
        ).fetchone()[0]
    finally:
        conn.close()
    return Outcome(
        first,
        offset,
        procs["crawl"].returncode,
        procs["import"].returncode,
        crawled,
        imported,
        seconds,
        outputs["crawl"],
        outputs["import"],
    )


def alone(db: Path, lines: Path, replay_url: str, as_of: str) -> tuple[int, float]:
    """The baseline: the crawl, then the import, one after the other; the crawl's count."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.monotonic()
    for kind in ("crawl", "import"):
        result = subprocess.run(
            [sys.executable, "-m", "diplofeed", *_command(kind, db, lines, replay_url, as_of)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise SystemExit(f"baseline {kind} failed: {result.stdout}{result.stderr}")
    conn = sqlite3.connect(db)
    try:
        crawled = conn.execute(
            "SELECT count(*) FROM articles WHERE url NOT LIKE 'https://%.example/%'"
        ).fetchone()[0]
    finally:
        conn.close()
    return int(crawled), time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=len(SCHEDULE))
    args = parser.parse_args()
    as_of = ReplayArchive.load().recorded.isoformat()
    with tempfile.TemporaryDirectory() as tmp, ReplayServer() as server:
        folder = Path(tmp)
        lines = folder / "lines.jsonl"
        generate(args.lines, lines)
        expected_crawl, baseline = alone(folder / "alone.db", lines, server.url, as_of)
        print(f"baseline (crawl then import, one store each): {baseline:.1f} s, "
              f"{expected_crawl} crawled + {args.lines} imported")  # fmt: skip
        failures = 0
        times = []
        for number, (first, offset) in enumerate(SCHEDULE[: args.runs], 1):
            out = run_pair(folder / f"run{number}.db", lines, server.url, as_of, first, offset)
            whole = (
                out.crawl_rc == 0
                and out.import_rc == 0
                and out.crawled == expected_crawl
                and out.imported == args.lines
            )
            failures += not whole
            times.append(out.seconds)
            print(
                f"run {number:>2}: {out.first} first, other after {out.offset:>3} s: "
                f"crawl exit {out.crawl_rc}, import exit {out.import_rc}, "
                f"crawled {out.crawled}/{expected_crawl}, imported {out.imported}/{args.lines}, "
                f"{out.seconds:.1f} s ({out.seconds / baseline:.2f}x baseline) "
                f"{'ok' if whole else 'LOST OR FAILED'}"
            )
            if not whole:
                print(out.crawl_output[-2000:], out.import_output[-2000:], sep="\n")
        times.sort()
        print(
            f"{len(times) - failures}/{len(times)} runs whole; median run "
            f"{times[len(times) // 2]:.1f} s = {times[len(times) // 2] / baseline:.2f}x "
            "the baseline"
        )
        if failures:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
