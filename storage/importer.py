"""``diplofeed import``: articles extracted elsewhere, as JSON lines, into the store; and
the bounded reading of JSON lines it shares with ``diplofeed classify``.

Imported articles go through the same normalisation and deduplication as crawled ones
(``Store.save_article``). A bad line is reported with its number and skipped, whatever
is wrong with it: not UTF-8, not JSON, nested deeper than :data:`DEPTH_LIMIT`, longer
than :data:`LINE_LIMIT`, a field of the wrong type, a URL with a bad port. The input is
read a bounded line at a time (:class:`LineReader`): a longer line is never held in
memory, and reading stops when :data:`GIVE_UP` bytes pass without a line break
(``/dev/zero``). The store failing (full disk, read-only, corrupted, busy) is not a
line's fault: the import stops there with :class:`ImportStopped`, having committed the
lines before, and importing the same input again resumes it.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from .errors import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    DiplofeedError,
    StorageError,
    StoreUnavailable,
)
from .normalize import clean_text
from .store import Preparer, Store
from .times import utcnow

__all__ = [
    "DEPTH_LIMIT",
    "GIVE_UP",
    "LINE_LIMIT",
    "ImportResult",
    "ImportStopped",
    "InputStopped",
    "LineReader",
    "RejectedLine",
    "import_lines",
    "json_object",
]

MiB = 2**20
# The longest line read. A news article's JSON line is a few kB (bench/synth.py's: 2-4
# kB); a whole speech or treaty in Cyrillic (two bytes a letter) is some hundred kB: 4
# MiB leaves ten times that. One line at the limit costs ~170 MB while it is parsed,
# cleaned, classified and fingerprinted (measured: 227 MB peak importing lines of 3.8
# MiB, 55 MB with small lines), per process: the limit is what bounds that.
LINE_LIMIT = 4 * MiB
# Bytes without a line break after which the input is taken for something other than
# JSON lines (/dev/zero, a disk image, one minified 1 GB JSON array) and reading stops:
# a line that long is not "skipped" but the whole input refused. Skipping it costs
# time only (read in 1 MiB pieces, never held): 64 MiB is well under a second.
GIVE_UP = 64 * MiB
# The deepest nesting of arrays and objects a line may have. An article is an object of
# strings (depth 1); extraction tools' metadata adds a few levels. Beyond ~1000 levels
# the JSON parser itself fails (RecursionError); 32 keeps a hostile line far from that.
DEPTH_LIMIT = 32
# What one commit or one worker task holds at most (besides the line count)
_BATCH_BYTES = 16 * MiB
_TASK_BYTES = 4 * MiB
_SKIP_PIECE = MiB
# New objects between two collections of the youngest generation while importing (Python's
# default: 700)
_GC_THRESHOLD = 20_000
# How much lower the preparing workers' scheduling priority is than the writer's
_WORKER_NICENESS = 5

_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_SOURCE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_ESCAPE = re.compile(r"\\.", re.DOTALL)
_STRING = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SURROGATE = re.compile("[\\ud800-\\udfff]")

# What a line's content can make go wrong, wherever it is found (parsing, cleaning,
# classifying, storing; UnicodeError is a ValueError). Anything else is a bug and must
# not pass for a bad line. StorageError, the store refusing an article, is caught beside
# these where the store is written, after StoreUnavailable, the store's own failure.
_LINE_FAULTS = (ValueError, RecursionError, OverflowError)


@dataclass(slots=True)
class ImportResult:
    """What became of the lines committed so far.

    ``outcomes`` counts ``new``, ``updated`` and ``unchanged`` articles; ``rejected``
    counts bad lines, listed in ``errors`` (line number, why) unless a ``reject``
    callback took them; ``lines`` is the number of the last line committed.
    """

    outcomes: Counter[str] = field(default_factory=Counter)
    errors: list[tuple[int, str]] = field(default_factory=list)
    rejected: int = 0
    lines: int = 0


class ImportStopped(DiplofeedError):
    """The import stopped before the end of its input: the store failed
    (:class:`StoreUnavailable`, its exit code), the input is not JSON lines (no line
    break within :data:`GIVE_UP` bytes, exit code 4) or could not be read. Lines 1 to
    ``result.lines`` are committed; ``result`` says what became of them."""

    def __init__(self, message: str, result: ImportResult, exit_code: int) -> None:
        super().__init__(message)
        self.result = result
        self.exit_code = exit_code


class InputStopped(DiplofeedError):
    """Reading the input stopped before its end (:attr:`LineReader.stopped`): it is not
    JSON lines (exit code 4), or reading it failed."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True, slots=True)
