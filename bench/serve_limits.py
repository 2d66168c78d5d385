"""The feed server against hostile clients: what it holds and whether readers still get
their feeds (the findings behind docs/feeds.md, "Limits").

    python bench/serve_limits.py --db STORE [--root DIR] memory [--requests 100]
    python bench/serve_limits.py --db STORE [--root DIR] idle [--connections 1100]
    python bench/serve_limits.py --db STORE [--root DIR] busy [--clients 100]

* ``memory``: filter patterns of nested counted repetitions, of several shapes, one
  after another, while a reader polls a feed: the server's RSS (from /proc) before, at
  its peak and after, and the reader's slowest answer.
* ``idle``: the server under ``ulimit -n 1024`` (``--nofile``), and that many idle
  connections, half of them having sent part of a request head: the reader's answers
  (status, time) over ``--seconds``, and the size of the server's log.
* ``busy``: ``--clients`` clients asking for a feed with a valid filter (each answer
  built: ``--cache-size 0``), with ``--spinners`` processes keeping the CPUs busy: how
  many answers were 400 (a false refusal) or 503.

``--root`` runs the code of another checkout (``git archive HEAD | tar -x -C DIR``: the
same measures before a change). ``--store`` is any store, such as the demo's
(``diplofeed demo --db demo.db``).
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]

# Nested counted repetitions of several shapes; each gets its own counts and a branch of
# its own (|xN) so that no two are the same pattern.
SHAPES = [
    "(?:(?:a{%d}){%d}){%d}",
    "(?:(?:(?:a{%d}){%d}){%d}){2}",
    "(?:(?:[абв]{%d}){%d}){%d}",
    "(?:(?:\\w{%d}){%d}){%d}",
    "((?:(?:b{%d}){%d}){%d})",
    "(?:(?:(?=a){%d}){%d}){%d}",
    "(?:a{%d}|(?:b{%d}){%d})",
    "(?i)(?:(?:ß{%d}){%d}){%d}",
    "(?:(?:\\p{L}{%d}){%d}){%d}",
    "(?:x(?:a{%d}){%d}){%d}",
]


def hostile_patterns(count: int, seed: int = 7, low: int = 30) -> list[str]:
    """``count`` distinct patterns of nested counted repetitions, the shapes in turn."""
    rng = random.Random(seed)
    out = []
    for number in range(count):
        shape = SHAPES[number % len(SHAPES)]
        counts = tuple(rng.randint(low, 100) for _ in range(shape.count("%d")))
        out.append(shape % counts + f"|x{number}")
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """A process's resident memory, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """``diplofeed serve`` in a subprocess on 127.0.0.1, its log in a file."""

    def __init__(self, db: str, root: Path, *args: str, nofile: int | None = None) -> None:
        self.port = free_port()
        handle, name = tempfile.mkstemp(prefix="serve-", suffix=".log")
        os.close(handle)
        self.log = Path(name)
        limit = (nofile, nofile) if nofile else None

        def preexec() -> None:
            if limit:
                resource.setrlimit(resource.RLIMIT_NOFILE, limit)

        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "diplofeed",
                    "serve",
                    "--db",
                    db,
                    "--port",
                    str(self.port),
                    *args,
                ],
                cwd=root,
                env={**os.environ, "PYTHONPATH": str(root)},
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=preexec if limit else None,  # noqa: PLW1509  # no thread runs yet
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _ = get(self.port, "/opml", timeout=2)
                if status == 200:
                    break
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                said = self.log.read_text()
                self.stop()
                raise RuntimeError(f"the server did not start: {said}")
            time.sleep(0.1)

    def log_bytes(self) -> int:
        return self.log.stat().st_size

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.unlink()


