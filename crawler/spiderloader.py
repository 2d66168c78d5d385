"""Builds one spider class per registry source, so `scrapy list` shows source ids and
`scrapy crawl <source-id>` works without a class per site."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

from .errors import SourceConfigError
from .registry import Source, find_source_for_url, load_registry
from .spiders import SPIDER_CLASSES

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.settings import BaseSettings

__all__ = ["RegistrySpiderLoader", "spider_class_for"]


def spider_class_for(source: Source) -> type[Spider]:
    """A subclass of the strategy's generic spider bound to ``source``."""
    base = SPIDER_CLASSES.get(source.strategy)
    if base is None:
        raise SourceConfigError(
            f"{source.id}: strategy {source.strategy!r} has no spider yet "
            f"(implemented: {', '.join(sorted(SPIDER_CLASSES))})"
        )
    custom: dict[str, Any] = {}
    if source.user_agent:
        custom["USER_AGENT"] = source.user_agent
    if source.download_delay is not None:
        custom["DOWNLOAD_DELAY"] = source.download_delay
    if source.download_timeout is not None:
        custom["DOWNLOAD_TIMEOUT"] = source.download_timeout
    if not source.verify_tls:
        # e.g. mfa.tj serves an incomplete certificate chain (as public scrapers record it).
        custom["DOWNLOAD_VERIFY_CERTIFICATES"] = False
    attrs = {"name": source.id, "source": source, "custom_settings": custom or None}
    return type(f"{base.__name__}_{source.id}", (base,), attrs)


class RegistrySpiderLoader:
    def __init__(self, settings: BaseSettings) -> None:
        self._sources = load_registry(settings.get("DIPLOFEED_REGISTRY"))

    @classmethod
    def from_settings(cls, settings: BaseSettings) -> RegistrySpiderLoader:
        return cls(settings)

    def load(self, spider_name: str) -> type[Spider]:
        try:
            return spider_class_for(self._sources[spider_name])
        except KeyError:
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return list(self._sources)

    def find_by_request(self, request: Request) -> builtins.list[str]:
        source = find_source_for_url(request.url, self._sources)
        return [source.id] if source else []
