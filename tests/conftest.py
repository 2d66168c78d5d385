"""Shared fixtures: stores, the replay archive, the registry, and a CLI runner."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.registry import load_registry
from crawler.replay import ReplayArchive
from storage import Store

ROOT = Path(__file__).resolve().parents[1]
TESTDATA = Path(__file__).with_name("data")
# The crawl time used by extraction tests: relative dates resolve against it.
FIXED_NOW = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)


def data_path(*parts: str) -> Path:
    return TESTDATA.joinpath(*parts)


@pytest.fixture(scope="session")
def registry():
    return load_registry()


@pytest.fixture(scope="session")
def archive():
    return ReplayArchive.load()


@pytest.fixture
def fresh_store():
    store = Store(":memory:")
    yield store
    store.close()


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "diplofeed.db"


def run_cli(
    *args: str,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    input_text: str | None = None,
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """Run ``diplofeed ARGS`` in a fresh process (each crawl needs its own reactor)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "diplofeed", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        input=input_text,
        timeout=timeout,
        check=False,
    )


def crawl_replay(
    replay_url: str,
    db: Path,
    *args: str,
    as_of: str | None = None,
    registry: Path | None = None,
    log_level: str = "WARNING",
    timeout: float = 300,
) -> subprocess.CompletedProcess[str]:
    """``diplofeed crawl`` of the replay server at ``replay_url`` into ``db``; ``args``
    adds options (``--source ID``), ``registry`` another registry file."""
    options = ["--as-of", as_of] if as_of else []
    return run_cli(
        "crawl", "--db", str(db), "--replay-url", replay_url, "--log-level", log_level,
        *options, *args,
        env={"DIPLOFEED_REGISTRY": str(registry)} if registry else None,
        timeout=timeout,
    )  # fmt: skip


@contextmanager
def serving(archive: ReplayArchive) -> Iterator[tuple[str, int]]:
    """The replay server answering from ``archive`` in a thread; yields its address."""
    from crawler.replay.server import make_server

    srv = make_server(archive)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_address[0], int(srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """``diplofeed demo`` run once: a real crawl of the replay copies into a store, and
    the static feeds built from it (shared by the crawl, reader and server tests)."""
    folder = tmp_path_factory.mktemp("demo")
    db, out = folder / "demo.db", folder / "feeds"
    result = run_cli("demo", "--db", str(db), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    return SimpleNamespace(db=db, out=out, stdout=result.stdout, folder=folder)


def store_rows(db, sql, params=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def feed_files(folder, suffixes):
    """The article feeds of a static build (not the health and changes feeds)."""
    return sorted(
        p
        for p in Path(folder).iterdir()
        if p.suffix in suffixes and p.stem not in ("health", "changes")
    )


def newsboat_reload(newsboat: str, url: str, home: Path) -> list[tuple[str, str, str, int]]:
    """Point newsboat at one feed URL with a cache of its own (it keys items by GUID
    across all feeds of a cache), reload once, and return what it stored: (guid, title,
    url, pubDate) of each item. Fails on any error newsboat logged."""
    home.mkdir(parents=True)
    (home / "urls").write_text(url + "\n")
    (home / "config").write_text("auto-reload no\n")
    subprocess.run(
        [
            newsboat,
            "-u",
            str(home / "urls"),
            "-c",
            str(home / "cache.db"),
            "-C",
            str(home / "config"),
            "-x",
            "reload",
            "-l",
            "3",
            "-d",
            str(home / "log"),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        timeout=120,
        check=False,
    )
    log = (home / "log").read_text(errors="replace") if (home / "log").exists() else ""
    assert "USERERROR" not in log, f"{url}: {log[-2000:]}"
    conn = sqlite3.connect(home / "cache.db")
    try:
        return conn.execute("SELECT guid, title, url, pubDate FROM rss_item").fetchall()
    finally:
        conn.close()


def newsboat_import_reload(newsboat: str, opml: Path, home: Path) -> list[tuple[str, str]]:
    """Import an OPML file into newsboat as a user does (``newsboat -i``), reload every
    feed once into one cache, and return what it stored: (feed URL, GUID) of each item.
    Fails on any error newsboat logged."""
    home.mkdir(parents=True)
    urls, config, cache = home / "urls", home / "config", home / "cache.db"
    urls.write_text("")
    config.write_text("auto-reload no\n")
    base = [newsboat, "-u", str(urls), "-c", str(cache), "-C", str(config)]
    env = {**os.environ, "HOME": str(home)}
    for args in (["-i", str(opml)], ["-x", "reload", "-l", "3", "-d", str(home / "log")]):
        subprocess.run([*base, *args], env=env, capture_output=True, timeout=300, check=False)
    log = (home / "log").read_text(errors="replace") if (home / "log").exists() else ""
    assert "USERERROR" not in log, f"{opml}: {log[-2000:]}"
    assert urls.read_text().strip(), f"newsboat imported no feed from {opml}"
    conn = sqlite3.connect(cache)
    try:
        return conn.execute("SELECT feedurl, guid FROM rss_item").fetchall()
    finally:
        conn.close()


@contextmanager
def live_server(app) -> Iterator[str]:
    """An ASGI app as users run it: uvicorn in a thread, on a free port of 127.0.0.1;
    yields its address."""
    import socket
    import time

    import uvicorn

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# -- Redis (scale-out) ------------------------------------------------------------------

REDIS_SERVER = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server on a free port for the session (skipped where none is
    installed, unless DIPLOFEED_REQUIRE_REDIS is set)."""
    import redis

    if REDIS_SERVER is None:
        if os.environ.get("DIPLOFEED_REQUIRE_REDIS"):
            pytest.fail("redis-server is required (DIPLOFEED_REQUIRE_REDIS is set)")
        pytest.skip("redis-server not installed (.ci/run installs it)")
    folder = tmp_path_factory.mktemp("redis")
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_client(redis_url):
    """A client of the session's Redis, emptied before and after the test."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.flushdb()


def component_crawler(source: str = "kabar", now: datetime = FIXED_NOW, **settings):
    """A Scrapy crawler of one registry source's spider, the spider made but not started,
    for in-process tests of the project's Scrapy components (Scrapy's ``get_crawler``):
    ``settings`` are its only settings beside the crawl clock, ``DIPLOFEED_AS_OF``."""
    from scrapy.utils.test import get_crawler

    from crawler.spiderloader import spider_class_for
    from storage import format_utc

    spider_class = spider_class_for(load_registry()[source])
    crawler = get_crawler(spider_class, {"DIPLOFEED_AS_OF": format_utc(now), **settings})
    crawler.spider = crawler._create_spider()
    return crawler
