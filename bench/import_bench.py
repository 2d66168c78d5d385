"""Import throughput with deduplication, tagging and full-text search on, against plain
``sqlite-utils insert_all`` of the same rows, measured in the same run.

    python bench/import_bench.py [--articles 100000] [--chunk 10000]

The articles (bench/synth.py, ``mixed``) have realistic lengths, 20% near-duplicates,
15% language versions, and the sources' languages in their shares (Russian, English,
Kazakh, Kyrgyz, Tajik, Turkmen, Uzbek Latin and Cyrillic); ``--russian`` gives the older
Russian-and-English set. They go
through one ``diplofeed import --progress 10000`` into a new store: its progress lines
give the cost per article of each 10,000 and the memory as the store grows (it must not
grow linearly), /usr/bin/time the peak memory of the whole. With ``--chunk N`` the
articles go instead through one ``diplofeed import`` per N lines into one growing store,
each in a fresh process (process start counted). Target (issue #5): at least 1,000
articles a second.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlite_utils

from bench.synth import generate


def baseline(path: Path, db: Path) -> float:
    """Seconds for sqlite-utils to insert the same rows (WAL, no FTS, no dedup)."""
    rows = (json.loads(line) for line in path.open(encoding="utf-8"))
    database = sqlite_utils.Database(db)
    database.execute("PRAGMA journal_mode=WAL")
    database.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    database.table("articles").insert_all(rows, batch_size=500)
    return time.perf_counter() - start


def run_import(chunk: Path, store: Path, *extra: str) -> tuple[float, int, str, str]:
    """Seconds, peak RSS in KB (the process and its workers), stdout and stderr."""
    began = time.perf_counter()
    # /usr/bin/time -f %M: the largest peak of the process and its children, in KB
    out = subprocess.run(
        [
            "/usr/bin/time",
            "-f",
            "%M",
            sys.executable,
            "-m",
            "diplofeed",
            "import",
            str(chunk),
            "--db",
            str(store),
            *extra,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    seconds = time.perf_counter() - began
    if out.returncode != 0:
        sys.exit(f"diplofeed import failed ({out.returncode}):\n{out.stderr[-2000:]}")
    return seconds, int(out.stderr.strip().splitlines()[-1]), out.stdout, out.stderr


def whole(data: Path, store: Path) -> float:
    """One import of every line, its progress every 10,000 lines."""
    seconds, peak_kb, stdout, stderr = run_import(data, store, "--progress", "10000")
    last = (0, 0.0)
    for line in stderr.splitlines():
        match = re.match(r"progress: (\d+) lines in ([\d.]+) s .*rss=(\d+) MB", line)
        if match:
            done, at, rss = int(match[1]), float(match[2]), int(match[3])
            count, spent = done - last[0], at - last[1]
            print(
                f"  articles {done:>7}: {count / spent:6.0f} articles/s, "
                f"{spent / count * 1000:5.2f} ms each, writer RSS {rss:4d} MB",
                flush=True,
            )
            last = (done, at)
    print(
        f"  whole import: {seconds:.1f} s including start-up, peak RSS {peak_kb / 1024:.0f} MB; "
        f"{stdout.strip()}"
    )
    return seconds


def chunked(args: argparse.Namespace, lines: list[str], folder: Path, store: Path) -> float:
    total = 0.0
    for start in range(0, args.articles, args.chunk):
        chunk = folder / "chunk.jsonl"
        chunk.write_text("".join(lines[start : start + args.chunk]), encoding="utf-8")
        seconds, peak_kb, stdout, _ = run_import(chunk, store)
        total += seconds
        count = min(args.chunk, args.articles - start)
        print(
            f"  articles {start + count:>7}: {count / seconds:6.0f} articles/s, "
            f"{seconds / count * 1000:5.2f} ms each, peak RSS {peak_kb / 1024:5.0f} MB  "
            f"{stdout.strip()}",
            flush=True,
        )
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument(
        "--chunk", type=int, default=0, help="One fresh import process per N lines."
    )
    parser.add_argument(
        "--russian", action="store_true", help="Russian originals and English versions only."
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data = folder / "articles.jsonl"
        generate(args.articles, data, mixed=not args.russian)
        lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
        base = baseline(data, folder / "plain.db")
        print(
            f"import: {args.articles} synthetic articles (20% near-duplicates, "
            f"{'Russian and English' if args.russian else 'eight languages'}), "
            + (f"chunks of {args.chunk}" if args.chunk else "one import process")
        )
        print(f"  sqlite-utils insert_all (baseline)  {args.articles / base:8.0f} articles/s")
        store = folder / "diplofeed.db"
        total = chunked(args, lines, folder, store) if args.chunk else whole(data, store)
        database = sqlite_utils.Database(store)
        stories = database.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()[0]
        rate = args.articles / total
        print(
            f"  diplofeed import (dedup, tags, FTS) {rate:8.0f} articles/s overall, ratio {rate / (args.articles / base):.3f}"
        )
        print(
            f"  {args.articles} articles in {stories} stories; target >= 1000 articles/s: "
            f"{'met' if rate >= 1000 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
