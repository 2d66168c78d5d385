"""The replay archive and server (issue #2; format in docs/replay.md)."""

from __future__ import annotations

import http.client

import pytest

from crawler.replay import ReplayArchive, ReplayServer
from crawler.replay.archive import RecordedResponse
from crawler.replay.server import REPLAY_HEADER
from diplofeed.errors import ReplayError

from .conftest import serving


def test_bundled_archive_loads_and_covers_every_source(archive, registry):
    urls = archive.urls()
    for source in registry.values():
        for start in source.start_urls:
            assert archive.lookup(start, {"accept-language": (source.api_languages or ("",))[0]}), (
                start
            )
    assert len(urls) > 40


def test_lookup_by_request_header_and_sorted_query(archive):
    url = (
        "https://www.gov.kz/api/v1/public/content-manager/news?"
        "sort-by=created_date:DESC&page=1&size=5&projects=eq:mfa"
    )
    reordered = (
        "https://www.gov.kz/api/v1/public/content-manager/news?"
        "projects=eq:mfa&size=5&page=1&sort-by=created_date:DESC"
    )
    en = archive.lookup(reordered, {"Accept-Language": "en"})
    ru = archive.lookup(url, {"Accept-Language": "ru"})
    assert en and ru and en.body != ru.body
    assert archive.lookup(url, {}) is None  # every copy of it demands a language


def test_duplicate_recording_is_an_error():
    one = RecordedResponse(url="https://x.kz/a", origin="a.toml")
    with pytest.raises(ReplayError, match="recorded twice"):
        ReplayArchive([one, RecordedResponse(url="https://x.kz/a#frag", origin="b.toml")])


def test_manifest_errors_are_reported(tmp_path):
    (tmp_path / "responses.toml").write_text(
        '[[response]]\nurl = "https://x.kz/"\nfile = "../../etc/passwd"\n'
    )
    with pytest.raises(ReplayError, match="outside"):
        ReplayArchive.load([tmp_path])
    (tmp_path / "responses.toml").write_text('[[response]]\nurl = "https://x.kz/"\nstatuz = 200\n')
    with pytest.raises(ReplayError, match="unknown keys"):
        ReplayArchive.load([tmp_path])


@pytest.fixture(scope="module")
def server():
    archive = ReplayArchive(
        [
            RecordedResponse(
                url="https://kt.kz/a",
                body=b"hello",
                headers={
                    "Content-Type": "text/html",
                    "ETag": '"v1"',
                    "Last-Modified": "Thu, 26 Nov 2026 09:12:00 GMT",
                },
            ),
            RecordedResponse(
                url="http://kt.kz/a", status=301, headers={"Location": "https://kt.kz/a"}
            ),
        ]
    )
    with serving(archive) as address:
        yield address


def get(address, headers=None, path="/replay"):
    conn = http.client.HTTPConnection(*address, timeout=5)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def test_server_answers_by_real_url_with_headers(server):
    status, headers, body = get(server, {REPLAY_HEADER: "https://kt.kz/a"})
    assert (status, body, headers["ETag"]) == (200, b"hello", '"v1"')


def test_server_as_http_proxy_with_absolute_target(server):
    status, headers, _ = get(server, path="http://kt.kz/a")
    assert status == 301 and headers["Location"] == "https://kt.kz/a"


def test_server_conditional_requests(server):
    assert get(server, {REPLAY_HEADER: "https://kt.kz/a", "If-None-Match": '"v1"'})[0] == 304
    assert get(server, {REPLAY_HEADER: "https://kt.kz/a", "If-None-Match": '"v0"'})[0] == 200
    since = {"If-Modified-Since": "Thu, 26 Nov 2026 10:00:00 GMT"}
    assert get(server, {REPLAY_HEADER: "https://kt.kz/a", **since})[0] == 304


def test_unrecorded_url_is_404(server):
    status, _, body = get(server, {REPLAY_HEADER: "https://kt.kz/missing"})
    assert status == 404 and b"not recorded" in body


def test_server_subprocess_starts_and_stops():
    with ReplayServer() as replay:
        assert replay.url.startswith("http://127.0.0.1:")
        host, port = replay.url.removeprefix("http://").split(":")
        assert get((host, int(port)), {REPLAY_HEADER: "https://kabar.kg/robots.txt"})[0] == 200


def test_the_replay_server_stops_when_the_process_that_started_it_is_killed():
    """`diplofeed crawl --replay` starts a replay server beside it: a crawl killed with
    SIGKILL (a cron timeout, the OOM killer) must not leave that server running."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path

    from .conftest import ROOT

    script = (
        "import time\nfrom crawler.replay import ReplayServer\nserver = ReplayServer()\n"
        "server.start()\nprint(server._proc.pid, flush=True)\ntime.sleep(120)\n"
    )
    starter = subprocess.Popen(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert starter.stdout is not None
    child = int(starter.stdout.readline())
    os.kill(child, 0)  # running
    starter.send_signal(signal.SIGKILL)
    starter.wait()
    deadline = time.monotonic() + 10
    stat = Path(f"/proc/{child}/stat")
    while time.monotonic() < deadline:
        try:
            if stat.read_text().split(") ", 1)[1].startswith("Z"):
                return  # exited, not yet reaped
        except (FileNotFoundError, ProcessLookupError):
            return
        time.sleep(0.1)
    os.kill(child, signal.SIGKILL)
    raise AssertionError("the replay server outlived the process that started it")
