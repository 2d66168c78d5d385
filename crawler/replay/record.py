"""``diplofeed replay record``: live pages written as replay copies (docs/replay.md).

Pages are fetched by the real Scrapy engine with the crawl's settings (robots.txt, the
User-Agent, per-domain politeness): ``--source`` runs the source's own spider, so the
copy holds exactly what a crawl fetches (robots.txt, start pages, redirects, articles);
``--url`` fetches single pages. :class:`Recorder`, a downloader middleware placed next to
the downloader, sees every response before redirects are followed and writes it: the
body byte for byte, its status, Content-Type, ETag, Last-Modified and Location.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import tempfile
import tomllib
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.errors import ReplayError
from storage import format_utc

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Request, Response

__all__ = [
    "Recorder",
    "Recording",
    "record_sources",
    "record_urls",
    "recorder_settings",
    "write_manifest",
]

MANIFEST = "responses.toml"
_KEPT_HEADERS = ("ETag", "Last-Modified")
_EXTENSIONS = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/json": ".json",
    "text/plain": ".txt",
}


@dataclass(slots=True)
class Recording:
    """What one recording wrote: the folder, the responses and the article pages."""

    folder: Path
    recorded: datetime
    responses: list[dict[str, Any]] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    # several sources recorded at once: one folder each, ``folder/<source id>/``
    per_source: bool = False
    parts: dict[str, Recording] = field(default_factory=dict)

    def part(self, source_id: str) -> Recording:
        """Where a source's responses go: its own recording when sources are recorded
        each into its folder, else this one."""
        if not self.per_source:
            return self
        if source_id not in self.parts:
            self.parts[source_id] = Recording(self.folder / source_id, self.recorded)
        return self.parts[source_id]

    def __deepcopy__(self, memo: dict[int, Any]) -> Recording:
        # Scrapy deep-copies its settings for each crawler: the recording passed in them
        # is where the recorder writes, so it is shared, not copied.
        return self


def _file_name(url: str, content_type: str, language: str = "") -> str:
    parts = urlsplit(url)
    stem = re.sub(r"[^A-Za-z0-9]+", "_", f"{parts.netloc}{parts.path}").strip("_")[-60:]
    digest = hashlib.sha1(f"{url} {language}".encode()).hexdigest()[:8]
    mime = content_type.split(";")[0].strip().lower()
    suffix = ".txt" if parts.path.endswith("robots.txt") else _EXTENSIONS.get(mime, ".bin")
    return f"{stem or 'page'}_{digest}{suffix}"


class Recorder:
    """Downloader middleware: every response the engine receives, written as a copy.

    Switched on by the ``DIPLOFEED_RECORD_DIR`` setting. ``DIPLOFEED_RECORD_ARTICLES``
    (when above 0) bounds the article pages fetched; further ones are not requested.
    """

    def __init__(self, crawler: Crawler) -> None:
        folder = crawler.settings.get("DIPLOFEED_RECORD_DIR")
        if not folder:
            raise NotConfigured
        shared: Recording = crawler.settings.get("DIPLOFEED_RECORDING") or Recording(
            Path(folder), datetime.now(UTC).replace(microsecond=0)
        )
        self.recording = shared.part(str(getattr(crawler.spidercls, "name", "") or "pages"))
        self.recording.folder.mkdir(parents=True, exist_ok=True)
        self.limit = crawler.settings.getint("DIPLOFEED_RECORD_ARTICLES", 0)
        self.counted = 0
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Recorder:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        # encodings the copy can be decoded from with the standard library
        request.headers["Accept-Encoding"] = "gzip, deflate"
        if request.meta.get("diplofeed_role") != "article" or request.meta.get("recorded_slot"):
            return
        if self.limit and self.counted >= self.limit:
            raise IgnoreRequest(f"{self.limit} article(s) recorded")
        self.counted += 1
        request.meta["recorded_slot"] = True

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        entry: dict[str, Any] = {"url": response.url}
        language = (request.headers.get("Accept-Language") or b"").decode("latin-1")
        if response.status != 200:
            entry["status"] = response.status
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        location = (response.headers.get("Location") or b"").decode("latin-1")
        if location and 300 <= response.status < 400:
            entry["location"] = location
        elif response.body or response.status == 200:
            name = _file_name(response.url, content_type, language)
            (self.recording.folder / name).write_bytes(_decoded(response))
            entry["file"] = name
            if content_type:
                entry["content_type"] = content_type
        headers = {
            h: response.headers.get(h).decode("latin-1")  # type: ignore[union-attr]
            for h in _KEPT_HEADERS
            if response.headers.get(h)
        }
        if headers:
            entry["headers"] = headers
        entry = {k: v for k, v in entry.items() if v not in ("", None)}
        # one URL asked in several languages (an API): told apart when the manifest is written
        entry["_language"] = language
        self.recording.responses = [
            e
            for e in self.recording.responses
            if (e["url"], e["_language"]) != (response.url, language)
        ] + [entry]
        if request.meta.get("diplofeed_role") == "article" and response.status == 200:
            self.recording.articles.append(response.url)
        return response

    def closed(self, spider: Any = None) -> None:
        write_manifest(self.recording)


def _decoded(response: Response) -> bytes:
    """The body as the site meant it: a gzip or deflate transfer undone (the replay
    server serves copies unencoded)."""
    encoding = (response.headers.get("Content-Encoding") or b"").decode("latin-1").lower()
    body = response.body
    try:
        if "gzip" in encoding:
            return gzip.decompress(body)
        if "deflate" in encoding:
            try:
                return zlib.decompress(body)
            except zlib.error:
                return zlib.decompress(body, -zlib.MAX_WBITS)
    except (OSError, EOFError, zlib.error) as exc:
        raise ReplayError(f"{response.url}: {encoding} body could not be decoded: {exc}") from exc
    return body


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime):
        return format_utc(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    # JSON string escapes are TOML basic-string escapes
    return json.dumps(str(value), ensure_ascii=False)


def write_manifest(recording: Recording) -> Path:
    """Write (or refresh) the folder's ``responses.toml``: responses recorded now replace
    those of the same URL; the others, and the file's opening comments, stay."""
    path = recording.folder / MANIFEST
    kept: list[dict[str, Any]] = []
    comments: list[str] = []
    if path.exists():
        text = path.read_text(encoding="utf-8")
        try:
            old = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ReplayError(f"{path}: not valid TOML, not refreshed: {exc}") from exc
        comments = [line for line in text.splitlines() if line.startswith("#")][:20]
        fresh = {e["url"] for e in recording.responses}  # every language of them
        kept = [e for e in old.get("response", []) if e.get("url") not in fresh]
    if not comments:
        comments = ["# Recorded by `diplofeed replay record` (docs/replay.md)."]
    lines = [*comments, "", f"recorded = {format_utc(recording.recorded)}", ""]
    for entry in [*kept, *_told_apart(recording.responses)]:
        lines.append("[[response]]")
        lines += [f"{key} = {_toml(value)}" for key, value in entry.items()]
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _told_apart(responses: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The responses as manifest entries: a URL recorded in several languages gets
    ``match_headers`` on each copy, so the replay server answers each language."""
    languages: dict[str, set[str]] = {}
    for entry in responses:
        languages.setdefault(entry["url"], set()).add(entry.get("_language", ""))
    out = []
    for entry in responses:
        clean = {k: v for k, v in entry.items() if k != "_language"}
        if len(languages[entry["url"]]) > 1 and entry.get("_language"):
            clean["match_headers"] = {"Accept-Language": entry["_language"]}
        out.append(clean)
    return out


def recorder_settings(folder: Path, recording: Recording, articles: int) -> dict[str, Any]:
    from crawler.settings import DOWNLOADER_MIDDLEWARES

    return {
        "DIPLOFEED_RECORD_DIR": str(folder),
        "DIPLOFEED_RECORDING": recording,
        "DIPLOFEED_RECORD_ARTICLES": articles,
        # last before the downloader: every response, redirects included, before any
        # other middleware acts on it
        "DOWNLOADER_MIDDLEWARES": {**DOWNLOADER_MIDDLEWARES, "crawler.replay.record.Recorder": 990},
    }


def record_sources(
    source_ids: list[str] | None,
    folder: str | Path,
    *,
    articles: int = 5,
    registry: str | Path | None = None,
) -> Recording:
    """Crawl sources live (default: every source), each its start pages and up to
    ``articles`` article pages, and write every response as a replay copy in
    ``folder/<source id>/`` (the layout of the bundled copies).

    Returns:
        The recording, with one part per source (``parts``).

    Raises:
        SourceConfigError: an unknown source or a broken registry.
        ReplayError: a folder's manifest exists and cannot be read.
    """
    from crawler.registry import load_registry
    from crawler.runner import run_crawl

    chosen = source_ids or list(load_registry(registry))
    recording = Recording(Path(folder), datetime.now(UTC).replace(microsecond=0), per_source=True)
    with tempfile.TemporaryDirectory(prefix="diplofeed-record-") as tmp:
        run_crawl(
            Path(tmp) / "record.db",
            chosen,
            registry=registry,
            log_level="WARNING",
            settings=recorder_settings(Path(folder), recording, articles),
        )
    return recording


def record_urls(urls: list[str], folder: str | Path) -> Recording:
    """Fetch single pages live (robots.txt and redirects as in a crawl) into ``folder``."""
    from scrapy.crawler import AsyncCrawlerProcess

    from crawler.runner import crawl_settings

    recording = Recording(Path(folder), datetime.now(UTC).replace(microsecond=0))

    class Pages(scrapy.Spider):
        name = "diplofeed_record"
        custom_settings = {"ITEM_PIPELINES": {}, "HTTPERROR_ALLOW_ALL": True}  # noqa: RUF012

        async def start(self) -> AsyncIterator[Any]:
            for url in urls:
                yield scrapy.Request(
                    url,
                    callback=self.keep,
                    dont_filter=True,
                    meta={"diplofeed_role": "article"},
                )

        def keep(self, response: Response) -> None:
            return None

    settings = crawl_settings(":memory:", log_level="WARNING")
    for key, value in recorder_settings(Path(folder), recording, 0).items():
        settings.set(key, value, priority="cmdline")
    process = AsyncCrawlerProcess(settings)
    process.crawl(Pages)
    process.start()
    return recording
