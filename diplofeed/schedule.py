"""``diplofeed schedule``: crawls at a fixed period, each in a fresh process, until told
to stop (docs/deploy.md).

A fresh process per crawl because Twisted's reactor starts once per process, and because
a crawl that leaks memory or hangs then costs one run, not the service.
"""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from types import FrameType

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


class Schedule:
    """Run ``command`` every ``period`` seconds (plus up to ``jitter``) until stopped."""

    def __init__(self, command: list[str], period: float, jitter: float = 0.0) -> None:
        self.command = command
        self.period = period
        self.jitter = jitter
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
            self._say("crawl starts")
            self.child = subprocess.Popen(self.command)
            status = self._wait(self.child)
            self.child = None
            done += 1
            self._say(f"crawl ended, exit status {status}")
            if runs is not None and done >= runs:
                break
            rest = self.period - (time.monotonic() - started)
            if rest > 0 and self.stopping.wait(rest):
                break
        self._say(f"stopped after {done} crawl(s)")
        return done
