"""Scoring the relevance classifier against the labelled posts in tests/relevance/.

``dev_*.jsonl`` are for development (look at errors, tune); ``holdout_*.jsonl`` are kept
out of development and only scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from storage.relevance import Classifier, default_classifier

LABELS = Path(__file__).with_name("relevance")


def load(kind: str) -> list[dict]:
    posts = []
    for path in sorted(LABELS.glob(f"{kind}_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                posts.append(json.loads(line))
    return posts


@dataclass
class Scores:
    posts: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    countries_right: int = 0
    topics_hit: int = 0
    events_right: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def relevant(self) -> int:
        return self.tp + self.fn

    @property
    def country_accuracy(self) -> float:
        return self.countries_right / self.relevant if self.relevant else 1.0

    def line(self, name: str) -> str:
        return (
            f"{name}: {self.posts} posts, precision {self.precision:.3f}, recall {self.recall:.3f}, "
            f"countries exact {self.country_accuracy:.3f}, topics overlap "
            f"{self.topics_hit / max(self.tp, 1):.3f}, event type {self.events_right / max(self.tp, 1):.3f}"
        )


def evaluate(posts: list[dict], classifier: Classifier | None = None) -> Scores:
    classifier = classifier or default_classifier()
    scores = Scores()
    for post in posts:
        tags = classifier.classify(post["title"], post["body"], post.get("language"))
        scores.posts += 1
        gold = bool(post["relevant"])
        if tags.relevant and gold:
            scores.tp += 1
            scores.topics_hit += bool(set(tags.topics) & set(post["topics"]))
            scores.events_right += tags.event_type == post["event_type"]
        elif tags.relevant:
            scores.fp += 1
            scores.errors.append(f"FP {post['id']} {tags.score:.2f} {post['title'][:90]}")
        elif gold:
            scores.fn += 1
            scores.errors.append(f"FN {post['id']} {tags.score:.2f} {post['title'][:90]}")
        if gold:
            if sorted(tags.countries) == sorted(post["countries"]):
                scores.countries_right += 1
            elif tags.relevant:
                scores.errors.append(
                    f"CC {post['id']} got {sorted(tags.countries)} want {sorted(post['countries'])} {post['title'][:60]}"
                )
    return scores
