"""Stories: which articles report the same event (docs/dedup.md).

Mixed into :class:`storage.Store`. An article joins the story of an exact copy, else of a
near copy found through MinHash/LSH band keys, else of a translation found by time,
parties, numbers and names; else it starts a story. The signatures and band keys are rows in
SQLite, so the search survives restarts and needs no memory that grows with the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .dedup import (
    CENTRAL_ASIA,
    COPY_WINDOW,
    MIN_BANDS,
    TRANSLATION_WINDOW,
    acronyms,
    band_keys,
    estimate_jaccard,
    names,
    numbers,
    pack_numbers,
    parse_when,
    parties_clash,
    same_story,
    shingles,
    signature,
    signature_bytes,
    signature_from_stored,
    unpack_numbers,
    week,
)
from .reads import _KIND_RANK
from .times import format_utc

# The languages articles are stored in (diplofeed/relevance.py and the registry).
LANGUAGES = ("ru", "en", "kk", "ky", "uz", "uz-Cyrl", "tg", "tk")

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["Stories"]

# Candidates: at most this many share an LSH band, the best _COMPARED of them (by the
# Jaccard their signatures estimate) are compared word for word.
_MAX_CANDIDATES = 200
_COMPARED = 5
# A shortened copy keeping 40% of a text has a Jaccard near 0.25: below this, skip.
MIN_ESTIMATE = 0.15


class _Features(dict[str, Any]):
    """An article's features for :func:`same_story`; its shingles and numbers are
    computed on first use (most candidates are ruled out by time or parties first)."""

    def __missing__(self, key: str) -> Any:
        if key not in ("shingles", "numbers", "names"):
            raise KeyError(key)
        text = self["_text"]
        value = (
            shingles(text)
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
    try:
        value = json.loads(stored)
    except ValueError:
        return []
    return [c for c in value if isinstance(c, str)] if isinstance(value, list) else []


# Sources that speak for their own state (a ministry, the president's or a ministry's
# channel): their state is a party of everything they report, named or not ("Глава
# государства провел телефонный разговор с Президентом Узбекистана").
OFFICIAL_KINDS = frozenset({"mfa", "telegram"})


def _with_home(countries: list[str], home: str | None) -> list[str]:
    """An article's parties for story detection: an official source's state is one, once
    the article names any party at all."""
    return [*countries, home] if home and countries and home not in countries else countries


def _features(row: Mapping[str, Any], home: str | None = None) -> _Features:
    countries = _with_home(_countries(row.get("countries")), home)
    return _Features(
        id=row.get("id"),
        story_id=row.get("story_id"),
        source=row["source"],
        published=parse_when(row["published"]),
        language=row.get("language"),
        countries=countries,
        event_type=row.get("event_type"),
        acronyms=acronyms(row["title"]),
        _text=f"{row['title']}\n{row['body']}",
    )


class Stories:
    """Story assignment and the near-duplicate index (needs ``db`` and
    ``_ensure_source`` from the Store)."""

    db: sqlite_utils.Database
    _ensure_source: Callable[[str], tuple[str, str | None]]

    def _home(self, source: str) -> str | None:
        """The state an official source speaks for, else None."""
        kind, country = self._ensure_source(source)
        return country if kind in OFFICIAL_KINDS else None

    def _story_for(self, row: dict[str, Any]) -> tuple[int, str, dict[str, Any]]:
        """The story a new article joins (or a new one), why, and its index features."""
        features = _features(row, self._home(row["source"]))
        minhash = signature(features["shingles"])
        when = features["published"]
        features["minhash"] = minhash
        features["keys"] = band_keys(minhash, [week(when)])
        around = sorted({week(when - COPY_WINDOW), week(when), week(when + COPY_WINDOW)})
        features["lookup"] = band_keys(minhash, around)
        if row["body_hash"]:
            same = list(
                self.db.query(
                    "SELECT story_id FROM articles WHERE body_hash = ? ORDER BY id LIMIT 1",
                    [row["body_hash"]],
                )
            )
            if same:
                return int(same[0]["story_id"]), "exact copy", features
        for candidate in self._candidates(features):
            if candidate.get("estimate") is not None and candidate["estimate"] < MIN_ESTIMATE:
                continue  # the signatures already say the texts share too little
            decision = same_story(features, _features(candidate, self._home(candidate["source"])))
            if decision.same and self._fits_story(features, candidate):
                return int(candidate["story_id"]), decision.reason, features
        cursor = self.db.execute(
            "INSERT INTO stories (created, first_published) VALUES (?, ?)",
            [row["first_seen"], row["published"]],
        )
        return int(cursor.lastrowid or 0), "first", features

    def _fits_story(self, features: Mapping[str, Any], candidate: Mapping[str, Any]) -> bool:
        """A story must not chain: matching one member is not enough when another member
        names other parties (each names a state the other does not): an Uzbek-Kyrgyz call
        must not join a Kazakh-Uzbek one through a report that names Uzbekistan alone."""
        parties = set(features["countries"])
        if not parties:
            return True
        for row in self.db.query(
            "SELECT source, countries FROM articles WHERE story_id = ?", [candidate["story_id"]]
        ):
            member = _with_home(_countries(row["countries"]), self._home(row["source"]))
            if member and parties_clash(parties, member):
                return False
        return True

    def _candidates(self, features: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Near copies by shared LSH band keys, then possible translations by time."""
        keys = features["lookup"]
        # Articles sharing a band, ranked by the Jaccard their signatures estimate; only
        # the best few texts are compared word for word.
        ranked = []
        for article_id, minhash in self.db.conn.execute(
            f"SELECT c.article_id, g.minhash FROM (SELECT article_id, count(*) AS bands "  # noqa: S608
            f"FROM article_lsh WHERE key IN ({', '.join('?' for _ in keys)}) GROUP BY article_id "
            f"HAVING bands >= ? ORDER BY bands DESC LIMIT {_MAX_CANDIDATES}) c "
            f"JOIN article_signatures g ON g.article_id = c.article_id",
            [*keys, MIN_BANDS],
        ):
            ranked.append((estimate_jaccard(features["minhash"], minhash), article_id))
        ranked.sort(reverse=True)
        estimates = {article_id: estimate for estimate, article_id in ranked[:_COMPARED]}
        ids = list(estimates)
        columns = "id, story_id, source, published, language, countries, event_type, title, body"
        near = (
            list(
                self.db.query(
                    f"SELECT {columns} FROM articles WHERE id IN ({', '.join('?' for _ in ids)})",  # noqa: S608
                    ids,
                )
            )
            if ids
            else []
        )
        order = {article_id: i for i, article_id in enumerate(ids)}
        near.sort(key=lambda r: order[r["id"]])
        for row in near:
            row["estimate"] = estimates[row["id"]]
        translations: list[dict[str, Any]] = []
        if features["language"] and features["countries"]:
            when = features["published"]
            parties = set(features["countries"])
            # a translation names at least one of this article's Central Asian parties
            anchors = sorted(p for p in parties if p in CENTRAL_ASIA) or sorted(parties)
            likes = " OR ".join("countries LIKE ?" for _ in anchors)
            others = [code for code in LANGUAGES if code != features["language"]]
            # "+relevant": without statistics SQLite would walk every relevant article of
            # the window instead of seeking the other languages' few (0.3 ms an article)
            translations = [
                r
                for r in self.db.query(
                    f"SELECT {columns} FROM articles WHERE language IN ({', '.join('?' for _ in others)}) "  # noqa: S608
                    f"AND published BETWEEN ? AND ? AND +relevant = 1 AND ({likes}) "
                    f"LIMIT {_MAX_CANDIDATES}",
                    [
                        *others,
                        format_utc(when - TRANSLATION_WINDOW),
                        format_utc(when + TRANSLATION_WINDOW),
                        *(f'%"{a}"%' for a in anchors),
                    ],
                )
                if (found := set(_countries(r["countries"])))
                and (found <= parties or parties <= found)
            ]
        seen = {r["id"] for r in near}
        return near + [r for r in translations if r["id"] not in seen]

    def _index_article(self, article_id: int, features: Mapping[str, Any]) -> None:
        """Store a new article's signature and band keys."""
        self.db.execute(
            "INSERT OR REPLACE INTO article_signatures (article_id, minhash, numbers) VALUES (?, ?, ?)",
            [article_id, signature_bytes(features["minhash"]), pack_numbers(features["numbers"])],
        )
        self.db.conn.executemany(
            "INSERT INTO article_lsh (key, article_id) VALUES (?, ?)",
            [(key, article_id) for key in features["keys"]],
        )

    def _reindex(self, article_id: int, row: Mapping[str, Any]) -> None:
        """After an edit: the article's text changed, its signature must follow. Its old
        band keys are computed again from the stored signature (same week: the date of an
        article never changes), so the lookup table needs no second index."""
        old = list(
            self.db.query(
                "SELECT minhash FROM article_signatures WHERE article_id = ?", [article_id]
            )
        )
        if old:
            stale = band_keys(
                signature_from_stored(old[0]["minhash"]), [week(parse_when(row["published"]))]
            )
            self.db.execute(
                f"DELETE FROM article_lsh WHERE article_id = ? AND key IN ({', '.join('?' for _ in stale)})",  # noqa: S608
                [article_id, *stale],
            )
        features = _features(row)
        minhash = signature(features["shingles"])
        features["minhash"] = minhash
        features["keys"] = band_keys(minhash, [week(features["published"])])
        self._index_article(article_id, features)

    def index_unsigned(self) -> int:
        """Index articles stored before near-duplicate search existed; return how many."""
        rows = list(
            self.db.query(
                "SELECT a.* FROM articles a LEFT JOIN article_signatures g ON g.article_id = a.id "
                "WHERE g.article_id IS NULL"
            )
        )
        with self.db.atomic():
            for row in rows:
                self._reindex(int(row["id"]), row)
        return len(rows)

    def _refresh_story(self, story_id: int) -> None:
        members = list(
            self.db.query(
                """
                SELECT a.id, a.published, s.kind FROM articles a
                JOIN sources s ON s.id = a.source WHERE a.story_id = ?
                """,
                [story_id],
            )
        )
        best = min(members, key=lambda m: (_KIND_RANK.get(m["kind"], 9), m["published"], m["id"]))
        self.db.execute(
            """
            UPDATE stories SET representative_id = ?, article_count = ?,
                first_published = ? WHERE id = ?
            """,
            [best["id"], len(members), min(m["published"] for m in members), story_id],
        )


_ = unpack_numbers  # read back by users of article_signatures.numbers (docs/dedup.md)
