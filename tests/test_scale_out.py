"""Scale-out (issue #7, docs/scale-out.md): two crawler processes share one crawl through
a real redis-server (scrapy-redis's queue and duplicate filter), and `diplofeed writer`
is the one process writing the store. Real Scrapy engines fetch from one replay server,
whose access log shows what was fetched, and by how many."""

from __future__ import annotations

import collections
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from crawler.replay import ReplayArchive, ReplayServer

from .conftest import REDIS_SERVER, ROOT, free_port, run_cli, store_rows

pytestmark = pytest.mark.crawl

if REDIS_SERVER is None:
    if os.environ.get("DIPLOFEED_REQUIRE_REDIS"):
        pytest.fail("redis-server is required (DIPLOFEED_REQUIRE_REDIS is set)")
    pytest.skip("redis-server not installed (.ci/run installs it)", allow_module_level=True)


@pytest.fixture(scope="module")
def replay(tmp_path_factory):
    log = tmp_path_factory.mktemp("replay") / "access.log"
    # 150 ms an answer, as a real server: a crawl lasts longer than the workers'
    # start-up skew, so that there is work to share
    with ReplayServer(access_log=log, latency=0.15) as server:
        yield SimpleNamespace(url=server.url, log=log)


RECORDED = ReplayArchive.load().recorded


