"""The downloader middleware that turns a redirect loop into a failure (docs/reliability.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urldefrag, urljoin

import scrapy
from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy.http import Response

__all__ = ["RedirectLoop", "RedirectLoopGuard"]


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already on the request's redirect chain."""


class RedirectLoopGuard:
    """Turn a redirect loop (A -> B -> A, or A -> A) into a failure the spider's errback
    sees (logged, counted, stored): without it the scheduler's duplicate filter drops the
    repeated URL and the article is lost without a word. Runs before Scrapy's
    RedirectMiddleware (enabled in crawler/settings.py)."""

    def process_response(self, request: scrapy.Request, response: Response) -> Response:
        location = response.headers.get("Location")
        if (
            response.status not in (301, 302, 303, 307, 308)
            or not location
            or request.meta.get("dont_redirect")
        ):
            return response
        target = urldefrag(urljoin(request.url, location.decode("latin-1")))[0]
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if target in {urldefrag(u)[0] for u in chain}:
            raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, target])}")
        return response
