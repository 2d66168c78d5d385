"""``diplofeed schedule``: crawls at a fixed period, each in a fresh process, until told
to stop (docs/deploy.md); after each crawl that changed the store, optionally the static
feeds rebuilt (another fresh process).

A fresh process per crawl because Twisted's reactor starts once per process, and because
a crawl that leaks memory or hangs then costs one run, not the service. A crawl that
fails is logged and the schedule goes on: the next one may well succeed.
"""

from __future__ import annotations

import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from types import FrameType

from storage.errors import StorageError

__all__ = ["Schedule", "parse_duration"]

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
# After SIGTERM, a crawl gets this long to store what it has before it is killed.
GRACE = 120.0


def parse_duration(text: str) -> float:
    """Seconds in ``30m``, ``1h``, ``90s``, ``90`` (seconds), ``1.5h``.

    Raises:
        ValueError: not a duration.
    """
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not a duration (30m, 1h, 90s): {text!r}")
    return float(match.group(1)) * _UNIT[match.group(2)]


# What the crawl's exit status says, for the schedule's log (docs/cli.md, "Exit status").
_EXIT_MEANING = {
    3: "some source yielded nothing",
    5: "another crawl holds the store",
    6: "the store could not be written",
}


def _human(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


class Schedule:
    """Run ``command`` every ``period`` seconds (plus up to ``jitter``) until stopped.

    Args:
        command: the crawl (a fresh process each time).
        period: seconds from the start of one crawl to the start of the next.
        jitter: up to this many seconds added before each crawl.
        after: run after each crawl that changed the store (``diplofeed feeds build``).
        marker: read before and after each crawl; ``after`` runs when it changed (or
            could not be read: None).
    """

    def __init__(
        self,
        command: list[str],
        period: float,
        jitter: float = 0.0,
        *,
        after: list[str] | None = None,
        marker: Callable[[], object] | None = None,
    ) -> None:
        self.command = command
        self.period = period
        self.jitter = jitter
        self.after = after
        self.marker = marker
        self.stopping = threading.Event()
        self.child: subprocess.Popen[bytes] | None = None
        self.stopped_at: float | None = None

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if not self.stopping.is_set():
            self._say(f"{name}: stopping" + (" after this crawl" if self.child else ""))
        self.stopping.set()
        self.stopped_at = self.stopped_at or time.monotonic()
        if self.child is not None and self.child.poll() is None:
            self.child.send_signal(signum)  # Scrapy stops gracefully on the first one

    def _wait(self, child: subprocess.Popen[bytes]) -> int:
        """The crawl's exit status; after a stop signal it has GRACE seconds to finish."""
        while True:
            try:
                return child.wait(timeout=1)
            except subprocess.TimeoutExpired:
                if self.stopped_at and time.monotonic() - self.stopped_at > GRACE:
                    self._say(f"the crawl did not stop within {GRACE:.0f} s: killed")
                    child.kill()
                    return child.wait()

    def _say(self, text: str) -> None:
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(f"{stamp} schedule: {text}", file=sys.stderr, flush=True)

    def _mark(self) -> object:
        try:
            return self.marker() if self.marker is not None else None
        except (StorageError, sqlite3.Error, OSError) as exc:
            # a store not made yet, or unreadable: rebuild to be sure
            return f"unreadable: {exc}"

    def _crawl(self) -> int:
        """One crawl; its exit status (-1: it could not be started)."""
        self._say("crawl starts")
        try:
            self.child = subprocess.Popen(self.command)
        except OSError as exc:
            self._say(f"crawl could not start: {exc}; the schedule goes on")
            return -1
        status = self._wait(self.child)
        self.child = None
        if status == 0:
            self._say("crawl ended, exit status 0")
        else:
            meaning = _EXIT_MEANING.get(status, "the crawl failed")
            self._say(f"crawl ended, exit status {status} ({meaning}); the schedule goes on")
        return status

    def _rebuild(self) -> None:
        assert self.after is not None
        try:
            status = subprocess.run(self.after, check=False).returncode
        except OSError as exc:
            self._say(f"feeds not rebuilt: {exc}")
            return
        if status == 0:
            self._say("feeds rebuilt")
        else:
            self._say(f"feeds not rebuilt: exit status {status}; the schedule goes on")

    def run(self, runs: int | None = None) -> int:
        """Loop until a signal (or ``runs`` crawls); return the number of crawls run."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        done = 0
        while not self.stopping.is_set():
            delay = random.uniform(0, self.jitter) if self.jitter else 0.0
            if delay and self.stopping.wait(delay):
                break
            started = time.monotonic()
            before = self._mark() if self.after else None
            status = self._crawl()
            done += 1
            if self.after and status != -1 and self._mark() != before:
                self._rebuild()
            if runs is not None and done >= runs:
                break
            rest = max(0.0, self.period - (time.monotonic() - started))
            at = datetime.now(UTC) + timedelta(seconds=rest)
            spread = f" (plus up to {_human(self.jitter)})" if self.jitter else ""
            self._say(
                f"next crawl at {at.strftime('%Y-%m-%dT%H:%M:%SZ')}{spread}, in {_human(rest)}"
            )
            if rest > 0 and self.stopping.wait(rest):
                break
        self._say(f"stopped after {done} crawl(s)")
        return done