class RejectedLine:
    """A line refused by the reader (too long), in place of its text."""

    reason: str


_Raw = bytes | str | RejectedLine


@runtime_checkable
class _Readable(Protocol):
    def readline(self, size: int = ..., /) -> bytes | str: ...


class LineReader:
    """The lines of ``source``, none longer than ``limit`` bytes in memory.

    ``source`` is a stream (read with a bounded ``readline``: a longer line is never
    held, but skipped to its end in small pieces and given as rejected) or any
    iterable of lines (each checked against ``limit``). Reading stops early, with
    ``stopped`` saying why, when ``give_up`` bytes pass without a line break or the
    stream fails.
    """

    def __init__(
        self,
        source: _Readable | Iterable[bytes | str],
        *,
        limit: int = LINE_LIMIT,
        give_up: int = GIVE_UP,
    ) -> None:
        self.source = source
        self.limit = limit
        self.give_up = give_up
        self.stopped: InputStopped | None = None

    def __iter__(self) -> Iterator[_Raw]:
        if isinstance(self.source, _Readable):
            return self._read(self.source)
        return self._check(self.source)

    def _check(self, lines: Iterable[bytes | str]) -> Iterator[_Raw]:
        for line in lines:
            if len(line) > self.limit // 4 and _size(line) > self.limit:
                yield RejectedLine(f"longer than {_amount(self.limit)}")
            else:
                yield line

    def _read(self, stream: _Readable) -> Iterator[_Raw]:
        number = 0
        while True:
            line = self._readline(stream, self.limit + 1, number)
            if not line:
                return
            number += 1
            if len(line) <= self.limit or _ends_line(line):
                yield line
                continue
            skipped = len(line)  # the limit passed with no line break: skip to one
            while True:
                piece = self._readline(stream, _SKIP_PIECE, number)
                skipped += len(piece)
                if not piece or _ends_line(piece):
                    yield RejectedLine(f"longer than {_amount(self.limit)}")
                    break
                if skipped > self.give_up:
                    self.stopped = InputStopped(
                        f"line {number}: no line break in {_amount(self.give_up)}: "
                        "the input is not JSON lines; stopped reading there"
                    )
                    yield RejectedLine(
                        f"longer than {_amount(self.limit)}, and no line break in "
                        f"{_amount(self.give_up)}"
                    )
                    return
            if self.stopped:  # the stream failed while skipping
                return

    def _readline(self, stream: _Readable, size: int, number: int) -> bytes | str:
        """One bounded ``readline``; a failing stream ends the input, noted in
        ``stopped``."""
        try:
            return stream.readline(size)
        except OSError as exc:
            self.stopped = InputStopped(
                f"cannot read the input after line {number}: {exc}", EXIT_ERROR
            )
            return b""


def _ends_line(text: bytes | str) -> bool:
    return text.endswith(b"\n") if isinstance(text, bytes) else text.endswith("\n")


def _size(line: bytes | str) -> int:
    """Its length in bytes, as read from a file (without its line break)."""
    data = line if isinstance(line, bytes) else line.encode("utf-8", "surrogatepass")
    return len(data.rstrip(b"\n"))


def _amount(size: int) -> str:
    return f"{size // MiB} MiB" if size % MiB == 0 else f"{size} bytes"


