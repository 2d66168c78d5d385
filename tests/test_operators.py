"""What an operator sees (issue #17): a quiet crawl with no listening port, progress as
it happens (a live display on a terminal, a line per source as it finishes elsewhere),
and health words that tell the truth and change with the situation.

Real crawls of the replay server in subprocesses, real store files; the health test's
registry and sites are tests/data/health.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler.replay import ReplayServer

from .conftest import ROOT, crawl_replay, data_path, run_cli

pytestmark = pytest.mark.crawl

AS_OF = "2026-11-28T00:00:00+00:00"
HEALTH = data_path("health")


def _listening_inodes() -> set[str]:
    """Inodes of every listening TCP socket on the machine (state 0A in /proc/net/tcp*)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == "0A":
                inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    found = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                found.add(target[8:-1])
    except OSError:
        pass
    return found


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_a_replay_crawl_is_quiet_and_opens_no_listening_port(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "diplofeed", "crawl", "--replay", "--db", str(tmp_path / "q.db")],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    listening_here = set()
    while process.poll() is None:  # the crawl's own sockets (the replay server is another process)
        listening_here |= _socket_inodes(process.pid) & _listening_inodes()
        time.sleep(0.05)
    out, err = process.communicate()
    assert process.returncode == 0, err
    lines = [line for line in (out + err).splitlines() if line.strip()]
    assert len(lines) <= 30, "\n".join(lines)
    repeated = [line for line, n in Counter(lines).items() if n > 1]
    assert not repeated, repeated
    assert not listening_here
    assert "Disabled" not in err and "listening" not in err.lower()


