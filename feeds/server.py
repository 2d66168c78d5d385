"""``diplofeed serve``: the feeds over HTTP (Starlette on uvicorn; docs/feeds.md).

* ``/feed.rss``, ``/feed.atom``, ``/feed.json``: any feed, by query parameters
  (feeds/query.py).
* ``/feeds/<name>.rss|atom|json``: the named feeds of feeds.toml; ``/opml`` lists them.
* ``/``: the front page (feeds/frontpage.py), ``/search`` and the builder's ``/build``;
  ``/health.atom`` and ``/changes.atom``.

Each address is a method of a view class (``FeedView``, ``ServiceFeedView``,
``PageView``), listed in one place, ``_routes``, as Datasette lists its own.

Every feed answer carries an ``ETag`` computed over its items (ids, dates, story sizes)
and a ``Last-Modified`` from its newest item, so a reader polling an unchanged feed gets
``304 Not Modified``. Answers are kept, per query, until the store file changes (a crawl
commits), so a poll that finds nothing new reads no row. Bad input gets a 400 with one
line of text, never a 500.

It also owns how the server meets its clients (docs/feeds.md, "Limits"): the listening
socket (a port in use is an OutputError), a bound on open connections below the process's
open-file limit (the longest idle goes first), the time a client has to send a request's
head and to read an answer, and a log that says each of these at most once a minute.
"""

from __future__ import annotations

import asyncio
import errno
import gzip
import hashlib
import logging
import os
import re
import resource
import socket
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from feeds.errors import OutputError
from storage import ArticleFilter, Store, fts_query
from storage.errors import StorageError
from storage.writing import unavailable

from .build import FeedSpec, build_feed
from .changes import build_changes_feed
from .config import FEED_NAME, ConfigError, FeedsConfig, NamedFeed, load_config
from .frontpage import FeedLink, Page, build_page, front_page, search_page
from .health import build_health_feed
from .publish import feed_rows, feed_scope, front_stories, opml, vocabulary
from .query import MAX_QUERY, PARAMETERS, BadQuery, FeedQuery, FilterBusy, Vocabulary, parse_query

__all__ = [
    "CONTENT_TYPES",
    "LOG_INTERVAL",
    "Limits",
    "create_app",
    "listen",
    "make_server",
    "opml",
    "run",
]

log = logging.getLogger("diplofeed.serve")
_BAD_NAME = "a feed name is lower-case letters, digits, '-' and '_'"

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


# Feed answers kept in memory, in bytes, whatever --cache-size says (a 500-item feed is
# about 1.5 MB): memory stays bounded when clients ask for many different feeds.
CACHE_BYTES = 64 * 1024 * 1024


@dataclass(slots=True)
class _Answer:
    generation: tuple[int, ...]
    etag: str
    modified: datetime
    body: bytes
    gzipped: bytes | None = None

    @property
    def size(self) -> int:
        # the gzipped copy is made on first demand: count it as if made (a quarter)
        return len(self.body) + len(self.body) // 4


