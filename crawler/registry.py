"""The source registry: ``crawler/sources.toml`` read into :class:`Source` records.

Sources are data (docs/sources.md): adding one is a registry entry plus a replay copy,
never a new spider class.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from parsel.csstranslator import HTMLTranslator

from storage.vocabulary import LANGUAGES, SOURCE_KINDS

from .errors import SourceConfigError

__all__ = ["KINDS", "STRATEGIES", "Source", "find_source_for_url", "load_registry", "zone"]

# the kinds and languages a source may have (storage/vocabulary.py)
KINDS = SOURCE_KINDS
STRATEGIES = ("rss", "sitemap", "listing", "api", "telegram")
_ID = re.compile(r"[a-z][a-z0-9_]*")
_CSS = HTMLTranslator()
DEFAULT_REGISTRY = Path(__file__).with_name("sources.toml")


@cache
def zone(name: str) -> tzinfo:
    """Return the IANA zone ``name`` from the bundled tzdata package.

    The OS's zone files may predate tzdata 2024a, which moved Kazakhstan to UTC+5 on
    1 March 2024; the pinned ``tzdata`` package is always current enough.
    """
    try:
        with resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).open("rb") as fh:
            return ZoneInfo.from_file(fh, key=name)
    except (FileNotFoundError, ModuleNotFoundError, ValueError):
        try:
            return ZoneInfo(name)
        except Exception as exc:  # ZoneInfoNotFoundError, ValueError
            raise SourceConfigError(f"unknown time zone {name!r}") from exc


@dataclass(frozen=True, slots=True)
class ListingRules:
    """CSS selectors (parsel syntax) for a listing page; see docs/sources.md."""

    item: str = ""
    link: str = "a::attr(href)"
    title: str = ""
    date: str = ""
    next: str = ""
    max_pages: int = 3


@dataclass(frozen=True, slots=True)
class ExtractRules:
    """Per-source overrides of generic article extraction, as CSS selectors."""

    title: str = ""
    date: str = ""
    body: str = ""
    drop: tuple[str, ...] = ()
    image: str = ""
    author: str = ""
    # Lines that end or start every article on the site (copyright notes, "read also"),
    # as regular expressions matched against whole paragraphs.
    boilerplate: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    """One registry entry: who publishes, where to start, how to read it."""

    id: str
    name: str
    country: str
    kind: str
    languages: tuple[str, ...]
    timezone: str
    strategy: str
    start_urls: tuple[str, ...]
    homepage: str = ""
    # Whose voice the source is, when it is one person's: "head_of_state" for a
    # president's press service (its posts are the president's acts, named or not).
    principal: str = ""
    # URL substring -> language code, checked in order ("/rus/" -> "ru").
    url_languages: tuple[tuple[str, str], ...] = ()
    # rss: whether feed items carry the whole article (then pages are not fetched).
    full_text: bool = False
    # Only follow article links matching this regular expression (e.g. Trend's /casia/).
    link_pattern: str = ""
    # sitemap: regular expressions a child sitemap's URL must match to be followed.
    sitemap_follow: tuple[str, ...] = ()
    # api: the parser name in crawler.extract.api and the languages to request.
    api_format: str = ""
    api_languages: tuple[str, ...] = ()
    # api: the public URL of one article, from the item's id and the language.
    api_article_url: str = ""
    max_pages: int = 3
    listing: ListingRules = field(default_factory=ListingRules)
    extract: ExtractRules = field(default_factory=ExtractRules)
    # fetch settings: extra request headers, user agent, TLS verification, politeness.
    headers: tuple[tuple[str, str], ...] = ()
    user_agent: str = ""
    verify_tls: bool = True
    download_delay: float | None = None
    download_timeout: float | None = None

    @property
    def tz(self) -> tzinfo:
        return zone(self.timezone)

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts this source publishes on, without ``www.``, from its URLs."""
        urls = [*self.start_urls, self.homepage]
        return frozenset((urlsplit(u).hostname or "").removeprefix("www.") for u in urls if u)

    def language_for_url(self, url: str) -> str | None:
        for needle, lang in self.url_languages:
            if needle in url:
                return lang
        return None

    def as_row(self) -> dict[str, Any]:
        """The fields stored in the ``sources`` table."""
        return {
            "id": self.id,
            "name": self.name,
            "country": self.country,
            "kind": self.kind,
            "languages": list(self.languages),
            "timezone": self.timezone,
            "strategy": self.strategy,
            "homepage": self.homepage or (self.start_urls[0] if self.start_urls else ""),
            "principal": self.principal or None,
        }


