"""A real feed reader: newsboat fetches the demo's feeds over 127.0.0.1 (issue #2).

newsboat's exit status is always 0; what it stored is read back from its SQLite cache
(``rss_item``). Each feed gets its own cache, because newsboat keys items by GUID across
all feeds of one cache (all.rss and all.atom carry the same GUIDs on purpose).
Skipped where newsboat is missing, unless DIPLOFEED_REQUIRE_NEWSBOAT=1 (CI sets it).
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest

from storage import parse_utc

from .conftest import feed_files, newsboat_reload, store_rows

pytestmark = pytest.mark.crawl

NEWSBOAT = shutil.which("newsboat")
if NEWSBOAT is None and os.environ.get("DIPLOFEED_REQUIRE_NEWSBOAT") == "1":
    raise RuntimeError("newsboat is required here (apt-get install newsboat)")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def feed_server(demo):
    handler = functools.partial(QuietHandler, directory=str(demo.out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (apt-get install newsboat)")
def test_newsboat_stores_every_item_once_with_title_link_and_date(demo, feed_server, tmp_path):
    stored = {
        r["url"]: r for r in store_rows(demo.db, "SELECT url, title, published FROM articles")
    }
    # newsboat 2.21 (Debian 12) reads RSS and Atom; JSON Feed came in a later version
    for path in feed_files(demo.out, (".rss", ".atom")):
        items = newsboat_reload(
            NEWSBOAT, f"{feed_server}/{path.name}", tmp_path / path.stem / path.suffix[1:]
        )
        entries = feedparser.parse(path.read_bytes()).entries
        assert len(items) == len(entries) > 0, path.name
        assert len({guid for guid, *_ in items}) == len(items), f"{path.name}: an item stored twice"
        guids = {e.id for e in entries}
        for guid, title, url, pub_date in items:
            assert guid in guids, f"{path.name}: {guid}"
            article = stored[url]  # the link is an article's own URL, not an image or a feed
            assert title == article["title"], f"{path.name}: {guid}"
            assert pub_date == int(parse_utc(article["published"]).timestamp()), (
                f"{path.name}: {title}"
            )