def get(port: int, path: str, timeout: float = 30) -> tuple[int, bytes]:
    """One GET on a connection of its own."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, answer.read()
    finally:
        conn.close()


def memory(args: argparse.Namespace) -> None:
    server = Server(args.db, args.root)
    pid = server.process.pid
    try:
        for _ in range(20):  # the steady state: the feeds a reader asks for
            get(server.port, "/feed.rss?country=KZ&filter=Kazakh")
        steady = rss_mb(pid)
        peak, slowest, stop = steady, 0.0, threading.Event()

        def reader() -> None:
            nonlocal slowest
            number = 0
            while not stop.is_set():
                number += 1
                began = time.monotonic()
                status, _ = get(server.port, f"/feed.rss?country=KZ&limit={number % 50 + 1}")
                slowest = max(slowest, time.monotonic() - began)
                assert status == 200, status
                time.sleep(0.1)

        thread = threading.Thread(target=reader, daemon=True)
        thread.start()
        statuses: dict[int, int] = {}
        began = time.monotonic()
        for pattern in hostile_patterns(args.requests, low=args.low):
            try:
                status, _ = get(server.port, "/feed.rss?filter=" + quote(pattern), timeout=120)
            except OSError:
                status = 0
            statuses[status] = statuses.get(status, 0) + 1
            peak = max(peak, rss_mb(pid))
            if peak > args.stop_at:
                print(f"stopped: RSS passed {args.stop_at} MB")
                break
        took = time.monotonic() - began
        stop.set()
        thread.join()
        print(
            f"memory: {sum(statuses.values())} patterns in {took:.1f} s, statuses {statuses}; "
            f"RSS steady {steady:.0f} MB, peak {peak:.0f} MB, after {rss_mb(pid):.0f} MB; "
            f"reader's slowest answer {slowest * 1000:.0f} ms"
        )
    finally:
        server.stop()


def idle(args: argparse.Namespace) -> None:
    server = Server(args.db, args.root, nofile=args.nofile)
    held: list[socket.socket] = []
    try:
        before = server.log_bytes()
        for number in range(args.connections):
            try:
                sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
            except OSError:
                continue
            if number % 2:
                sock.sendall(b"GET /feed.rss HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            held.append(sock)
        answers: list[tuple[int, float]] = []
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            began = time.monotonic()
            try:
                status, _ = get(server.port, "/feed.rss?country=KZ", timeout=5)
            except OSError:
                status = 0
            answers.append((status, time.monotonic() - began))
            time.sleep(0.5)
        good = [t for s, t in answers if s == 200]
        print(
            f"idle: {len(held)} connections held (ulimit -n {args.nofile}); reader "
            f"{len(good)}/{len(answers)} answers 200, slowest 200 "
            f"{max(good, default=0) * 1000:.0f} ms, first answer "
            f"{answers[0][0]} in {answers[0][1] * 1000:.0f} ms; log grew "
            f"{(server.log_bytes() - before) / 1024:.1f} KiB in {args.seconds:.0f} s"
        )
    finally:
        for sock in held:
            sock.close()
        server.stop()


def busy(args: argparse.Namespace) -> None:
    server = Server(args.db, args.root, "--cache-size", "0")
    spin = "while True: pass"
    spinners = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(args.spinners)]
    statuses: dict[int, int] = {}
    said: dict[int, bytes] = {}
    lock = threading.Lock()
    path = "/feed.rss?limit=50&filter=" + quote(args.pattern)

    def client(count: int) -> None:
        for _ in range(count):
            try:
                status, body = get(server.port, path, timeout=60)
            except OSError:
                status, body = 0, b""
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                said.setdefault(status, body[:120])

    try:
        began = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(args.requests // args.clients,))
            for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        print(
            f"busy: {sum(statuses.values())} requests from {args.clients} clients, "
            f"{args.spinners} busy processes, in {time.monotonic() - began:.1f} s: "
            f"statuses {dict(sorted(statuses.items()))}"
        )
        for status, body in sorted(said.items()):
            if status != 200:
                print(f"  {status}: {body.decode(errors='replace').strip()}")
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the store to serve")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to run")
    sub = parser.add_subparsers(dest="what", required=True)
    one = sub.add_parser("memory")
    one.add_argument("--requests", type=int, default=100)
    one.add_argument("--low", type=int, default=30, help="the smallest count of a repetition")
    one.add_argument("--stop-at", type=float, default=6000, help="MB of RSS to stop at")
    two = sub.add_parser("idle")
    two.add_argument("--connections", type=int, default=1100)
    two.add_argument("--nofile", type=int, default=1024)
    two.add_argument("--seconds", type=float, default=20)
    three = sub.add_parser("busy")
    three.add_argument("--clients", type=int, default=100)
    three.add_argument("--requests", type=int, default=3000)
    three.add_argument("--spinners", type=int, default=2)
    three.add_argument("--pattern", default=r"(?:\w+\W+){0,8}(?:Kazakh|Казах)")
    args = parser.parse_args()
    args.db = str(Path(args.db).resolve())
    {"memory": memory, "idle": idle, "busy": busy}[args.what](args)


if __name__ == "__main__":
    main()
