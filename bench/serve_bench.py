"""The feed server on a store of 100,000 articles, against the same server stack
returning a fixed byte string, measured in the same run (issue #6).

    python bench/serve_bench.py [--articles 100000] [--store PATH] [--requests 300]

* a filtered 50-item feed, built for every request (``--cache-size 0``): median latency
  and requests a second;
* the same feed answered ``304 Not Modified`` (``If-None-Match``, the server's default
  cache): requests a second;
* a Starlette app on the same uvicorn returning the feed's bytes as they are: requests
  a second (the baseline);
* the front page (``/``: the latest stories, the sources' health), built for every
  request, and as the server keeps it until the store changes (issue #15).

Targets: a filtered feed in under 20 ms median, a 304 at least half as fast as the fixed
bytes, the front page built in under 50 ms median. One client, keep-alive, requests one after another: the latency a reader sees.
The store is built once with ``diplofeed import`` (bench/synth.py) and kept with
``--store`` for later runs.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from bench.synth import generate

# Filtered feeds, as readers subscribe to them: a country's stories, a source, a topic,
# a language with fallback, a full-text query.
FEEDS = [
    "/feed.rss?country=KZ&unique=story&limit=50",
    "/feed.atom?source=kabar&limit=50",
    "/feed.rss?topic=water_energy&unique=story&limit=50",
    "/feed.json?country=UZ&country=KG&limit=50",
    "/feed.rss?lang=ru&unique=story&limit=50",
    "/feed.rss?q=Туркменистана&limit=50",
]


def _fixed_app() -> Starlette:
    body = Path(os.environ["DIPLOFEED_BENCH_BYTES"]).read_bytes()

    def fixed(request: object) -> Response:
        return Response(body, media_type="application/rss+xml; charset=utf-8")

    return Starlette(routes=[Route("/fixed", fixed)])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(args: list[str], port: int, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        args,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"server did not start: {args}")


def timed(
    client: httpx.Client,
    url: str,
    count: int,
    headers: dict[str, str] | None = None,
    status: int = 200,
) -> list[float]:
    seconds = []
    for _ in range(count):
        began = time.perf_counter()
        response = client.get(url, headers=headers)
        seconds.append(time.perf_counter() - began)
        if response.status_code != status:
            raise SystemExit(f"{url}: {response.status_code} {response.text[:200]}")
    return seconds


def build_store(path: Path, articles: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "articles.jsonl"
        generate(articles, data)
        began = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "diplofeed", "import", str(data), "--db", str(path)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        print(f"  store: {articles} articles imported in {time.perf_counter() - began:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="Keep (or reuse) the store here.")
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or Path(tmp) / "bench.db"
        if not store.exists():
            build_store(store, args.articles)
        fresh_port, cached_port, fixed_port = free_port(), free_port(), free_port()
        serve = [sys.executable, "-m", "diplofeed", "serve", "--db", str(store)]
        servers = [
            start([*serve, "--port", str(fresh_port), "--cache-size", "0"], fresh_port),
            start([*serve, "--port", str(cached_port)], cached_port),
        ]
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{fresh_port}") as fresh:
                print(f"feed server on {store.name}: {args.requests} requests per measurement")
                all_fresh = []
                for url in FEEDS:
                    timed(fresh, url, 5)  # warm the page cache
                    seconds = timed(fresh, url, args.requests // len(FEEDS) + 1)
                    all_fresh += seconds
                    print(f"  fresh {url:50s} median {statistics.median(seconds) * 1000:6.1f} ms")
                body = fresh.get(FEEDS[0]).content
                timed(fresh, "/", 5)
                front = timed(fresh, "/", args.requests // 3)
            bytes_file = Path(tmp) / "feed.bytes"
            bytes_file.write_bytes(body)
            servers.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "uvicorn",
                        "bench.serve_bench:fixed_app",
                        "--factory",
                        "--port",
                        str(fixed_port),
                        "--log-level",
                        "warning",
                    ],
                    fixed_port,
                    {"DIPLOFEED_BENCH_BYTES": str(bytes_file)},
                )
            )
            with httpx.Client(base_url=f"http://127.0.0.1:{cached_port}") as cached:
                etag = cached.get(FEEDS[0]).headers["etag"]
                timed(cached, FEEDS[0], 20, {"If-None-Match": etag}, 304)
                not_modified = timed(cached, FEEDS[0], args.requests, {"If-None-Match": etag}, 304)
                timed(cached, "/", 5)
                front_kept = timed(cached, "/", args.requests)
            with httpx.Client(base_url=f"http://127.0.0.1:{fixed_port}") as fixed:
                timed(fixed, "/fixed", 20)
                baseline = timed(fixed, "/fixed", args.requests)
        finally:
            for server in servers:
                server.terminate()
                server.wait(10)
        median = statistics.median(all_fresh) * 1000
        rate = {
            "fresh": len(all_fresh) / sum(all_fresh),
            "304": len(not_modified) / sum(not_modified),
            "fixed": len(baseline) / sum(baseline),
        }
        print(
            f"  filtered 50-item feed, built per request: median {median:.1f} ms, "
            f"{rate['fresh']:.0f} requests/s (target: median < 20 ms: "
            f"{'met' if median < 20 else 'MISSED'})"
        )
        built = statistics.median(front) * 1000
        print(
            f"  front page, built per request: median {built:.1f} ms "
            f"(target: < 50 ms: {'met' if built < 50 else 'MISSED'}); kept until the store "
            f"changes: median {statistics.median(front_kept) * 1000:.1f} ms; fixed bytes: "
            f"median {statistics.median(baseline) * 1000:.1f} ms"
        )
        print(f"  304 Not Modified: {rate['304']:.0f} requests/s")
        print(f"  fixed {len(body)} bytes (baseline): {rate['fixed']:.0f} requests/s")
        ratio = rate["304"] / rate["fixed"]
        print(
            f"  304 / fixed bytes: {ratio:.2f} (target >= 0.5: {'met' if ratio >= 0.5 else 'MISSED'}); "
            f"fresh / fixed bytes: {rate['fresh'] / rate['fixed']:.2f}"
        )


fixed_app = _fixed_app

if __name__ == "__main__":
    main()
