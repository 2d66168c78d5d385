"""Classifier speed: posts per second on one core, against tokenising the same texts.

    python bench/classify.py [--rounds 20]

The baseline is the least any classifier must do: fold the text and split it into words
(the same normalisation and word pattern diplofeed uses), measured in the same run on the
same 260 labelled posts. Target (issue #4): at least 500 posts a second.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.relevance import _WORD, default_classifier, normalise
from tests.relevance_eval import load


def rate(fn, posts, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for post in posts:
            fn(post)
        samples.append(len(posts) / (time.perf_counter() - start))
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    posts = load("dev") + load("holdout")
    started = time.perf_counter()
    classifier = default_classifier()
    built = time.perf_counter() - started
    baseline = rate(
        lambda p: _WORD.findall(normalise(p["title"] + "\n" + p["body"])), posts, args.rounds
    )
    ours = rate(
        lambda p: classifier.classify(p["title"], p["body"], p.get("language")), posts, args.rounds
    )
    print(
        f"classify: {len(posts)} posts x {args.rounds} rounds (lexicons built in {built * 1000:.0f} ms)"
    )
    print(f"  tokenise only (baseline)  {baseline:9.0f} posts/s")
    print(f"  diplofeed classify        {ours:9.0f} posts/s   ratio {ours / baseline:.3f}")
    print(f"  target >= 500 posts/s: {'met' if ours >= 500 else 'MISSED'}")


if __name__ == "__main__":
    main()
