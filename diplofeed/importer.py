"""``diplofeed import``: articles extracted elsewhere, as JSON lines, into the store.

Imported articles go through the same normalisation and deduplication as crawled ones
(``Store.save_article``). A bad line is reported with its number and skipped.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from diplofeed.errors import StorageError
from storage import Store, clean_text

__all__ = ["ImportResult", "import_lines"]

_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_SOURCE_NAME = re.compile(r"^[\w.-]{1,64}$")


@dataclass(slots=True)
class ImportResult:
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _record(line: str) -> dict[str, object]:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in ("url", "title", "body"):
        if not isinstance(data.get(key), str):
            raise ValueError(f"'{key}' must be a string")
    for key in ("summary", "language", "author", "image", "source", "published"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValueError(f"'{key}' must be a string or null")
    if not clean_text(data["title"]):
        raise ValueError("'title' is empty")
    parts = urlsplit(data["url"].strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("'url' must be an absolute http(s) URL")
    language = data.get("language")
    if language is not None and not _LANGUAGE_TAG.match(language):
        raise ValueError(f"'language' is not a language code: {language[:40]!r}")
    published = data.get("published")
    if published is not None:
        try:
            moment = datetime.fromisoformat(published)
        except ValueError as exc:
            raise ValueError(f"'published' is not ISO 8601: {published[:60]!r}") from exc
        if moment.tzinfo is None:
            raise ValueError(f"'published' has no UTC offset: {published!r}")
        try:
            moment.astimezone(UTC)
        except OverflowError as exc:
            raise ValueError(f"'published' is out of range: {published!r}") from exc
        data["published"] = moment
    source = (data.get("source") or "import").strip()
    if not _SOURCE_NAME.match(source):
        raise ValueError(f"'source' must be 1-64 letters, digits, '_', '-' or '.': {source[:40]!r}")
    return {
        "source": source,
        "url": data["url"],
        "title": data["title"],
        "body": data["body"],
        "summary": data.get("summary") or "",
        "language": language,
        "published": data.get("published"),
        "published_from": "import",
        "author": data.get("author"),
        "image": data.get("image"),
    }


def import_lines(store: Store, lines: Iterable[bytes | str], *, batch: int = 500) -> ImportResult:
    """Import JSON lines (``url``, ``title``, ``body``; optional ``published`` with an
    offset, ``source``, ``language``, ``summary``, ``author``, ``image``) and return what
    happened to each. Lines may be bytes (decoded as UTF-8, one bad line at a time).

    Articles are committed ``batch`` at a time; each is all-or-nothing on its own.
    """
    result = ImportResult()
    numbered = enumerate(lines, 1)
    while True:
        chunk = list(itertools.islice(numbered, batch))
        if not chunk:
            return result
        with store.batch():
            for number, raw in chunk:
                _import_one(store, number, raw, result)


def _import_one(store: Store, number: int, raw: bytes | str, result: ImportResult) -> None:
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        result.errors.append((number, f"not UTF-8: {exc.reason} at byte {exc.start}"))
        return
    if not line.strip():
        return
    try:
        record = _record(line)
    except ValueError as exc:  # the line's fault; a bug elsewhere must not hide here
        result.errors.append((number, str(exc)))
        return
    try:
        outcome = store.save_article(record)
    except StorageError as exc:
        result.errors.append((number, str(exc)))
        return
    result.outcomes[outcome] += 1
