"""Replay archives: recorded responses keyed by real URL (format in docs/replay.md)."""

from __future__ import annotations

import mimetypes
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.encoding import html_to_unicode

from crawler.errors import ReplayError

__all__ = ["DEFAULT_SITES", "FAULTS", "RecordedResponse", "ReplayArchive", "url_key"]

DEFAULT_SITES = Path(__file__).with_name("sites")
_KEYS = {
    "url",
    "status",
    "file",
    "body",
    "content_type",
    "headers",
    "location",
    "delay",
    "match_headers",
    "fault",
}
# Transport faults the server can play (docs/replay.md): ``reset`` closes the connection
# without answering; ``truncate`` announces the whole body's length, sends half, closes.
FAULTS = ("reset", "truncate")


def url_key(url: str) -> str:
    """The lookup key of a URL: no fragment, query parameters in sorted order."""
    parts = urlsplit(url.strip())
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)), safe=":,")
    return urlunsplit(
        (parts.scheme.lower(), (parts.netloc or "").lower(), parts.path or "/", query, "")
    )


@dataclass(slots=True)
class RecordedResponse:
    url: str
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    match_headers: dict[str, str] = field(default_factory=dict)
    origin: str = ""
    fault: str = ""

    def matches(self, request_headers: dict[str, str]) -> bool:
        lowered = {k.lower(): v.strip().lower() for k, v in request_headers.items()}
        return all(
            lowered.get(k.lower()) == v.strip().lower() for k, v in self.match_headers.items()
        )

    def text(self) -> str:
        """The body decoded as a browser (and Scrapy, via w3lib) would decode it."""
        _, text = html_to_unicode(self.headers.get("Content-Type"), self.body)
        return text


def _recorded(value: Any, manifest: Path) -> datetime:
    """A manifest's ``recorded`` time: a TOML datetime or ISO text, with an offset."""
    moment = value if isinstance(value, datetime) else None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            moment = None
    if moment is None or moment.tzinfo is None:
        raise ReplayError(
            f"{manifest}: 'recorded' must be a date-time with an offset, e.g. 2026-11-28T00:00:00Z"
        )
    return moment.astimezone(UTC)


def _entry(raw: dict[str, Any], folder: Path, manifest: Path) -> RecordedResponse:
    unknown = set(raw) - _KEYS
    where = f"{manifest}: response {raw.get('url', '?')!r}"
    if unknown:
        raise ReplayError(f"{where}: unknown keys {sorted(unknown)}")
    if not raw.get("url", "").startswith(("http://", "https://")):
        raise ReplayError(f"{where}: url must be an absolute http(s) URL")
    headers = {str(k): str(v) for k, v in (raw.get("headers") or {}).items()}
    body = b""
    if "file" in raw:
        path = (folder / raw["file"]).resolve()
        if folder.resolve() not in path.parents:
            raise ReplayError(f"{where}: file {raw['file']!r} is outside {folder}")
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise ReplayError(f"{where}: cannot read {raw['file']!r}: {exc}") from exc
        guessed = mimetypes.guess_type(path.name)[0]
        if "content_type" not in raw and guessed:
            headers.setdefault("Content-Type", guessed)
    elif "body" in raw:
        body = str(raw["body"]).encode("utf-8")
    if raw.get("content_type"):
        headers["Content-Type"] = str(raw["content_type"])
    fault = str(raw.get("fault", ""))
    if fault and fault not in FAULTS:
        raise ReplayError(f"{where}: fault must be one of {', '.join(FAULTS)}")
    if raw.get("location"):
        headers["Location"] = str(raw["location"])
    return RecordedResponse(
        url=raw["url"],
        status=int(raw.get("status", 200)),
        body=body,
        headers=headers,
        delay=float(raw.get("delay", 0)),
        match_headers={str(k): str(v) for k, v in (raw.get("match_headers") or {}).items()},
        origin=str(manifest),
        fault=fault,
    )


class ReplayArchive:
    """All recorded responses of one or more site folders, looked up by real URL.

    ``recorded`` is when the copies were made (the latest ``recorded`` of the manifests):
    a crawl of the copies runs as of that time, so relative dates, first-seen times and
    source health come out as they did on that day.
    """

    def __init__(self, entries: list[RecordedResponse], recorded: datetime | None = None) -> None:
        self.recorded = recorded
        self._by_key: dict[str, list[RecordedResponse]] = {}
        for entry in entries:
            bucket = self._by_key.setdefault(url_key(entry.url), [])
            for other in bucket:
                if other.match_headers == entry.match_headers:
                    raise ReplayError(
                        f"{entry.url} recorded twice ({other.origin} and {entry.origin})"
                    )
            bucket.append(entry)
        for bucket in self._by_key.values():
            # Copies that demand request headers are tried before the catch-all copy.
            bucket.sort(key=lambda e: -len(e.match_headers))

    @classmethod
    def load(cls, roots: list[Path] | None = None) -> ReplayArchive:
        """Read every ``responses.toml`` below the given folders (default: the bundled sites)."""
        entries: list[RecordedResponse] = []
        recorded: list[datetime] = []
        for root in roots or [DEFAULT_SITES]:
            manifests = sorted(Path(root).rglob("responses.toml"))
            if not manifests:
                raise ReplayError(f"no responses.toml below {root}")
            for manifest in manifests:
                try:
                    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
                except (OSError, tomllib.TOMLDecodeError) as exc:
                    raise ReplayError(f"cannot read {manifest}: {exc}") from exc
                for raw in data.get("response", []):
                    entries.append(_entry(raw, manifest.parent, manifest))
                if "recorded" in data:
                    recorded.append(_recorded(data["recorded"], manifest))
        return cls(entries, max(recorded) if recorded else None)

    def __len__(self) -> int:
        return sum(len(b) for b in self._by_key.values())

    def urls(self) -> list[str]:
        return sorted({e.url for b in self._by_key.values() for e in b})

    def responses(self) -> list[RecordedResponse]:
        """Every recorded response (each copy of a URL recorded per request header)."""
        return [e for b in self._by_key.values() for e in b]

    def lookup(
        self, url: str, request_headers: dict[str, str] | None = None
    ) -> RecordedResponse | None:
        """Return the recorded response for ``url`` and these request headers, if any."""
        for entry in self._by_key.get(url_key(url), []):
            if entry.matches(request_headers or {}):
                return entry
        return None
