"""Re-crawl cost: requests of a crawl that finds nothing new, against the first crawl.

    python bench/recrawl.py [--articles 200] [--days 3]

Both crawls run in the same run of this script, as real ``diplofeed crawl`` processes
against a replay server whose access log counts every HTTP request (robots.txt and
redirects included), so the ratio is measured, not estimated:

1. **The replay copies of the 23 sources.** The first crawl fills a new store; the second
   runs ``--days`` later, when every article is outside the revisit window.
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
    """(all requests, requests for pages: no robots.txt, no redirect)."""
    lines = log.read_text(encoding="utf-8").splitlines()
    pages = [x for x in lines if "/robots.txt" not in x and not x.startswith("3")]
    return len(lines), len(pages)


def measure(
    label: str,
    sites: list[Path],
    db: Path,
    first: str,
    again: str,
    env: dict[str, str],
    *sources: str,
) -> None:
    counts = []
    for as_of in (first, again):
        log = db.with_suffix(f".{len(counts)}.log")
        with ReplayServer(sites=sites, access_log=log) as replay:
            crawl(db, replay.url, as_of, env, *sources)
        counts.append(requests_of(log))
    (all1, pages1), (all2, pages2) = counts
    print(f"{label}")
    print(f"  first crawl    {all1:5d} requests ({pages1} pages)")
    print(f"  re-crawl       {all2:5d} requests ({pages2} pages)   as of {again}")
    print(f"  ratio          {all2 / all1:6.1%} of requests, {pages2 / pages1:.1%} of pages")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--days", type=float, default=3.0)
    args = parser.parse_args()
    recorded = ReplayArchive.load().recorded
    first, again = recorded.isoformat(), (recorded + timedelta(days=args.days)).isoformat()
    starts = sum(len(s.start_urls) for s in load_registry().values())
    with tempfile.TemporaryDirectory(prefix="recrawl-") as tmp:
        folder = Path(tmp)
        measure("replay copies, 23 sources", [], folder / "copies.db", first, again, {})
        print(f"  floor          {starts} start addresses (feeds, sitemaps, first listing pages)")
        registry, _ = build_site(folder / "deep", args.articles)
        measure(
            f"one source at archive depth ({args.articles} articles, 20 a page)",
            [folder / "deep" / "site"],
            folder / "deep.db",
            first,
            again,
            {"DIPLOFEED_REGISTRY": str(registry)},
            "bench_kt",
        )


if __name__ == "__main__":
    main()
