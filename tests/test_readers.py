"""A real feed reader: newsboat fetches the demo's feeds over 127.0.0.1 (issue #2), and
imports the project's own OPML, static and served, as a user does (issue #15).

newsboat's exit status is always 0; what it stored is read back from its SQLite cache
(``rss_item``). Each feed gets its own cache, because newsboat keys items by GUID across
all feeds of one cache (all.rss and all.atom carry the same GUIDs on purpose).
Skipped where newsboat is missing, unless DIPLOFEED_REQUIRE_NEWSBOAT=1 (CI sets it).
"""

from __future__ import annotations

import calendar
import email.utils
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import httpx
import pytest
from lxml import etree

from feeds.config import load_config
from feeds.server import create_app
from storage import parse_utc

from .conftest import (
    feed_files,
    live_server,
    newsboat_import_reload,
    newsboat_reload,
    store_rows,
)

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


@pytest.fixture(scope="module")
def server_url(demo):
    """``diplofeed serve`` as users run it (uvicorn on 127.0.0.1) over the demo store."""
    with live_server(create_app(demo.db)) as url:
        yield url


def _outlines(opml: bytes) -> list[str]:
    return [o.get("xmlUrl") for o in etree.fromstring(opml).iter("outline")]


def _every_feed_whole(opml_path, home):
    """Import the OPML into newsboat, reload, and check that each feed holds every one
    of its items under itself (newsboat keys items by GUID across feeds)."""
    stored = defaultdict(set)
    for feed_url, guid in newsboat_import_reload(NEWSBOAT, opml_path, home):
        stored[feed_url].add(guid)
    urls = _outlines(opml_path.read_bytes())
    assert len(urls) >= 9
    for url in urls:
        entries = feedparser.parse(httpx.get(url).content).entries
        assert entries, f"{url} is empty"
        assert stored[url] == {e.id for e in entries}, f"{url}: newsboat shows another set"


@pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (apt-get install newsboat)")
def test_newsboat_shows_every_feed_of_the_static_opml_whole(demo, feed_server, tmp_path):
    # issue 15: 8 of 32 feeds of feeds.opml showed 0 items (every named feed)
    opml = (demo.out / "feeds.opml").read_text()
    listed = _outlines(opml.encode())
    assert {u.rsplit("/", 1)[1] for u in listed} == {
        p.name for p in feed_files(demo.out, (".rss",))
    }, "the OPML lists every feed"
    base = listed[0].rsplit("/", 1)[0]
    (tmp_path / "feeds.opml").write_text(opml.replace(f"{base}/", f"{feed_server}/"))
    _every_feed_whole(tmp_path / "feeds.opml", tmp_path / "newsboat")


@pytest.mark.skipif(NEWSBOAT is None, reason="newsboat is not installed (apt-get install newsboat)")
def test_newsboat_shows_every_feed_of_the_served_opml_whole(server_url, tmp_path):
    # issue 15: "every story" showed 0 of 0, Turkmenistan 0 of 0, Kazakhstan 6 of 36
    (tmp_path / "served.opml").write_bytes(httpx.get(f"{server_url}/opml").content)
    _every_feed_whole(tmp_path / "served.opml", tmp_path / "newsboat")


def _items(data: bytes, fmt: str):
    """(guid, title, link, epoch seconds) of each item of a feed."""
    if fmt == "json":
        for item in json.loads(data)["items"]:
            yield (
                item["id"],
                item["title"],
                item.get("url"),
                int(parse_utc(item["date_published"]).timestamp()),
            )
        return
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    for entry in parsed.entries:
        yield entry.id, entry.title, entry.link, calendar.timegm(entry.published_parsed)


def test_each_guid_means_one_title_link_and_date_in_every_feed(demo, server_url):
    """Across every static and served feed, in every format: one GUID, one item. (Issue
    15: story/8 was the Russian post in all.rss and the English one in english.rss, and
    newsboat stored the English title with the Russian date.)"""
    seen = defaultdict(set)
    where = defaultdict(set)
    feeds = [
        (p.name, p.read_bytes(), p.suffix[1:])
        for p in feed_files(demo.out, (".rss", ".atom", ".json"))
    ]
    served = [
        f"/feeds/{name}.{fmt}" for name in load_config().feeds for fmt in ("rss", "atom", "json")
    ]
    served += [
        "/feed.rss?unique=story&limit=500",
        "/feed.atom?country=KZ&unique=story&lang=en,ru&limit=500",
        "/feed.json?country=KZ&unique=story&lang=ru,en&limit=500",
        "/feed.rss?lang=en&limit=500",
        "/feeds/kazakhstan.rss?lang=en,ru",
        "/feeds/english.atom?brief=120",
    ]
    for path in served:
        feeds.append(
            (path, httpx.get(server_url + path).content, path.split("?")[0].rsplit(".", 1)[1])
        )
    for name, data, fmt in feeds:
        for guid, title, link, date in _items(data, fmt):
            seen[guid].add((title, link, date))
            where[guid].add(name)
    assert len(seen) > 500
    mixed = {guid: (values, where[guid]) for guid, values in seen.items() if len(values) > 1}
    assert not mixed, list(mixed.items())[:3]


ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DC = "{http://purl.org/dc/elements/1.1/}"


