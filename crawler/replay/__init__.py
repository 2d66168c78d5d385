"""The replay server and archive: recorded pages served on 127.0.0.1 by real URL
(docs/replay.md). Package code: the demo, the tests and the benchmarks all use it."""

from __future__ import annotations

from .archive import DEFAULT_SITES, RecordedResponse, ReplayArchive, url_key
from .process import ReplayServer

__all__ = ["DEFAULT_SITES", "RecordedResponse", "ReplayArchive", "ReplayServer", "url_key"]
