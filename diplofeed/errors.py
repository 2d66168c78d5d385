"""Every error family and exit code, for the command line (docs/cli.md, "Exit status").

The classes live beside their packages (storage/errors.py, crawler/errors.py,
feeds/errors.py); the command line maps each to the exit code it carries
(diplofeed/cli_base.py ``fail``). docs/cli.md's table of exit statuses is generated from
them (:func:`exit_status_table`).
"""

from __future__ import annotations

import importlib
import inspect

from crawler.errors import ExtractionError, ReplayError, SourceConfigError
from feeds.errors import OutputError
from storage.errors import (
    EXIT_BAD_INPUT,
    EXIT_ERROR,
    EXIT_LOCKED,
    EXIT_OUTPUT,
    EXIT_SOURCES_FAILED,
    EXIT_STORE,
    DiplofeedError,
    StorageError,
    StoreUnavailable,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_ERROR",
    "EXIT_LOCKED",
    "EXIT_OUTPUT",
    "EXIT_SOURCES_FAILED",
    "EXIT_STORE",
    "OUTCOMES",
    "DiplofeedError",
    "ExtractionError",
    "OutputError",
    "ReplayError",
    "SourceConfigError",
    "StorageError",
    "StoreUnavailable",
    "error_classes",
    "exit_status_table",
]

# What each status means besides the errors that carry it: the outcomes commands
# report themselves (a crawl whose sources yielded nothing is not an error).
OUTCOMES = {
    0: "done",
    EXIT_ERROR: "an error, explained in one line on stderr (`Error: ...`)",
    2: "a usage error (unknown option, missing argument)",
    EXIT_SOURCES_FAILED: "`crawl`/`demo`: at least one source yielded no article (broken, "
    "blocked or unreachable); the others were crawled and stored. `writer`: a round ended "
    "partial or interrupted. `check`: at least one source is not `ok`. `replay record`: a "
    "source gave no response",
    EXIT_BAD_INPUT: "`import`: some input lines were rejected (each reported with its line "
    "number); the others were imported",
    EXIT_LOCKED: "nothing was done: the store or the Redis is another process's",
    EXIT_STORE: "the store cannot be used (`diplofeed sources --check` lists a damaged "
    "store's problems). `crawl`: some articles could not be stored (counted as "
    "`unstored`; the next crawl fetches them again)",
    EXIT_OUTPUT: "an output cannot be written or opened",
}

# The modules that define error classes (imported only to list them).
_ERROR_MODULES = (
    "storage.errors",
    "storage.lock",
    "storage.store",
    "storage.importer",
    "crawler.errors",
    "crawler.scaleout.worker",
    "crawler.scaleout.writer",
    "feeds.errors",
    "feeds.config",
    "diplofeed.browse",
)


def error_classes() -> list[type[DiplofeedError]]:
    """Every error class diplofeed defines, base first, then by name."""
    for name in _ERROR_MODULES:
        importlib.import_module(name)
    found: list[type[DiplofeedError]] = []
    todo: list[type[DiplofeedError]] = [DiplofeedError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [DiplofeedError, *sorted(found[1:], key=lambda c: c.__name__)]


def _summary(cls: type) -> str:
    """The class's docstring as one line, without Sphinx roles."""
    text = " ".join((inspect.getdoc(cls) or "").split())
    for role in (":class:", ":data:", ":attr:", ":func:"):
        text = text.replace(role, "")
    return text.replace("``", "`")


def exit_status_table() -> str:
    """docs/cli.md's table: each status, its outcomes, and the error classes carrying it
    (an error whose code depends on the cause, like an import stopped, under 1)."""
    by_code: dict[int, list[str]] = {}
    for cls in error_classes():
        by_code.setdefault(cls.exit_code, []).append(f"`{cls.__name__}`: {_summary(cls)}")
    lines = ["| status | meaning | errors carrying it |", "| --- | --- | --- |"]
    for code in sorted(set(OUTCOMES) | set(by_code)):
        errors = "<br>".join(by_code.get(code, [])) or "-"
        lines.append(f"| {code} | {OUTCOMES.get(code, '')} | {errors} |")
    return "\n".join(lines) + "\n"
