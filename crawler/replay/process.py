"""Run the replay server in a child process (Scrapy's mock-server pattern: port 0,
address read back from the child's first line of output)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from pathlib import Path
from types import TracebackType
from typing import Self

from crawler.errors import ReplayError

__all__ = ["ReplayServer"]


class ReplayServer:
    """Context manager: ``with ReplayServer() as replay: replay.url``.

    Args:
        sites: site folders to serve (default: the bundled replay copies).
        startup_timeout: seconds to wait for the server's address line.
        access_log: a file to append ``<status> <URL>`` to for every request answered.
        latency: seconds every answer waits first, as a distant server would.
    """

    def __init__(
        self,
        sites: list[Path] | None = None,
        startup_timeout: float = 30.0,
        access_log: Path | None = None,
        latency: float = 0.0,
    ) -> None:
        self.sites = sites or []
        self.access_log = access_log
        self.latency = latency
        self.startup_timeout = startup_timeout
        self.url = ""
        self._proc: subprocess.Popen[str] | None = None

    def start(self) -> str:
        cmd = [sys.executable, "-m", "crawler.replay", "--port", "0", "--exit-with-parent"]
        for site in self.sites:
            cmd += ["--sites", str(site)]
        if self.access_log:
            cmd += ["--access-log", str(self.access_log)]
        if self.latency:
            cmd += ["--latency", str(self.latency)]
        root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self._proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        assert self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], self.startup_timeout)
        line = self._proc.stdout.readline() if ready else ""
        if not line.startswith("REPLAY "):
            self.stop()
            err = self._proc.stderr.read() if self._proc.stderr else ""
            raise ReplayError(f"replay server did not start: {line.strip()} {err.strip()[-2000:]}")
        self.url = line.split()[1]
        return self.url

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