def _tuple_of_str(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SourceConfigError(f"{where}: expected a string or a list of strings")


def _table_of_str(value: Any, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise SourceConfigError(f'{where}: expected a table of strings, e.g. {{ "/rus/" = "ru" }}')
    return tuple(value.items())


# Whose voice a source may be (besides no one's, ""): see Source.principal.
PRINCIPALS = ("", "head_of_state")

# Expected Python types of the scalar fields, checked before the dataclass is built.
_SCALARS: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "name": (str,),
    "country": (str,),
    "kind": (str,),
    "timezone": (str,),
    "strategy": (str,),
    "homepage": (str,),
    "principal": (str,),
    "full_text": (bool,),
    "link_pattern": (str,),
    "api_format": (str,),
    "api_article_url": (str,),
    "max_pages": (int,),
    "user_agent": (str,),
    "verify_tls": (bool,),
    "download_delay": (int, float),
    "download_timeout": (int, float),
}


def _check_selector(query: str, where: str) -> None:
    try:
        _CSS.css_to_xpath(query)
    except Exception as exc:  # cssselect's SelectorSyntaxError / ExpressionError
        raise SourceConfigError(f"{where}: bad CSS selector {query!r}: {exc}") from exc


def _build(entry: dict[str, Any], position: int) -> Source:
    """One ``[[source]]`` table, checked: the types of its fields, then each rule."""
    where = f"source #{position} ({entry.get('id', '?')})"
    data = dict(entry)
    listing = data.pop("listing", {})
    extract = data.pop("extract", {})
    if not isinstance(listing, dict) or not isinstance(extract, dict):
        raise SourceConfigError(f"{where}: [source.listing] and [source.extract] must be tables")
    _check_scalars(data, where)
    source = _make_source(data, listing, extract, where)
    _check_identity(source, where)
    _check_urls(source, where)
    _check_languages(source, where)
    _check_limits(source, where)
    _check_patterns(source, where)
    _check_selectors(source, where)
    return source


def _check_scalars(data: dict[str, Any], where: str) -> None:
    for key, value in data.items():
        expected = _SCALARS.get(key)
        # bool is an int in Python: max_pages = true must not pass
        if expected and (
            not isinstance(value, expected) or (bool not in expected and isinstance(value, bool))
        ):
            names = " or ".join(t.__name__ for t in expected)
            raise SourceConfigError(f"{where}: {key} must be {names}, not {value!r}")


def _make_source(
    data: dict[str, Any], listing: dict[str, Any], extract: dict[str, Any], where: str
) -> Source:
    try:
        listing_rules = ListingRules(**listing)
        extract_args: dict[str, Any] = {
            k: (_tuple_of_str(v, f"{where} extract.{k}") if k in ("drop", "boilerplate") else v)
            for k, v in extract.items()
        }
        extract_rules = ExtractRules(**extract_args)
        for key in ("languages", "start_urls", "sitemap_follow", "api_languages"):
            if key in data:
                data[key] = _tuple_of_str(data[key], f"{where} {key}")
        for key in ("url_languages", "headers"):
            if key in data:
                data[key] = _table_of_str(data[key], f"{where} {key}")
        return Source(**data, listing=listing_rules, extract=extract_rules)
    except TypeError as exc:
        raise SourceConfigError(f"{where}: {exc}") from exc


def _check_identity(source: Source, where: str) -> None:
    if not _ID.fullmatch(source.id):
        raise SourceConfigError(f"{where}: id must be lower-case letters, digits and _")
    if source.kind not in KINDS:
        raise SourceConfigError(f"{where}: kind {source.kind!r} is not one of {KINDS}")
    if source.strategy not in STRATEGIES:
        raise SourceConfigError(f"{where}: strategy {source.strategy!r} not in {STRATEGIES}")
    if not re.fullmatch(r"[A-Z]{2}", source.country):
        raise SourceConfigError(f"{where}: country must be an ISO 3166 alpha-2 code")
    if source.principal not in PRINCIPALS:
        raise SourceConfigError(f"{where}: principal {source.principal!r} not in {PRINCIPALS}")


def _check_urls(source: Source, where: str) -> None:
    if not source.start_urls:
        raise SourceConfigError(f"{where}: no start_urls")
    for url in source.start_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise SourceConfigError(f"{where}: start URL {url!r} is not an absolute http(s) URL")


def _check_languages(source: Source, where: str) -> None:
    for language in (
        *source.languages,
        *source.api_languages,
        *(v for _, v in source.url_languages),
    ):
        if language not in LANGUAGES:
            raise SourceConfigError(f"{where}: language {language!r} is not one of {LANGUAGES}")


def _check_limits(source: Source, where: str) -> None:
    if source.max_pages < 1 or source.listing.max_pages < 1:
        raise SourceConfigError(f"{where}: max_pages must be at least 1")
    zone(source.timezone)


def _check_patterns(source: Source, where: str) -> None:
    for pattern in (source.link_pattern, *source.sitemap_follow, *source.extract.boilerplate):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise SourceConfigError(f"{where}: bad regular expression {pattern!r}: {exc}") from exc


def _check_selectors(source: Source, where: str) -> None:
    rules = source.extract
    for query in (
        *_listing_selectors(source.listing),
        rules.title,
        rules.date,
        rules.body,
        rules.image,
        rules.author,
        *rules.drop,
    ):
        if query:
            _check_selector(query, where)


def _listing_selectors(rules: ListingRules) -> tuple[str, ...]:
    return (rules.item, rules.link, rules.title, rules.date, rules.next)


def load_registry(path: str | Path | None = None) -> dict[str, Source]:
    """Read the registry file and return its sources by id, in file order.

    Args:
        path: a TOML file with ``[[source]]`` tables; default ``$DIPLOFEED_REGISTRY``,
            else the bundled registry.

    Raises:
        SourceConfigError: the file cannot be read or an entry is invalid.
    """
    path = Path(path or os.environ.get("DIPLOFEED_REGISTRY") or DEFAULT_REGISTRY)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SourceConfigError(f"cannot read registry {path}: {exc}") from exc
    entries = data.get("source", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise SourceConfigError(f"{path}: sources are [[source]] tables (an array), not [source]")
    sources: dict[str, Source] = {}
    for position, entry in enumerate(entries, 1):
        source = _build(entry, position)
        if source.id in sources:
            raise SourceConfigError(f"duplicate source id {source.id!r} in {path}")
        sources[source.id] = source
    return sources


def find_source_for_url(url: str, sources: dict[str, Source]) -> Source | None:
    """Return the source whose host (or a parent domain of it) serves ``url``."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    best: Source | None = None
    best_len = 0
    for source in sources.values():
        for h in source.hosts:
            if (host == h or host.endswith("." + h)) and len(h) > best_len:
                best, best_len = source, len(h)
    return best
