"""``diplofeed import``: articles extracted elsewhere, as JSON lines, into the store.

Imported articles go through the same normalisation and deduplication as crawled ones
(``Store.save_article``). A bad line is reported with its number and skipped.
"""

from __future__ import annotations

import gc
import itertools
import json
import multiprocessing
import os
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from diplofeed.errors import StorageError
from storage import Preparer, Store, clean_text
from storage.times import utcnow

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


def import_lines(
    store: Store,
    lines: Iterable[bytes | str],
    *,
    batch: int = 500,
    workers: int = 0,
    progress: Callable[[int, ImportResult], None] | None = None,
) -> ImportResult:
    """Import JSON lines (``url``, ``title``, ``body``; optional ``published`` with an
    offset, ``source``, ``language``, ``summary``, ``author``, ``image``) and return what
    happened to each. Lines may be bytes (decoded as UTF-8, one bad line at a time).

    Articles are committed ``batch`` at a time; each is all-or-nothing on its own. With
    ``workers``, that many worker processes parse, clean, classify and fingerprint
    the lines (:class:`storage.Preparer`) while this one writes, in the order of the
    lines, so the stories come out as they would from one process. ``progress`` is
    called after each commit with the number of the last line committed.
    """
    report = progress or (lambda number, result: None)
    result = ImportResult()
    numbered = enumerate(lines, 1)
    chunks = iter(lambda: list(itertools.islice(numbered, batch)), [])
    first = next(chunks, [])
    if not first:
        return result
    if workers < 1 or len(first) < batch:  # one batch: not worth starting workers
        for chunk in itertools.chain([first], chunks):
            with store.batch():
                for number, raw in chunk:
                    _import_one(store, number, raw, result)
            report(chunk[-1][0], result)
        return result
    Preparer.warm()  # once here, inherited by the workers
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    # Tasks a fifth of a batch: the first rows reach this process soon, and the workers
    # stay busy while it writes. At most 4 tasks per worker wait: a long stream is not
    # read ahead of the writing.
    task = max(1, batch // 5)
    tasks = (
        chunk[i : i + task]
        for chunk in itertools.chain([first], chunks)
        for i in range(0, len(chunk), task)
    )
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_start_worker, initargs=(store.path,)
    ) as pool:
        pending: deque[Future[list[_Prepared]]] = deque()
        ready: list[_Prepared] = []

        def take() -> None:
            nonlocal ready
            ready += pending.popleft().result()
            if len(ready) >= batch or not pending:
                _save_chunk(store, ready, result)
                if ready:
                    report(ready[-1][0], result)
                ready = []

        for lines_of_task in tasks:
            pending.append(pool.submit(_prepare_chunk, lines_of_task))
            if len(pending) > 4 * workers:
                take()
        while pending:
            take()
    return result


# (line number, the row for Store.save_prepared or None, the error or None)
_Prepared = tuple[int, "dict[str, Any] | None", "str | None"]
_preparer: Preparer | None = None


def _start_worker(path: str) -> None:
    global _preparer
    _preparer = Preparer(path)
    # what the worker inherited (the classifier's lexicons, modules) lives as long as it:
    # the garbage collector need not walk it again on every full collection
    gc.freeze()


def _prepare_chunk(chunk: list[tuple[int, bytes | str]]) -> list[_Prepared]:
    """In a worker: each line's row, or why it was rejected."""
    assert _preparer is not None
    now = utcnow()
    done: list[_Prepared] = []
    for number, raw in chunk:
        try:
            record = _parse(raw)
            if record is not None:
                done.append((number, _preparer.prepare(record, now), None))
        except (ValueError, StorageError) as exc:  # the line's fault, as in _import_one
            done.append((number, None, str(exc)))
    return done


def _save_chunk(store: Store, chunk: list[_Prepared], result: ImportResult) -> None:
    with store.batch():
        for number, row, error in chunk:
            if row is None:
                result.errors.append((number, str(error)))
            else:
                _save(store.save_prepared, row, number, result)


def _save(save: Any, row: dict[str, Any], number: int, result: ImportResult) -> None:
    """Store one line's article; the store's refusal is the line's error."""
    try:
        outcome = save(row)
    except StorageError as exc:
        result.errors.append((number, str(exc)))
        return
    result.outcomes[outcome] += 1


def _parse(raw: bytes | str) -> dict[str, object] | None:
    """The record of one line, None for a blank line.

    Raises:
        ValueError: the line is not UTF-8, not JSON, or not an article.
    """
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    if not line.strip():
        return None
    return _record(line)


def _import_one(store: Store, number: int, raw: bytes | str, result: ImportResult) -> None:
    try:
        record = _parse(raw)
    except ValueError as exc:  # the line's fault; a bug elsewhere must not hide here
        result.errors.append((number, str(exc)))
        return
    if record is not None:
        _save(store.save_article, record, number, result)