def worker(redis_url, replay, *extra, as_of=RECORDED, env=None):
    """Start one `diplofeed crawl --redis` worker process."""
    return subprocess.Popen(
        [sys.executable, "-m", "diplofeed", "crawl", "--redis", redis_url,
         "--replay-url", replay.url, "--as-of", as_of.isoformat(),
         "--log-level", "WARNING", *extra],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def worker_midway(redis_url, replay, fetched):
    """A worker with a 2 s heartbeat, once the replay server has answered ``fetched``
    requests (mid-crawl)."""
    replay.log.write_text("")
    proc = worker(redis_url, replay, env={"DIPLOFEED_REDIS_HEARTBEAT": "2"})
    deadline = time.monotonic() + 60
    while len(fetches(replay.log)) < fetched and time.monotonic() < deadline:
        time.sleep(0.05)
    return proc


def finish(proc, timeout=300):
    out, err = proc.communicate(timeout=timeout)
    return SimpleNamespace(returncode=proc.returncode, stdout=out, stderr=err)


def pages_done(stdout: str) -> int:
    return sum(int(n) for n in re.findall(r"pages=(\d+)", stdout))


def fetches(log: Path) -> list[str]:
    return log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def stored_urls(db) -> set[str]:
    return {r["canonical_url"] for r in store_rows(db, "SELECT canonical_url FROM articles")}


def fetched_twice(fetched: list[str]) -> list[str]:
    """Copies (URL, and language when asked) requested more than once, whatever the
    answers (a 200 then a 304 is two fetches)."""
    copies = collections.Counter(line.split(" ", 1)[1] for line in fetched)
    return [copy for copy, n in copies.items() if n > 1]


def shared_crawl(redis_url, replay, as_of=RECORDED):
    replay.log.write_text("")
    procs = [worker(redis_url, replay, as_of=as_of) for _ in range(2)]
    workers = [finish(p) for p in procs]
    return workers, fetches(replay.log)


# What an item writes, in an order that does not depend on which worker fetched what
# (ids and story ids do: the writer receives the items in another order).
STORED_ROWS = (
    (
        "SELECT source, url, canonical_url, title, body, body_html, summary, language, "
        "published, published_from, date_flag, claimed_published, author, image, body_hash, "
        "content_hash, first_seen, last_seen, relevant, relevance, countries, topics, "
        "tagged_event_type, published_precision, published_day FROM articles ORDER BY canonical_url"
    ),
    (
        "SELECT x.canonical_url, a.canonical_url article FROM article_aliases x "
        "JOIN articles a ON a.id = x.article_id ORDER BY x.canonical_url"
    ),
    "SELECT canonical_url, etag, last_modified, seen FROM http_validators ORDER BY canonical_url",
    (
        "SELECT source, url, kind, status, message FROM crawl_failures "
        "WHERE run_id = 1 ORDER BY source, url, kind, message"
    ),
)


def write(db, redis_url, *extra):
    return run_cli("writer", "--drain", "--db", str(db), "--redis", redis_url, *extra)


def test_two_workers_share_a_crawl_fetch_no_page_twice_and_one_writer_stores_it(
    demo, redis_client, redis_url, replay, tmp_path, capsys
):
    workers, fetched = shared_crawl(redis_url, replay)
    for result in workers:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "worker of round" in result.stdout
    # the work was shared: each worker fetched a part of the pages (how much depends on
    # how far apart the two processes started on a loaded machine)
    shares = [pages_done(r.stdout) for r in workers]
    with capsys.disabled():
        print(f"\nshared crawl: the two workers fetched {shares[0]} and {shares[1]} pages")
    assert all(share > 0.05 * sum(shares) for share in shares), shares

    # no page fetched twice, robots.txt included (a copy is a URL and, for the
    # Kazakh MFA's API, a language)
    assert not fetched_twice(fetched)

    db = tmp_path / "shared.db"
    written = write(db, redis_url)
    assert written.returncode == 0, written.stdout + written.stderr
    assert re.search(r"run 1 \(round \S+\): finished", written.stdout)

    # the shared crawl stored what one process stores (the demo's crawl), row for row:
    # both write each item through crawler/storing.py's store_item
    urls = stored_urls(db)
    assert urls == stored_urls(demo.db)
    for sql in STORED_ROWS:
        assert store_rows(db, sql) == store_rows(demo.db, sql), sql
    figures = (
        "SELECT source, pages, articles, new, failed, status FROM crawl_source_stats "
        "WHERE run_id = 1 ORDER BY source"  # the demo store's first run is the demo's crawl
    )
    assert store_rows(db, figures) == store_rows(demo.db, figures)
    # the pages the replay server answered (robots.txt and redirects aside) are the
    # pages the workers counted
    redirects = ("301 ", "302 ", "303 ", "307 ", "308 ")
    answered = [f for f in fetched if not f.startswith(redirects) and "/robots.txt" not in f]
    assert sum(shares) == len(answered)
    run = store_rows(db, "SELECT status, sources, replay FROM crawl_runs")[0]
    assert run["status"] == "finished" and run["replay"] == 1
    assert run["sources"].count('"') == 2 * 23

    # Redis keeps the mirror of the stored pages for the next crawl, a week's marker of
    # the ended round (its end is written once) and each host's robots.txt for a day;
    # no crawl state
    keys = sorted(k.decode() for k in redis_client.keys("*"))
    robots = [k for k in keys if k.startswith("diplofeed:robots:")]
    assert robots and all(0 < redis_client.ttl(k) <= 86400 for k in robots)
    assert not [k for k in robots if k.endswith(":claim")]
    keys = [k for k in keys if k not in robots]
    assert keys[1:] == ["diplofeed:known", "diplofeed:known:store"], keys
    assert keys[0].startswith("diplofeed:ended:") and redis_client.ttl(keys[0]) > 6 * 86400
    aliases = store_rows(db, "SELECT count(*) n FROM article_aliases")[0]["n"]
    assert aliases > 0  # UNRCCA's /node/ link redirected to its post
    assert redis_client.hlen("diplofeed:known") == len(urls) + aliases

    # a re-crawl by the workers three days later, nothing new: listings only
    workers, fetched = shared_crawl(redis_url, replay, as_of=RECORDED + timedelta(days=3))
    assert all(r.returncode == 0 for r in workers), [r.stderr[-2000:] for r in workers]
    assert not fetched_twice(fetched)
    written = write(db, redis_url)
    assert written.returncode == 0, written.stdout + written.stderr
    first, again = (
        store_rows(
            db,
            "SELECT sum(pages) p, sum(known) k, sum(new) n FROM crawl_source_stats WHERE run_id = ?",
            (run_id,),
        )[0]
        for run_id in (1, 2)
    )
    assert again["n"] == 0 and again["k"] > 0
    local = store_rows(demo.db, "SELECT sum(pages) p FROM crawl_source_stats WHERE run_id = 1")[0]
    assert first["p"] == local["p"]
    assert again["p"] < 0.35 * first["p"]


def test_a_killed_worker_is_counted_out_and_the_next_crawl_completes(
    demo, redis_client, redis_url, replay, tmp_path
):
    doomed = worker_midway(redis_url, replay, fetched=60)
    doomed.send_signal(signal.SIGKILL)
    doomed.communicate()
    assert redis_client.get("diplofeed:round") is not None  # left open by the dead worker
    time.sleep(2.5)  # its heartbeat expires

    result = finish(worker(redis_url, replay))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "none of its workers was alive" in result.stderr
    # the dead worker's claims on robots.txt fetches were taken over, not waited out
    assert not redis_client.keys("diplofeed:robots:*:claim")

    db = tmp_path / "after-kill.db"
    written = write(db, redis_url)
    # the killed worker's round is a run whose sources yielded nothing: exit 3
    assert written.returncode == 3, written.stdout + written.stderr
    assert re.search(r"run 1 \(round \S+\): interrupted", written.stdout)
    assert re.search(r"run 2 \(round \S+\): finished", written.stdout)
    runs = store_rows(db, "SELECT id, status FROM crawl_runs ORDER BY id")
    assert [r["status"] for r in runs] == ["interrupted", "finished"]
    assert store_rows(db, "PRAGMA integrity_check")[0]["integrity_check"] == "ok"
    urls = stored_urls(db)
    assert urls == stored_urls(demo.db)


def test_one_writer_at_a_time_and_a_clear_error_without_redis(redis_client, redis_url, tmp_path):
    db = tmp_path / "one.db"
    first = subprocess.Popen(
        [sys.executable, "-m", "diplofeed", "writer", "--db", str(db), "--redis", redis_url],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while redis_client.get("diplofeed:writer") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        second = write(tmp_path / "other.db", redis_url)
        assert second.returncode == 5
        assert "another writer" in second.stderr
        # the writer holds the store's lock too: a local crawl into it exits 5 at once
        local = run_cli("crawl", "--replay", "--source", "kabar", "--db", str(db))
        assert local.returncode == 5, local.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        _, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert redis_client.get("diplofeed:writer") is None

    port = free_port()  # nothing listens there
    gone = run_cli("crawl", "--redis", f"redis://127.0.0.1:{port}/0", "--replay")
    assert gone.returncode == 1
    assert "cannot reach Redis" in gone.stderr and "Traceback" not in gone.stderr
    gone = write(tmp_path / "x.db", f"redis://127.0.0.1:{port}/0")
    assert gone.returncode == 1 and "cannot reach Redis" in gone.stderr


def test_scrapy_crawl_joins_a_shared_crawl(redis_client, redis_url, replay, tmp_path):
    """The Scrapy convention still works: `scrapy crawl <id>` with the Redis URL set is a
    worker; the writer stores what it found."""
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "kabar", "-s", f"DIPLOFEED_REDIS_URL={redis_url}",
         "-s", f"DIPLOFEED_REPLAY_URL={replay.url}", "-s", "LOG_LEVEL=WARNING",
         "-s", f"DIPLOFEED_AS_OF={RECORDED.isoformat()}"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT),
             "DIPLOFEED_REPLAY_URL": replay.url},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    db = tmp_path / "scrapy.db"
    written = write(db, redis_url)
    assert written.returncode == 0, written.stdout + written.stderr
    rows = store_rows(db, "SELECT source, articles, new, status FROM crawl_source_stats")
    assert rows == [{"source": "kabar", "articles": 10, "new": 10, "status": "ok"}]


