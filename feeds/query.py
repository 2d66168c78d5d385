"""A feed's query string, checked: parameters in, an ``ArticleFilter`` and the RSSHub
text filters out, or a one-line reason to answer 400 (docs/feeds.md, "Feed server").

It also owns what an RSSHub filter pattern may cost: its size once compiled (counted
repetitions multiplied out, nesting bounded), the compiled patterns kept for reuse, and
the CPU time matching it may take.

Pure: the caller passes what the store knows (its sources, the classifier's codes), so
every value is checked against a list, never put into SQL or a path.
"""

from __future__ import annotations

import math
import re
import threading
import time as clock
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import regex

from storage import ArticleFilter, fts_query
from storage.times import parse_moment

__all__ = [
    "FORMATS",
    "MAX_LIMIT",
    "MAX_NESTING",
    "MAX_PATTERN_COST",
    "PARAMETERS",
    "BadQuery",
    "FeedQuery",
    "FilterBusy",
    "Vocabulary",
    "parse_pair",
    "parse_query",
    "pattern_cost",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# An RSSHub filter is a regular expression from a URL: bounded in length, and its match
# on one item stops after this much CPU time of the thread running it (a pattern like
# (a+)+$ must not hold a worker).
MAX_PATTERN = 200
MATCH_TIMEOUT = 0.05
# The regex module's own timeout does not count this thread's CPU time: it counted
# wall-clock time, which also runs while the thread waits for a CPU (a busy server, an
# import beside it), and regex 2026.12 counts the whole process's CPU time, which also
# runs with every other thread's work (other requests' queries). A match that times out
# before it had MATCH_TIMEOUT of its thread's CPU is run again with twice the timeout,
# up to this much; past it the server is too busy to judge the pattern: 503, not 400.
MATCH_RETRY_LIMIT = 1.6
MAX_QUERY = 300

# parameter -> (ArticleFilter field or None, takes several values)
_LISTS = {
    "source": "sources",
    "country": "countries",
    "pair": "pairs",
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
    "filterout_title",
    "filterout_description",
    "filter_time",
    "filter_case_sensitive",
    # RSSHub's output parameters (docs/feeds.md): the format whatever the address says,
    # a plain-text item of N characters, the order, full text (always given here)
    "format",
    "brief",
    "sorted",
    "mode",
)
PARAMETERS = (*_LISTS, *_SINGLE)
FORMATS = ("rss", "atom", "json")
# RSSHub's brief: a plain-text item of this many characters at least, and at most here
MIN_BRIEF = 100
MAX_BRIEF = 10_000
# Parameters that shape how items are shown, not which items or which version of a
# story: a feed's identity (its GUIDs' scope) leaves them out.
PRESENTATION = frozenset({"limit", "format", "brief", "sorted", "mode"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# ASCII digits only: str.isdigit() also says yes to "²" and "٥", which int() refuses
_DIGITS = re.compile(r"[0-9]{1,9}")
# A list parameter takes at most this many values (each is one SQL condition).
MAX_VALUES = 50
# Counted repetition in a pattern: {n} and {n,m} above this are refused; 100 is plenty
# for a news filter.
MAX_REPEAT = 100
_REPEAT = re.compile(r"\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")
# The regex module compiles a counted repetition into that many copies of what it
# repeats, and nested counts multiply: (?:(?:a{100}){100}){100} is a million copies,
# 150 MB, and one level more 3 GB. A pattern's cost is the size of its program with
# every repetition unrolled to its upper count (a set counts its members); at the 150 to
# 550 bytes a step measured, MAX_PATTERN_COST keeps a compiled pattern near 1 MB at most.
# MAX_NESTING bounds groups, lookarounds and repetitions inside one another.
MAX_PATTERN_COST = 2000
MAX_NESTING = 10
# Compiled patterns kept for reuse: at most this many, and this much cost in all (about
# 11 MB at 550 bytes a step), whatever clients ask for.
PATTERN_CACHE_SIZE = 256
PATTERN_CACHE_COST = 20_000
# All the text filters of one request may use this much CPU time, items together.
FILTER_BUDGET = 1.0


class BadQuery(ValueError):
    """A query string the server answers with 400; the message is one line."""


class FilterBusy(RuntimeError):
    """A filter pattern could not get MATCH_TIMEOUT of its thread's CPU time within a
    timeout of MATCH_RETRY_LIMIT by regex's clock: the server is too busy to judge it
    (503; not the pattern's fault)."""


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
    exclude_title: Any = None
    exclude_description: Any = None
    # the known parameters as given, normalised: the key of the server's cache and ETag
    canonical: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    # RSSHub's format (rss, atom, json) when given, and brief (characters of plain text)
    format: str | None = None
    brief: int | None = None
    # parameters this server does not know, left out (a tracker's, a reader's)
    ignored: tuple[str, ...] = ()
    # CPU seconds the text filters have used on this query
    spent: float = 0.0

    @property
    def filters_text(self) -> bool:
        return any(
            p is not None
            for p in (
                self.include,
                self.exclude,
                self.include_title,
                self.include_description,
                self.exclude_title,
                self.exclude_description,
            )
        )

    @property
    def selection(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The parameters that decide which items the feed holds and which version of
        each story it shows (not how many, nor how they are shown)."""
        return tuple((name, values) for name, values in self.canonical if name not in PRESENTATION)

    def keep(self, row: Mapping[str, Any]) -> bool:
        """Whether an item passes RSSHub's ``filter``, ``filterout``, ``filter_title``
        and ``filter_description``.

        Raises:
            BadQuery: a pattern used MATCH_TIMEOUT of CPU time on this item, or the
                patterns of this query have used FILTER_BUDGET of CPU time in all.
            FilterBusy: a match could not get its CPU time (the server is too busy).
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
                _search(self.include, title) or _search(self.include, description)
            ):
                return False
            if self.include_title is not None and not _search(self.include_title, title):
                return False
            if self.include_description is not None and not _search(
                self.include_description, description
            ):
                return False
            if self.exclude is not None and (
                _search(self.exclude, title) or _search(self.exclude, description)
            ):
                return False
            if self.exclude_title is not None and _search(self.exclude_title, title):
                return False
            if self.exclude_description is not None and _search(
                self.exclude_description, description
            ):
                return False
        except TimeoutError as exc:
            raise BadQuery("a filter pattern took too long to match; simplify it") from exc
        return True


def _search(pattern: Any, text: str) -> bool:
    """Whether ``pattern`` occurs in ``text``, the match given MATCH_TIMEOUT of this
    thread's CPU time (regex's timeout counts other time too: see MATCH_RETRY_LIMIT).

    Raises:
        TimeoutError: the match used MATCH_TIMEOUT of this thread's CPU time.
        FilterBusy: it did not get that much before regex's timeout MATCH_RETRY_LIMIT.
    """
    timeout = MATCH_TIMEOUT
    while True:
        began = clock.thread_time()
        try:
            # The GIL is kept while matching (a match is at most MATCH_TIMEOUT). Letting
            # it go, regex's default for a str, makes the match take it back for every
            # allocation: with 30 threads filtering, that tripled the CPU time and ran
            # out the timeout 15,000 times in 90 requests of a valid pattern.
            return pattern.search(text, timeout=timeout, concurrent=False) is not None
        except TimeoutError:
            used = clock.thread_time() - began
            # regex looks at its clock now and then: within a tenth of it is the budget
            if used >= MATCH_TIMEOUT * 0.9:
                raise
            if timeout >= MATCH_RETRY_LIMIT:
                raise FilterBusy(
                    "the server is too busy to run this filter now; try again later"
                ) from None
            timeout = min(timeout * 2, MATCH_RETRY_LIMIT)


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
    """``since`` or ``until`` (storage.times.parse_moment, as ``search`` reads them)."""
    try:
        return parse_moment(text, end=end)
    except OverflowError:
        raise BadQuery(f"{name} is out of range: {text[:40]!r}") from None
    except ValueError:
        raise BadQuery(
            f"{name} is not an ISO 8601 date or time (2026-11-28 or 2026-11-28T10:00:00Z): "
            f"{text[:40]!r}"
        ) from None


def _pattern(name: str, text: str | None, case_sensitive: bool) -> Any:
    """A filter parameter's pattern, compiled, or None when it is not given.

    Raises:
        BadQuery: it is empty or too long, not a regular expression, or would cost too
            much to compile (a count above MAX_REPEAT, nesting deeper than MAX_NESTING,
            a size above MAX_PATTERN_COST once its repetitions are unrolled).
    """
    if text is None:
        return None
    if not text or len(text) > MAX_PATTERN:
        raise BadQuery(f"{name} must be 1 to {MAX_PATTERN} characters")
    for low, high in _REPEAT.findall(text):
        if int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
            raise BadQuery(f"{name}: a counted repetition above {{{MAX_REPEAT}}} is not allowed")
    flags = 0 if case_sensitive else regex.IGNORECASE
    compiled = _PATTERNS.get(text, flags)
    if compiled is not None:
        return compiled
    # ValueError: flags regex finds incompatible, such as (?a)(?u) (it was a 500)
    invalid = (regex.error, ValueError, OverflowError, RecursionError, MemoryError)
    try:
        cost, depth, nested = _measure(text, flags)
    except invalid as exc:
        raise BadQuery(f"{name} is not a valid regular expression: {exc}") from None
    if nested:
        raise BadQuery(
            f"{name} repeats a repetition without bound, such as (a+)+, which can take "
            "forever to fail; bound the inner one ({1,50}) or drop the outer one"
        )
    if depth > MAX_NESTING:
        raise BadQuery(
            f"{name} nests groups and repetitions more than {MAX_NESTING} deep; simplify it"
        )
    if cost > MAX_PATTERN_COST:
        raise BadQuery(
            f"{name} is too large once its repetitions are multiplied out "
            f"({min(cost, 10**9):,} steps, at most {MAX_PATTERN_COST:,}); "
            "use smaller counts or fewer nested ones"
        )
    try:
        return _PATTERNS.compile(text, flags, cost)
    except invalid as exc:
        raise BadQuery(f"{name} is not a valid regular expression: {exc}") from None


def pattern_cost(text: str, flags: int = 0) -> tuple[int, int]:
    """What compiling ``text`` would cost, from the regex module's own parse of it: the
    size of the program with every repetition unrolled to its upper count (an unbounded
    one counts its lower count, at least once; a set counts its members), and how deep
    groups, lookarounds and repetitions nest. Calls of groups (``(?1)``, ``(?R)``) may
    compile a group again, so they count the pattern four times.

    Raises:
        regex.error: ``text`` is not a regular expression.
    """
    cost, depth, _ = _measure(text, flags)
    return cost, depth


def _measure(text: str, flags: int) -> tuple[int, int, bool]:
    """:func:`pattern_cost`, and whether an unbounded repetition sits inside another."""
    walk = _CostWalk()
    try:
        cost = walk.measure(_parse(text, flags), 0)
    except (AttributeError, TypeError, NameError):  # the parser is not a public API
        return (*_rough_cost(text), False)
    if walk.calls:
        cost *= 4
    return cost, walk.depth, walk.nested_unbounded


def _parse(text: str, flags: int) -> Any:
    """The regex module's parse tree of ``text``, as ``regex.compile`` makes it (an
    inline global flag such as ``(?i)`` in the middle restarts the parse with it)."""
    core: Any = getattr(regex, "_regex_core")  # noqa: B009  # not in the stubs
    global_flags = flags
    while True:
        source = core.Source(text)
        info = core.Info(global_flags, source.char_type, {})
        info.guess_encoding = core.UNICODE
        source.ignore_space = bool(info.flags & core.VERBOSE)
        source.use_unicode_space(bool(info.flags & core.VERSION1))
        try:
            parsed = core._parse_pattern(source, info)
        except core._UnscopedFlagSet:
            global_flags = info.global_flags
            continue
        if not source.at_end():
            raise regex.error("unbalanced parenthesis", text, source.pos)
        return parsed


class _CostWalk:
    """A walk over a regex parse tree summing its unrolled size; it stops going down
    past MAX_NESTING, so a deep pattern costs no deep recursion."""

    def __init__(self) -> None:
        self.depth = 0
        self.calls = False
        self.open_unbounded = 0
        self.nested_unbounded = False
        self.core: Any = getattr(regex, "_regex_core", None)

    def measure(self, node: Any, depth: int) -> int:
        """The unrolled size of ``node``, found ``depth`` containers deep."""
        core = self.core
        self.depth = max(self.depth, depth)
        if depth > MAX_NESTING:
            return 1
        if isinstance(node, core.Sequence):
            return sum(self.measure(item, depth) for item in node.items)
        if isinstance(node, core.Branch):
            return 1 + sum(self.measure(branch, depth) for branch in node.branches)
        if isinstance(node, core.SetBase):
            return 1 + sum(self.measure(item, depth) for item in node.items)
        if isinstance(node, core.GreedyRepeat):  # LazyRepeat, PossessiveRepeat too
            return self._repeat(node, depth)
        if isinstance(node, core.String):
            return max(1, len(node.characters))
        if isinstance(node, core.CallGroup | core.CallRef):
            self.calls = True
            return 1
        parts = [
            getattr(node, name)
            for name in ("subpattern", "yes_item", "no_item")
            if getattr(node, name, None) is not None
        ]
        if parts:  # a group, lookaround, atomic group, conditional, fuzzy section
            return 1 + sum(self.measure(part, depth + 1) for part in parts)
        return 1

    def _repeat(self, node: Any, depth: int) -> int:
        """A repetition's size; an unbounded one inside another (``(a+)+``) is noted: it
        backtracks exponentially on a near match, whatever the text (unless possessive)."""
        unbounded = node.max_count is None and not isinstance(node, self.core.PossessiveRepeat)
        upper = int(node.max_count if node.max_count is not None else max(node.min_count, 1))
        if unbounded and self.open_unbounded:
            self.nested_unbounded = True
        self.open_unbounded += unbounded
        try:
            return 1 + upper * self.measure(node.subpattern, depth + 1)
        finally:
            self.open_unbounded -= unbounded


def _rough_cost(text: str) -> tuple[int, int]:
    """A cost at least the real one, from the text alone, should the regex module's
    parser ever change: every count as if nested in every other, over the whole text."""
    counts = [max(int(low), int(high or 0), 1) for low, high in _REPEAT.findall(text)]
    return len(text) * math.prod(counts), text.count("(")


class _PatternCache:
    """Compiled patterns kept for reuse, the least recently used going first: at most
    PATTERN_CACHE_SIZE of them and PATTERN_CACHE_COST of cost in all, so what clients
    ask for cannot grow it. The regex module's own cache is not used: it keeps 500
    patterns of any size."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.kept: OrderedDict[tuple[str, int], tuple[Any, int]] = OrderedDict()
        self.cost = 0

    def get(self, text: str, flags: int) -> Any:
        """The compiled pattern, if kept."""
        with self.lock:
            found = self.kept.get((text, flags))
            if found is None:
                return None
            self.kept.move_to_end((text, flags))
            return found[0]

    def compile(self, text: str, flags: int, cost: int) -> Any:
        """Compile ``text`` (its cost already checked) and keep it."""
        compiled = regex.compile(text, flags, cache_pattern=False)
        # regex remembers every pattern it has seen (whether it is locale-sensitive) in a
        # dict it trims only with its own cache: forget this one, or it grows forever
        sensitive = getattr(getattr(regex, "_main", None), "_locale_sensitive", None)
        if isinstance(sensitive, dict):
            sensitive.pop((str, text), None)
        with self.lock:
            if (text, flags) not in self.kept:
                self.kept[(text, flags)] = (compiled, cost)
                self.cost += cost
            while len(self.kept) > PATTERN_CACHE_SIZE or self.cost > PATTERN_CACHE_COST:
                _, (_, dropped) = self.kept.popitem(last=False)
                self.cost -= dropped
        return compiled


_PATTERNS = _PatternCache()


def _checked(name: str, values: Iterable[str], allowed: frozenset[str]) -> list[str]:
    out = []
    for value in values:
        if value not in allowed:
            shown = ", ".join(sorted(allowed)[:12]) + (", ..." if len(allowed) > 12 else "")
            raise BadQuery(f"unknown {name} {value[:40]!r} (known: {shown})")
        out.append(value)
    return out


def parse_pair(text: str, countries: frozenset[str]) -> tuple[str, str]:
    """``KZ-CN`` as the pair of states ``("KZ", "CN")``: two different codes of
    ``countries``, joined by a hyphen (either order, any case).

    Raises:
        BadQuery: not two known, different codes.
    """
    parts = text.upper().split("-")
    if len(parts) != 2 or parts[0] == parts[1]:
        raise BadQuery(f"pair must be two different states joined by '-', as KZ-CN: {text[:40]!r}")
    _checked("country", parts, countries)
    return parts[0], parts[1]


def _screen(params: Mapping[str, Sequence[str]]) -> tuple[dict[str, Sequence[str]], list[str]]:
    """The parameters this server knows, checked for control characters and length, and
    the names of the others (a tracker's ``utm_source``, a reader's cache buster), which
    are left out rather than refused: a subscription must not break on them.

    Raises:
        BadQuery: a known parameter holds control characters or is too long.
    """
    known: dict[str, Sequence[str]] = {}
    ignored: list[str] = []
    for name, values in params.items():
        if name not in PARAMETERS:
            ignored.append(name[:40])
            continue
        for value in values:
            if _CONTROL.search(value):
                raise BadQuery(f"{name} holds control characters")
            if len(value) > MAX_QUERY:
                raise BadQuery(f"{name} is longer than {MAX_QUERY} characters")
        known[name] = values
    return known, ignored


def _merge(
    params: Mapping[str, Sequence[str]], base: Mapping[str, Sequence[str]] | None
) -> dict[str, Sequence[str]]:
    """A named feed's own parameters with the query string's: a list the feed sets is
    only narrowed (kazakhstan?country=UZ is not Uzbekistan under Kazakhstan's title);
    other parameters are added or, for single values, replace the feed's.

    Raises:
        BadQuery: the query string widens a list the feed sets.
    """
    merged: dict[str, Sequence[str]] = dict(base or {})
    for name, values in params.items():
        if name in _LISTS and base and name in base:
            allowed = {_fold(name, v) for v in _values(base, name)}
            outside = [v for v in _values(params, name) if _fold(name, v) not in allowed]
            if outside:
                raise BadQuery(
                    f"{name}={outside[0][:40]} is outside this feed ({', '.join(sorted(allowed))})"
                )
        merged[name] = values
    return merged


def _fold(name: str, value: str) -> str:
    """A list value as compared with a named feed's: codes in upper case, a pair's two
    codes in order (``CN-KZ`` is ``KZ-CN``)."""
    if name == "country":
        return value.upper()
    if name == "pair":
        return "-".join(sorted(value.upper().split("-")))
    return value


def _lists(
    merged: Mapping[str, Sequence[str]], vocabulary: Vocabulary, spec: ArticleFilter
) -> None:
    """The list parameters, each value checked against what the store knows."""
    spec.sources = _checked("source", _values(merged, "source"), vocabulary.sources)
    spec.countries = _checked(
        "country", [v.upper() for v in _values(merged, "country")], vocabulary.countries
    )
    spec.pairs = [parse_pair(v, vocabulary.countries) for v in _values(merged, "pair")]
    spec.topics = _checked("topic", _values(merged, "topic"), vocabulary.topics)
    spec.event_types = _checked("event_type", _values(merged, "event_type"), vocabulary.event_types)
    spec.languages = _checked("lang", _values(merged, "lang"), vocabulary.languages)


def _uniqueness(merged: Mapping[str, Sequence[str]], spec: ArticleFilter) -> None:
    unique = _single(merged, "unique")
    if unique not in (None, "story", "article"):
        raise BadQuery(f"unique must be story or article, not {unique[:20]!r}")
    spec.one_per_story = unique == "story"
    if spec.one_per_story:
        # lang=en,ru: each story in English, else in Russian (stories in neither are left out)
        spec.prefer_languages = list(spec.languages)


def _number(merged: Mapping[str, Sequence[str]], name: str, low: int, high: int) -> int | None:
    """A whole-number parameter within ``low`` and ``high``, or None when not given."""
    text = _single(merged, name)
    if text is None:
        return None
    if not _DIGITS.fullmatch(text) or not low <= int(text) <= high:
        raise BadQuery(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _choice(merged: Mapping[str, Sequence[str]], name: str, allowed: Sequence[str]) -> str | None:
    value = _single(merged, name)
    if value is not None and value not in allowed:
        raise BadQuery(f"{name} must be {' or '.join(allowed)}, not {value[:20]!r}")
    return value


def _text_and_dates(
    merged: Mapping[str, Sequence[str]], spec: ArticleFilter, now: datetime
) -> None:
    """``q``, ``since``, ``until`` and ``filter_time``."""
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


def _patterns(merged: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """RSSHub's text filters, compiled (case sensitive unless told otherwise)."""
    case = _choice(merged, "filter_case_sensitive", ("true", "false")) != "false"
    return {
        field: _pattern(name, _single(merged, name), case)
        for name, field in (
            ("filter", "include"),
            ("filterout", "exclude"),
            ("filter_title", "include_title"),
            ("filter_description", "include_description"),
            ("filterout_title", "exclude_title"),
            ("filterout_description", "exclude_description"),
        )
    }


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
            Parameters this server does not know are ignored (and listed in
            ``FeedQuery.ignored``).
        vocabulary: the values list parameters may take.
        now: the time ``filter_time`` counts back from.
        base: a named feed's own parameters, which the query string narrows: a list
            the feed sets may only be narrowed to some of its values; other parameters
            are added or, for single values (limit, since...), replace the feed's.

    Raises:
        BadQuery: a malformed value of a known parameter (an unknown country, a
            malformed date or number, a pattern that is not a regular expression). The
            message is one line.
    """
    known, ignored = _screen(params)
    merged = _merge(known, base)
    spec = ArticleFilter(limit=DEFAULT_LIMIT)
    _lists(merged, vocabulary, spec)
    _uniqueness(merged, spec)
    spec.limit = _number(merged, "limit", 1, MAX_LIMIT) or DEFAULT_LIMIT
    _text_and_dates(merged, spec, now)
    canonical = tuple(sorted((name, tuple(values)) for name, values in merged.items() if values))
    _choice(merged, "sorted", ("true", "false"))
    _choice(merged, "mode", ("fulltext",))
    return FeedQuery(
        spec=spec,
        **_patterns(merged),
        canonical=canonical,
        format=_choice(merged, "format", FORMATS),
        brief=_number(merged, "brief", MIN_BRIEF, MAX_BRIEF),
        ignored=tuple(ignored),
    )
