"""A Scrapy download handler that fetches every http(s) request from the replay server.

The request keeps its real URL through the whole engine (scheduler, middlewares,
callbacks, items); only the socket goes to 127.0.0.1. Enabled by ``--replay``, which sets
``DIPLOFEED_REPLAY_URL`` and maps both schemes to this handler.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import NotConfigured

from .server import REPLAY_HEADER

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["ReplayDownloadHandler"]


class ReplayDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler: Crawler) -> None:
        base = crawler.settings.get("DIPLOFEED_REPLAY_URL")
        if not base:
            raise NotConfigured("DIPLOFEED_REPLAY_URL is not set")
        super().__init__(crawler)
        self._target = str(base).rstrip("/") + "/replay"

    async def download_request(self, request: Request) -> Response:
        headers = request.headers.copy()
        headers[REPLAY_HEADER] = request.url
        meta = {k: v for k, v in request.meta.items() if k not in ("proxy", "_auth_proxy")}
        replayed = request.replace(url=self._target, headers=headers, meta=meta)
        response = await super().download_request(replayed)
        return response.replace(url=request.url)
