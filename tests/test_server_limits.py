"""The feed server against hostile clients, as users run it (``diplofeed serve`` in a
process of its own on 127.0.0.1): filter patterns that would take gigabytes to compile,
a busy CPU, a thousand idle connections, a port in use (docs/feeds.md, "Limits")."""

from __future__ import annotations

import http.client
import logging
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
import regex
from starlette.testclient import TestClient

import feeds.query
from feeds.config import load_config
from feeds.query import (
    MATCH_TIMEOUT,
    MAX_PATTERN_COST,
    BadQuery,
    FilterBusy,
    Vocabulary,
    parse_query,
    pattern_cost,
)
from feeds.server import Limits, _Throttle, create_app, listen, make_server

from .conftest import ROOT, run_cli

pytestmark = pytest.mark.crawl
WORDS = Vocabulary(*(frozenset() for _ in range(5)))
NOW = datetime(2026, 11, 28, tzinfo=UTC)


@pytest.fixture(scope="module")
def db(demo, tmp_path_factory):
    """A copy of the demo store."""
    path = tmp_path_factory.mktemp("limits") / "limits.db"
    shutil.copy(demo.db, path)
    return path


class Served:
    """``diplofeed serve --port 0`` in a subprocess, its output in a file, within
    ``nofile`` open files when given."""

    def __init__(self, db: Path, log: Path, *args: str, nofile: int | None = None) -> None:
        self.log = log

        def limit_files() -> None:
            if nofile:
                resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "diplofeed", "serve", "--db", str(db), "--port", "0", *args],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=out,
                stderr=subprocess.STDOUT,
                # the tests start servers before any thread of their own
                preexec_fn=limit_files if nofile else None,  # noqa: PLW1509
            )
        deadline = time.monotonic() + 30
        while True:
            found = re.search(r"on http://127\.0\.0\.1:(\d+)/", log.read_text(errors="replace"))
            if found:
                self.port = int(found.group(1))
                try:
                    if self.get("/opml", timeout=5)[0] == 200:
                        break
                except OSError:
                    pass
            assert self.process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

    def get(self, path: str, timeout: float = 10) -> tuple[int, bytes]:
        """One GET on a connection of its own."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request("GET", path)
            answer = conn.getresponse()
            return answer.status, answer.read()
        finally:
            conn.close()

    def rss_mb(self) -> float:
        """The server's resident memory, from /proc."""
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def serve(db, tmp_path):
    """Start servers of the store; each is stopped after the test."""
    started: list[Served] = []

    def start(*args: str, nofile: int | None = None) -> Served:
        server = Served(db, tmp_path / f"serve-{len(started)}.log", *args, nofile=nofile)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# Nested counted repetitions of several shapes (letters, sets, classes, properties,
# groups, lookaheads, alternatives, case folding); the numbers are filled in per request.
SHAPES = [
    "(?:(?:a{%d}){%d}){%d}",
    "(?:(?:(?:a{%d}){%d}){%d}){%d}",
    "(?:(?:[абв]{%d}){%d}){%d}",
    r"(?:(?:\w{%d}){%d}){%d}",
    "((?:(?:b{%d}){%d}){%d})",
    "(?:(?:(?=a){%d}){%d}){%d}",
    "(?:a{%d}|(?:b{%d}){%d})",
    "(?i)(?:(?:ß{%d}){%d}){%d}",
    r"(?:(?:\p{L}{%d}){%d}){%d}",
    "(?:x(?:a{%d}){%d}){%d}",
]


def nested_patterns(count: int) -> list[str]:
    """``count`` different patterns: most far above the bound (up to 100 in every
    count: (?:(?:a{100}){100}){100}|x1 held 150 MB a request before), some just within
    it (they are compiled, matched and kept)."""
    out = []
    for number in range(count):
        shape = SHAPES[number % len(SHAPES)]
        slots = shape.count("%d")
        if number % 5 == 4:  # within the bound: a few copies of a few copies
            counts = (3 + number % 4, 4, 5, 2)[:slots]
        else:
            counts = (100 - number % 7, 99, 100 - number % 3, 100)[:slots]
        out.append(shape % counts + f"|x{number}")
    return out


