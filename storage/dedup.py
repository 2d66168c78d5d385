"""Deciding that two articles report the same story (docs/dedup.md).

Pure functions: text and metadata in, a decision out. The store keeps the state
(signatures and LSH band keys) in SQLite and calls :func:`same_story` on candidates.

* Copies (a reprint with a new lead and dateline, a shortened version): the share of one
  text's word 4-grams found in the other (containment), via MinHash/LSH candidates.
* Translations (the ministry's ru/en/kk versions, an agency's English version): no words
  in common, so: close in time, the same parties, the same kind of event, and the same
  numbers (dates, sums, counts) in both.
* Never the same story: two texts further apart in time than a few days (the annual
  meeting that repeats last year's boilerplate), or with different foreign parties (two
  audiences of one minister on one day, written from one template).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

import numpy as np
from datasketch import MinHash

__all__ = [
    "BANDS",
    "Decision",
    "band_keys",
    "estimate_jaccard",
    "numbers",
    "same_story",
    "shingles",
    "signature",
    "similarity",
]

NUM_PERM = 64
# datasketch's hashing scheme, named so stored signatures stay comparable across versions.
_SCHEME = "affine32"
BANDS = 16  # of 4 rows: candidates from a Jaccard of about 0.5 up
_ROWS = NUM_PERM // BANDS
SHINGLE = 4
# Two texts sharing this share of the shorter one's 4-grams are one text.
CONTAINMENT = 0.5
# Texts shorter than this many 4-grams (about a sentence) are not compared.
MIN_SHINGLES = 12
# Copies appear within days; a text repeated a year later is a new event.
COPY_WINDOW = timedelta(days=4)
TRANSLATION_WINDOW = timedelta(hours=30)
CENTRAL_ASIA = frozenset({"KZ", "KG", "TJ", "TM", "UZ"})
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"(?<![\w.,])\d[\d.,]*\d|\b\d\b")


def _hash32(data: bytes) -> int:
    # crc32 is stable across processes (Python's hash() is salted), and fast.
    return zlib.crc32(data)


def shingles(text: str) -> set[bytes]:
    """The word 4-grams of a text, case and punctuation folded."""
    words = _WORD.findall(unicodedata.normalize("NFC", text).casefold())
    if len(words) < SHINGLE:
        return {" ".join(words).encode()} if words else set()
    return {" ".join(words[i : i + SHINGLE]).encode() for i in range(len(words) - SHINGLE + 1)}


@cache
def _permutations() -> Any:
    # datasketch draws these from the seed for every new MinHash; once is enough.
    return MinHash(num_perm=NUM_PERM, seed=1, scheme=_SCHEME).permutations


def signature(grams: Iterable[bytes]) -> MinHash:
    """A 64-permutation MinHash of the shingles (seeded: stable across processes)."""
    minhash = MinHash(
        num_perm=NUM_PERM, seed=1, hashfunc=_hash32, permutations=_permutations(), scheme=_SCHEME
    )
    batch = list(grams)
    if batch:
        minhash.update_batch(batch)
    return minhash


def signature_bytes(minhash: MinHash) -> bytes:
    return bytes(minhash.hashvalues.astype("<u8").tobytes())


def estimate_jaccard(minhash: MinHash, stored: bytes) -> float:
    """The Jaccard similarity two signatures estimate (one of them as stored bytes)."""
    other = np.frombuffer(stored, "<u8")
    return float(np.count_nonzero(minhash.hashvalues == other)) / NUM_PERM


def band_keys(minhash: MinHash) -> list[int]:
    """One integer per LSH band (SQLite INTEGER range), to find candidates by index."""
    values = minhash.hashvalues
    keys = []
    for band in range(BANDS):
        chunk = values[band * _ROWS : (band + 1) * _ROWS].astype("<u8").tobytes()
        digest = zlib.crc32(chunk, band * 0x9E3779B1 & 0xFFFFFFFF)
        keys.append(band << 32 | digest)
    return keys


def numbers(text: str) -> set[str]:
    """The numbers a text states ("2027-2028", "3 млрд", "13 March"): they survive
    translation when nothing else does."""
    return {re.sub(r"[.,]", "", n) for n in _NUMBER.findall(text) if len(n.strip(".,")) >= 1}


def _informative(number: str, year: str) -> bool:
    """Days of the month, small counts and the current year are in every text of a day."""
    return not (len(number) <= 2 or number == year)


def similarity(a: set[bytes], b: set[bytes]) -> tuple[float, float]:
    """(containment of the smaller in the larger, Jaccard) of two shingle sets."""
    if not a or not b:
        return 0.0, 0.0
    common = len(a & b)
    return common / min(len(a), len(b)), common / len(a | b)


@dataclass(frozen=True, slots=True)
class Decision:
    same: bool
    reason: str


def _parties_clash(a: Iterable[str], b: Iterable[str]) -> bool:
    """Both name partners on one side and none in common: two meetings from one template
    (the minister's morning and afternoon audiences; Kazakh-Chinese and Uzbek-Chinese
    talks on one day)."""
    a, b = set(a), set(b)
    for side in (CENTRAL_ASIA, None):
        side_a = a & side if side else a - CENTRAL_ASIA
        side_b = b & side if side else b - CENTRAL_ASIA
        if side_a and side_b and not side_a & side_b:
            return True
    return False


def same_story(a: Mapping[str, Any], b: Mapping[str, Any]) -> Decision:
    """Decide whether two articles report the same story.

    Args:
        a, b: ``published`` (aware datetime), ``language``, ``countries`` (parties),
            ``event_type``, ``shingles`` (of title and body) and ``numbers``.

    Returns:
        The decision and a one-line reason (kept for ``--explain``-style debugging).
    """
    gap = abs(a["published"] - b["published"])
    if _parties_clash(a.get("countries") or (), b.get("countries") or ()):
        return Decision(False, "different foreign parties")
    if a.get("language") == b.get("language") or not a.get("language") or not b.get("language"):
        if gap > COPY_WINDOW:
            return Decision(False, f"{gap.days} days apart")
        if min(len(a["shingles"]), len(b["shingles"])) < MIN_SHINGLES:
            return Decision(False, "too short to compare")
        containment, jaccard = similarity(a["shingles"], b["shingles"])
        if containment >= CONTAINMENT:
            return Decision(True, f"copy: containment {containment:.2f}, jaccard {jaccard:.2f}")
        return Decision(False, f"different text: containment {containment:.2f}")
    # different languages: a translation or not
    if gap > TRANSLATION_WINDOW:
        return Decision(False, "translations are published within hours")
    parties_a, parties_b = set(a.get("countries") or ()), set(b.get("countries") or ())
    if not parties_a or parties_a != parties_b:
        return Decision(False, "different parties")
    if a.get("event_type") != b.get("event_type"):
        return Decision(False, "different kinds of event")
    year = str(a["published"].year)
    nums_a = {n for n in a["numbers"] if _informative(n, year)}
    nums_b = {n for n in b["numbers"] if _informative(n, year)}
    shared = nums_a & nums_b
    if nums_a and nums_b:
        overlap = len(shared) / min(len(nums_a), len(nums_b))
        if len(shared) >= 2 and overlap >= 0.5:
            return Decision(True, f"translation: parties, event and {len(shared)} numbers shared")
        return Decision(False, f"translation? {len(shared)} numbers shared ({overlap:.2f})")
    if gap <= timedelta(hours=3) and a.get("source") == b.get("source"):
        return Decision(True, "translation: one source's versions within hours")
    return Decision(False, "different languages, nothing to confirm")


def pack_numbers(values: Iterable[str]) -> str:
    return " ".join(sorted(values))


def unpack_numbers(text: str | None) -> set[str]:
    return set(text.split()) if text else set()


def parse_when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))