def _depth(text: str) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings do not
    count); linear in the text, for any text."""
    if text.count("[") + text.count("{") <= DEPTH_LIMIT:
        return 0  # the common case: it cannot nest deeper than the limit
    # escapes first, so that every quote left opens or closes a string
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", _ESCAPE.sub("", text)))
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0)


def json_object(raw: bytes | str | RejectedLine) -> dict[str, Any] | None:
    """The JSON object of one input line (from :class:`LineReader`), None for a blank
    line.

    Raises:
        ValueError: the line is too long, not UTF-8, not JSON, nested deeper than
            :data:`DEPTH_LIMIT`, not an object, or has a string that is no text.
    """
    if isinstance(raw, RejectedLine):
        raise ValueError(raw.reason)
    try:
        line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8: {exc.reason} at byte {exc.start}") from exc
    if not line.strip():
        return None
    if _depth(line) > DEPTH_LIMIT:
        raise ValueError(f"JSON nested deeper than {DEPTH_LIMIT} levels")
    try:
        data = json.loads(line)
    except RecursionError as exc:  # not reached after the depth check; kept as a bound
        raise ValueError("JSON nested too deeply") from exc
    except ValueError as exc:
        raise ValueError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key, value in data.items():
        # "\ud800" is valid JSON but no UTF-8 text: it could be neither stored nor printed
        if isinstance(value, str) and (bad := _SURROGATE.search(value)):
            raise ValueError(f"{key[:40]!r} has a lone surrogate \\u{ord(bad.group()):04x}")
    return data


def _record(data: dict[str, Any]) -> dict[str, object]:
    """The article of one line's JSON object.

    Raises:
        ValueError: it is not an article.
    """
    _check_types(data)
    _check_url(data["url"].strip())
    language = data.get("language")
    if language is not None and not _LANGUAGE_TAG.fullmatch(language):
        raise ValueError(f"'language' is not a language code: {language[:40]!r}")
    if data.get("published") is not None:
        data["published"] = _published(data["published"])
    source = (data.get("source") or "import").strip()
    if not _SOURCE_NAME.fullmatch(source):
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


def _check_types(data: dict[str, Any]) -> None:
    for key in ("url", "title", "body"):
        if not isinstance(data.get(key), str):
            raise ValueError(f"'{key}' must be a string")
    for key in ("summary", "language", "author", "image", "source", "published"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValueError(f"'{key}' must be a string or null")
    if not clean_text(data["title"]):
        raise ValueError("'title' is empty")


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is no number in 0-65535)
    except ValueError as exc:
        raise ValueError(f"'url' is not a valid URL ({exc}): {url[:80]!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("'url' must be an absolute http(s) URL")


def _published(published: str) -> datetime:
    """An ISO 8601 date with its UTC offset, in range."""
    try:
        moment = datetime.fromisoformat(published)
    except ValueError as exc:
        raise ValueError(f"'published' is not ISO 8601: {published[:60]!r}") from exc
    if moment.tzinfo is None:
        raise ValueError(f"'published' has no UTC offset: {published[:60]!r}")
    try:
        moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"'published' is out of range: {published[:60]!r}") from exc
    return moment


def import_lines(
    store: Store,
    lines: _Readable | Iterable[bytes | str],
    *,
    batch: int = 500,
    workers: int = 0,
    progress: Callable[[int, ImportResult], None] | None = None,
    reject: Callable[[int, str], None] | None = None,
) -> ImportResult:
    """Import JSON lines (``url``, ``title``, ``body``; optional ``published`` with an
    offset, ``source``, ``language``, ``summary``, ``author``, ``image``) and return what
    happened to each. ``lines`` is a stream (a binary file: read a bounded line at a
    time, :class:`LineReader`) or lines, as bytes (decoded as UTF-8, one bad line at a
    time) or text.

    Articles are committed ``batch`` lines (or 16 MiB) at a time; each is all-or-nothing
    on its own. With ``workers``, that many worker processes parse, clean, classify and
    fingerprint the lines (:class:`storage.Preparer`) while this one writes, in the
    order of the lines, so the stories come out as they would from one process.
    ``progress`` is called after each commit with the number of the last line
    committed; ``reject``, when given, with each bad line's number and fault as it is
    committed (else they are kept in ``errors``).

    Raises:
        ImportStopped: the store failed, or the input is not JSON lines or could not be
            read; what was committed before is kept, and says where to resume.
    """
    reader = LineReader(lines)
    result = ImportResult()
    collecting = gc.get_threshold()
    # the writer keeps tens of thousands of small objects (the band index's recent keys,
    # the title cues): collected every 700 new ones, that was 5% of its time
    gc.set_threshold(_GC_THRESHOLD, *collecting[1:])
    try:
        _import(store, reader, result, batch, workers, progress or _silent, reject)
    except StoreUnavailable as exc:
        done = f"lines 1-{result.lines} were imported" if result.lines else "no line was imported"
        raise ImportStopped(
            f"{exc}; {done} (import again to resume: stored lines come back unchanged)",
            result,
            exc.exit_code,
        ) from exc
    finally:
        gc.set_threshold(*collecting)
    if reader.stopped:
        stop = reader.stopped
        raise ImportStopped(str(stop), result, stop.exit_code) from stop
    return result


def _silent(number: int, result: ImportResult) -> None:
    """No progress report."""


def _import(
    store: Store,
    reader: LineReader,
    result: ImportResult,
    batch: int,
    workers: int,
    report: Callable[[int, ImportResult], None],
    reject: Callable[[int, str], None] | None,
) -> None:
    """:func:`import_lines`, committing into ``result`` as it goes."""
    chunks = _chunks(enumerate(reader, 1), batch, _BATCH_BYTES)
    first, second = next(chunks, []), next(chunks, [])
    if workers < 1 or not second:  # one batch: not worth starting workers
        for chunk in itertools.chain([first, second], chunks):
            if not chunk:
                continue
            staged = ImportResult()
            with store.batch():
                for number, raw in chunk:
                    _import_one(store, number, raw, staged)
            _commit(result, staged, chunk[-1][0], reject)
            report(result.lines, result)
        return
    Preparer.warm()  # once here, inherited by the workers
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    # Tasks a fifth of a batch: the first rows reach this process soon, and the workers
    # stay busy while it writes. At most 4 tasks per worker wait: a long stream is not
    # read ahead of the writing.
    tasks = (
        task
        for chunk in itertools.chain([first, second], chunks)
        for task in _chunks(iter(chunk), max(1, batch // 5), _TASK_BYTES)
    )
    with ProcessPoolExecutor(
        workers,
        mp_context=context,
        initializer=_start_worker,
        initargs=(store.path, os.getpid()),
    ) as pool:
        pending: deque[Future[list[_Prepared]]] = deque()
        ready: list[_Prepared] = []

        def take() -> None:
            nonlocal ready
            ready += pending.popleft().result()
            if len(ready) >= batch or not pending:
                if ready:
                    staged = ImportResult()
                    _save_chunk(store, ready, staged)
                    _commit(result, staged, ready[-1][0], reject)
                    report(result.lines, result)
                ready = []

        try:
            for lines_of_task in tasks:
                pending.append(pool.submit(_prepare_chunk, lines_of_task))
                if len(pending) > 4 * workers:
                    take()
            while pending:
                take()
        except BaseException:
            # stopping: the tasks not started are dropped, not prepared for nothing
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _chunks(
    numbered: Iterator[tuple[int, _Raw]], count: int, size: int
) -> Iterator[list[tuple[int, _Raw]]]:
    """The numbered lines in lists of at most ``count`` lines and (but for one long
    line) ``size`` bytes: what is held in memory at once is bounded."""
    chunk: list[tuple[int, _Raw]] = []
    held = 0
    for item in numbered:
        raw = item[1]
        length = 0 if isinstance(raw, RejectedLine) else len(raw)
        if chunk and (len(chunk) >= count or held + length > size):
            yield chunk
            chunk, held = [], 0
        chunk.append(item)
        held += length
    if chunk:
        yield chunk


def _commit(
    result: ImportResult,
    staged: ImportResult,
    last: int,
    reject: Callable[[int, str], None] | None,
) -> None:
    """Count a committed batch's lines into ``result``: until its commit, a store
    failure would undo them, and a resumed import would see them again."""
    result.outcomes.update(staged.outcomes)
    result.rejected += len(staged.errors)
    if reject is None:
        result.errors += staged.errors
    else:
        for number, message in staged.errors:
            reject(number, message)
    result.lines = last


# (line number, the row for Store.save_prepared or None, the error or None)
_Prepared = tuple[int, "dict[str, Any] | None", "str | None"]
_preparer: Preparer | None = None
_store_path = ""


def _start_worker(path: str, parent: int) -> None:
    """Set up a worker process: its end with ``parent``, the store it reads."""
    global _store_path
    _die_with_parent(parent)
    _store_path = path  # opened by the first task: its failure goes back with the task
    # what the worker inherited (the classifier's lexicons, modules) lives as long as it:
    # the garbage collector need not walk it again on every full collection
    gc.freeze()
    # The writing process is the one all the others wait for: when every process wants
    # a core, it gets one first, and the workers share what is left (on two cores, three
    # busy processes otherwise give the writer two thirds of one).
    if hasattr(os, "nice"):
        try:
            os.nice(_WORKER_NICENESS)
        except OSError:
            pass  # not allowed here: the workers run as they are


def _die_with_parent(parent: int) -> None:
    """End this worker when the importing process dies, so that killing the import
    leaves no worker behind: a worker waiting for its next task would never notice by
    itself, as its siblings keep the task pipe open. On Linux the kernel kills it at
    once (PR_SET_PDEATHSIG); everywhere, a thread checks its parent every second."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG; a worker has nothing to save
        except (OSError, AttributeError):
            pass  # no prctl to be had: the thread below remains

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    # it also catches a parent that died before the signal was asked for
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _prepare_chunk(chunk: list[tuple[int, _Raw]]) -> list[_Prepared]:
    """In a worker: each line's row, or why it was rejected."""
    global _preparer
    if _preparer is None:
        _preparer = Preparer(_store_path)
    now = utcnow()
    done: list[_Prepared] = []
    for number, raw in chunk:
        try:
            record = _parse(raw)
            if record is not None:
                done.append((number, _preparer.prepare(record, now), None))
        except StoreUnavailable:
            raise
        except (*_LINE_FAULTS, StorageError) as exc:  # the line's fault, as in _save
            done.append((number, None, _fault(exc)))
    return done