def test_a_stalled_worker_counted_out_stops_and_what_it_sent_is_kept(
    demo, redis_client, redis_url, replay, tmp_path
):
    """A worker stopped (SIGSTOP) for longer than its heartbeat is counted out: the next
    worker ends its round and crawls in a new one. Resumed, the stalled worker finds it
    was counted out and stops; the articles it still sends are stored, its figures do
    not touch the recorded run, and no key of either round is left behind."""
    stalled = worker_midway(redis_url, replay, fetched=40)
    deadline = time.monotonic() + 60
    stalled.send_signal(signal.SIGSTOP)
    first_round = redis_client.get("diplofeed:round")
    time.sleep(2.5)
    other = worker(redis_url, replay)
    while redis_client.get("diplofeed:round") in (first_round, None):
        assert time.monotonic() < deadline + 60, "the new worker did not start a round"
        time.sleep(0.05)
    stalled.send_signal(signal.SIGCONT)
    late, on_time = finish(stalled), finish(other)
    assert on_time.returncode == 0, on_time.stderr[-3000:]
    assert late.returncode == 0, late.stderr[-3000:]
    assert "was counted out" in late.stderr

    db = tmp_path / "stalled.db"
    written = write(db, redis_url)
    assert written.returncode == 3, written.stdout + written.stderr  # one run interrupted
    runs = store_rows(db, "SELECT status FROM crawl_runs ORDER BY id")
    assert [r["status"] for r in runs] == ["interrupted", "finished"]
    urls = stored_urls(db)
    assert urls == stored_urls(demo.db)
    left = sorted(k.decode() for k in redis_client.keys("*"))
    assert [k for k in left if k.startswith(("diplofeed:round", "diplofeed:run:"))] == []
    assert redis_client.hlen("diplofeed:runs") == 0


def test_a_bad_event_is_set_aside_and_a_replayed_end_is_written_once(
    redis_client, redis_url, tmp_path
):
    events = [
        {"event": "join", "round": "r1", "worker": "w", "replay": True, "as_of": None},
        {"event": "article", "round": "r1", "worker": "w", "item": {"source": "kabar"}},
        {"event": "end", "round": "r1", "status": "finished"},
    ]
    redis_client.rpush("diplofeed:events", *[json.dumps(e) for e in events[:2]])
    redis_client.rpush("diplofeed:events", b"\xff not json", json.dumps(events[2]))
    db = tmp_path / "bad.db"
    written = write(db, redis_url)
    assert written.returncode == 0, written.stdout + written.stderr
    assert "run 1 (round r1): finished" in written.stdout
    dead = [json.loads(d) for d in redis_client.lrange("diplofeed:events:dead", 0, -1)]
    assert len(dead) == 2 and all(d["error"] for d in dead)
    # the end event again (a writer killed before dropping it): no second run
    redis_client.rpush("diplofeed:events", json.dumps(events[2]))
    again = write(db, redis_url)
    assert again.returncode == 0, again.stderr
    assert [r["id"] for r in store_rows(db, "SELECT id FROM crawl_runs")] == [1]


def test_a_redis_url_in_the_environment_does_not_make_a_local_crawl_a_worker(tmp_path):
    db = tmp_path / "local.db"
    port = free_port()  # nothing listens there: a worker would fail
    result = run_cli(
        "crawl", "--replay", "--source", "kabar", "--db", str(db),
        env={"DIPLOFEED_REDIS_URL": f"redis://127.0.0.1:{port}/0"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    assert store_rows(db, "SELECT count(*) n FROM articles")[0]["n"] == 10