def _check_atom(name, root):
    """The W3C feed validator's errors for Atom, as assertions (RFC 4287)."""
    for tag in ("id", "title", "updated"):
        assert root.find(ATOM + tag) is not None, f"{name}: no feed {tag}"
    feed_author = root.find(ATOM + "author") is not None
    entries = root.findall(ATOM + "entry")
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.find(ATOM + tag) is not None, f"{name}: an entry without {tag}"
        # "Missing entry element: author" (issue 15, health.atom)
        assert feed_author or entry.find(f"{ATOM}author/{ATOM}name") is not None, name
        alternates = [l for l in entry.findall(ATOM + "link") if l.get("rel") == "alternate"]
        assert len(alternates) <= 1, f"{name}: two alternate links in an entry"
        for category in entry.findall(ATOM + "category"):
            assert category.get("term") and category.get("label"), name
            assert ":" in (category.get("scheme") or ":"), name
    return entries


def _check_rss(name, root):
    """The W3C feed validator's errors for RSS 2.0, as assertions."""
    channel = root.find("channel")
    for tag in ("title", "link", "description"):
        assert (channel.findtext(tag) or "").strip(), f"{name}: no channel {tag}"
    items = channel.findall("item")
    for item in items:
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false", name
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo, name
        assert (item.findtext(f"{DC}creator") or "x").strip(), f"{name}: an empty dc:creator"
        for category in item.findall("category"):
            assert category.text and category.get("domain"), name
        for enclosure in item.findall("enclosure"):
            assert enclosure.get("url") and enclosure.get("type") and enclosure.get("length"), name
    return items


def test_every_feed_keeps_the_feed_validators_rules(demo, server_url):
    """Every static and served RSS and Atom feed, health and changes included: what
    the W3C feed validator reports as errors, checked with feedparser and lxml; and
    the readers' metadata (issue 15): the publisher, labelled categories, languages."""
    feeds = [(p.name, p.read_bytes()) for p in sorted(demo.out.glob("*.rss"))]
    feeds += [(p.name, p.read_bytes()) for p in sorted(demo.out.glob("*.atom"))]
    for path in ["/health.atom", "/changes.atom", "/feed.atom?lang=ru&limit=100", "/feed.rss"]:
        feeds.append((path, httpx.get(server_url + path).content))
    for name in load_config().feeds:
        for fmt in ("rss", "atom"):
            path = f"/feeds/{name}.{fmt}"
            feeds.append((path, httpx.get(server_url + path).content))
    assert {"health.atom", "changes.atom"} <= {n for n, _ in feeds}
    creators = languages = labelled = 0
    for name, data in feeds:
        parsed = feedparser.parse(data)
        assert not parsed.bozo, f"{name}: {parsed.get('bozo_exception')}"
        root = etree.fromstring(data)
        if root.tag == ATOM + "feed":
            for entry in _check_atom(name, root):
                languages += entry.get(XML_LANG) is not None
        else:
            for item in _check_rss(name, root):
                creators += item.find(f"{DC}creator") is not None
                labelled += sum(c.text != c.text.upper() for c in item.findall("category"))
    assert creators > 100 and languages > 100 and labelled > 100


# Runs inside the validator's own environment (it needs html5lib and rdflib): each file
# given, its errors by the online validator's level ("AA"), as JSON lines.
_VALIDATE = """
import json, sys
sys.path.insert(0, sys.argv[1] + "/src")
import feedvalidator
from feedvalidator import compatibility
from feedvalidator.logging import Error
for path in sys.argv[2:]:
    with open(path, "rb") as fh:
        events = feedvalidator.validateString(fh.read(), firstOccurrenceOnly=1,
                                              base="http://127.0.0.1/" + path)
    errors = [type(e).__name__ + str(e.params)[:200]
              for e in compatibility.AA(events["loggedEvents"]) if isinstance(e, Error)]
    print(json.dumps([path, errors]))
"""


@pytest.mark.skipif(
    not os.environ.get("DIPLOFEED_FEEDVALIDATOR"),
    reason="set DIPLOFEED_FEEDVALIDATOR to a checkout of github.com/w3c/feedvalidator",
)
def test_the_w3c_feed_validator_finds_no_error(demo, server_url, tmp_path):
    """The validator itself, from its own checkout outside this repository (with its
    dependencies in the checkout's .venv, or in this Python)."""
    checkout = os.environ["DIPLOFEED_FEEDVALIDATOR"]
    python = os.path.join(checkout, ".venv", "bin", "python")
    files = sorted(demo.out.glob("*.rss")) + sorted(demo.out.glob("*.atom"))
    for path in ["/health.atom", "/changes.atom", "/feeds/all.rss", "/feeds/english.atom"]:
        served = tmp_path / ("served-" + path.strip("/").replace("/", "-"))
        served.write_bytes(httpx.get(server_url + path).content)
        files.append(served)
    result = subprocess.run(
        [python if os.path.exists(python) else sys.executable, "-c", _VALIDATE, checkout]
        + [str(f) for f in files],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == len(files)
    assert not [r for r in reports if r[1]], [r for r in reports if r[1]][:3]
