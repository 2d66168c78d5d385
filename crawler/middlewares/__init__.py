"""The project's Scrapy components beside Scrapy's own, one module each (each enabled in
crawler/settings.py):

* :mod:`.incremental`: ``IncrementalCrawl``, the spider middleware of incremental crawls;
* :mod:`.fingerprint`: ``LanguageFingerprinter``, request fingerprints that tell one URL
  asked in two languages apart;
* :mod:`.redirect_loop`: ``RedirectLoopGuard``, a redirect loop made a failure;
* :mod:`.retry_after`: ``RetryAfter``, waits as ``Retry-After`` asks on 429 and 503.

The robots.txt cache is crawler/robots.py, the item pipeline crawler/pipelines.py.
"""

from __future__ import annotations

from .fingerprint import LanguageFingerprinter
from .incremental import IncrementalCrawl
from .redirect_loop import RedirectLoop, RedirectLoopGuard
from .retry_after import RetryAfter

__all__ = [
    "IncrementalCrawl",
    "LanguageFingerprinter",
    "RedirectLoop",
    "RedirectLoopGuard",
    "RetryAfter",
]
