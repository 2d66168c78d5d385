"""The replay HTTP server: answers on 127.0.0.1 with recorded responses (docs/replay.md).

Requests name the real URL in the ``X-Diplofeed-Replay-Url`` header (what the crawler's
download handler sends) or as an absolute request target (so it also works as an HTTP
proxy for ``http://`` URLs: ``curl -x http://127.0.0.1:PORT http://kabar.kg/eng/rss/``).
"""

from __future__ import annotations

import argparse
import email.utils
import logging
import os
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from .archive import ReplayArchive

__all__ = ["REPLAY_HEADER", "main", "make_server"]

REPLAY_HEADER = "X-Diplofeed-Replay-Url"
logger = logging.getLogger(__name__)


def _not_modified(request_headers: dict[str, str], response_headers: dict[str, str]) -> bool:
    etag = response_headers.get("ETag")
    if etag and request_headers.get("if-none-match"):
        return etag in [t.strip() for t in request_headers["if-none-match"].split(",")]
    modified = response_headers.get("Last-Modified")
    since = request_headers.get("if-modified-since")
    if modified and since:
        try:
            return email.utils.parsedate_to_datetime(modified) <= email.utils.parsedate_to_datetime(
                since
            )
        except (TypeError, ValueError):
            return False
    return False


class ReplayHTTPServer(ThreadingHTTPServer):
    """A threaded server holding what its handlers answer from."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        archive: ReplayArchive,
        access_log: TextIO | None,
        latency: float,
    ) -> None:
        self.archive = archive
        self.access_log = access_log
        self.latency = latency
        self._log_lock = threading.Lock()
        super().__init__(address, ReplayHandler)

    def record(self, status: int, url: str, request_headers: dict[str, str]) -> None:
        """One access-log line, ``<status> <real URL> [<Accept-Language>]``."""
        if self.access_log is None:
            return
        language = request_headers.get("accept-language")
        with self._log_lock:
            self.access_log.write(f"{status} {url}{f' [{language}]' if language else ''}\n")
            self.access_log.flush()


class ReplayHandler(BaseHTTPRequestHandler):
    """Answers one request from the server's archive: the recording, a 304, a played
    fault, or a 404 naming what was not recorded."""

    server: ReplayHTTPServer
    server_version = "diplofeed-replay/1"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:
        self._answer(head_only=False)

    def do_HEAD(self) -> None:
        self._answer(head_only=True)

    def _answer(self, head_only: bool) -> None:
        url = self.headers.get(REPLAY_HEADER) or (
            self.path if self.path.startswith(("http://", "https://")) else ""
        )
        request_headers = {k.lower(): v for k, v in self.headers.items()}
        if self.server.latency:
            time.sleep(self.server.latency)
        entry = self.server.archive.lookup(url, request_headers) if url else None
        if entry is None:
            self._not_recorded(url or self.path, request_headers, head_only)
            return
        if entry.delay:
            time.sleep(entry.delay)
        if entry.fault:
            self.server.record(0, url, request_headers)
            self._play_fault(entry.fault, entry.status, entry.headers, entry.body)
            return
        status, body = entry.status, entry.body
        if status == 200 and _not_modified(request_headers, entry.headers):
            status, body = 304, b""
        self.server.record(status, url, request_headers)
        headers = {
            name: value
            for name, value in entry.headers.items()
            if not (status == 304 and name.lower() == "content-type")
        }
        self._send(status, headers, body, head_only)

    def _not_recorded(self, url: str, request_headers: dict[str, str], head_only: bool) -> None:
        logger.info("404 %s", url)
        self.server.record(404, url, request_headers)
        message = f"not recorded: {url}\n".encode()
        self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, message, head_only)

    def _send(self, status: int, headers: dict[str, str], body: bytes, head_only: bool) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _play_fault(self, fault: str, status: int, headers: dict[str, str], body: bytes) -> None:
        """Break the connection as a flaky server or network would."""
        self.close_connection = True
        if fault == "truncate":
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
        # "reset" (and the end of "truncate"): drop the socket, RST rather than FIN
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()


def make_server(
    archive: ReplayArchive,
    host: str = "127.0.0.1",
    port: int = 0,
    access_log: TextIO | None = None,
    latency: float = 0.0,
) -> ThreadingHTTPServer:
    """Build (not start) a threaded server answering from ``archive``.

    ``access_log``: where to write a line per answered request, ``<status> <real URL>``,
    plus ``[<Accept-Language>]`` when the request named one (copies can differ by it);
    status 0 for a played fault. What a crawl fetched, for tests that count fetches.
    ``latency``: seconds every answer waits first, as a distant server would.
    """
    return ReplayHTTPServer((host, port), archive, access_log, latency)


def _exit_with_parent() -> None:
    """Stop this process once its parent is gone: a crawl killed by SIGKILL (cron's
    timeout, the OOM killer) must not leave its replay server running."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    """``python -m crawler.replay [--port N] [--sites DIR ...]``: serve until killed.

    Prints ``REPLAY http://127.0.0.1:PORT`` on its first line once it accepts requests.
    """
    parser = argparse.ArgumentParser(prog="python -m crawler.replay", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--sites", type=Path, action="append", help="site folders (default: bundled)"
    )
    parser.add_argument(
        "--access-log", type=Path, help="append '<status> <URL>' per request to this file"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds every answer waits first"
    )
    parser.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="stop when the process that started this one ends (even when it is killed)",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        _exit_with_parent()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr)
    archive = ReplayArchive.load(args.sites)
    access_log = args.access_log.open("a", encoding="utf-8") if args.access_log else None
    server = make_server(archive, args.host, args.port, access_log, args.latency)
    host, port = str(server.server_address[0]), int(server.server_address[1])
    print(f"REPLAY http://{host}:{port} ({len(archive)} responses)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if access_log is not None:
            access_log.close()
    return 0
