"""Re-crawl cost: requests of a crawl that finds nothing new, against the first crawl.

    python bench/recrawl.py [--articles 200] [--days 3]

Both crawls run in the same run of this script, as real ``diplofeed crawl`` processes
against a replay server whose access log counts every HTTP request (robots.txt and
redirects included), so the ratio is measured, not estimated:

1. **The replay copies of the 23 sources.** The first crawl fills a new store; a re-crawl
   runs 30 minutes later (the next scheduled crawl: every article is recent, and was seen
   within the revisit interval), another ``--days`` later (every article outside the
   revisit window).
2. **One source at archive depth** (``bench/sitegen.py``, the recorded kt.kz pages as a
   site of ``--articles`` articles, 20 to a listing page, crawled to its last page).

The replay copies hold about ten articles a source, so their first crawl is short and
the start addresses (feeds, sitemaps, first listing pages) weigh heavily in a re-crawl.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.sitegen import build_site
from crawler.registry import load_registry
from crawler.replay import ReplayArchive, ReplayServer


def crawl(db: Path, replay_url: str, as_of: str, env: dict[str, str], *sources: str) -> None:
    command = [sys.executable, "-m", "diplofeed", "crawl", "--db", str(db)]
    command += ["--replay-url", replay_url, "--as-of", as_of, "--log-level", "ERROR"]
    for source in sources:
        command += ["--source", source]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 3):
        sys.exit(f"crawl failed ({result.returncode}): {result.stderr[-2000:]}")


def requests_of(log: Path) -> tuple[int, int]:
    """(all requests, requests for pages: no robots.txt, no redirect; a 304 is a page)."""
    lines = log.read_text(encoding="utf-8").splitlines()
    redirects = ("301 ", "302 ", "303 ", "307 ", "308 ")
    pages = [x for x in lines if "/robots.txt" not in x and not x.startswith(redirects)]
    return len(lines), len(pages)


def measure(
    label: str, sites: list[Path], db: Path, times: list[str], env: dict[str, str], *sources: str
) -> None:
    """A first crawl at ``times[0]``, then a re-crawl at each later time, one store."""
    print(label)
    first = None
    for n, as_of in enumerate(times):
        log = db.with_suffix(f".{n}.log")
        with ReplayServer(sites=sites, access_log=log) as replay:
            crawl(db, replay.url, as_of, env, *sources)
        requests, pages = requests_of(log)
        if first is None:
            first = (requests, pages)
            print(f"  first crawl        {requests:5d} requests ({pages} pages)   as of {as_of}")
            continue
        print(
            f"  re-crawl           {requests:5d} requests ({pages} pages)   as of {as_of}: "
            f"{requests / first[0]:.1%} of the first crawl's requests, {pages / first[1]:.1%} of its pages"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--days", type=float, default=3.0)
    args = parser.parse_args()
    recorded = ReplayArchive.load().recorded
    # the first crawl; the next scheduled one (articles recent, seen 30 minutes ago);
    # --days later (every article outside the revisit window)
    times = [
        (recorded + delta).isoformat()
        for delta in (timedelta(0), timedelta(minutes=30), timedelta(days=args.days))
    ]
    starts = sum(len(s.start_urls) for s in load_registry().values())
    with tempfile.TemporaryDirectory(prefix="recrawl-") as tmp:
        folder = Path(tmp)
        measure("replay copies, 23 sources", [], folder / "copies.db", times, {})
        print(f"  floor: {starts} start addresses (feeds, sitemaps, first listing pages)")
        registry, _ = build_site(folder / "deep", args.articles)
        measure(
            f"one source at archive depth ({args.articles} articles, 20 a page)",
            [folder / "deep" / "site"],
            folder / "deep.db",
            times,
            {"DIPLOFEED_REGISTRY": str(registry)},
            "bench_kt",
        )


if __name__ == "__main__":
    main()
