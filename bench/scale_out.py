"""Scale-out: wall time of a crawl of every source by one process, against the same crawl
shared by one and by two workers through Redis (docs/scale-out.md).

    python bench/scale_out.py [--latency 0.15] [--rounds 2]

Every crawl fetches the replay copies from one replay server that waits ``--latency``
seconds before each answer, as a distant server would; politeness is the project's own
(one request at a time per site). The shared crawls are timed from the workers' start
until the writer, running meanwhile as deployed, has written the last event: the store
written, as in the single-process crawl. Needs ``redis-server`` (Debian package); the bench starts its own.
"""

from __future__ import annotations

import argparse
import collections
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.replay import ReplayArchive, ReplayServer

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
AS_OF = ReplayArchive.load().recorded.isoformat()


def diplofeed(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "diplofeed", *args],
        cwd=ROOT,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait(proc: subprocess.Popen[str]) -> None:
    out, err = proc.communicate()
    if proc.returncode not in (0, 3):
        sys.exit(f"{proc.args}: exit {proc.returncode}\n{out[-1000:]}\n{err[-2000:]}")


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    server = shutil.which("redis-server")
    if server is None:
        sys.exit("redis-server is needed (apt-get install redis-server)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    import redis

    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return proc, f"redis://127.0.0.1:{port}/0"


def timed(label: str, run, log: Path) -> tuple[float, int, int]:
    log.write_text("")
    started = time.monotonic()
    run()
    seconds = time.monotonic() - started
    lines = log.read_text().splitlines()
    twice = sum(n - 1 for n in collections.Counter(x.split(" ", 1)[1] for x in lines).values())
    return seconds, len(lines), twice


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.15)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scale-out-") as tmp:
        folder = Path(tmp)
        redis_proc, url = start_redis(folder)
        import redis

        client = redis.Redis.from_url(url)
        log = folder / "access.log"
        results: dict[str, list[tuple[float, int, int]]] = collections.defaultdict(list)
        try:
            with ReplayServer(access_log=log, latency=args.latency) as replay:
                common = ["--replay-url", replay.url, "--as-of", AS_OF, "--log-level", "ERROR"]
                for n in range(args.rounds):

                    def local(n: int = n) -> None:
                        wait(diplofeed("crawl", "--db", str(folder / f"local{n}.db"), *common))

                    def shared(workers: int, n: int = n) -> None:
                        # as deployed: the writer runs while the workers crawl; done when
                        # the last event is written
                        client.flushdb()  # a first crawl, as the others (no mirror)
                        db = str(folder / f"shared{workers}-{n}.db")
                        writer = diplofeed("writer", "--db", db, "--redis", url)
                        while not client.exists("diplofeed:writer"):
                            time.sleep(0.02)
                        procs = [
                            diplofeed("crawl", "--redis", url, *common) for _ in range(workers)
                        ]
                        for proc in procs:
                            wait(proc)
                        while client.llen("diplofeed:events") or client.llen(
                            "diplofeed:events:processing"
                        ):
                            time.sleep(0.02)
                        writer.send_signal(signal.SIGTERM)
                        wait(writer)

                    results["one process (baseline)"].append(timed("local", local, log))
                    results["one worker + writer"].append(timed("w1", lambda: shared(1), log))
                    results["two workers + writer"].append(timed("w2", lambda: shared(2), log))
        finally:
            redis_proc.terminate()
            redis_proc.wait()
    base = statistics.median(r[0] for r in results["one process (baseline)"])
    print(
        f"crawl of every source, replay answers after {args.latency * 1000:.0f} ms, "
        f"{args.rounds} rounds each, alternating (median wall time)"
    )
    for label, runs in results.items():
        seconds = statistics.median(r[0] for r in runs)
        print(
            f"  {label:<24} {seconds:6.1f} s   requests {runs[-1][1]:4d}   fetched twice "
            f"{max(r[2] for r in runs)}   speed-up {base / seconds:.2f}x"
        )


if __name__ == "__main__":
    main()