def test_nested_counted_patterns_keep_memory_and_readers_well(serve):
    """100 requests of nested counted patterns: the server's RSS stays within 200 MB of
    its steady state, and a reader gets its feed within 1 s all along."""
    server = serve()
    for number in range(20):  # the steady state: feeds a reader asks for, some filtered
        filtered = "/feed.rss?country=KZ&filter=" + quote("Kazakh|Казах")
        assert server.get(f"{filtered}&limit={number + 1}")[0] == 200
    steady = peak = server.rss_mb()
    slowest, failures, stop = 0.0, [], threading.Event()

    def reader() -> None:
        nonlocal slowest
        number = 0
        while not stop.is_set():
            number += 1  # a feed built anew each time (a new limit), not one kept
            began = time.monotonic()
            status, _ = server.get(f"/feed.atom?unique=story&limit={number % 200 + 1}")
            slowest = max(slowest, time.monotonic() - began)
            if status != 200:
                failures.append(status)
            time.sleep(0.05)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    answers: dict[int, int] = {}
    try:
        for pattern in nested_patterns(100):
            status, body = server.get("/feed.rss?filter=" + quote(pattern), timeout=30)
            answers[status] = answers.get(status, 0) + 1
            if status == 400:
                assert body.count(b"\n") == 1, body
            peak = max(peak, server.rss_mb())
    finally:
        stop.set()
        thread.join(10)
    assert answers == {400: 80, 200: 20}, answers
    assert peak - steady < 200, f"RSS {steady:.0f} MB steady, {peak:.0f} MB at its peak"
    assert not failures and slowest < 1.0, (failures, slowest)


@pytest.mark.parametrize(
    "pattern",
    [
        "(?:(?:a{100}){100}){100}|x1",
        "(?:(?:(?:a{9}){9}){9}){9}",  # 33 characters, four levels
        "(?:[абвгдежзийклмнопрстуфхцчшщ]{100}){20}",  # a set counts its members
        r"(?x) (?: a {100} ) {100}",  # spaces in verbose mode
        "a(?i)(?:b{50}){50}",  # a global flag in the middle restarts regex's parse
        "((((((((((((a))))))))))))",  # nesting
    ],
)
def test_patterns_too_costly_to_compile_are_a_400(pattern):
    with pytest.raises(BadQuery, match=r"too large|nests"):
        parse_query({"filter": [pattern]}, WORDS, now=NOW)


@pytest.mark.parametrize(
    "pattern",
    [
        "Kyrgyz|Кыргыз",
        r"\b(?:Казахстан|Kazakhstan)\b",
        r"(?:\S+\s+){0,100}water",
        r"[\p{L}\p{N}]{1,100}",
        r"\d{4}-\d{2}-\d{2}",
        "(a|aa)+$",
        "(?:(?:a{5}){5}){5}",
    ],
)
def test_news_filters_are_within_the_bounds(pattern):
    cost, depth = pattern_cost(pattern)
    assert cost <= MAX_PATTERN_COST and depth <= feeds.query.MAX_NESTING, (cost, depth)
    assert parse_query({"filter": [pattern]}, WORDS, now=NOW).include is not None


def test_the_cost_without_regex_parser_is_never_below_the_real_one(monkeypatch):
    """Should regex's parser (not a public API) change, a cruder bound from the text
    takes over: nested counts are still refused."""
    samples = ["Kyrgyz|Кыргыз", r"(?:\S+\s+){0,100}x", "(?:(?:a{5}){5}){5}", "(?:a{20}|b){30}"]
    real = {pattern: pattern_cost(pattern) for pattern in samples}

    def gone(text: str, flags: int) -> None:
        raise AttributeError("module 'regex' has no attribute '_regex_core'")

    monkeypatch.setattr(feeds.query, "_parse", gone)
    for pattern in samples:
        assert pattern_cost(pattern)[0] >= real[pattern][0], pattern
    with pytest.raises(BadQuery, match="too large"):
        parse_query({"filter": ["(?:(?:a{100}){100}){100}|x1"]}, WORDS, now=NOW)


