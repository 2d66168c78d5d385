"""diplofeed benchmarks: ratios against baselines measured in the same run.

    python bench/run.py [--articles 400] [--rounds 3]

1. Crawl throughput: the full pipeline (spider, extraction, SQLite store) against plain
   Scrapy fetching the same pages and parsing nothing (no item pipeline, none of
   diplofeed's spider middlewares), both through the replay server with the same
   settings. Target: the pipeline reaches 0.75 of plain Scrapy's rate (the median of the
   rounds' ratios, each round a plain run then a full run).
2. Extraction time per page: ``parse_article`` against trafilatura's ``extract`` alone on
   the same recorded pages.

Runs alternate (plain, full, plain, full, ...) and medians are reported, because the
machines are shared and noisy; the ratios are what to compare between runs.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura

from bench.sitegen import article_templates, build_site
from crawler.extract import parse_article
from crawler.registry import load_registry
from crawler.replay import ReplayServer

TARGET = 0.75


def crawl(mode: str, replay_url: str, registry: Path, target: Path) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "crawl_once.py"),
            mode,
            replay_url,
            str(registry),
            str(target),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def crawl_benchmark(articles: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        registry, urls = build_site(folder, articles)
        urls_file = folder / "urls.txt"
        urls_file.write_text("\n".join(urls))
        print(
            f"crawl: {len(urls)} pages ({articles} articles, {len(urls) - articles} listing pages), "
            f"{rounds} rounds each, alternating"
        )
        runs: dict[str, list[dict[str, float]]] = {"plain": [], "full": []}
        with ReplayServer(sites=[folder / "site"]) as replay:
            for r in range(rounds):
                runs["plain"].append(crawl("plain", replay.url, registry, urls_file))
                runs["full"].append(crawl("full", replay.url, registry, folder / f"bench{r}.db"))
        rate = {
            m: statistics.median(x["pages"] / x["seconds"] for x in rs) for m, rs in runs.items()
        }
        rss = {m: max(x["peak_rss_mb"] for x in rs) for m, rs in runs.items()}
        stored = [x["items"] for x in runs["full"]]
        for mode in ("plain", "full"):
            label = "plain Scrapy (fetch only)" if mode == "plain" else "diplofeed pipeline       "
            print(
                f"  {label} {rate[mode]:7.1f} pages/s   peak RSS {rss[mode]:6.1f} MB   "
                f"pages {runs[mode][0]['pages']:.0f}"
            )
        # each round's ratio, plain and full run one after the other: the load of a shared
        # machine drifts less within a round than across the whole benchmark
        ratios = [
            (f["pages"] / f["seconds"]) / (p["pages"] / p["seconds"])
            for p, f in zip(runs["plain"], runs["full"], strict=True)
        ]
        ratio = statistics.median(ratios)
        # CPU time of the crawling process per page (the replay server's is not counted):
        # steadier than the page rate on a shared machine, and where the time goes
        cpu = {
            m: statistics.median(x["cpu_seconds"] / x["pages"] * 1000 for x in rs)
            for m, rs in runs.items()
        }
        print(
            f"  CPU per page: plain {cpu['plain']:.2f} ms, pipeline {cpu['full']:.2f} ms "
            f"(ratio plain/pipeline {cpu['plain'] / cpu['full']:.2f})"
        )
        verdict = "meets" if ratio >= TARGET else "MISSES"
        print(
            f"  ratio pipeline/plain: {ratio:.2f} median of rounds "
            f"{', '.join(f'{r:.2f}' for r in ratios)} ({verdict} the target of >= {TARGET:.2f}); "
            f"ratio of median rates {rate['full'] / rate['plain']:.2f}; "
            f"articles stored per run: {stored}"
        )


def extraction_benchmark(rounds: int) -> None:
    registry = load_registry()
    pages = [(u, html) for u, html in article_templates()]
    source = registry["kt_kz"]

    def timed(fn) -> float:
        samples = []
        for _ in range(rounds):
            start = time.perf_counter()
            for url, html in pages:
                fn(url, html)
            samples.append((time.perf_counter() - start) / len(pages))
        return statistics.median(samples)

    # The same source without its selectors: every field from the generic path.
    bare = dataclasses.replace(source, extract=type(source.extract)())
    ours = timed(lambda url, html: parse_article(html, url, source))
    ours_generic = timed(lambda url, html: parse_article(html, url, bare))
    generic = timed(lambda url, html: trafilatura.extract(html, url=url, with_metadata=True))
    print(f"extraction: {len(pages)} recorded kt.kz pages x {rounds} rounds")
    print(f"  trafilatura.extract alone              {generic * 1000:7.2f} ms/page")
    print(
        f"  parse_article, kt.kz selectors         {ours * 1000:7.2f} ms/page   ratio {ours / generic:.2f}"
    )
    print(
        f"  parse_article, generic (no selectors)  {ours_generic * 1000:7.2f} ms/page   "
        f"ratio {ours_generic / generic:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    crawl_benchmark(args.articles, args.rounds)
    extraction_benchmark(max(args.rounds, 5))


if __name__ == "__main__":
    main()
