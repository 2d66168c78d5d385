"""Scoring story detection on the labelled pairs in tests/dedup/ (pairs.jsonl, holdout.jsonl).

Each pair goes through a fresh store end to end (save a, save b): canonical URLs, exact
copies, LSH candidates, the translation query and the decision all take part.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from storage import Store

PAIRS = Path(__file__).with_name("dedup")


def load(name: str = "pairs") -> list[dict]:
    """``pairs`` (the rules were tuned on them) or ``holdout`` (written apart from the
    rules, never used to tune them)."""
    path = PAIRS / f"{name}.jsonl"
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    totals: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def line(self) -> str:
        kinds = ", ".join(f"{k} {self.by_kind[k]}/{self.totals[k]}" for k in sorted(self.totals))
        return (
            f"same story: {sum(self.totals.values())} pairs, precision {self.precision:.3f}, "
            f"recall {self.recall:.3f} (right by kind: {kinds})"
        )


def _save(store: Store, article: dict) -> int:
    store.sync_sources(
        [
            {
                "id": article["source"],
                "name": article["source"],
                "country": article["source_country"],
                "kind": article["source_kind"],
                "languages": [article["language"]],
            }
        ]
    )
    store.save_article(
        {k: article[k] for k in ("source", "url", "title", "body", "language", "published")}
    )
    return next(
        store.db.query("SELECT story_id FROM articles ORDER BY last_seen DESC, id DESC LIMIT 1")
    )["story_id"]


def evaluate(pairs: list[dict]) -> Scores:
    scores = Scores()
    for pair in pairs:
        with Store(":memory:") as store:
            first = _save(store, pair["a"])
            second = _save(store, pair["b"])
        same = first == second
        gold = bool(pair["same_story"])
        scores.totals[pair["kind"]] += 1
        scores.by_kind[pair["kind"]] += same == gold
        if same and gold:
            scores.tp += 1
        elif same:
            scores.fp += 1
            scores.errors.append(f"FP {pair['id']} {pair['kind']}: {pair['a']['title'][:60]}")
        elif gold:
            scores.fn += 1
            scores.errors.append(f"FN {pair['id']} {pair['kind']}: {pair['a']['title'][:60]}")
        else:
            scores.tn += 1
    return scores