def test_compiled_patterns_kept_are_bounded_and_regex_keeps_none():
    """Neither our cache nor the regex module's holds what clients ask for unbounded."""
    internals = regex._main
    cache, sensitive = len(internals._cache), len(internals._locale_sensitive)
    for number in range(600):
        parse_query({"filter": [rf"(?:[\p{{L}}\s]{{40}}){{9}}|n{number}"]}, WORDS, now=NOW)
    kept = feeds.query._PATTERNS
    assert kept.cost <= feeds.query.PATTERN_CACHE_COST
    assert len(kept.kept) <= feeds.query.PATTERN_CACHE_SIZE
    assert len(internals._cache) == cache and len(internals._locale_sensitive) == sensitive


# The CPU-time budget of a match: a valid pattern on a busy CPU, a catastrophic one.
# Run in a process of its own, on one CPU shared with four busy processes (a wall clock
# runs five times as fast as the match's CPU time) and with a thread of its own hashing
# without the GIL (the process's CPU time runs twice as fast).
_CONTENDED = r"""
import hashlib, json, os, subprocess, sys, threading, time
from datetime import UTC, datetime
import regex
from feeds.query import BadQuery, MATCH_TIMEOUT, Vocabulary, parse_query

cpu = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {cpu})
words = Vocabulary(*(frozenset() for _ in range(5)))
now = datetime(2026, 11, 28, tzinfo=UTC)
valid = r"(?:\w+\s?){0,3}\d"
text = "слово word " * 10
while True:  # a text on which the valid pattern takes about 55% of the budget: the
    # margin to the 90% that refuses absorbs a shared machine's noise
    began = time.thread_time()
    regex.search(valid, text)
    if time.thread_time() - began > MATCH_TIMEOUT * 0.55:
        break
    text += text[: len(text) // 8]
spin = "import os; os.sched_setaffinity(0, {%d})\nwhile True: pass" % cpu
spinners = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(4)]
stop = threading.Event()

def hashing():
    data = b"x" * 20_000_000
    while not stop.is_set():
        hashlib.sha256(data).digest()

threading.Thread(target=hashing, daemon=True).start()
time.sleep(0.5)
result = {"kept": [], "wall": [], "thread": [], "regex alone": []}
try:
    for _ in range(3):  # regex's own timeout (the server's before): refused
        try:
            regex.compile(valid).search(text, timeout=MATCH_TIMEOUT)
            result["regex alone"].append("kept")
        except TimeoutError:
            result["regex alone"].append("timed out")
    for _ in range(5):
        query = parse_query({"filter": [valid]}, words, now=now)
        wall, thread = time.monotonic(), time.thread_time()
        try:
            result["kept"].append(query.keep({"title": text, "body": ""}))
        except BadQuery as exc:
            result["kept"].append(str(exc))
        result["wall"].append(time.monotonic() - wall)
        result["thread"].append(time.thread_time() - thread)
    bad = parse_query({"filter": ["(a|aa)+$"]}, words, now=now)
    try:
        bad.keep({"title": "a" * 5000 + "!", "body": ""})
        result["catastrophic"] = "kept"
    except BadQuery as exc:
        result["catastrophic"] = str(exc)
finally:
    stop.set()
    for spinner in spinners:
        spinner.kill()
print(json.dumps(result))
"""


