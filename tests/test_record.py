"""The recorder of `diplofeed replay record` (issue #18), as a downloader middleware fed
requests and responses, with no network and no subprocess."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from crawler.replay import ReplayArchive
from crawler.replay.record import Recorder, Recording, recorder_settings, write_manifest

PAGE = "<html><body><h1>Заголовок</h1><p>Текст</p></body></html>".encode()


def _recorder(tmp_path, articles=0):
    recording = Recording(tmp_path / "site", datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    settings = recorder_settings(tmp_path / "site", recording, articles)
    crawler = get_crawler(settings_dict=settings)
    return Recorder.from_crawler(crawler), recording


def test_responses_are_written_byte_for_byte_with_their_headers(tmp_path):
    recorder, recording = _recorder(tmp_path)
    moved = Request("https://example.kz/news")
    recorder.process_response(
        moved, Response(moved.url, status=301, headers={"Location": "/news/"}), None
    )
    page = Request("https://example.kz/news/")
    recorder.process_request(page)
    assert page.headers["Accept-Encoding"] == b"gzip, deflate"
    recorder.process_response(
        page,
        HtmlResponse(
            page.url,
            body=gzip.compress(PAGE),
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Content-Encoding": "gzip",
                "ETag": '"abc"',
                "Last-Modified": "Mon, 30 Nov 2026 08:00:00 GMT",
            },
        ),
        None,
    )
    recorder.closed()
    archive = ReplayArchive.load([tmp_path / "site"])
    assert archive.recorded == recording.recorded
    copy = archive.lookup("https://example.kz/news/")
    assert copy is not None
    assert copy.body == PAGE  # the transfer encoding undone, the bytes as the site meant them
    assert copy.headers["ETag"] == '"abc"'
    assert copy.headers["Last-Modified"] == "Mon, 30 Nov 2026 08:00:00 GMT"
    assert copy.headers["Content-Type"] == "text/html; charset=utf-8"
    redirect = archive.lookup("https://example.kz/news")
    assert redirect is not None
    assert (redirect.status, redirect.headers["Location"]) == (301, "/news/")


def test_one_url_in_two_languages_is_told_apart(tmp_path):
    recorder, _ = _recorder(tmp_path)
    url = "https://api.example.kz/news?page=1"
    for language in ("ru", "en"):
        request = Request(url, headers={"Accept-Language": language})
        body = f'{{"lang": "{language}"}}'.encode()
        recorder.process_response(
            request,
            Response(url, body=body, headers={"Content-Type": "application/json"}),
            None,
        )
    recorder.closed()
    archive = ReplayArchive.load([tmp_path / "site"])
    for language in ("ru", "en"):
        copy = archive.lookup(url, {"Accept-Language": language})
        assert copy is not None
        assert copy.body == f'{{"lang": "{language}"}}'.encode()


def test_articles_beyond_the_bound_are_not_requested(tmp_path):
    recorder, _ = _recorder(tmp_path, articles=2)
    for n in (1, 2):
        recorder.process_request(Request(f"https://e.kz/{n}", meta={"diplofeed_role": "article"}))
    # a listing page is never bounded; the article retried after a redirect keeps its slot
    recorder.process_request(Request("https://e.kz/list?page=2"))
    again = Request("https://e.kz/2", meta={"diplofeed_role": "article", "recorded_slot": True})
    recorder.process_request(again)
    with pytest.raises(IgnoreRequest):
        recorder.process_request(Request("https://e.kz/3", meta={"diplofeed_role": "article"}))


def test_a_refreshed_manifest_keeps_other_copies_and_its_comments(tmp_path):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "old.html").write_bytes(b"<p>old</p>")
    (folder / "responses.toml").write_text(
        "# Why this copy exists.\n\n"
        '[[response]]\nurl = "https://example.kz/old"\nfile = "old.html"\n\n'
        '[[response]]\nurl = "https://example.kz/news/"\nbody = "stale"\n',
        encoding="utf-8",
    )
    recorder, _ = _recorder(tmp_path)
    request = Request("https://example.kz/news/")
    recorder.process_response(request, HtmlResponse(request.url, body=PAGE), None)
    path = write_manifest(recorder.recording)
    assert path.read_text(encoding="utf-8").startswith("# Why this copy exists.")
    archive = ReplayArchive.load([folder])
    assert archive.lookup("https://example.kz/old").body == b"<p>old</p>"
    assert archive.lookup("https://example.kz/news/").body == PAGE
    assert len(archive) == 2
