"""The feeds' errors: an output that cannot be written or opened (docs/cli.md)."""

from __future__ import annotations

from storage.errors import EXIT_OUTPUT, DiplofeedError

__all__ = ["OutputError"]


class OutputError(DiplofeedError):
    """An output cannot be written or opened: an unwritable or full ``--out`` folder,
    or a port already in use."""

    exit_code = EXIT_OUTPUT
