"""Every error family and exit code, for the command line (docs/cli.md, "Exit status").

The classes live beside their packages (storage/errors.py, crawler/errors.py,
feeds/errors.py); the command line maps each to the exit code it carries
(diplofeed/cli_base.py ``fail``).
"""

from __future__ import annotations

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
    "DiplofeedError",
    "ExtractionError",
    "OutputError",
    "ReplayError",
    "SourceConfigError",
    "StorageError",
    "StoreUnavailable",
]
