"""The LSH band index of near-duplicate search, in memory, one week at a time.

Pure data structure (no SQL): :class:`Stories` fills it from ``article_signatures``,
whose rows are the state; this index is rebuilt from them, a week at a time, when a
lookup first needs that week. A lookup touches the weeks around an article only, so its
cost does not grow with the age of the store, and only the most recently used weeks are
kept, so neither does memory.

Per week, the band keys (one uint64 per band) of its articles are kept sorted in a numpy
array, beside the article ids; articles added since the last merge wait in a small dict.
A lookup is 48 binary searches per week and 48 dict probes.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Iterable

import numpy as np

__all__ = ["BandIndex", "band_keys"]

_MIX = np.uint64(0x9E3779B97F4A7C15)  # a 64-bit odd constant: keys of two bands never meet


def band_keys(hashvalues: np.ndarray, bands: int) -> np.ndarray:
    """One uint64 per band of a MinHash (``hashvalues``: its values, 32-bit each), the
    band's number mixed in; ``hashvalues`` may be one signature or a 2-d array of them."""
    values = np.asarray(hashvalues, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    rows = values.shape[-1] // bands
    shaped = values.reshape(*values.shape[:-1], bands, rows)
    keys = np.zeros(shaped.shape[:-1], dtype=np.uint64)
    for row in range(rows):
        keys = keys * _MIX + shaped[..., row]  # wraps around: uint64 arithmetic
    return keys * _MIX + np.arange(bands, dtype=np.uint64)


class _Week:
    __slots__ = ("ids", "keys", "recent", "signatures")

    def __init__(self, ids: np.ndarray, keys: np.ndarray, signatures: np.ndarray) -> None:
        # keys: (articles, bands); stored flat and sorted, ids aligned with them
        flat_ids = np.repeat(ids.astype(np.int64), keys.shape[1]) if keys.size else ids[:0]
        flat = keys.reshape(-1)
        order = np.argsort(flat, kind="stable")
        self.keys = flat[order]
        self.ids = flat_ids[order]
        # tuples, not lists: a tuple of ints leaves the garbage collector's care, and the
        # writer's full collections walked tens of thousands of these lists
        self.recent: dict[int, tuple[int, ...]] = {}
        # each article's MinHash values, to rank candidates without reading the store
        self.signatures: dict[int, np.ndarray] = dict(
            zip(ids.tolist(), signatures.astype(np.uint32), strict=True)
        )

    def add(self, article_id: int, keys: Iterable[int], signature: np.ndarray) -> None:
        self.signatures[article_id] = signature
        recent = self.recent
        for key in keys:
            recent[key] = (*recent.get(key, ()), article_id)

    def merge(self) -> None:
        """Move the recent additions into the sorted arrays."""
        pairs = [(key, i) for key, ids in self.recent.items() for i in ids]
        extra_keys = np.fromiter((k for k, _ in pairs), dtype=np.uint64, count=len(pairs))
        extra_ids = np.fromiter((i for _, i in pairs), dtype=np.int64, count=len(pairs))
        # the additions sorted, then put in place (after the equal keys already there):
        # a pass over the arrays, not a sort of them all again
        order = np.argsort(extra_keys, kind="stable")
        extra_keys, extra_ids = extra_keys[order], extra_ids[order]
        at = np.searchsorted(self.keys, extra_keys, side="right")
        self.keys = np.insert(self.keys, at, extra_keys)
        self.ids = np.insert(self.ids, at, extra_ids)
        self.recent = {}

    def matches(self, keys: np.ndarray, listed: list[int]) -> list[np.ndarray]:
        """The ids of every entry under one of ``keys`` (an id once per shared band)."""
        found = []
        size = self.keys.size
        low = np.searchsorted(self.keys, keys, side="left")
        # most keys are under no entry: the end of the range is searched for the others
        hit = self.keys[np.minimum(low, size - 1)] == keys if size else low < 0
        if hit.any():
            starts, hits = low[hit], keys[hit]
            lengths = np.searchsorted(self.keys, hits, side="right") - starts
            # the indices of all the ranges [start, start + length) at once
            offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
            found.append(self.ids[offsets + np.arange(int(lengths.sum()))])
        recent = self.recent
        if recent:
            extra = [i for key in listed if key in recent for i in recent[key]]
            if extra:
                found.append(np.array(extra, dtype=np.int64))
        return found


class BandIndex:
    """Band keys by week, for the weeks most recently used (at most ``weeks`` of them).

    Args:
        bands: bands per signature.
        weeks: how many weeks stay loaded; the least recently used is dropped (it is
            loaded again from the store when needed).
        merge_every: recent additions per week kept in a dict before they are merged
            into the sorted arrays.
    """

    def __init__(self, bands: int, *, weeks: int = 6, merge_every: int = 1 << 15) -> None:
        self.bands = bands
        self.capacity = weeks
        self.merge_every = merge_every
        self._weeks: OrderedDict[int, _Week] = OrderedDict()

    def __contains__(self, week: int) -> bool:
        return week in self._weeks

    def touch(self, week: int) -> None:
        """Mark a loaded week as just used, so that loading others does not drop it."""
        if week in self._weeks:
            self._weeks.move_to_end(week)

    def __len__(self) -> int:
        return len(self._weeks)

    def load(self, week: int, ids: Iterable[int], signatures: bytes) -> None:
        """Index a week's articles: their ids and their MinHashes (uint64 little endian,
        concatenated in the same order)."""
        id_array = np.fromiter(ids, dtype=np.int64)
        values = np.frombuffer(signatures, dtype="<u8")
        keys = band_keys(values.reshape(len(id_array), -1), self.bands) if len(id_array) else None
        empty = np.zeros((0, self.bands), np.uint64)
        self._weeks[week] = _Week(
            id_array,
            keys if keys is not None else empty,
            values.reshape(len(id_array), -1) if len(id_array) else empty,
        )
        self._weeks.move_to_end(week)
        while len(self._weeks) > self.capacity:
            self._weeks.popitem(last=False)

    def add(self, week: int, article_id: int, signature: np.ndarray, keys: np.ndarray) -> None:
        """Index one more article of a loaded week (others are read when loaded): its
        MinHash values and their band keys."""
        entry = self._weeks.get(week)
        if entry is None:
            return
        entry.add(article_id, keys.tolist(), np.asarray(signature, dtype=np.uint32))
        if len(entry.recent) >= self.merge_every:
            entry.merge()

    def estimates(self, ids: list[int], signature: np.ndarray) -> np.ndarray:
        """The Jaccard similarity ``signature`` and each article of ``ids`` (as found by
        :meth:`query`, so in a loaded week) estimate: their share of equal values."""
        found = []
        for article_id in ids:
            for entry in self._weeks.values():
                values = entry.signatures.get(article_id)
                if values is not None:
                    found.append(values)
                    break
            else:
                raise KeyError(article_id)
        if not found:
            return np.zeros(0)
        shares: np.ndarray = np.count_nonzero(np.stack(found) == signature, axis=1) / len(signature)
        return shares

    def query(
        self, weeks: Iterable[int], keys: np.ndarray, *, least: int = 1, most: int = 64
    ) -> list[int]:
        """The articles of ``weeks`` (all loaded) sharing at least ``least`` bands with
        ``keys``: the ``most`` sharing most, those sharing most first."""
        listed = keys.tolist()
        # in order: each binary search starts where the last one ended
        ordered = np.sort(keys)
        shared: Counter[int] = Counter()  # bands shared, by article
        for week in weeks:
            entry = self._weeks[week]
            self._weeks.move_to_end(week)
            for found in entry.matches(ordered, listed):
                shared.update(found.tolist())
        # those sharing most first, then by id (a few dozen: no numpy call's overhead)
        ranked = sorted((-count, i) for i, count in shared.items() if count >= least)
        return [i for _, i in ranked[:most]]