def test_a_valid_pattern_is_not_refused_on_a_busy_cpu():
    """A match that needs 55% of its CPU budget, on a busy CPU, takes more than the
    budget by the clock: regex's own timeout refuses it (by the wall clock or, in
    regex 2026.12, by the process's CPU time, the hashing thread's too), the server runs
    it to its end. A catastrophic pattern is still refused."""
    import json

    # The same match's CPU time varies by half on a shared machine (other processes on
    # the sibling hyperthread, frequency changes): the scenario is run up to three times
    # and must hold once; each run's figures are in the failure message.
    runs = []
    for _ in range(3):
        done = subprocess.run(
            [sys.executable, "-c", _CONTENDED],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        result = json.loads(done.stdout)
        runs.append(result)
        if (
            result["kept"] == [False] * 5  # matched to the end: no digit, no item
            and "timed out" in result["regex alone"]  # regex's own clock refused it
            and min(result["wall"]) > MATCH_TIMEOUT  # longer than that by the clock
            and "too long" in result["catastrophic"]
        ):
            return
    pytest.fail(f"no run held: {runs}")


class _Waits:
    """A pattern whose match times out without using its thread's CPU time (the thread
    waits for a CPU, or the process's other threads use it, the whole time)."""

    def __init__(self) -> None:
        self.timeouts: list[float] = []

    def search(self, text: str, timeout: float, concurrent: bool) -> None:
        self.timeouts.append(timeout)
        time.sleep(timeout)
        raise TimeoutError("regex timed out")


def test_a_match_that_never_gets_the_cpu_is_busy_not_bad(monkeypatch):
    monkeypatch.setattr(feeds.query, "MATCH_RETRY_LIMIT", 0.4)
    waits = _Waits()
    query = parse_query({"filter": ["x"]}, WORDS, now=NOW)
    query.include = waits
    with pytest.raises(FilterBusy):
        query.keep({"title": "x", "body": ""})
    assert waits.timeouts == [MATCH_TIMEOUT, 0.1, 0.2, 0.4]


def test_a_busy_filter_is_a_503_with_retry_after(db, monkeypatch):
    def busy(pattern, text):
        raise FilterBusy("the server is too busy to run this filter now; try again later")

    monkeypatch.setattr(feeds.query, "_search", busy)
    with TestClient(create_app(db, load_config(), cache_size=0)) as client:
        answer = client.get("/feed.rss", params={"filter": "Kazakh"})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "10"
    assert answer.text.count("\n") == 1


# Connections: idle clients, partial headers, few open files.


def test_idle_connections_do_not_lock_readers_out(serve):
    """1,100 connections under ``ulimit -n 1024``, half of them having sent part of a
    request head: a reader still gets its feed at once, and the log stays small (it
    grew by 113 MiB in 20 s before: 'Too many open files' with a traceback, again and
    again). 300 requests that are not HTTP make one line of the log, not 300."""
    server = serve("--header-timeout", "5", nofile=1024)
    held: list[socket.socket] = []
    try:
        for number in range(1100):
            sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
            if number % 2:
                sock.sendall(b"GET /feed.rss HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            held.append(sock)
        before = server.log.stat().st_size
        times = []
        for _ in range(8):
            began = time.monotonic()
            status, body = server.get("/feed.rss?country=KZ", timeout=10)
            times.append(time.monotonic() - began)
            assert status == 200 and b"<rss" in body
            time.sleep(0.25)
        assert max(times) < 3, times
        for _ in range(300):  # uvicorn warns of each: once a minute now
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as bad:
                bad.sendall(b"NOT HTTP AT ALL\r\n\r\n")
                bad.recv(1024)
        # past --header-timeout the partial heads are closed (the oldest ones went first)
        time.sleep(6)
        closed = 0
        for sock in held[-200:]:
            sock.settimeout(0.01)
            try:
                closed += sock.recv(1) == b""
            except (TimeoutError, ConnectionResetError):
                closed += isinstance(sys.exc_info()[1], ConnectionResetError)
        assert closed == 200, closed
        assert server.get("/feed.rss?country=KZ")[0] == 200
    finally:
        for sock in held:
            sock.close()
    log = server.log.read_text(errors="replace")
    grown = server.log.stat().st_size - before
    assert grown < 4096, log[-3000:]
    assert "Too many open files" not in log
    assert "at most 648 connections" in log  # 1024 less three backlogs and the store's files
    lines = [line for line in log.splitlines() if line.startswith("closed ")]
    assert 1 <= len(lines) <= 3, lines
    assert log.count("Invalid HTTP request received") == 1, log[-3000:]


def test_a_slow_client_is_timed_out_however_it_trickles(serve):
    """A request head trickled one byte a second does not keep its connection open past
    --header-timeout; neither does an idle connection."""
    server = serve("--header-timeout", "2")
    trickle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    idle = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    began = time.monotonic()
    try:
        for byte in b"GET /feed.rss HTTP/1.1\r\nHost: x\r\n":
            trickle.sendall(bytes([byte]))
            time.sleep(0.5)
            if time.monotonic() - began > 8:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    took = time.monotonic() - began
    assert took < 4, f"still open after {took:.1f} s"
    assert idle.recv(1) == b""
    trickle.close()
    idle.close()


def test_an_answer_left_unread_is_dropped(db, caplog):
    """A client that asks for feeds and reads nothing holds the server's buffers only
    for send_timeout (here 1 s; 30 s by default)."""
    sock = listen("127.0.0.1", 0, 16)
    server = make_server(create_app(db, load_config()), Limits(send_timeout=1.0), log_level="error")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    client = socket.socket()
    try:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        client.connect(sock.getsockname())
        # 30 answers of 365 KB asked for at once (pipelined), none read
        client.sendall(b"GET /feed.json?limit=500 HTTP/1.1\r\nHost: x\r\n\r\n" * 30)
        began = time.monotonic()
        while "left its answer unread for 1 s" not in caplog.text:
            assert time.monotonic() < began + 10, "the connection is still open"
            time.sleep(0.1)
        assert 1 < time.monotonic() - began < 5
        assert not server.config.http_protocol_class.guard.open
        received = 0
        client.settimeout(5)
        try:
            while chunk := client.recv(1 << 16):
                received += len(chunk)
        except ConnectionResetError:
            pass
        assert received < 30 * 300_000
    finally:
        client.close()
        server.should_exit = True
        thread.join(10)


def test_the_log_says_each_kind_of_trouble_once_per_interval():
    throttle = _Throttle(interval=60)
    said = []
    for number in range(1000):
        record = logging.LogRecord("diplofeed.serve", logging.WARNING, __file__, 1,
                                   "closed %d", (5,), None)  # fmt: skip
        if throttle.filter(record):
            said.append(record.getMessage())
        info = logging.LogRecord("diplofeed.serve", logging.INFO, __file__, 1, "400 %s",
                                 (number,), None)  # fmt: skip
        assert throttle.filter(info)  # one line a request, as the access log
    assert said == ["closed 5"]
    throttle.kinds[("diplofeed.serve", "closed %d", "(5,)")] = (time.monotonic() - 61, 999)
    record = logging.LogRecord("diplofeed.serve", logging.WARNING, __file__, 1, "closed %d",
                               (5,), None)  # fmt: skip
    assert throttle.filter(record)
    assert record.getMessage() == "closed 5 (and 999 more since this was last logged)"


def test_the_open_file_limit_is_raised_or_the_connections_lowered():
    """Connections must fit in ``ulimit -n``: the soft limit is raised towards the hard
    one; when the hard one is too low, there are fewer connections."""
    script = (
        "import resource\n"
        "from feeds.server import Limits\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (1024, {hard}))\n"
        "limits = Limits().fitted()\n"
        "print(limits.max_connections, limits.backlog, "
        "resource.getrlimit(resource.RLIMIT_NOFILE)[0])\n"
    )
    seen = []
    for hard in (4096, 1024):
        done = subprocess.run(
            [sys.executable, "-c", script.format(hard=hard)],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        seen.append(done.stdout.split())
    # 1000 connections, three bursts of 256 accepted at once, the server's own files
    assert seen == [["1000", "256", str(1000 + 3 * 256 + 184)], ["648", "64", "1024"]]


def test_a_port_in_use_is_exit_7_with_one_line(db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--db", str(db), "--port", str(port), timeout=60)
    assert result.returncode == 7, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert errors == [f"Error: port {port} on 127.0.0.1 is already in use"], result.stderr
    assert "Traceback" not in result.stderr
