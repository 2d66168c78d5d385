"""The store where it cannot be written, on a full disk, or damaged (issue #12): the
commands that only read still work, and every other case is one line with its exit code
(docs/cli.md, docs/reliability.md), never a traceback."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from diplofeed.errors import EXIT_OUTPUT, EXIT_STORE

from .conftest import ROOT, run_cli

NO_WRITE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]


def _clean_copy(db: Path, folder: Path) -> Path:
    """A copy of a store as a cleanly closed one is: no -wal or -shm beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / "store.db"
    source = sqlite3.connect(db)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    assert not Path(f"{copy}-wal").exists()
    return copy


@contextmanager
def mounted(*args: str):
    """Run ``mount ARGS``, unmounting at the end; skip where mounting is not allowed."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("needs root to mount")
    result = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        pytest.skip(f"mount not allowed here: {result.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", args[-1]], check=False)


@pytest.fixture
def read_only_store(tmp_path, demo):
    source = _clean_copy(demo.db, tmp_path / "src")
    view = tmp_path / "ro"
    view.mkdir()
    with mounted("--bind", str(source.parent), str(view)):
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        with pytest.raises(OSError):
            (view / "probe").write_text("x")
        yield view / "store.db"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get_when_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited {proc.returncode}: {proc.stderr.read()!r}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return int(answer.status)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def _served_status(prefix: list[str], command: list[str], url_path: str) -> int:
    port = _free_port()
    proc = subprocess.Popen(
        [*prefix, sys.executable, "-m", "diplofeed", *command, "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        return _get_when_up(f"http://127.0.0.1:{port}{url_path}", proc)
    finally:
        proc.terminate()
        proc.wait(10)


def _read_commands(db: Path, out: Path, prefix: list[str]) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*prefix, sys.executable, "-m", "diplofeed", *args],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    found = run("search", "Казахстан", "--db", str(db), "--json")
    assert found.returncode == 0, found.stderr
    assert '"url"' in found.stdout
    listed = run("sources", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    assert "mfa_kz" in listed.stdout
    checked = run("sources", "--check", "--db", str(db))
    assert checked.returncode == 0, checked.stderr
    assert "\nok: " in "\n" + checked.stdout
    assert "not checked" in checked.stdout  # the index's check needs a store it may write
    built = run("feeds", "build", "--db", str(db), "--out", str(out))
    assert built.returncode == 0, built.stderr
    assert (out / "all.rss").stat().st_size > 1000
    assert _served_status(prefix, ["serve", "--db", str(db)], "/feed.rss") == 200
    assert _served_status(prefix, ["browse", "--db", str(db)], "/-/versions.json") == 200


def test_read_only_commands_work_on_a_read_only_mount(read_only_store, tmp_path):
    _read_commands(read_only_store, tmp_path / "feeds", [])
    assert not Path(f"{read_only_store}-wal").exists()


def test_read_only_commands_work_for_a_user_who_cannot_write_the_store(tmp_path, demo):
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root and setpriv to drop the right to override permissions")
    db = _clean_copy(demo.db, tmp_path / "theirs")
    db.chmod(0o444)
    db.parent.chmod(0o555)
    out = tmp_path / "mine"
    try:
        probe = subprocess.run([*NO_WRITE, "touch", str(db.parent / "x")], check=False)
        assert probe.returncode != 0  # really cannot write there
        _read_commands(db, out, NO_WRITE)
    finally:
        db.parent.chmod(0o755)


@pytest.fixture
def full_disk(tmp_path, demo):
    """A small file system holding a store, then filled to the last byte."""
    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted("-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)):
        db = _clean_copy(demo.db, disk / "store")
        Path(f"{db}.lock").touch()
        fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        for size in (65536, 1):  # large blocks, then the last bytes
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
        os.close(fd)
        yield db


def _one_line_error(result: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    assert words in errors[0], errors[0]


def test_a_full_disk_is_one_line_with_its_exit_code(full_disk, tmp_path, demo):
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        "".join(
            f'{{"url": "https://a.example/{n}", "title": "Визит {n}", "body": "{"Текст. " * 400}"}}\n'
            for n in range(300)
        )
    )
    imported = run_cli("import", str(lines), "--db", str(full_disk), "--workers", "0")
    _one_line_error(imported, EXIT_STORE, "full")
    read = run_cli("feeds", "build", "--db", str(full_disk), "--out", str(tmp_path / "f"))
    if read.returncode:  # reading may need room for SQLite's WAL index
        _one_line_error(read, EXIT_STORE, "full")
    built = run_cli("feeds", "build", "--db", str(demo.db), "--out", str(full_disk.parent / "f"))
    _one_line_error(built, EXIT_OUTPUT, "full")
    crawled = run_cli("crawl", "--db", str(full_disk), "--source", "kabar", "--replay")
    _one_line_error(crawled, EXIT_STORE, "full")


def test_an_output_that_cannot_be_written_is_exit_7(demo, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    built = run_cli("feeds", "build", "--db", str(demo.db), "--out", str(blocker / "feeds"))
    _one_line_error(built, EXIT_OUTPUT, "cannot write the feeds")


@pytest.fixture
def damaged_store(tmp_path, demo):
    db = _clean_copy(demo.db, tmp_path / "damaged")
    conn = sqlite3.connect(db)
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    # leaf pages of the articles table (their text)
    leaves = [
        r[0]
        for r in conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'articles' AND pagetype = 'leaf' "
            "ORDER BY pageno"
        )
    ]
    conn.close()
    with open(db, "r+b") as fh:
        for page in leaves[1::4]:  # every fourth: the newest articles' too
            fh.seek((page - 1) * page_size + 8)
            fh.write(b"\xff" * (page_size - 16))
    return db


def test_a_damaged_store_is_found_by_sources_check_and_is_one_line_everywhere(
    damaged_store, tmp_path
):
    checked = run_cli("sources", "--check", "--db", str(damaged_store))
    assert checked.returncode == EXIT_STORE, checked.stdout + checked.stderr
    assert "Traceback" not in checked.stderr
    # the problems one a line, or, when the damage stops the store opening, that line
    assert "damaged" in checked.stderr
    lines = tmp_path / "lines.jsonl"
    lines.write_text(
        "".join(
            f'{{"url": "https://a.example/{n}", "title": "Визит {n}", "body": "Текст {n}."}}\n'
            for n in range(50)
        )
    )
    for args in (
        ["import", str(lines), "--db", str(damaged_store), "--workers", "0"],
        ["search", "Казахстан", "--db", str(damaged_store)],
        ["feeds", "build", "--db", str(damaged_store), "--out", str(tmp_path / "f")],
    ):
        result = run_cli(*args)
        assert "Traceback" not in result.stderr, (args, result.stderr)
        if result.returncode != 0:  # the damaged page may not be on this command's path
            _one_line_error(result, EXIT_STORE, "damaged")


def test_the_feed_server_answers_503_not_500_on_a_damaged_store(damaged_store):
    from starlette.testclient import TestClient

    from feeds.server import create_app

    with TestClient(create_app(damaged_store), raise_server_exceptions=False) as client:
        statuses = {
            path: client.get(path).status_code
            for path in ("/feed.rss", "/feed.atom", "/feeds/all.rss", "/feed.json?q=Kazakhstan")
        }
    assert set(statuses.values()) <= {200, 503}, statuses
    assert 503 in statuses.values()  # the damaged page is on the feeds' path


def test_writing_to_a_store_on_a_read_only_mount_is_one_line_exit_6(read_only_store, tmp_path):
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"url": "https://a.example/1", "title": "Визит", "body": "Текст."}\n')
    imported = run_cli("import", str(lines), "--db", str(read_only_store), "--workers", "0")
    _one_line_error(imported, EXIT_STORE, "read-only")
    crawled = run_cli("crawl", "--db", str(read_only_store), "--source", "kabar", "--replay")
    _one_line_error(crawled, EXIT_STORE, "read-only")


def test_sources_check_runs_the_full_text_index_check(demo, tmp_path):
    db = _clean_copy(demo.db, tmp_path / "fts")
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM articles_fts_data WHERE id = (SELECT max(id) FROM articles_fts_data)")
    conn.commit()
    conn.close()
    checked = run_cli("sources", "--check", "--db", str(db))
    assert checked.returncode == EXIT_STORE, checked.stdout + checked.stderr
    assert "full-text index" in checked.stdout


def test_a_server_on_a_read_only_mount_sees_what_a_writer_adds_later(read_only_store, tmp_path):
    """The store was opened immutable (no writer had it open); a writer then adds an
    article through a writable path: the server reads the store afresh."""
    from starlette.testclient import TestClient

    from feeds.server import create_app
    from storage import Store

    writable_path = read_only_store.parent.parent / "src" / "store.db"
    with TestClient(create_app(read_only_store, cache_size=0)) as client:
        before = client.get("/feed.json", params={"q": "Zzzmarker"}).json()["items"]
        with Store(writable_path) as store:
            store.save_article(
                {
                    "source": "kabar",
                    "url": "https://kabar.kg/eng/news/zzzmarker/",
                    "title": "Kyrgyzstan and Kazakhstan Zzzmarker talks",
                    "body": "The foreign ministers of Kyrgyzstan and Kazakhstan held talks "
                    "on Zzzmarker in Bishkek.",
                    "language": "en",
                    "published": "2026-11-27T06:00:00+00:00",
                }
            )
        after = client.get("/feed.json", params={"q": "Zzzmarker"}).json()["items"]
    assert before == [] and len(after) == 1
