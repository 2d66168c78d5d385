"""A feed's query string, checked: parameters in, an ``ArticleFilter`` and the RSSHub
text filters out, or a one-line reason to answer 400 (docs/feeds.md, "Feed server").

Pure: the caller passes what the store knows (its sources, the classifier's codes), so
every value is checked against a list, never put into SQL or a path.
"""

from __future__ import annotations

import re
import time as clock
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

import regex

from storage import ArticleFilter, fts_query

__all__ = ["MAX_LIMIT", "BadQuery", "FeedQuery", "Vocabulary", "parse_query"]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# An RSSHub filter is a regular expression from a URL: bounded in length, and its match
# stops after this long (a pattern like (a+)+$ must not hold a worker).
MAX_PATTERN = 200
MATCH_TIMEOUT = 0.05
MAX_QUERY = 300

# parameter -> (ArticleFilter field or None, takes several values)
_LISTS = {
    "source": "sources",
    "country": "countries",
    "topic": "topics",
    "event_type": "event_types",
    "lang": "languages",
}
_SINGLE = (
    "q",
    "since",
    "until",
    "limit",
    "unique",
    "filter",
    "filterout",
    "filter_title",
    "filter_description",
    "filter_time",
    "filter_case_sensitive",
)
PARAMETERS = (*_LISTS, *_SINGLE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# ASCII digits only: str.isdigit() also says yes to "²" and "٥", which int() refuses
_DIGITS = re.compile(r"[0-9]{1,9}")
# A list parameter takes at most this many values (each is one SQL condition).
MAX_VALUES = 50
# Counted repetition in a pattern: {n} and {n,m} above this are refused. Nested counts
# multiply (``(?:a{2000}){2000}`` compiled to 1.3 GB); 100 is plenty for a news filter.
MAX_REPEAT = 100
_REPEAT = re.compile(r"\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")
# All the text filters of one request may use this much CPU time, items together.
FILTER_BUDGET = 1.0


class BadQuery(ValueError):
    """A query string the server answers with 400; the message is one line."""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The values each list parameter may take."""

    sources: frozenset[str]
    countries: frozenset[str]
    topics: frozenset[str]
    event_types: frozenset[str]
    languages: frozenset[str]


@dataclass(slots=True)
class FeedQuery:
    """A checked feed query: what to read, and the text filters to apply to it."""

    spec: ArticleFilter
    include: Any = None  # compiled `regex` patterns, or None
    exclude: Any = None
    include_title: Any = None
    include_description: Any = None
    # the parameters as given, normalised: the key of the server's cache and ETag
    canonical: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    # CPU seconds the text filters have used on this query
    spent: float = 0.0

    @property
    def filters_text(self) -> bool:
        return any(
            p is not None
            for p in (self.include, self.exclude, self.include_title, self.include_description)
        )

    def keep(self, row: Mapping[str, Any]) -> bool:
        """Whether an item passes RSSHub's ``filter``, ``filterout``, ``filter_title``
        and ``filter_description``.

        Raises:
            BadQuery: a pattern took longer than MATCH_TIMEOUT on this item, or the
                patterns of this query have used FILTER_BUDGET of CPU time in all.
        """
        began = clock.thread_time()
        try:
            return self._keep(row)
        finally:
            self.spent += clock.thread_time() - began
            if self.spent > FILTER_BUDGET:
                raise BadQuery("the filter patterns take too long on this feed; simplify them")

    def _keep(self, row: Mapping[str, Any]) -> bool:
        title = str(row.get("title") or "")
        description = f"{row.get('summary') or ''}\n{row.get('body') or ''}"
        try:
            if self.include is not None and not (
                self.include.search(title, timeout=MATCH_TIMEOUT)
                or self.include.search(description, timeout=MATCH_TIMEOUT)
            ):
                return False
            if self.include_title is not None and not self.include_title.search(
                title, timeout=MATCH_TIMEOUT
            ):
                return False
            if self.include_description is not None and not self.include_description.search(
                description, timeout=MATCH_TIMEOUT
            ):
                return False
            if self.exclude is not None and (
                self.exclude.search(title, timeout=MATCH_TIMEOUT)
                or self.exclude.search(description, timeout=MATCH_TIMEOUT)
            ):
                return False
        except TimeoutError as exc:
            raise BadQuery("a filter pattern took too long to match; simplify it") from exc
        return True


def _values(params: Mapping[str, Sequence[str]], name: str) -> list[str]:
    """Every value of a list parameter, once each: repeated (``country=KZ&country=UZ``)
    or comma separated (``country=KZ,UZ``).

    Raises:
        BadQuery: more than MAX_VALUES of them.
    """
    found: dict[str, None] = {}
    for raw in params.get(name, ()):
        found.update(dict.fromkeys(v.strip() for v in raw.split(",") if v.strip()))
    if len(found) > MAX_VALUES:
        raise BadQuery(f"{name} takes at most {MAX_VALUES} values")
    return list(found)


def _single(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    given = params.get(name, ())
    if len(given) > 1:
        raise BadQuery(f"{name} is given {len(given)} times; give it once")
    return given[0] if given else None


def _when(name: str, text: str, *, end: bool) -> datetime:
    """An ISO 8601 date or time; a date alone is its whole day, a time without offset UTC."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadQuery(
            f"{name} is not an ISO 8601 date or time (2026-11-28 or 2026-11-28T10:00:00Z): "
            f"{text[:40]!r}"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise BadQuery(f"{name} is out of range: {text[:40]!r}") from None


def _pattern(name: str, text: str | None, case_sensitive: bool) -> Any:
    if text is None:
        return None
    if not text or len(text) > MAX_PATTERN:
        raise BadQuery(f"{name} must be 1 to {MAX_PATTERN} characters")
    for low, high in _REPEAT.findall(text):
        if int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
            raise BadQuery(f"{name}: a counted repetition above {{{MAX_REPEAT}}} is not allowed")
    try:
        return _compiled(text, case_sensitive)
    except (regex.error, OverflowError, RecursionError, MemoryError) as exc:
        raise BadQuery(f"{name} is not a valid regular expression: {exc}") from None


@lru_cache(maxsize=256)
def _compiled(text: str, case_sensitive: bool) -> Any:
    return regex.compile(text, 0 if case_sensitive else regex.IGNORECASE)


def _checked(name: str, values: Iterable[str], allowed: frozenset[str]) -> list[str]:
    out = []
    for value in values:
        if value not in allowed:
            shown = ", ".join(sorted(allowed)[:12]) + (", ..." if len(allowed) > 12 else "")
            raise BadQuery(f"unknown {name} {value[:40]!r} (known: {shown})")
        out.append(value)
    return out


def parse_query(
    params: Mapping[str, Sequence[str]],
    vocabulary: Vocabulary,
    *,
    now: datetime,
    base: Mapping[str, Sequence[str]] | None = None,
) -> FeedQuery:
    """Check a feed's parameters and turn them into a :class:`FeedQuery`.

    Args:
        params: the query string, each name with its values (as given, repeated).
        vocabulary: the values list parameters may take.
        now: the time ``filter_time`` counts back from.
        base: a named feed's own parameters, which the query string narrows: a list
            the feed sets may only be narrowed to some of its values; other parameters
            are added or, for single values (limit, since...), replace the feed's.

    Raises:
        BadQuery: an unknown parameter or value, a malformed date or number, a pattern
            that is not a regular expression. The message is one line.
    """
    for name in params:
        if name not in PARAMETERS:
            raise BadQuery(f"unknown parameter {name[:40]!r} (known: {', '.join(PARAMETERS)})")
        for value in params[name]:
            if _CONTROL.search(value):
                raise BadQuery(f"{name} holds control characters")
            if len(value) > MAX_QUERY:
                raise BadQuery(f"{name} is longer than {MAX_QUERY} characters")
    merged: dict[str, Sequence[str]] = dict(base or {})
    for name, values in params.items():
        if name in _LISTS and base and name in base:
            # a named feed's list is narrowed, never widened: kazakhstan?country=UZ is
            # not Uzbekistan under Kazakhstan's title
            allowed = {v.upper() if name == "country" else v for v in _values(base, name)}
            asked = _values(params, name)
            outside = [v for v in asked if (v.upper() if name == "country" else v) not in allowed]
            if outside:
                raise BadQuery(
                    f"{name}={outside[0][:40]} is outside this feed ({', '.join(sorted(allowed))})"
                )
        merged[name] = values
    spec = ArticleFilter(limit=DEFAULT_LIMIT)
    spec.sources = _checked("source", _values(merged, "source"), vocabulary.sources)
    spec.countries = _checked(
        "country", [v.upper() for v in _values(merged, "country")], vocabulary.countries
    )
    spec.topics = _checked("topic", _values(merged, "topic"), vocabulary.topics)
    spec.event_types = _checked("event_type", _values(merged, "event_type"), vocabulary.event_types)
    languages = _checked("lang", _values(merged, "lang"), vocabulary.languages)
    spec.languages = languages
    unique = _single(merged, "unique")
    if unique not in (None, "story", "article"):
        raise BadQuery(f"unique must be story or article, not {unique[:20]!r}")
    spec.one_per_story = unique == "story"
    if spec.one_per_story:
        # lang=en,ru: each story in English, else in Russian (stories in neither are left out)
        spec.prefer_languages = languages
    limit = _single(merged, "limit")
    if limit is not None:
        if not _DIGITS.fullmatch(limit) or not 1 <= int(limit) <= MAX_LIMIT:
            raise BadQuery(f"limit must be a whole number from 1 to {MAX_LIMIT}")
        spec.limit = int(limit)
    query = _single(merged, "q")
    if query is not None:
        if not fts_query(query):
            raise BadQuery("q holds no word to search for")
        spec.query = query
    since, until = _single(merged, "since"), _single(merged, "until")
    spec.since = _when("since", since, end=False) if since else None
    spec.until = _when("until", until, end=True) if until else None
    seconds = _single(merged, "filter_time")
    if seconds is not None:
        if not _DIGITS.fullmatch(seconds):
            raise BadQuery("filter_time must be a number of seconds")
        start = now - timedelta(seconds=int(seconds))
        spec.since = max(spec.since, start) if spec.since else start
    if spec.since and spec.until and spec.since > spec.until:
        raise BadQuery("since is after until")
    sensitive = _single(merged, "filter_case_sensitive")
    if sensitive not in (None, "true", "false"):
        raise BadQuery("filter_case_sensitive must be true or false")
    case = sensitive != "false"  # RSSHub's default: case sensitive
    canonical = tuple(sorted((name, tuple(values)) for name, values in merged.items() if values))
    return FeedQuery(
        spec=spec,
        include=_pattern("filter", _single(merged, "filter"), case),
        exclude=_pattern("filterout", _single(merged, "filterout"), case),
        include_title=_pattern("filter_title", _single(merged, "filter_title"), case),
        include_description=_pattern(
            "filter_description", _single(merged, "filter_description"), case
        ),
        canonical=canonical,
    )