def test_log_level_info_brings_scrapys_log_back(tmp_path):
    result = run_cli(
        "crawl", "--replay", "--source", "kabar", "--db", str(tmp_path / "v.db"),
        "--log-level", "INFO",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "[scrapy.core.engine] INFO: Spider opened" in result.stderr
    assert "Telnet" not in result.stderr and "Remote control" not in result.stderr
    quiet = run_cli("crawl", "--replay", "--source", "kabar", "--db", str(tmp_path / "q.db"))
    assert "INFO" not in quiet.stderr


def test_json_gives_the_run_and_each_sources_health(tmp_path):
    result = run_cli(
        "crawl", "--replay", "--source", "kabar", "--source", "uza",
        "--db", str(tmp_path / "j.db"), "--json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["failed_sources"] == [] and summary["unstored"] == 0
    by_source = {s["source"]: s for s in summary["sources"]}
    assert set(by_source) == {"kabar", "uza"}
    assert by_source["uza"]["status"] == "ok" and by_source["uza"]["new"] > 0
    assert by_source["kabar"]["status_reason"]


def _read_until_exit(fd: int, process_done, timeout: float = 180) -> list[tuple[float, bytes]]:
    """Chunks read from ``fd`` with the time each arrived, until the writer is gone."""
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            if process_done():
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # the pty's other side closed
            break
        if not data:
            break
        chunks.append((time.monotonic(), data))
    return chunks


def test_a_crawl_on_a_terminal_shows_progress_before_it_ends(tmp_path):
    """stdout and stderr on a pseudo-terminal: the live display (sources done, pages,
    articles) is drawn and redrawn while the spiders still run."""
    with ReplayServer(latency=0.15) as replay:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the crawl, on the terminal
            os.chdir(ROOT)
            os.environ["PYTHONPATH"] = str(ROOT)
            os.environ["COLUMNS"] = "200"
            os.execv(
                sys.executable,
                [sys.executable, "-m", "diplofeed", "crawl", "--db", str(tmp_path / "t.db"),
                 "--replay-url", replay.url, "--as-of", AS_OF,
                 "--source", "kabar", "--source", "mfa_uz"],
            )  # fmt: skip
        status: list[int] = []

        def done() -> bool:
            if not status:
                waited, code = os.waitpid(pid, os.WNOHANG)
                if waited:
                    status.append(code)
            return bool(status)

        chunks = _read_until_exit(fd, done)
        while not done():
            time.sleep(0.1)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status[0]) == 0
    text = b"".join(c for _, c in chunks).decode("utf-8", "replace")
    last_line_at = next(t for t, c in reversed(chunks) if b"mfa_uz " in c or b"kabar " in c)
    # frames of the display drawn before the last source's line, with pages counted
    frames = [
        m.group(1) for t, c in chunks if t < last_line_at for m in re.finditer(rb"pages (\d+)", c)
    ]
    assert len(set(frames)) >= 3, text[-2000:]
    assert int(max(frames, key=int)) > 0
    assert re.search(r"0/2\x1b\[0m sources|0/2 sources", text), text[-2000:]
    assert "mfa_uz " in text and "kabar " in text


def test_without_a_terminal_each_source_line_comes_as_it_finishes(tmp_path):
    """A pipe (cron, systemd): no display, and the line of a short source arrives
    seconds before the long one's, not all at the end."""
    with ReplayServer(latency=1.0) as replay:
        process = subprocess.Popen(
            [sys.executable, "-m", "diplofeed", "crawl", "--db", str(tmp_path / "p.db"),
             "--replay-url", replay.url, "--as-of", AS_OF,
             "--source", "kabar", "--source", "mfa_uz"],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        assert process.stdout is not None
        arrivals = {}
        for raw in process.stdout:
            line = raw.decode()
            arrivals[line.split()[0]] = (time.monotonic(), line)
        process.wait(timeout=120)
        ended = time.monotonic()
        err = process.stderr.read().decode() if process.stderr else ""
    assert process.returncode == 0, err
    assert set(arrivals) == {"kabar", "mfa_uz"}
    assert "\x1b[" not in err and "crawling" not in err  # no display drawn into a pipe
    # kabar (3 pages) finishes seconds before mfa_uz (20 pages, 1 s each, a few at a time)
    assert arrivals["mfa_uz"][0] - arrivals["kabar"][0] > 1.5, (arrivals, ended)
    assert ended - arrivals["kabar"][0] > 1.5


def _crawl_health(db: Path, replay_url: str) -> tuple[int, dict]:
    result = crawl_replay(
        replay_url, db, as_of=AS_OF, registry=HEALTH / "sources.toml", timeout=120
    )
    listed = run_cli(
        "sources",
        "--db",
        str(db),
        "--json",
        env={"DIPLOFEED_REGISTRY": str(HEALTH / "sources.toml")},
    )
    assert listed.returncode == 0, listed.stderr
    (row,) = [r for r in json.loads(listed.stdout) if r["id"] == "mfa_health"]
    return result.returncode, row


def _closed_port() -> str:
    import socket

    with socket.socket() as sock:  # a port nobody listens on once this one is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_health_words_follow_the_situation(tmp_path):
    """The same source, crawled four times: its host refusing connections (unreachable),
    answering (ok), answering 403 (blocked), then serving pages with no article
    (broken). Each crawl decides the word and its reason again; `sources` shows the
    last crawl, the last new article and the history."""
    db = tmp_path / "health.db"
    seen = []
    code, row = _crawl_health(db, _closed_port())
    assert code == 3 and row["status"] == "unreachable", row
    assert "refused" in row["status_reason"].lower()
    seen.append(row)
    for site, word, words in [
        ("ok", "ok", "1 new"),
        ("blocked", "blocked", "HTTP 403"),
        ("empty", "broken", "no article found"),
    ]:
        with ReplayServer(sites=[HEALTH / site]) as replay:
            code, row = _crawl_health(db, replay.url)
        assert row["status"] == word, row
        assert words in row["status_reason"], row
        assert code == (0 if word == "ok" else 3)
        seen.append(row)
    reasons = [r["status_reason"] for r in seen]
    assert len(set(reasons)) == 4  # a new reason each time: none left over from before
    last = seen[-1]
    assert [h["status"] for h in last["history"]] == ["broken", "blocked", "ok", "unreachable"]
    assert last["last_crawled"] and last["last_new_article"]
    events = run_cli(
        "sources", "--db", str(db), env={"DIPLOFEED_REGISTRY": str(HEALTH / "sources.toml")}
    )
    assert "broken" in events.stdout


def _on_a_terminal(*args: str) -> tuple[int, str]:
    """``diplofeed ARGS`` with stdout and stderr on a pseudo-terminal: status, output."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.environ["PYTHONPATH"] = str(ROOT)
        os.environ["COLUMNS"] = "200"
        os.execv(sys.executable, [sys.executable, "-m", "diplofeed", *args])
    status: list[int] = []

    def done() -> bool:
        if not status:
            waited, code = os.waitpid(pid, os.WNOHANG)
            if waited:
                status.append(code)
        return bool(status)

    chunks = _read_until_exit(fd, done)
    while not done():
        time.sleep(0.1)
    os.close(fd)
    text = b"".join(c for _, c in chunks).decode("utf-8", "replace")
    return os.waitstatus_to_exitcode(status[0]), text


def test_retag_and_feeds_build_show_progress_on_a_terminal_only(demo, tmp_path):
    import shutil

    db = tmp_path / "copy.db"
    shutil.copy(demo.db, db)
    code, text = _on_a_terminal("retag", "--db", str(db))
    assert code == 0, text
    assert re.search(r"classifying.*\d+/\d+.*articles", text), text[-1000:]
    code, text = _on_a_terminal("feeds", "build", "--db", str(db), "--out", str(tmp_path / "f"))
    assert code == 0, text
    assert re.search(r"building.*\d+/\d+.*feeds", text), text[-1000:]
    piped = run_cli("retag", "--db", str(db))
    assert piped.returncode == 0 and piped.stderr == "", piped.stderr
    assert re.fullmatch(r"\d+ articles classified\n", piped.stdout)


def test_stdout_to_a_file_keeps_the_lines_while_the_terminal_shows_progress(tmp_path):
    """`diplofeed crawl > out.txt` at a terminal: the display on the terminal (stderr),
    every source's line in the file."""
    out_file = tmp_path / "out.txt"
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.environ["PYTHONPATH"] = str(ROOT)
        os.dup2(os.open(out_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
        os.execv(
            sys.executable,
            [sys.executable, "-m", "diplofeed", "crawl", "--replay", "--db", str(tmp_path / "f.db"),
             "--source", "kabar"],
        )  # fmt: skip
    status: list[int] = []

    def done() -> bool:
        if not status:
            waited, code = os.waitpid(pid, os.WNOHANG)
            if waited:
                status.append(code)
        return bool(status)

    terminal = b"".join(c for _, c in _read_until_exit(fd, done))
    while not done():
        time.sleep(0.1)
    os.close(fd)
    assert os.waitstatus_to_exitcode(status[0]) == 0, terminal
    assert b"crawling" in terminal and b"kabar " not in terminal
    assert out_file.read_text().startswith("kabar ")
