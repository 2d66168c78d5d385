"""What a long command shows while it works (docs/cli.md, "Progress").

On a terminal (stderr is a TTY): a live display drawn by rich (sources done of all,
pages, articles, errors, time elapsed), under the lines already printed. Otherwise
(cron, systemd, CI, a pipe): no display, only the plain lines each command prints as
its work ends, one a source for a crawl.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

import click

__all__ = ["CrawlDisplay", "TaskDisplay", "live_wanted"]


def live_wanted() -> bool:
    """Whether to draw a live display: stderr is a terminal (and TERM is not dumb)."""
    import os

    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


class CrawlDisplay:
    """A crawl's observer (crawler.runner.CrawlObserver): counts pages, articles and
    errors, prints ``line(source, stats)`` on stdout as each source finishes, and on a
    terminal keeps a live progress display on stderr.

    Args:
        sources: the sources crawled.
        line: the summary line of one finished source (None: print no line, --json).
        live: draw the live display (default: when stderr is a terminal).
    """

    def __init__(
        self,
        sources: list[str],
        line: Callable[[str, dict[str, Any] | None], str] | None,
        *,
        live: bool | None = None,
    ) -> None:
        self.sources = sources
        self.line = line
        self.live = live_wanted() if live is None else live
        self.pages = self.articles = self.errors = 0
        self.done: dict[str, dict[str, Any] | None] = {}
        self._progress: Any = None
        self._task: Any = None
        self._above = self.live and sys.stdout.isatty()

    def __enter__(self) -> Self:
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("crawling"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("sources  {task.fields[figures]}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                # the lines go above the display when both are on the terminal; stdout
                # sent to a file or a pipe keeps them (rich would draw them on stderr)
                redirect_stdout=self._above,
                redirect_stderr=False,
            )
            self._progress.start()
            self._task = self._progress.add_task(
                "crawl", total=len(self.sources), figures=self._figures()
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._refresh()
            self._progress.stop()

    def _figures(self) -> str:
        return f"pages {self.pages}  articles {self.articles}  errors {self.errors}"

    def _refresh(self) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=len(self.done), figures=self._figures())

    # crawler.runner.CrawlObserver
    def page(self, source: str) -> None:
        self.pages += 1
        self._refresh()

    def article(self, source: str) -> None:
        self.articles += 1
        self._refresh()

    def failure(self, source: str) -> None:
        self.errors += 1
        self._refresh()

    def finished(self, source: str, stats: dict[str, Any] | None) -> None:
        self.done[source] = stats
        if self.line is not None and self._progress is not None and self._above:
            # through rich's stand-in for stdout: the line goes above the display
            print(self.line(source, stats), file=sys.stdout, flush=True)
        elif self.line is not None:
            click.echo(self.line(source, stats))
        self._refresh()

    def rest(self, stats: dict[str, dict[str, Any]]) -> None:
        """Print the lines of the sources whose end was not seen (a spider that died)."""
        for source in self.sources:
            if source not in self.done:
                self.finished(source, stats.get(source))


class TaskDisplay:
    """A live display for one long task on a terminal (``import``, ``retag``, ``feeds
    build``): done of total (or a count when the total is unknown), figures, time
    elapsed. Off the terminal it shows nothing; the command's own lines say the rest.

    Args:
        label: what is being done ("importing").
        unit: what is counted ("lines").
        total: how many there are, when known.
        live: draw it (default: when stderr is a terminal).
    """

    def __init__(
        self, label: str, unit: str, total: int | None = None, *, live: bool | None = None
    ) -> None:
        self.label = label
        self.unit = unit
        self.total = total
        self.live = live_wanted() if live is None else live
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Self:
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn(self.label),
                BarColumn(),
                MofNCompleteColumn(),  # "12/?" while the total is unknown
                TextColumn(f"{self.unit}  {{task.fields[figures]}}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                redirect_stdout=False,
                redirect_stderr=True,  # a rejected line's message goes above the display
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total, figures="")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()

    def update(self, done: int, total: int | None = None, figures: str = "") -> None:
        """``done`` so far (of ``total``, when it became known), and figures to show."""
        if self._progress is None:
            return
        if total is not None:
            self._progress.update(self._task, total=total)
        self._progress.update(self._task, completed=done, figures=figures)
