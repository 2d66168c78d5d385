"""What every diplofeed command shares: the store option, exit codes, error reporting."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

from diplofeed.errors import DiplofeedError

__all__ = ["EXIT_BAD_INPUT", "EXIT_LOCKED", "EXIT_SOURCES_FAILED", "db_option", "fail"]

F = TypeVar("F", bound=Callable[..., Any])


EXIT_SOURCES_FAILED = 3


EXIT_BAD_INPUT = 4


EXIT_LOCKED = 5


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
    return click.ClickException(str(exc))
