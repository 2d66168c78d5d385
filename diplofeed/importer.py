"""``diplofeed import``: articles extracted elsewhere, as JSON lines, into the store.

Imported articles go through the same normalisation and deduplication as crawled ones
(``Store.save_article``). A bad line is reported with its number and skipped.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from diplofeed.errors import StorageError
from storage import Store

__all__ = ["ImportResult", "import_lines"]


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
        if not isinstance(data.get(key), str) or (key != "body" and not data[key].strip()):
            raise ValueError(f"'{key}' must be a non-empty string")
    if not data["url"].startswith(("http://", "https://")):
        raise ValueError("'url' must be an absolute http(s) URL")
    published = data.get("published")
    if published is not None:
        if not isinstance(published, str):
            raise ValueError("'published' must be ISO 8601 text")
        try:
            moment = datetime.fromisoformat(published)
        except ValueError as exc:
            raise ValueError(f"'published' is not ISO 8601: {published!r}") from exc
        if moment.tzinfo is None:
            raise ValueError(f"'published' has no UTC offset: {published!r}")
        data["published"] = moment
    source = data.get("source") or "import"
    if not isinstance(source, str):
        raise ValueError("'source' must be a string")
    return {
        "source": source.strip(),
        "url": data["url"],
        "title": data["title"],
        "body": data["body"],
        "summary": data.get("summary") or "",
        "language": data.get("language"),
        "published": data.get("published"),
        "published_from": "import",
        "author": data.get("author"),
        "image": data.get("image"),
    }


def import_lines(store: Store, lines: Iterable[str]) -> ImportResult:
    """Import JSON lines (``url``, ``title``, ``body``; optional ``published`` with an
    offset, ``source``, ``language``) and return what happened to each."""
    result = ImportResult()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            outcome = store.save_article(_record(line))
        except (ValueError, StorageError) as exc:
            result.errors.append((number, str(exc)))
            continue
        result.outcomes[outcome] += 1
    return result
