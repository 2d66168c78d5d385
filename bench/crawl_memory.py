"""Peak memory of a full replay crawl of every source (issue #7), against the same
process doing nothing but importing Scrapy and starting the replay server, measured in
the same run.

    python bench/crawl_memory.py [--rounds 3]

Target: under 300 MB. The crawl runs as users run it (`diplofeed crawl --replay`, the
replay server in the same process); /usr/bin/time gives the peak RSS.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IDLE = (
    "import scrapy.crawler, crawler.runner; from crawler.replay import ReplayServer\n"
    "with ReplayServer() as s: pass"
)


def peak_mb(args: list[str]) -> float:
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return int(out.stderr.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    crawls, idles = [], []
    for _ in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "crawl.db"
            crawls.append(
                peak_mb(
                    [
                        sys.executable,
                        "-m",
                        "diplofeed",
                        "crawl",
                        "--replay",
                        "--db",
                        str(db),
                        "--log-level",
                        "WARNING",
                    ]
                )
            )
        idles.append(peak_mb([sys.executable, "-c", IDLE]))
    crawl, idle = statistics.median(crawls), statistics.median(idles)
    print(f"full replay crawl of every source: peak RSS {crawl:.0f} MB (median of {args.rounds})")
    print(
        f"  the same imports and replay server, no crawl (baseline): {idle:.0f} MB, "
        f"ratio {crawl / idle:.2f}"
    )
    print(f"  target < 300 MB: {'met' if crawl < 300 else 'MISSED'}")


if __name__ == "__main__":
    main()
