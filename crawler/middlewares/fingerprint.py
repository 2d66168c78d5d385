"""The request fingerprinter that tells languages apart (``REQUEST_FINGERPRINTER_CLASS``)."""

from __future__ import annotations

from typing import Any

import scrapy
from scrapy.utils.request import fingerprint

__all__ = ["LanguageFingerprinter"]


class LanguageFingerprinter:
    """Scrapy's request fingerprint with the ``Accept-Language`` header in it: one API
    URL asked in two languages (the ApiSpider's ``api_languages``) is two requests,
    which the duplicate filter, local or shared between scale-out workers, keeps apart.
    Every other header is left out, as Scrapy does. ``REQUEST_FINGERPRINTER_CLASS``."""

    HEADERS = ("Accept-Language",)

    def __init__(self, crawler: Any = None) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> LanguageFingerprinter:
        return cls(crawler)

    def fingerprint(self, request: scrapy.Request) -> bytes:
        return fingerprint(request, include_headers=self.HEADERS)
