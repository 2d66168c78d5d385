"""Stories: which articles report the same event (docs/dedup.md).

Mixed into :class:`storage.Store`. An article joins the story of an exact copy, else of a
near copy found through MinHash/LSH band keys, else of a translation found by time,
parties, numbers and names; else it starts a story. The signatures are rows in SQLite, so
the search survives restarts; the band index over them is rebuilt in memory a week at a
time (storage/lsh.py), for the few weeks in use, so memory does not grow with the store.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

import numpy as np

from .base import StoreBase
from .dedup import (
    BANDS,
    CENTRAL_ASIA,
    COPY,
    COPY_WINDOW,
    MIN_BANDS,
    SAME_RELEASE,
    SUPPORT,
    VISIT_WINDOW,
    acronyms,
    announced,
    announcing_text,
    commission,
    council,
    delegation_at_home,
    first_sentence,
    formats_in,
    head_first,
    head_of_state,
    hosted,
    minister,
    names,
    numbers,
    on_a_day_of,
    pack_numbers,
    parse_when,
    parties_clash,
    regional_and_bilateral,
    same_story,
    shingle_hashes,
    shingles,
    sidelines,
    signature_bytes,
    signature_from_stored,
    signature_of_hashes,
    state_visit,
    summit,
    unpack_numbers,
    week,
    world_gathering,
)
from .lsh import BandIndex, band_keys
from .relevance import OFFICIAL_KINDS, default_classifier, without_dateline
from .times import days_named, format_utc
from .vocabulary import KIND_RANK

__all__ = ["Stories"]

# Candidates: of the articles sharing LSH bands, the _LIKELY sharing most have their
# signatures compared, and the best _COMPARED of those (by the Jaccard their signatures
# estimate) their texts. A copy keeping 30% of the words shares ~4 of 48 bands, two
# texts of one template 1 or 2. At most _MAX_CANDIDATES possible translations.
_LIKELY = 64
# Shingle hashes kept for the articles stored last (about 1 KB each): candidates are at
# most days older than the article compared.
_RECENT_SHINGLES = 8_000
_MAX_CANDIDATES = 40
_COMPARED = 12
# A shortened copy keeping 40% of a text has a Jaccard near 0.25: below this, skip.
MIN_ESTIMATE = 0.15
# An exact copy (the same body fingerprint) links strongest.
EXACT = 4.0
# How many linked articles one regrouping takes in: events are reported tens of times,
# not hundreds; a bound keeps one article's cost bounded whatever the links.
_MAX_NEIGHBOURHOOD = 400
_NO_SHINGLES = np.zeros(0, dtype=np.uint32)


class _Features(dict[str, Any]):
    """An article's features for :func:`same_story`; its shingles and numbers are
    computed on first use (most candidates are ruled out by time or parties first)."""

    def __missing__(self, key: str) -> Any:
        if key == "named_days":  # (the days its headline and opening name)
            self[key] = days_named(self["_opening"])
            return self[key]
        if key not in ("shingles", "numbers", "names"):
            raise KeyError(key)
        if "_text" not in self:
            raise KeyError(key)
        text = self["_text"]
        value = (
            shingle_hashes(shingles(text))
            if key == "shingles"
            else numbers(text)
            if key == "numbers"
            else names(text)
        )
        self[key] = value
        return value


def _countries(stored: Any) -> list[str]:
    """The ``countries`` column as a list; a malformed value (edited by hand) is none."""
    if not isinstance(stored, str):
        return [c for c in stored or [] if isinstance(c, str)]
    return list(_parsed_countries(stored))


@lru_cache(maxsize=4096)  # a few hundred distinct party lists cover a store
def _parsed_countries(stored: str) -> tuple[str, ...]:
    try:
        value = json.loads(stored)
    except ValueError:
        return ()
    return tuple(c for c in value if isinstance(c, str)) if isinstance(value, list) else ()


# Sources that speak for their own state (relevance.OFFICIAL_KINDS: a ministry, the
# president's or a ministry's channel): their state is a party of everything they
# report, named or not ("Глава государства провел телефонный разговор с Президентом
# Узбекистана").


def _with_home(countries: list[str], home: str | None) -> list[str]:
    """An article's parties for story detection: an official source's state is one, once
    the article names any party at all."""
    return [*countries, home] if home and countries and home not in countries else countries


def _members(countries: list[str], title: str, lead: str | None = None) -> tuple[str, ...]:
    """For a report of an organisation's summit (the OTS, the SCO, the CIS), the members:
    each state's report names its own leader alone, and its summit is theirs (see
    :func:`_title_members`)."""
    return _title_members(title, lead) if countries else ()


@lru_cache(maxsize=1 << 14)
def _a_place(word: str) -> bool:
    return bool(default_classifier().places(word))


def _title_members(title: str, lead: str | None = None) -> tuple[str, ...]:
    """The organisation's members, for a headline of its summit; of a head of state's
    trip, words or taking part naming the organisation ("Türkmenistanyň Prezidenti «ŞHG —
    plýus» formatyndaky mejlise gatnaşdy"); or of one leader's trip or words, or a
    channel's headline naming only the city, whose first sentence names the summit
    ("Эрдоган в Чолпон-Ате призвал ...": "... на неформальном саммите Организации
    тюркских государств"; "Boku")."""
    cues = _title_cues(title)
    if cues.sidelines or cues.two:
        # a meeting on the summit's sidelines is its two states' own; so is a headline
        # naming two ("Кулубаев и Лавров обсудили подготовку к саммиту ШОС")
        return ()
    # a summit's headline; or a head of state's trip or words naming the organisation
    # (not his reception of its secretary-general: "Токаев принял Генерального секретаря ОДКБ")
    if cues.summit or (cues.head and not cues.minister and cues.going):
        found = _summit_members(title)
        if found:
            return found
    first = _lead(lead)
    # (or a channel's headline naming only the city, "Boku", over "... Turkiy davlatlar
    # tashkiloti Tashqi ishlar vazirlari kengashi majlisida nutq soʻzladi")
    only_a_place = len(title.split()) == 1 and _a_place(title)
    if first and summit(first) and (cues.going or only_a_place):
        return _summit_members(first)
    return ()


@lru_cache(maxsize=1 << 12)
def _summit_members(title: str) -> tuple[str, ...]:
    return default_classifier().summit_members(title)


def _title_organisations(title: str) -> frozenset[str]:
    return frozenset(default_classifier().title_organisations(title))


# A title's cues for same_story, kept for the articles seen last (each is a candidate
# for the reports of the next days): pure functions of the title, which the processes
# preparing the articles (storage.Preparer) have worked out already and send along.
class _TitleCues(NamedTuple):
    acronyms: frozenset[str]
    head: bool
    minister: bool
    commission: bool
    visit: bool
    summit: bool
    sidelines: bool
    organisations: frozenset[str]
    # how many states the headline names acting, and whether it is a trip's or one
    # speaker's ("прибыл", "призвал", "Kallas: ...")
    named: int
    going: bool
    # an organisation's council of foreign ministers (its "summit" of ministers)
    council: bool = False

    @property
    def two(self) -> bool:
        """A meeting of two: a headline naming two states, not a trip's ("Алиев прибыл
        в Казахстан") nor one speaker's."""
        return self.named == 2 and not self.going


_TITLE_CUES: dict[str, _TitleCues] = {}
_TITLE_CUES_KEPT = 1 << 15


def _title_cues(title: str) -> _TitleCues:
    cues = _TITLE_CUES.get(title)
    if cues is None:
        cues = _TitleCues(
            acronyms(title),
            head_of_state(title),
            minister(title),
            commission(title),
            state_visit(title),
            summit(title),
            sidelines(title),
            _title_organisations(title),
            len(default_classifier().title_states(title)),
            default_classifier().trip_or_speech(title),
            council(title),
        )
        _remember_cues(title, cues)
    return cues


def _remember_cues(title: str, cues: _TitleCues) -> None:
    if len(_TITLE_CUES) >= _TITLE_CUES_KEPT:
        del _TITLE_CUES[next(iter(_TITLE_CUES))]  # the oldest
    _TITLE_CUES[title] = cues


# What the story rules read of a body: its opening, where the first sentence is. The
# queries read only this much of a stored body (``lead``).
_LEAD_CHARS = 300
# (read with room for an agency's dateline, which is cut before the lead is: a stored
# report's lead is then the same as when it arrived)
_LEAD = f"substr(body, 1, {_LEAD_CHARS + 100}) AS lead"


def _lead(body: str | None) -> str:
    """The body's first sentence (at most _LEAD_CHARS characters), after an agency's
    dateline."""
    return first_sentence(without_dateline(body or "")[:_LEAD_CHARS])


def _principals(head: bool, minister_: bool, body: str | None) -> tuple[bool, bool]:
    """Whether the report is of heads of state, of ministers: by the headline's cues,
    else (a headline naming neither: "Samarkand Declaration adopted") by the first
    sentence when it names one of the two only ("По итогам саммита главы государств
    приняли ...")."""
    lead = _lead(body)
    if minister_ and not head and head_first(lead):
        # a headline naming the visiting minister, a lead of the head of state receiving
        # him ("Мулоқот бо Вазири корҳои хориҷии Туркманистон": the president's)
        return True, False
    if head or minister_:
        return head, minister_
    head, minister_ = head_of_state(lead), minister(lead)
    return (head, minister_) if head != minister_ else (False, False)


def _features(
    row: Mapping[str, Any], home: str | None = None, voice: str | None = None
) -> _Features:
    """An article's features for :func:`same_story`; ``home``: the state an official
    source speaks for; ``voice``: whose voice the source is (``sources.principal``: a
    president's press service's posts are the head of state's)."""
    countries = _with_home(_countries(row.get("countries")), home)
    title = row["title"]
    cues = _title_cues(title)
    # (a candidate found by its date comes with its body's opening only)
    lead = without_dateline(str((row["lead"] if "lead" in row else row.get("body")) or ""))
    head, minister_ = _principals(cues.head, cues.minister, lead)
    head = head or voice == "head_of_state"
    return _Features(
        id=row.get("id"),
        story_id=row.get("story_id"),
        source=row["source"],
        canonical_url=row.get("canonical_url"),
        home=home,
        published=parse_when(row["published"]),
        precision=row.get("published_precision"),
        language=row.get("language"),
        countries=countries,
        event_type=row.get("event_type"),
        acronyms=cues.acronyms,
        head=head,
        minister=minister_,
        commission=cues.commission,
        visit=cues.visit or _visit_told(cues, lead),
        summit=cues.summit,
        council=cues.council,
        sidelines=cues.sidelines,
        organisations=cues.organisations,
        two=cues.two,
        going=cues.going,
        members=_members(countries, title, lead),
        _text=f"{title}\n{row.get('body') or ''}",
        _opening=f"{title}\n{(lead or '')[:_LEAD_CHARS]}",
    )


# A visit recalled ("достигнутых в ходе государственного визита"): not the visit itself.
_RECALLED = re.compile(r"в ходе|during the|davomida|давомида|барысында|барышында|dowamynda")


def _opening_lead(row: Mapping[str, Any]) -> str:
    """A report's lead as the groups read it (its ``lead`` column, else its body's
    opening), without its dateline: the same for a new article and a stored one."""
    text = row["lead"] if "lead" in row else row.get("body")
    return without_dateline(str(text or ""))[:_LEAD_CHARS]


# A head of government receiving in a headline ("Japanese Prime Minister receives Central
# Asian foreign ministers", "Премьер-министр Японии принял министров"): his event, as a
# head of state's reception is his.
_GOVERNMENT_RECEIVES = re.compile(
    r"(?:prime minister|премьер-министр|бош вазир|bosh vazir|сарвазир|baş ministr)\w*"
    # (the verb after its object in the Turkic languages and Tajik: up to eight words on)
    r"\W+(?:\w+\W+){0,8}(?:receiv|принял(?!\s+участие)|қабылда|қабул кард|qabul qil|kabul et)"
)


def _principal(title: str, lead: str, voice: str | None) -> str | None:
    """Whose event a report is, for the groups: "head" (a head of state's headline, or
    his press service's post), "minister" (a minister's alone, not at the heads' summit
    or visit), else None. At a gathering the president's reception of the ministers and
    the ministers' own meeting are two events (:func:`_kept_apart`)."""
    cues = _title_cues(title)
    head, minister_ = _principals(cues.head, cues.minister, lead)
    if head or voice == "head_of_state" or _GOVERNMENT_RECEIVES.search(title.lower()):
        return "head"
    if minister_ and not cues.visit and not (cues.summit and not cues.council):
        return "minister"
    return None


def _visit_told(cues: _TitleCues, lead: str) -> bool:
    """Whether a head of state's headline, no minister's ("Федеральный президент Германии
    прибыл в Ташкент"), stands over a first sentence telling his state or official visit
    ("... прибыл в Ташкент с государственным визитом"): read in the opening a stored
    report is read by, and not a visit to come, being prepared or recalled ("обсуждена
    подготовка предстоящего государственного визита", "kelgusi davlat tashrifi",
    "таяуда болатын мемлекеттік сапар", "достигнутых в ходе государственного визита")."""
    if not cues.head or cues.minister:
        return False
    sentence = first_sentence(lead[:_LEAD_CHARS])
    # (to come or being prepared: the announcing words, dedup's; the preparations, the
    # classifier's sidelines words)
    ahead = announcing_text(sentence) or sidelines(sentence)
    return state_visit(sentence) and not (ahead or _RECALLED.search(sentence.lower()))


def text_features(row: Mapping[str, Any], features: _Features | None = None) -> dict[str, Any]:
    """What story search needs of an article's own text and date: its MinHash values,
    numbers, names, week and title cues. Pure and the costly part, so it may run in
    another process (:class:`storage.Preparer`) and travel with the row as
    ``row["_prepared"]``."""
    features = features if features is not None else _features(row)
    minhash = signature_of_hashes(features["shingles"])
    return {
        "shingles": features["shingles"],
        "minhash": minhash,
        "numbers": features["numbers"],
        "names": features["names"],
        "week": week(features["published"]),
        "band_keys": band_keys(minhash, BANDS),
        "title_cues": _title_cues(row["title"]),
    }


class Stories(StoreBase):
    """Story assignment and the near-duplicate index, over the store's connection and
    write transaction (:class:`storage.base.StoreBase`)."""

    # The in-memory band index and the last article_signatures row it has seen.
    _bands: BandIndex | None = None
    _bands_seen: int = 0
    _shingles: OrderedDict[int, np.ndarray] | None = None
    _members_by_id: OrderedDict[int, tuple[str, ...]] | None = None
    _pending_links: list[tuple[int, int, float, str]] = []  # noqa: RUF012  # replaced, not mutated
    _pending_parties: tuple[frozenset[str], tuple[str, ...], str | None] = (
        frozenset(),
        (),
        None,
    )

    def _home(self, source: str) -> str | None:
        """The state an official source speaks for, else None."""
        kind, country = self._ensure_source(source)
        return country if kind in OFFICIAL_KINDS else None

    def _voice(self, source: str) -> str | None:
        """Whose voice a source is (``sources.principal``), else None."""
        self._ensure_source(source)
        return self._voices.get(source)

    def _story_for(self, row: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
        """The story a new article joins for now (the oldest story it links to, or a new
        one), why, and its index features; the links found wait in ``_pending_links``
        for :meth:`_regroup`, once the article has its id."""
        prepared = row.get("_prepared")
        if prepared and "title_cues" in prepared:  # worked out in another process
            _remember_cues(row["title"], prepared["title_cues"])
        features = _features(row, self._home(row["source"]), self._voice(row["source"]))
        # computed beforehand, maybe in another process (Preparer), else now
        features.update(prepared or text_features(row, features))
        features.pop("title_cues", None)
        links: list[tuple[int, int, float, str]] = []  # (article, its story, strength, why)
        if row["body_hash"]:
            for same in self._select(
                "SELECT id, story_id FROM articles WHERE body_hash = ? ORDER BY id LIMIT 20",
                [row["body_hash"]],
            ):
                links.append((int(same["id"]), int(same["story_id"]), EXACT, "exact copy"))
        copies = {link[0] for link in links}
        for candidate in self._candidates(features):
            if int(candidate["id"]) in copies:
                continue
            source = candidate["source"]
            other = _features(candidate, self._home(source), self._voice(source))
            known = self._recent_shingles().get(int(candidate["id"]))
            if known is not None:  # not computed again from the text
                other["shingles"] = known
            elif "body" not in candidate:
                # a report of the same days, not a near copy by its signature: judged by
                # its facts, not its words
                other["shingles"] = _NO_SHINGLES
            if candidate.get("sig_numbers") is not None:
                other["numbers"] = unpack_numbers(candidate["sig_numbers"])
            if candidate.get("sig_names") is not None:
                other["names"] = set(candidate["sig_names"].split())
            decision = same_story(features, other)
            if decision.same or decision.support:
                links.append(
                    (int(candidate["id"]), int(candidate["story_id"]), decision.strength,
                     decision.reason)
                )  # fmt: skip
        self._pending_links = links
        self._pending_parties = (
            frozenset(features["countries"]),
            features["members"],
            _principal(row["title"], _opening_lead(row), self._voice(row["source"])),
        )
        strong = [link for link in links if link[2] > SUPPORT]
        if strong:
            best = max(strong, key=lambda link: (link[2], -link[1]))
            return min(link[1] for link in strong), best[3], features
        cursor = self.db.execute(
            "INSERT INTO stories (created, first_published) VALUES (?, ?)",
            [row["first_seen"], row["published"]],
        )
        return int(cursor.lastrowid or 0), "first", features

    def _regroup(self, article_id: int, at: str) -> None:
        """Record the new article's links and group its linked neighbourhood again.

        The groups are made from the links alone, strongest first, ties broken by the
        articles' canonical URLs: the same articles give the same stories whatever
        order they arrived in. Two groups are not joined when a member of one names
        other parties than a member of the other (an Uzbek-Kyrgyz call does not join a
        Kazakh-Uzbek one through a report that names Uzbekistan alone). A group keeps
        the oldest story among its members; a story whose members all moved is merged
        into it, and the merge is recorded (``story_merges``).
        """
        links = getattr(self, "_pending_links", [])
        self._pending_links = []
        if not links:
            return
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO story_links (a, b, strength, reason) VALUES (?, ?, ?, ?)",
            [(min(o, article_id), max(o, article_id), w, why) for o, _, w, why in links],
        )
        if all(link[2] > SUPPORT for link in links) and self._joins_alone(article_id, links):
            return
        nodes, edges = self._neighbourhood(article_id)
        groups = _group_links(nodes, edges)
        self._assign(groups, nodes, at)

    def _joins_alone(self, article_id: int, links: list[tuple[int, int, float, str]]) -> bool:
        """The new article's links all lead into one story whose members all name the
        parties it names (the reprints of one release, the reports of one call): grouping
        the neighbourhood again would give that story plus the article, and nothing else
        (no party of its can keep two groups apart that were joined, nor join two that
        were kept apart), so the article just joins it. A shortcut, not another rule: a
        story of a hundred copies would otherwise be grouped again a hundred times."""
        stories = {story for _, story, _, _ in links}
        if len(stories) != 1:
            return False
        (story,) = stories
        mine = self._pending_parties
        for member in self._select(
            f"SELECT source, countries, title, {_LEAD} FROM articles "  # noqa: S608
            "WHERE story_id = ? AND id != ?",
            [story, article_id],
        ):
            parties = _with_home(_countries(member["countries"]), self._home(member["source"]))
            principal = _principal(
                member["title"], _opening_lead(member), self._voice(member["source"])
            )
            found = (frozenset(parties), _members(parties, member["title"], member["lead"]))
            if (*found, principal) != mine:
                return False
        self._refresh_story(story)
        return True

    def _neighbourhood(
        self, article_id: int
    ) -> tuple[dict[int, dict[str, Any]], list[tuple[float, int, int, str]]]:
        """The articles linked to ``article_id`` however indirectly (at most
        _MAX_NEIGHBOURHOOD), and their links."""
        seen = {article_id}
        frontier = [article_id]
        edges: dict[tuple[int, int], tuple[float, str]] = {}
        while frontier and len(seen) < _MAX_NEIGHBOURHOOD:
            marks = ", ".join("?" for _ in frontier)
            found = self.db.conn.execute(
                f"SELECT a, b, strength, reason FROM story_links WHERE a IN ({marks}) "  # noqa: S608
                f"UNION SELECT a, b, strength, reason FROM story_links WHERE b IN ({marks})",
                [*frontier, *frontier],
            ).fetchall()
            frontier = []
            for a, b, strength, reason in found:
                edges[(a, b)] = (strength, reason)
                for node in (a, b):
                    if node not in seen and len(seen) < _MAX_NEIGHBOURHOOD:
                        seen.add(node)
                        frontier.append(node)
        marks = ", ".join("?" for _ in seen)
        nodes = {
            int(r["id"]): r
            for r in self._select(
                "SELECT a.id, a.story_id, a.canonical_url, a.countries, a.source, a.published, "  # noqa: S608
                f"a.title, {_LEAD} "
                f"FROM articles a WHERE a.id IN ({marks})",
                list(seen),
            )
        }
        for node in nodes.values():
            parties = _with_home(_countries(node["countries"]), self._home(node["source"]))
            node["parties"] = frozenset(parties)
            node["members"] = _members(parties, node["title"], node["lead"])
            node["two"] = _title_cues(node["title"]).two
            # (the opening as _features makes it: the same answer in any arrival order)
            lead = _opening_lead(node)
            opening = f"{node['title']}\n{lead}"
            # (or a delegation's report of the region's gathering in its host's city)
            node["hosted"] = hosted(opening) or delegation_at_home(
                opening, node["parties"], self._home(node["source"])
            )
            # (a UN gathering of the world's states, wherever it is held)
            node["world"] = world_gathering(opening)
            node["named"] = formats_in(opening)
            node["principal"] = _principal(node["title"], lead, self._voice(node["source"]))
        kept = [
            (strength, a, b, reason)
            for (a, b), (strength, reason) in edges.items()
            if a in nodes and b in nodes
        ]
        return nodes, kept

    def _assign(self, groups: list[set[int]], nodes: dict[int, dict[str, Any]], at: str) -> None:
        """Give each group a story: the oldest its members are in (a story split between
        groups stays with the group holding most of it), else a new one."""
        claims: dict[int, list[tuple[int, int]]] = {}
        for index, group in enumerate(groups):
            counts: dict[int, int] = {}
            for member in group:
                story = int(nodes[member]["story_id"])
                counts[story] = counts.get(story, 0) + 1
            for story, count in counts.items():
                claims.setdefault(story, []).append((count, index))
        owner: dict[int, int] = {}  # story -> group index keeping it
        for story, wanting in claims.items():
            owner[story] = max(wanting, key=lambda c: (c[0], -c[1]))[1]
        touched: set[int] = set()
        for index, group in enumerate(groups):
            mine = sorted(story for story, keeper in owner.items() if keeper == index)
            if mine:
                target = mine[0]  # the oldest story keeps its identity (and its GUID)
            else:
                first = min(group, key=lambda m: str(nodes[m]["published"]))
                cursor = self.db.execute(
                    "INSERT INTO stories (created, first_published) VALUES (?, ?)",
                    [at, nodes[first]["published"]],
                )
                target = int(cursor.lastrowid or 0)
            moving = [m for m in group if int(nodes[m]["story_id"]) != target]
            if not moving:
                touched.add(target)
                continue
            self.db.conn.executemany(
                "UPDATE articles SET story_id = ? WHERE id = ?", [(target, m) for m in moving]
            )
            touched.add(target)
            for story in mine[1:]:
                self.db.execute(
                    "INSERT INTO story_merges (story_id, into_story_id, at, reason) "
                    "VALUES (?, ?, ?, ?)",
                    [story, target, at, "later reports linked the two to one event"],
                )
                self.db.execute(
                    "UPDATE stories SET merged_into = ?, article_count = 0 WHERE id = ?",
                    [target, story],
                )
            touched.update(int(nodes[m]["story_id"]) for m in moving)
        for story in touched:
            self._refresh_story(story)

    def _band_index(self, weeks: list[int]) -> BandIndex:
        """The band index, holding ``weeks`` and every signature stored so far (by this
        process or another)."""
        if self._bands is None:
            self._bands = BandIndex(BANDS)
            row = self.db.execute("SELECT max(article_id) FROM article_signatures").fetchone()
            self._bands_seen = int(row[0] or 0)
        bands = self._bands
        for article_id, at, minhash in self.db.execute(
            "SELECT article_id, week, minhash FROM article_signatures WHERE article_id > ? "
            "ORDER BY article_id",
            [self._bands_seen],
        ).fetchall():
            values = signature_from_stored(minhash)
            bands.add(at, article_id, values, band_keys(values, BANDS))
            self._bands_seen = article_id
        for at in weeks:
            # (the weeks asked for are the most recently used: loading another of them
            # must not drop one, whatever order the articles arrive in)
            bands.touch(at)
        for at in weeks:
            if at not in bands:
                # up to what the index has seen: later rows arrive through the query above
                loaded = self.db.execute(
                    "SELECT article_id, minhash FROM article_signatures "
                    "WHERE week = ? AND article_id <= ?",
                    [at, self._bands_seen],
                ).fetchall()
                bands.load(at, (r[0] for r in loaded), b"".join(r[1] for r in loaded))
        return bands

    def _recent_shingles(self) -> OrderedDict[int, np.ndarray]:
        """The shingle hashes of the articles stored last (a reprint's original is among
        them), so a comparison does not split the original's text again."""
        if self._shingles is None:
            self._shingles = OrderedDict()
        return self._shingles

    def _forget_bands(self) -> None:
        """Drop the in-memory band index and shingles (a rolled-back transaction may have
        taken away rows they hold, and their ids are given again); read again from the
        store when next needed."""
        self._bands = None
        self._shingles = None
        self._members_by_id = None

    def _candidates(self, features: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Near copies by shared LSH band keys, then possible translations by time."""
        columns = (
            "id, story_id, source, canonical_url, published, published_precision, language, "
            "countries, "
            "tagged_event_type AS event_type, title, body"
        )
        near = self._near_copies(features, columns)
        events: list[dict[str, Any]] = []
        when = features["published"]
        if features["countries"]:
            mine = set(features["countries"])
            # a report of an organisation's summit looks among all its members' reports
            members = set(features.get("members") or ())
            parties = members or mine
            # a summit's report naming no organisation may be any member's report of it
            # (and a UN gathering of the world's states, each delegation's report naming
            # its own state)
            world = world_gathering(features["_opening"])
            broad = bool(features.get("summit") or world) and not members
            host = hosted(features["_opening"])
            anchors = _anchors(parties, mine, broad=broad, host=host)
            # instr(), not LIKE: a LIKE against a parameter makes SQLite prepare the
            # statement again for every new pattern (its LIKE optimisation), 40 us a time
            likes = " OR ".join("instr(a.countries, ?) > 0" for _ in anchors)
            quoted = [f'"{a}"' for a in anchors]
            every = " AND ".join("instr(a.countries, ?) > 0" for _ in parties)
            everyone = [f'"{p}"' for p in sorted(parties)]
            if broad or host is not None:
                # (a summit's report naming no organisation; an international gathering's,
                # whose delegations' reports name other states: _fitting judges them)
                every, everyone = "1", []
            light = (
                "a.id, a.story_id, a.source, a.canonical_url, a.published, a.published_precision, "
                "a.language, "
                "a.countries, a.tagged_event_type AS event_type, a.title, g.numbers AS sig_numbers, "
                f"g.names AS sig_names, {_LEAD}"
            )
            # the reports nearest in time, after and before: two index walks that stop
            # at the limit, not a sort of the whole window, in the index alone (most
            # rows are then ruled out by their parties); the rows kept are read after
            query = (
                "SELECT a.id, a.countries FROM articles a "  # noqa: S608
                "INDEXED BY articles_relevant_published "
                f"WHERE a.relevant = 1 AND a.published {{}} ? AND a.published {{}} ? "
                f"AND ({likes}) AND (({every}) OR length(a.countries) <= ?) "
                f"ORDER BY a.published {{}} LIMIT {_MAX_CANDIDATES // 2}"
            )
            # a report of the same event names all the parties, or some of them and no
            # other: then its list is no longer than this article's
            shorter = len(json.dumps(sorted(parties)))
            if broad or host is not None:
                shorter = 1 << 20
            walked = self._announcers(when, likes, quoted)
            for comparison, start, bound, direction in _walks(features):
                walked += [
                    (article_id, set(_countries(countries)))
                    for article_id, countries in self.db.conn.execute(
                        query.format(comparison, "<=" if direction == "ASC" else ">=", direction),
                        [format_utc(start), format_utc(bound), *quoted, *everyone, shorter],
                    )
                ]
            walked = list(dict(walked).items())
            kept = (
                [article_id for article_id, found in walked if found]
                # (a UN gathering of the world's states: each delegation's report names its
                # own state, the host maybe not; storage.dedup judges them by its name)
                if world
                else self._fitting(walked, parties, mine, host)
            )
            if kept:
                read = {
                    r["id"]: r
                    for r in self._select(
                        f"SELECT {light} FROM articles a "  # noqa: S608
                        "LEFT JOIN article_signatures g ON g.article_id = a.id "
                        f"WHERE a.id IN ({', '.join('?' for _ in kept)})",
                        kept,
                    )
                }
                events = [read[article_id] for article_id in kept]
        versions = self._versions(features, columns)
        seen = {r["id"] for r in near}
        found_all = []
        for r in [*events, *versions]:
            if r["id"] not in seen:
                seen.add(r["id"])
                found_all.append(r)
        return near + found_all

    def _near_copies(self, features: Mapping[str, Any], columns: str) -> list[dict[str, Any]]:
        """The stored reports sharing LSH band keys with this one, nearest first, each
        with its estimated likeness (``estimate``)."""
        when = features["published"]
        around = sorted({week(when - COPY_WINDOW), week(when), week(when + COPY_WINDOW)})
        keys = features.get("band_keys")
        if keys is None:
            keys = band_keys(features["minhash"], BANDS)
        index = self._band_index(around)
        likely = index.query(around, keys, least=MIN_BANDS, most=_LIKELY)
        estimated = index.estimates(likely, features["minhash"])
        ranked = sorted(zip(estimated.tolist(), likely, strict=True), reverse=True)
        # below MIN_ESTIMATE the signatures already say the texts share too little
        estimates = {a: e for e, a in ranked[:_COMPARED] if e >= MIN_ESTIMATE}
        ids = list(estimates)
        near = (
            self._select(
                f"SELECT {columns} FROM articles WHERE id IN ({', '.join('?' for _ in ids)})",  # noqa: S608
                ids,
            )
            if ids
            else []
        )
        order = {article_id: i for i, article_id in enumerate(ids)}
        near.sort(key=lambda r: order[r["id"]])
        for row in near:
            row["estimate"] = estimates[row["id"]]
        return near

    def _versions(self, features: Mapping[str, Any], columns: str) -> list[dict[str, Any]]:
        """One source's language versions of one release, whatever they are about: its
        posts in other languages minutes apart."""
        when = features["published"]
        return self._select(
            f"SELECT {columns} FROM articles WHERE source = ? AND published BETWEEN ? AND ? "  # noqa: S608
            "AND language IS NOT ? LIMIT 20",
            [
                features["source"],
                format_utc(when - SAME_RELEASE),
                format_utc(when + SAME_RELEASE),
                features["language"],
            ],
        )

    def _announcers(
        self, when: datetime, likes: str, anchors: list[str]
    ) -> list[tuple[int, set[str]]]:
        """The reports that announced, days before, the day of a report published at
        ``when`` (``announced_days``) and name one of its Central Asian parties (``likes``
        on ``anchors``, as the walks of the same days), and their parties."""
        days = sorted(
            day
            for day in {(when + timedelta(hours=h)).date() for h in (-36, -12, 0, 12)}
            if on_a_day_of(when, [day])
        )
        # (the table alone first, by its key: few reports announce a day)
        announcing = [
            article_id
            for (article_id,) in self.db.conn.execute(
                "SELECT article_id FROM announced_days "  # noqa: S608
                f"WHERE day IN ({', '.join('?' for _ in days)})",
                [d.isoformat() for d in days],
            )
        ]
        if not announcing:
            return []
        return [
            (article_id, set(_countries(countries)))
            for article_id, countries in self.db.conn.execute(
                "SELECT a.id, a.countries FROM articles a "  # noqa: S608
                f"WHERE a.id IN ({', '.join('?' for _ in announcing)}) AND a.relevant = 1 "
                f"AND a.published < ? AND a.published >= ? AND ({likes}) "
                f"ORDER BY a.published DESC LIMIT {_MAX_CANDIDATES // 2}",
                [*announcing, format_utc(when), format_utc(when - COPY_WINDOW), *anchors],
            )
        ]

    def _fitting(
        self,
        walked: list[tuple[int, set[str]]],
        parties: set[str],
        mine: set[str],
        host: str | None = None,
    ) -> list[int]:
        """Of the reports walked, those whose parties fit this article's, judged the same
        way from either side, so that which of two reports came first does not decide
        whether they are compared: either's parties (an organisation's members, when it
        reports its summit) hold the other's own, or are held in them; for a report of an
        international gathering, every report naming its ``host`` (each delegation's
        names its own state and the host, or the gathering's topic)."""
        # the parties first: most reports of the days are about other pairs
        seen = self._members_seen()
        members: dict[int, tuple[str, ...]] = {}
        unknown = []
        for article_id, found in walked:
            if found and not _fit(parties, found):
                if article_id in seen:
                    members[article_id] = seen[article_id]
                else:
                    unknown.append(article_id)
        if unknown:
            for row in self._select(
                f"SELECT id, title, {_LEAD} FROM articles "  # noqa: S608
                f"WHERE id IN ({', '.join('?' for _ in unknown)})",
                unknown,
            ):
                found_members = _title_members(row["title"], row["lead"])
                members[int(row["id"])] = seen[int(row["id"])] = found_members
        return [
            article_id
            for article_id, found in walked
            if found
            and (
                _fit(parties, found)
                or _fit(set(members.get(article_id) or ()) or found, mine)
                or (host is not None and _at_the_gathering(host, found, parties))
            )
        ]

    def _members_seen(self) -> OrderedDict[int, tuple[str, ...]]:
        """The organisation's members of the reports of its summit stored or read last
        (by article id; none for other reports)."""
        if self._members_by_id is None:
            self._members_by_id = OrderedDict()
        while len(self._members_by_id) > _RECENT_SHINGLES:
            self._members_by_id.popitem(last=False)
        return self._members_by_id

    def _index_article(self, article_id: int, features: Mapping[str, Any]) -> None:
        """Store a new article's signature and the days it announces, and index its band
        keys."""
        ahead = announced(features)
        if ahead:
            self.db.conn.executemany(
                "INSERT OR IGNORE INTO announced_days (day, article_id) VALUES (?, ?)",
                [(day.isoformat(), article_id) for day in ahead],
            )
        self.db.execute(
            "INSERT OR REPLACE INTO article_signatures (article_id, minhash, numbers, week, "
            "names) VALUES (?, ?, ?, ?, ?)",
            [
                article_id,
                signature_bytes(features["minhash"]),
                pack_numbers(features["numbers"]),
                features["week"],
                " ".join(sorted(features["names"])),
            ],
        )
        if features.get("countries"):
            # (a report naming no party has none: read from its title when it has some)
            self._members_seen()[article_id] = tuple(features.get("members") or ())
        if "shingles" in features:
            recent = self._recent_shingles()
            recent[article_id] = features["shingles"]
            while len(recent) > _RECENT_SHINGLES:
                recent.popitem(last=False)
        if self._bands is not None and article_id == self._bands_seen + 1:
            # the next row: no other process has written between (else the index reads
            # them all, this one included, from the store on its next use)
            keys = features.get("band_keys")
            if keys is None:
                keys = band_keys(features["minhash"], BANDS)
            self._bands.add(features["week"], article_id, features["minhash"], keys)
            self._bands_seen = article_id

    def _reindex(self, article_id: int, row: Mapping[str, Any]) -> None:
        """After an edit: the article's text changed, its signature must follow (same
        week: the date of an article never changes). The old band keys stay in this
        process's index until it is rebuilt: they only add a candidate, whose stored
        signature then rules it out."""
        features = _features(row)
        features.update(text_features(row, features))
        self.db.execute("DELETE FROM announced_days WHERE article_id = ?", [article_id])
        self._index_article(article_id, features)
        if self._bands is not None and article_id <= self._bands_seen:  # an older row
            self._bands.add(
                features["week"], article_id, features["minhash"], features["band_keys"]
            )

    def index_unsigned(self) -> int:
        """Index articles stored before near-duplicate search existed; return how many."""
        rows = list(
            self._select(
                "SELECT a.* FROM articles a LEFT JOIN article_signatures g ON g.article_id = a.id "
                "WHERE g.article_id IS NULL"
            )
        )
        with self.write():
            for row in rows:
                self._reindex(int(row["id"]), row)
        return len(rows)

    def _refresh_story(self, story_id: int) -> None:
        """Recompute a story from its members: representative (a ministry's own post
        first), count, first date, and its one event type, which every member shows
        (the most common of the members' own, ties to the representative's)."""
        members = list(
            self._select(
                """
                SELECT a.id, a.published, a.tagged_event_type, s.kind FROM articles a
                JOIN sources s ON s.id = a.source WHERE a.story_id = ?
                """,
                [story_id],
            )
        )
        if not members:
            self.db.execute("UPDATE stories SET article_count = 0 WHERE id = ?", [story_id])
            return
        best = min(members, key=lambda m: (KIND_RANK.get(m["kind"], 9), m["published"], m["id"]))
        votes: dict[str, int] = {}
        for member in members:
            if member["tagged_event_type"]:
                votes[member["tagged_event_type"]] = votes.get(member["tagged_event_type"], 0) + 1
        event_type = (
            max(sorted(votes), key=lambda t: (votes[t], t == best["tagged_event_type"]))
            if votes
            else None
        )
        self.db.execute(
            """
            UPDATE stories SET representative_id = ?, article_count = ?,
                first_published = ?, event_type = ?, merged_into = NULL WHERE id = ?
            """,
            [
                best["id"],
                len(members),
                min(m["published"] for m in members),
                event_type,
                story_id,
            ],
        )
        self.db.execute(
            "UPDATE articles SET event_type = ? WHERE story_id = ? AND relevant = 1 "
            "AND event_type IS NOT ?",
            [event_type, story_id, event_type],
        )


def _walks(features: Mapping[str, Any]) -> list[tuple[str, datetime, datetime, str]]:
    """The time windows searched for reports of the same event: 54 hours after and
    before (a state visit's days), and for a report announcing days ahead the reports of
    those days and the morning after (storage/dedup.py, _announced)."""
    when = features["published"]
    walks = [
        (">=", when, when + VISIT_WINDOW, "ASC"),
        ("<", when, when - VISIT_WINDOW, "DESC"),
    ]
    ahead = announced(features)
    if ahead:
        first = datetime.combine(ahead[0], time.min, UTC) - timedelta(hours=12)
        last = min(
            datetime.combine(ahead[-1], time.min, UTC) + timedelta(hours=36), when + COPY_WINDOW
        )
        walks.append((">=", first, last, "ASC"))
    return walks


def _fit(parties: set[str], found: set[str]) -> bool:
    """Whether a report naming ``found`` may report an event of ``parties``: it names
    some of them and no other, or all of them."""
    return found <= parties or parties <= found


class _Member(NamedTuple):
    """What keeps a grouped report's group apart from another's: its parties, the members
    of the organisation whose summit it reports, whether its headline is a meeting of two
    ("Japarov, Erdoğan discuss trade"), and the international gathering it reports."""

    parties: frozenset[str]
    members: tuple[str, ...]
    two: bool
    hosted: str | None
    principal: str | None = None
    world: str | None = None  # the UN gathering of the world's states it reports
    # the organisations and formats its headline and first sentence name
    named: frozenset[str] = frozenset()


def _groups_kept_apart(
    these: list[_Member], those: list[_Member], orgs: list[set[str]], *, copy: bool
) -> bool:
    """Whether any member of one group and any of the other keep the groups apart."""
    return any(_kept_apart(x, y, orgs, copy=copy) for x in these for y in those)


def _kept_apart(x: _Member, y: _Member, orgs: list[set[str]], *, copy: bool) -> bool:
    """Whether two members of two groups keep the groups apart: their parties clash, or
    one is a gathering of the region and the other a bilateral (not for a copy); except
    two states' reports of one organisation's summit, which name their own leaders, or
    of one international gathering in its host's city, each delegation's; never for a
    meeting of two held there. At a gathering of three or more, a head of state's report
    and a minister's alone are kept apart (the president's reception of the ministers who
    came for their meeting), but for a copy."""
    meeting_of_two = x.two or y.two
    principals = {x.principal, y.principal} == {"head", "minister"}
    if principals and not copy and min(len(x.parties), len(y.parties)) >= 3:
        return True
    one_gathering = (x.hosted is not None and x.hosted == y.hosted) or (
        x.world is not None and x.world == y.world
    )
    if one_gathering and not meeting_of_two:
        return False
    if not meeting_of_two and any(
        m.hosted is not None
        and m.parties <= o.parties
        and len(o.parties) >= 3
        # (a delegation's report at home names the gathering's organisation or format:
        # not another's held in that city the day before)
        and not (m.named and o.named and not m.named & o.named)
        for m, o in ((x, y), (y, x))
    ):
        # a delegation's report of a gathering abroad (its own state and the host: "Садыр
        # Жапаров выступил на саммите в Токио") and a report naming every state there
        return False
    # (an organisation's summit lets in its members' reports, not those naming another
    # format's: the Central Asia – Russia summit and the CIS summit in one city on
    # consecutive days)
    other_format = bool(x.named and y.named and not x.named & y.named)
    summit_ = (
        not meeting_of_two
        and not other_format
        and _one_summit(x.parties, x.members, y.parties, y.members)
    )
    org = not meeting_of_two and _one_org(x.parties, y.parties, orgs)
    if parties_clash(x.parties, y.parties) and not (summit_ or org):
        return True
    if copy or not regional_and_bilateral(x.parties, y.parties):
        return False
    return not (((x.members or y.members) and summit_) or org)


def _one_org(x: frozenset[str], y: frozenset[str], orgs: list[set[str]]) -> bool:
    """Whether one of two reports names one state alone (a member's own report of the
    summit: its leader) and both reports' parties are among the members of an
    organisation whose summit one of the two groups reports. A meeting of two members
    on its sidelines is not let in this way."""
    return min(len(x), len(y)) == 1 and any(x | y <= members for members in orgs)


def _anchors(parties: set[str], mine: set[str], *, broad: bool, host: str | None) -> list[str]:
    """The parties a report of the event names at least one of: its Central Asian
    parties (any, for a summit's report naming no organisation); for an international
    gathering's, its topic too (each delegation's report of the conference on Afghanistan
    names its own state and Afghanistan)."""
    if broad:
        return sorted(CENTRAL_ASIA)
    found = sorted(p for p in parties | mine if p in CENTRAL_ASIA) or sorted(parties)
    if host is not None:
        found = sorted({*found, *(parties - CENTRAL_ASIA)})
    return found


def _at_the_gathering(host: str, found: set[str], parties: set[str]) -> bool:
    """Whether a report of the days may be another's of the international gathering
    ``host`` ("TM conference"): it names the host, or a party the two share outside the
    region (the gathering's topic), or three states or more, this report's own among
    them (the region's leaders arriving for it), as dedup's _one_hosted_gathering judges
    them."""
    state = host.split()[0]
    return (
        state in found
        or bool((found & parties) - CENTRAL_ASIA)
        or (len(found) >= 3 and parties - {state} <= found)
    )


def _one_summit(
    x: frozenset[str], one: tuple[str, ...], y: frozenset[str], other: tuple[str, ...]
) -> bool:
    """Whether two reports whose parties differ are both of one organisation's summit: one
    names the organisation, and the other's parties are among its members."""
    if one and other:
        return one == other
    return bool((one and y <= set(one)) or (other and x <= set(other)))


def _group_links(
    nodes: Mapping[int, Mapping[str, Any]], edges: list[tuple[float, int, int, str]]
) -> list[set[int]]:
    """Groups of linked articles: links taken strongest first (ties by the articles'
    URLs, never by arrival), two groups joined unless their members' parties clash."""
    parent = {node: node for node in nodes}
    members: dict[int, list[_Member]] = {
        node: [
            _Member(
                nodes[node]["parties"],
                nodes[node].get("members", ()),
                nodes[node].get("two", False),
                nodes[node].get("hosted"),
                nodes[node].get("principal"),
                nodes[node].get("world"),
                nodes[node].get("named", frozenset()),
            )
        ]
        if nodes[node]["parties"]
        else []
        for node in nodes
    }

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    url = {node: str(nodes[node]["canonical_url"]) for node in nodes}

    def key(edge: tuple[float, int, int, str]) -> tuple[float, str, str]:
        a, b = url[edge[1]], url[edge[2]]
        return (-edge[0], a, b) if a <= b else (-edge[0], b, a)

    signs = [edge for edge in edges if edge[0] <= SUPPORT]
    for strength, a, b, _ in sorted(edges, key=key):
        if strength <= SUPPORT:
            continue
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        # a copy is one text whatever parties its lead adds; other links do not join a
        # summit's reports with a bilateral's
        copy = strength >= COPY
        # the organisations whose summit either group reports: its members' own reports
        # name their own leaders alone (Tokayev's and Mirziyoyev's of the Turkic summit)
        orgs = [set(m.members) for m in (*members[ra], *members[rb]) if m.members]
        if _groups_kept_apart(members[ra], members[rb], orgs, copy=copy):
            continue
        # the smaller URL's root leads, so the result is the same in any order
        keep, drop = sorted((ra, rb), key=lambda n: str(nodes[n]["canonical_url"]))
        parent[drop] = keep
        members[keep] = list({*members[keep], *members[drop]})
    _join_supported(signs, root, parent, members, url)
    groups: dict[int, set[int]] = {}
    for node in nodes:
        groups.setdefault(root(node), set()).add(node)
    return sorted(groups.values(), key=lambda g: min(str(nodes[n]["canonical_url"]) for n in g))


# A group of one state's reports joins the one group its signs point to through this many
# members (storage/dedup.py, _supports).
_SIGNS_NEEDED = 2


def _join_supported(
    signs: list[tuple[float, int, int, str]],
    root: Any,
    parent: dict[int, int],
    members: dict[int, list[_Member]],
    url: Mapping[int, str],
) -> None:
    """Join each group of reports naming one state alone (a report, its reprints) to the
    one other group its signs point to through _SIGNS_NEEDED members or more; a group
    with signs into two groups stays apart (the minister's two meetings that day), a
    group of one counted too (a report joining it later by links alone changes no sign).
    The groups are those the links made, before any joins: the same in any order."""
    roots = {node: root(node) for node in parent}

    def one_state(group: int) -> bool:
        found = {m.parties for m in members[group]}
        return len(found) == 1 and len(next(iter(found))) == 1

    pointing: dict[int, dict[int, set[int]]] = {}
    for _, a, b, _ in signs:
        for alone, other in ((a, b), (b, a)):
            # (the sign is the report naming one state's: not the other's, alone too)
            mine, theirs = roots[alone], roots[other]
            if mine != theirs and one_state(mine):
                pointing.setdefault(mine, {}).setdefault(theirs, set()).add(other)
    joins = []
    for alone in sorted(pointing, key=lambda n: url[n]):
        groups = pointing[alone]
        if len(groups) != 1:
            continue
        ((group, through),) = groups.items()
        if len(through) < _SIGNS_NEEDED:
            continue
        if _groups_kept_apart(members[alone], members[group], [], copy=False):
            continue
        joins.append((alone, group))
    for alone, group in joins:
        parent[alone] = group