@dataclass(slots=True)
class _State:
    db: str
    config: FeedsConfig
    local: threading.local = field(default_factory=threading.local)
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: OrderedDict[tuple[Any, ...], _Answer] = field(default_factory=OrderedDict)
    vocabulary: tuple[tuple[int, ...], Vocabulary] | None = None
    cached_bytes: int = 0

    def keep(self, key: tuple[Any, ...], answer: _Answer, count: int) -> None:
        """Cache an answer: at most ``count`` of them and CACHE_BYTES in all, the least
        recently used going first (call with the lock held)."""
        old = self.answers.pop(key, None)
        if old is not None:
            self.cached_bytes -= old.size
        if count <= 0 or answer.size > CACHE_BYTES // 8:
            return
        self.answers[key] = answer
        self.cached_bytes += answer.size
        while len(self.answers) > count or self.cached_bytes > CACHE_BYTES:
            _, dropped = self.answers.popitem(last=False)
            self.cached_bytes -= dropped.size

    def store(self) -> Store:
        """This thread's read-only connection to the store, opened again when the file
        was replaced (a restored backup, a rebuilt store): never answers from a deleted
        file, never a mix of two stores."""
        try:
            info = os.stat(self.db)
        except FileNotFoundError:
            raise StorageError(f"no store at {self.db}") from None
        identity: tuple[int, ...] = (info.st_dev, info.st_ino)
        store = getattr(self.local, "store", None)
        if store is not None and store.immutable:
            # opened as it was (no writer had it open, and none could make its WAL index
            # here): any change by a writer since means reading it afresh
            identity += self.generation()
        if store is None or self.local.identity != identity:
            if store is not None:
                store.close()
            store = Store(self.db, readonly=True)
            if store.immutable:
                identity = (info.st_dev, info.st_ino, *self.generation())
            self.local.store, self.local.identity = store, identity
        return store

    def generation(self) -> tuple[int, ...]:
        """Changes whenever a writer commits (the WAL file, or the database file after a
        checkpoint, changes size or time)."""
        marks: list[int] = []
        for suffix in ("", "-wal"):
            try:
                info = os.stat(self.db + suffix)
            except FileNotFoundError:
                marks += [0, 0, 0]
                continue
            marks += [info.st_ino, info.st_mtime_ns, info.st_size]
        return tuple(marks)

    def words(self, generation: tuple[int, ...]) -> Vocabulary:
        """What the list parameters may say: the store's sources, the classifier's codes."""
        if self.vocabulary and self.vocabulary[0] == generation:
            return self.vocabulary[1]
        words = vocabulary(self.store(), self.config.sources())
        self.vocabulary = (generation, words)
        return words


def _bad(message: str, request: Request) -> PlainTextResponse:
    log.info("400 %s?%s: %s", request.url.path, request.url.query[:200], message)
    return PlainTextResponse(message + "\n", status_code=400)


def _etag_matches(header: str, etag: str) -> bool:
    """``If-None-Match``: a list of tags, weak or strong, or ``*`` (RFC 9110 13.1.2:
    compared weakly; the gzipped representation's tag names the same content)."""
    bare = etag.removeprefix("W/").replace('-gz"', '"')
    for candidate in header.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/").replace('-gz"', '"') == bare:
            return True
    return False


def _accepts_gzip(header: str) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (names are case-insensitive; ``q=0``
    refuses; ``*`` stands for what is not named)."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name:
            weights[name.strip().lower()] = quality
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def _not_modified(request: Request, answer: _Answer) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return _etag_matches(match, answer.etag)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError, IndexError):
            return False
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return answer.modified.replace(microsecond=0) <= when
    return False


def _fingerprint(
    kind: str, fmt: str, key: Sequence[Any], store_key: str, rows: Sequence[Mapping[str, Any]]
) -> str:
    """The ETag: over the feed's identity and its items (ids, dates, story sizes, tags),
    never the time it was built."""
    digest = hashlib.sha256(repr((kind, fmt, tuple(key), store_key)).encode())
    for row in rows:
        digest.update(
            f"{row['id']}|{row['story_id']}|{row['published']}|{row.get('updated')}|"
            f"{row.get('story_size')}|{len(row.get('story_articles') or ())}|"
            f"{row.get('countries')}|{row.get('topics')}|{row.get('event_type')}\n".encode()
        )
    return '"' + digest.hexdigest()[:32] + '"'


def _newest(rows: Sequence[Mapping[str, Any]], store: Store) -> datetime:
    """Last-Modified: when the newest of the items was published, edited or stored (a
    post crawled late, dated before the newest item, still moves it)."""
    stamps = [
        max(str(r["published"]), str(r.get("updated") or ""), str(r.get("first_seen") or ""))
        for r in rows
    ]
    text = max(stamps) if stamps else store.info().get("created", "2026-01-01T00:00:00Z")
    return datetime.fromisoformat(text).astimezone(UTC)


