"""What every diplofeed command shares: the store option, exit codes, error reporting."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from diplofeed.errors import (
    EXIT_BAD_INPUT,
    EXIT_LOCKED,
    EXIT_OUTPUT,
    EXIT_SOURCES_FAILED,
    EXIT_STORE,
    DiplofeedError,
    OutputError,
)

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_LOCKED",
    "EXIT_OUTPUT",
    "EXIT_SOURCES_FAILED",
    "EXIT_STORE",
    "db_option",
    "fail",
    "output_failure",
]

F = TypeVar("F", bound=Callable[..., Any])


def _default_db() -> str:
    return os.environ.get("DIPLOFEED_DB") or "diplofeed.db"


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db",
        type=click.Path(dir_okay=False),
        default=_default_db,
        show_default="$DIPLOFEED_DB or ./diplofeed.db",
        help="The SQLite store.",
    )(func)


def fail(exc: DiplofeedError) -> click.ClickException:
    """The one-line ``Error: ...`` click prints, with the exit code the error carries."""
    return _Failure(str(exc), exc.exit_code)


def output_failure(exc: OSError, what: str, where: str) -> click.ClickException:
    """The one-line error for an output that cannot be written (exit 7): ``what`` to
    ``where``, with the file that failed when it is another."""
    import errno

    if exc.errno == errno.ENOSPC:
        reason = "the disk is full"
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        reason = "not writable here"
    else:
        reason = exc.strerror or str(exc)
    name = f" ({exc.filename})" if exc.filename and str(exc.filename) != where else ""
    return fail(OutputError(f"cannot write {what} to {where}{name}: {reason}"))


class _Failure(click.ClickException):
    """A click error that exits with the code of the diplofeed error behind it."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click's is a class default