def _save_chunk(store: Store, chunk: list[_Prepared], result: ImportResult) -> None:
    with store.batch():
        for number, row, error in chunk:
            if row is None:
                result.errors.append((number, str(error)))
            else:
                _save(store.save_prepared, row, number, result)


def _save(save: Any, row: dict[str, Any], number: int, result: ImportResult) -> None:
    """Store one line's article; the store's refusal is the line's error, the store's
    failure is not."""
    try:
        outcome = save(row)
    except StoreUnavailable:
        raise
    except (*_LINE_FAULTS, StorageError) as exc:
        result.errors.append((number, _fault(exc)))
        return
    result.outcomes[outcome] += 1


def _fault(exc: BaseException) -> str:
    """A line's fault in one line of text."""
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return message[:300]


def _parse(raw: _Raw) -> dict[str, object] | None:
    """The record of one line, None for a blank line.

    Raises:
        ValueError: the line is too long, not UTF-8, not JSON, or not an article.
    """
    data = json_object(raw)
    return None if data is None else _record(data)


def _import_one(store: Store, number: int, raw: _Raw, result: ImportResult) -> None:
    try:
        record = _parse(raw)
    except _LINE_FAULTS as exc:  # the line's fault; a bug elsewhere must not hide here
        result.errors.append((number, _fault(exc)))
        return
    if record is not None:
        _save(store.save_article, record, number, result)