def _describe(query: FeedQuery) -> str:
    spec = query.spec
    parts = []
    for label, values in (
        ("countries", spec.countries),
        ("sources", spec.sources),
        ("topics", spec.topics),
        ("events", spec.event_types),
        ("languages", spec.languages),
    ):
        if values:
            parts.append(f"{label} {', '.join(values)}")
    if spec.query:
        parts.append(f"matching {spec.query!r}")
    return "; ".join(parts) or "every source"


class _StripSlash:
    """A trailing slash (``/feed.rss/``, ``/opml/``) names the same page: readers and
    share buttons add one, and a redirect is one more round trip some readers refuse."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and len(path) > 1 and path.endswith("/"):
            scope = {**scope, "path": path.rstrip("/") or "/"}
            scope["raw_path"] = scope["path"].encode()
        await self.app(scope, receive, send)


def _conditional(request: Request, answer: _Answer, media_type: str, ttl_minutes: int) -> Response:
    """The answer with its validators: 304 when the client has it, gzipped when it
    asks for that (its own ETag, RFC 9110 8.8.3)."""
    headers = {
        "ETag": answer.etag,
        "Last-Modified": format_datetime(answer.modified, usegmt=True),
        "Cache-Control": f"public, max-age={ttl_minutes * 60}",
        "Vary": "Accept-Encoding",
    }
    zipped = _accepts_gzip(request.headers.get("accept-encoding", "")) and len(answer.body) > 1024
    if zipped:
        headers["ETag"] = answer.etag[:-1] + '-gz"'
    if _not_modified(request, answer):
        return Response(status_code=304, headers=headers)
    body = answer.body
    if zipped:
        if answer.gzipped is None:
            answer.gzipped = gzip.compress(body, 6, mtime=0)
        body = answer.gzipped
        headers["Content-Encoding"] = "gzip"
    return Response(body, headers=headers, media_type=media_type)


def _atom_updated(body: bytes) -> datetime:
    """An Atom document's own ``updated`` (a service feed's Last-Modified)."""
    found = re.search(rb"<updated>([^<]+)</updated>", body)
    text = found.group(1).decode() if found else "2026-01-01T00:00:00+00:00"
    return datetime.fromisoformat(text).astimezone(UTC)


class _View:
    """A page of the server over the shared state (the shape of Datasette's views)."""

    def __init__(self, state: _State, cache_size: int) -> None:
        self.state = state
        self.cache_size = cache_size

    def cached(self, key: tuple[Any, ...], generation: tuple[int, ...]) -> _Answer | None:
        """The kept answer for ``key`` if the store has not changed since."""
        with self.state.lock:
            answer = self.state.answers.get(key)
            if answer is None or answer.generation != generation:
                return None
            self.state.answers.move_to_end(key)
            return answer

    def keep(self, key: tuple[Any, ...], answer: _Answer) -> None:
        with self.state.lock:
            self.state.keep(key, answer, self.cache_size)

    def no_parameters(self, request: Request) -> Response | None:
        """A 400 for a page that takes no parameters, unless they are only a tracker's
        or a reader's (ignored, as on feeds)."""
        known = [name for name in request.query_params if name in PARAMETERS]
        if known:
            return _bad(f"{request.url.path} takes no parameters", request)
        return None


class FeedView(_View):
    """``/feed.{fmt}`` and ``/feeds/{name}.{fmt}``: a feed by its parameters."""

    def adhoc(self, request: Request) -> Response:
        """Any feed, by the query string."""
        return self.answer(request, request.path_params["fmt"], None)

    def named(self, request: Request) -> Response:
        """A named feed of feeds.toml, narrowed by the query string."""
        name = request.path_params["name"]
        if not FEED_NAME.match(name):
            return _bad(_BAD_NAME, request)
        named = self.state.config.feeds.get(name)
        if named is None:
            return PlainTextResponse(f"no feed named {name}: see /opml\n", status_code=404)
        return self.answer(request, request.path_params["fmt"], named)

    def answer(self, request: Request, fmt: str, named: NamedFeed | None) -> Response:
        if fmt not in CONTENT_TYPES:
            return PlainTextResponse("unknown feed format: use .rss, .atom or .json\n", 404)
        generation = self.state.generation()
        try:
            query = self.parse(request, generation, named)
        except BadQuery as exc:
            return _bad(str(exc), request)
        fmt = query.format or fmt  # RSSHub's format= wins over the address
        base = str(request.base_url)
        kind = f"named:{named.name}" if named else "query"
        key = (kind, fmt, base, query.canonical)
        timely = "filter_time" not in dict(query.canonical)  # else it moves with the clock
        answer = self.cached(key, generation) if timely else None
        if answer is None:
            try:
                answer = self.build(request, query, fmt, named, generation)
            except BadQuery as exc:
                return _bad(str(exc), request)
            except FilterBusy as exc:  # not the pattern's fault: ask again later
                log.warning("503 for a filter: the server is too busy to give it CPU time")
                return PlainTextResponse(f"{exc}\n", 503, headers={"Retry-After": "10"})
            self.keep(key, answer)
        response = _conditional(request, answer, CONTENT_TYPES[fmt], self.state.config.ttl_minutes)
        if query.ignored:  # said, so a typo (contry=KZ) can be found
            response.headers["X-Ignored-Parameters"] = ", ".join(query.ignored)[:200]
        return response

    def parse(
        self, request: Request, generation: tuple[int, ...], named: NamedFeed | None
    ) -> FeedQuery:
        params: dict[str, list[str]] = {}
        for name, value in request.query_params.multi_items():
            params.setdefault(name, []).append(value)
        base = named.params if named else None
        return parse_query(params, self.state.words(generation), now=datetime.now(UTC), base=base)

    def build(
        self,
        request: Request,
        query: FeedQuery,
        fmt: str,
        named: NamedFeed | None,
        generation: tuple[int, ...],
    ) -> _Answer:
        store = self.state.store()
        rows = feed_rows(store, query)
        info = store.info()
        base = str(request.base_url)
        own = None
        if named:
            own = parse_query(
                {}, self.state.words(generation), now=datetime.now(UTC), base=named.params
            )
        spec = FeedSpec(
            named.name if named else "query",
            named.title if named else f"diplofeed: {_describe(query)}",
            f"Central Asian diplomacy: {_describe(query)}"
            + (", one item per story" if query.spec.one_per_story else ""),
            _self_url(request),
            base,
            info,
            one_per_story=query.spec.one_per_story,
            language=query.spec.languages[0] if len(query.spec.languages) == 1 else None,
            ttl_minutes=self.state.config.ttl_minutes,
            scope=feed_scope(named.name if named else "feed", query, own),
            brief=query.brief,
        )
        etag = _fingerprint(
            spec.scope, fmt, [base, query.canonical], info.get("store_key", ""), rows
        )
        return _Answer(generation, etag, _newest(rows, store), build_feed(spec, rows, fmt))


def _self_url(request: Request) -> str:
    """The feed's own address without what a tracker or reader added (the answer is
    shared by every request that differs only in those)."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k in PARAMETERS]
    url = str(request.url.replace(query=""))
    return url + ("?" + urlencode(kept) if kept else "")


class ServiceFeedView(_View):
    """``/health.atom`` and ``/changes.atom``: the store's own Atom feeds."""

    def health(self, request: Request) -> Response:
        """One entry per change of a source's health."""
        return self.answer(request, "health")

    def changes(self, request: Request) -> Response:
        """One entry per edit of a stored article."""
        return self.answer(request, "changes")

    def answer(self, request: Request, name: str) -> Response:
        refused = self.no_parameters(request)
        if refused is not None:
            return refused
        generation = self.state.generation()
        base = str(request.base_url)
        key = (name, base)
        answer = self.cached(key, generation)
        if answer is None:
            store = self.state.store()
            info, url = store.info(), f"{base}{name}.atom"
            if name == "health":
                body = build_health_feed(store.health_events(), info, self_url=url, home_url=base)
            else:
                body = build_changes_feed(store.changes(), info, self_url=url, home_url=base)
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            answer = _Answer(generation, etag, _atom_updated(body), body)
            self.keep(key, answer)
        return _conditional(request, answer, CONTENT_TYPES["atom"], self.state.config.ttl_minutes)


class PageView(_View):
    """The HTML pages: the front page, the feed builder's answer, search results; and
    the OPML of the named feeds."""

    def feeds(self) -> list[tuple[str, str]]:
        return [(f"feeds/{f.name}", f.title) for f in self.state.config.feeds.values()]

    def page(self) -> Page:
        words = self.state.words(self.state.generation())
        page = Page([FeedLink(p, t) for p, t in self.feeds()], "opml", "health.atom", True)
        page.vocabulary = {
            "country": sorted(words.countries),
            "topic": sorted(words.topics),
            "event_type": sorted(words.event_types),
            "lang": sorted(words.languages),
        }
        return page

    def index(self, request: Request) -> Response:
        """The front page, kept until the store changes."""
        refused = self.no_parameters(request)
        if refused is not None:
            return refused
        generation = self.state.generation()
        key = ("index", str(request.base_url))
        answer = self.cached(key, generation)
        if answer is None:
            store = self.state.store()
            body = front_page(self.page(), front_stories(store), store.sources()).encode()
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            # it shows the last crawl's figures: it changed at the latest when it was made
            answer = _Answer(generation, etag, datetime.now(UTC).replace(microsecond=0), body)
            self.keep(key, answer)
        return _conditional(request, answer, "text/html; charset=utf-8", 1)

    def build(self, request: Request) -> Response:
        """The feed builder's answer: the address of the feed the form describes."""
        params = [(k, v) for k, v in request.query_params.multi_items() if v.strip()]
        asked: dict[str, list[str]] = {}
        for name, value in params:
            asked.setdefault(name, []).append(value)
        asked.setdefault("unique", ["story"])
        asked["limit"] = ["10"]
        try:
            query = parse_query(
                asked, self.state.words(self.state.generation()), now=datetime.now(UTC)
            )
            rows = feed_rows(self.state.store(), query)
        except BadQuery as exc:
            return _bad(str(exc), request)
        known = [(k, v) for k, v in params if k in PARAMETERS and k != "limit"]
        return HTMLResponse(build_page(self.page(), known, rows))

    def search(self, request: Request) -> Response:
        """Search results as a page (relevant articles, best first), with the feed."""
        words = request.query_params.get("q", "").strip()
        if not words:
            return RedirectResponse("./", status_code=303)
        if len(words) > MAX_QUERY or not fts_query(words):
            return _bad("q holds no word to search for", request)
        rows = self.state.store().search(words, limit=30, spec=ArticleFilter(), marks=("", ""))
        return HTMLResponse(search_page(self.page(), words, rows))

    def opml(self, request: Request) -> Response:
        """The named feeds as OPML 2.0."""
        refused = self.no_parameters(request)
        if refused is not None:
            return refused
        base = str(request.base_url)
        feeds = [(f"{base}{path}.rss", title) for path, title in self.feeds()]
        return Response(opml(feeds, base), media_type="text/x-opml; charset=utf-8")


def _bad_name(request: Request) -> Response:
    return _bad(_BAD_NAME, request)


def _routes(state: _State, cache_size: int) -> list[Route]:
    """Every address of the server, in one place (as Datasette's ``_routes``)."""
    feed = FeedView(state, cache_size)
    service = ServiceFeedView(state, cache_size)
    pages = PageView(state, cache_size)
    return [
        Route("/", pages.index),
        Route("/opml", pages.opml),
        Route("/search", pages.search),
        Route("/build", pages.build),
        Route("/health.atom", service.health),
        Route("/changes.atom", service.changes),
        Route("/feed.{fmt}", feed.adhoc),
        Route("/feeds/{name}.{fmt}", feed.named),
        Route("/feeds/{rest:path}", _bad_name),
    ]


def _check_named_feeds(state: _State) -> None:
    """Fail at start, not at the first request: the store must open, and every named
    feed must be one that could answer (not only 400)."""
    with Store(state.db, readonly=True) as store:
        words = vocabulary(store, state.config.sources())
    for named in state.config.feeds.values():
        try:
            parse_query({}, words, now=datetime.now(UTC), base=named.params)
        except BadQuery as exc:
            raise ConfigError(f"feed {named.name} ({state.config.path}): {exc}") from None


def create_app(
    db: str | Path, config: FeedsConfig | None = None, *, cache_size: int = 256
) -> Starlette:
    """The feed server's ASGI application over the store at ``db``.

    Args:
        db: the store (opened read-only).
        config: the named feeds (the bundled feeds.toml by default).
        cache_size: answers kept in memory until the store changes (0: none; each feed
            is then built for every request that is not answered 304).

    Raises:
        StorageError: there is no store at ``db``, or it needs migrating.
        ConfigError: a named feed's parameters are not valid.
    """
    state = _State(str(db), config or load_config())
    _check_named_feeds(state)

    async def storage_error(request: Request, exc: Exception) -> Response:
        # a damaged page, a vanished file: the reader is told to come back, the operator
        # finds the reason (and `diplofeed sources --check`) in the log
        log.error(
            "store unavailable for %s: %s", request.url.path, unavailable(exc, str(db)) or exc
        )
        return PlainTextResponse(
            "the store is unavailable; the server's log says why\n",
            status_code=503,
            headers={"Retry-After": "300"},
        )

    app = Starlette(
        routes=_routes(state, cache_size),
        middleware=[Middleware(_StripSlash)],
        exception_handlers={StorageError: storage_error, sqlite3.DatabaseError: storage_error},
    )
    app.state.feeds = state  # for tests and debugging: the cache and the config
    return app


# How the server meets its clients: the socket, the connections, the log.


@dataclass(frozen=True, slots=True)
class Limits:
    """How ``diplofeed serve`` bounds its clients (docs/feeds.md, "Limits").

    Attributes:
        max_connections: open connections at most (:meth:`fitted` lowers it to the
            open-file limit); past it the longest idle connection is closed for a new one.
        header_timeout: seconds a connection has, from its opening or from its last
            answer, to send a complete request head (bytes trickling in do not extend it).
        keep_alive: seconds an idle connection is kept after an answer (uvicorn's own
            timeout; a byte received restarts it).
        send_timeout: seconds a client may leave an answer unread with the server's
            buffer for it full.
        backlog: connections the kernel queues before the server accepts them (asyncio
            accepts as many in one go).
    """

    max_connections: int = 1000
    header_timeout: float = 10.0
    keep_alive: int = 5
    send_timeout: float = 30.0
    backlog: int = 256

    def fitted(self) -> Limits:
        """These limits within the process's open-file limit (``ulimit -n``), past which
        no connection is accepted and no store file opens: the soft limit is raised
        towards the hard one as far as the connections need, and if that is not enough
        there are fewer connections and a shorter backlog."""
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = self.max_connections + 3 * self.backlog + _RESERVED_FILES
        if soft != resource.RLIM_INFINITY and soft < wanted:
            raised = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
                soft = raised
            except (ValueError, OSError):
                pass
        if soft == resource.RLIM_INFINITY or soft >= wanted:
            return self
        backlog = max(16, min(self.backlog, soft // 16))
        # asyncio accepts up to a backlog of connections at a time, and may do so again
        # before the first of them can close an idle one: room for three such bursts
        room = max(8, soft - 3 * backlog - _RESERVED_FILES)
        return replace(self, max_connections=min(self.max_connections, room), backlog=backlog)


# Open files the server needs besides its connections: three for each worker thread's
# store connection (the file, its WAL and its shared memory; 40 threads), and some for the
# listening socket, the event loop, logs and imports.
_RESERVED_FILES = 40 * 3 + 64
# Trouble with clients is logged once per kind per this many seconds, with a count.
LOG_INTERVAL = 60.0


def listen(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket on ``host`` and ``port`` (0: a free port).

    Raises:
        OutputError: the port is in use, or the address cannot be listened on.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise OutputError(f"cannot listen on {host}: {exc}") from None
    sock = socket.socket(family, kind, proto)
    try:
        # a restarted server takes its port back from connections still in TIME_WAIT;
        # a socket listening on it still makes bind fail (Linux)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(backlog)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise OutputError(f"port {port} on {host} is already in use") from None
        raise OutputError(f"cannot listen on {host} port {port}: {exc.strerror or exc}") from None
    return sock


def run(app: Starlette, sock: socket.socket, limits: Limits, *, log_level: str = "info") -> None:
    """Serve ``app`` on ``sock`` (from :func:`listen`) with uvicorn until interrupted,
    within ``limits`` (use :meth:`Limits.fitted`), logging each kind of trouble with
    clients once per LOG_INTERVAL at most."""
    server = make_server(app, limits, log_level=log_level)
    throttle = _Throttle(LOG_INTERVAL)
    loggers = [logging.getLogger(name) for name in ("diplofeed.serve", "uvicorn.error", "asyncio")]
    for logger in loggers:
        logger.addFilter(throttle)
    try:
        server.run(sockets=[sock])
    finally:
        for logger in loggers:
            logger.removeFilter(throttle)


def make_server(app: Starlette, limits: Limits, *, log_level: str = "info") -> uvicorn.Server:
    """uvicorn's server of ``app`` within ``limits``, on HTTP/1.1 (h11); start it with
    ``.run(sockets=[listen(...)])``."""
    guard = _Guard(limits)

    class Protocol(_GuardedH11):
        pass

    Protocol.guard = guard
    config = uvicorn.Config(
        app,
        http=Protocol,
        ws="none",
        log_level=log_level,
        proxy_headers=False,
        timeout_keep_alive=limits.keep_alive,
        backlog=limits.backlog,
    )
    return _Server(config)


class _Throttle(logging.Filter):
    """Lets one record of each kind (logger, message, arguments) through per interval,
    for warnings and errors: 1,100 idle clients or a flood of bad requests make one line
    a minute, not one each. The next line let through says how many were held back."""

    def __init__(self, interval: float) -> None:
        super().__init__()
        self.interval = interval
        self.lock = threading.Lock()
        self.kinds: OrderedDict[tuple[str, str, str], tuple[float, int]] = OrderedDict()

    def filter(self, record: logging.LogRecord) -> bool:
        """Whether to log ``record``; when earlier ones were held back, it says so."""
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, str(record.msg), repr(record.args)[:200])
        now = time.monotonic()
        with self.lock:
            last, held = self.kinds.get(key, (-self.interval, 0))
            if now - last < self.interval:
                self.kinds[key] = (last, held + 1)
                return False
            self.kinds[key] = (now, 0)
            self.kinds.move_to_end(key)
            while len(self.kinds) > 256:  # kinds are few; odd arguments must not pile up
                self.kinds.popitem(last=False)
        if held:
            record.msg = f"{record.msg} (and {held} more since this was last logged)"
        return True


def _loop_trouble(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The event loop's errors: a system resource running out (``accept`` failing with
    too many open files, retried every second) is one line, not a traceback each time."""
    exc = context.get("exception")
    if isinstance(exc, OSError):
        log.error("%s: %s", context.get("message", "event loop"), exc)
    else:
        loop.default_exception_handler(context)


class _Server(uvicorn.Server):
    """uvicorn's server, its event loop's errors logged by :func:`_loop_trouble`."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        """Set the event loop's error handler, then start as uvicorn does."""
        asyncio.get_running_loop().set_exception_handler(_loop_trouble)
        await super().startup(sockets)


class _Guard:
    """The open connections of one server (used in the event loop's thread only): all
    of them, and the idle ones (no request being answered) in the order they went idle."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.open: set[_GuardedH11] = set()
        self.idle: OrderedDict[_GuardedH11, None] = OrderedDict()

    def admit(self, new: _GuardedH11) -> None:
        """Make room for ``new``: past max_connections, close the connection idle the
        longest (a reader polling gets in while idle clients hold every slot), or
        ``new`` itself when every other one is being answered."""
        while len(self.open) > self.limits.max_connections:
            victim = next((c for c in self.idle if c is not new), None)
            if victim is None:
                log.warning(
                    "closed a new connection: all %d connections are being answered "
                    "(--max-connections)",
                    self.limits.max_connections,
                )
                new.drop()
                return
            log.warning(
                "closed the longest idle connection to stay within %d connections "
                "(--max-connections)",
                self.limits.max_connections,
            )
            victim.drop()


class _GuardedH11(H11Protocol):
    """uvicorn's HTTP/1.1 protocol within the limits of its server's ``_Guard``: a
    request head must come within header_timeout of the connection's opening or of its
    last answer, an answer must not stay unread for send_timeout, and the connection
    counts against max_connections."""

    guard: ClassVar[_Guard]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_timer: asyncio.TimerHandle | None = None
        self.send_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Count the connection, wait for its request, make room for it."""
        super().connection_made(transport)
        self.guard.open.add(self)
        self._await_request()
        self.guard.admit(self)

    def connection_lost(self, exc: Exception | None) -> None:
        """Forget the connection."""
        self._forget()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        """Read what came; once a request's head is in, the connection is no longer idle."""
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle and self in self.guard.open:
            self.guard.idle.pop(self, None)
            self._stop(self.head_timer)
            self.head_timer = None

    def on_response_complete(self) -> None:
        """An answer went out: wait for the next request (before uvicorn reads on, as it
        may find a pipelined request at once)."""
        if not self.transport.is_closing() and self in self.guard.open:
            self._await_request()
        super().on_response_complete()

    def pause_writing(self) -> None:
        """The client does not read its answer fast enough: give it send_timeout."""
        super().pause_writing()
        if self.send_timer is None:
            self.send_timer = self.loop.call_later(self.guard.limits.send_timeout, self._unread)

    def resume_writing(self) -> None:
        """The client reads again."""
        super().resume_writing()
        self._stop(self.send_timer)
        self.send_timer = None

    def drop(self) -> None:
        """Close the connection now, whatever it has not sent (its file is freed at once)."""
        self._forget()
        self.transport.abort()

    def _await_request(self) -> None:
        self.guard.idle[self] = None
        self.guard.idle.move_to_end(self)
        self._stop(self.head_timer)
        self.head_timer = self.loop.call_later(self.guard.limits.header_timeout, self._no_request)

    def _no_request(self) -> None:
        self.head_timer = None
        log.warning(
            "closed a connection that sent no complete request within %g s (--header-timeout)",
            self.guard.limits.header_timeout,
        )
        self.drop()

    def _unread(self) -> None:
        self.send_timer = None
        log.warning(
            "closed a connection that left its answer unread for %g s",
            self.guard.limits.send_timeout,
        )
        self.drop()

    def _forget(self) -> None:
        self.guard.open.discard(self)
        self.guard.idle.pop(self, None)
        self._stop(self.head_timer)
        self._stop(self.send_timer)
        self.head_timer = self.send_timer = None

    @staticmethod
    def _stop(timer: asyncio.TimerHandle | None) -> None:
        if timer is not None:
            timer.cancel()
