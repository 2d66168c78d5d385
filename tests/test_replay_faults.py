"""The replay server's transport faults: ``fault = "reset"`` and ``"truncate"`` (issue #7)."""

from __future__ import annotations

import http.client

import pytest

from crawler.replay import ReplayArchive
from crawler.replay.archive import RecordedResponse
from crawler.replay.server import REPLAY_HEADER
from diplofeed.errors import ReplayError

from .conftest import serving

PAGE = "<html><body><p>Министр иностранных дел провел встречу с послом.</p></body></html>"


@pytest.fixture(scope="module")
def server():
    archive = ReplayArchive(
        [
            RecordedResponse(url="https://mfa.example.kz/reset", body=b"never sent", fault="reset"),
            RecordedResponse(
                url="https://mfa.example.kz/cut",
                body=PAGE.encode(),
                headers={"Content-Type": "text/html; charset=utf-8"},
                fault="truncate",
            ),
            RecordedResponse(url="https://mfa.example.kz/ok", body=PAGE.encode()),
        ]
    )
    with serving(archive) as address:
        yield address


def request(address, url):
    conn = http.client.HTTPConnection(*address, timeout=5)
    conn.request("GET", "/replay", headers={REPLAY_HEADER: url})
    return conn.getresponse()


def test_reset_closes_the_connection_without_an_answer(server):
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected)):
        request(server, "https://mfa.example.kz/reset")


def test_truncate_announces_the_whole_length_and_sends_half(server):
    response = request(server, "https://mfa.example.kz/cut")
    assert response.status == 200
    assert int(response.getheader("Content-Length")) == len(PAGE.encode())
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        response.read()


def test_a_fault_does_not_break_the_next_request(server):
    assert request(server, "https://mfa.example.kz/ok").read() == PAGE.encode()


def test_an_unknown_fault_is_a_manifest_error(tmp_path):
    (tmp_path / "responses.toml").write_text(
        '[[response]]\nurl = "https://mfa.example.kz/x"\nfault = "explode"\n', encoding="utf-8"
    )
    with pytest.raises(ReplayError, match="fault must be one of reset, truncate"):
        ReplayArchive.load([tmp_path])
    (tmp_path / "responses.toml").write_text(
        '[[response]]\nurl = "https://mfa.example.kz/x"\nfault = "reset"\n', encoding="utf-8"
    )
    assert ReplayArchive.load([tmp_path]).lookup("https://mfa.example.kz/x").fault == "reset"
