"""The changes feed's diff: time to say what an edit changed, against splitting the texts.

    python bench/changes_bench.py [--rounds 3] [--difflib-up-to 30]

Bodies of 15, 30, 60 and 120 KB repeat one paragraph of short sentences (the case that
made difflib's matcher cubic: every block it finds is as long as the next, so it keeps
rescanning the rest; issue #12 measured 41.6 s for 60 KB), then are edited: a name
corrected in one sentence of the paragraph, so every fifth sentence changes, and a
sentence inserted near the start. The baseline is the least any diff must do: split both
versions into sentences (``feeds.changes._sentences``), measured in the same run on the
same bodies. The ratio should stay flat as the body grows (linear time).
``--difflib-up-to KB`` also times the previous code (one ``SequenceMatcher`` over every
sentence) on the bodies up to that size, once; 0 skips it.
"""

from __future__ import annotations

import argparse
import difflib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from feeds.changes import _sentences, describe_change

PARAGRAPH = (
    "Встреча прошла. Стороны говорили. Протокол подписан. Визит Кулубаева продолжится. "
    "Раунд в Бишкеке."
)
ADDED = "Переговоры прошли 28 ноября."


def body(kilobytes: int) -> str:
    """About ``kilobytes`` KB (UTF-8) of the paragraph, repeated."""
    return "\n\n".join([PARAGRAPH] * (kilobytes * 1024 // len(PARAGRAPH.encode())))


def edit(text: str) -> str:
    """The text with a name corrected throughout and a sentence added near the start."""
    parts = _sentences(text.replace("Кулубаева продолжится", "Кулубаева продлится"))
    parts.insert(2, ADDED)
    return " ".join(parts)


def old_describe(old_body: str, new_body: str) -> int:
    """The code before issue #12: one matcher over every sentence (returns the number of
    changed sentences, so the work is not optimised away)."""
    before, after = _sentences(old_body), _sentences(new_body)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    return sum(a2 - a1 + b2 - b1 for op, a1, a2, b1, b2 in matcher.get_opcodes() if op != "equal")


def seconds(fn: Callable[[str, str], object], old: str, new: str, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn(old, new)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def split_only(old: str, new: str) -> object:
    """The baseline: both versions split into sentences."""
    return _sentences(old), _sentences(new)


def ours(old: str, new: str) -> str:
    return describe_change("t", old, "t", new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--difflib-up-to", type=int, default=30, metavar="KB")
    args = parser.parse_args()
    print(f"changes feed diff: edited bodies of repeated sentences, median of {args.rounds}")
    for kb in (15, 30, 60, 120):
        old = body(kb)
        new = edit(old)
        count = len(_sentences(old))
        split = seconds(split_only, old, new, args.rounds)
        diff = seconds(ours, old, new, args.rounds)
        html = ours(old, new)
        named = ADDED in html and "Визит Кулубаева продлится." in html
        line = (
            f"  {kb:4d} KB ({count:5d} sentences)  split only {split * 1000:8.2f} ms  "
            f"describe_change {diff * 1000:8.2f} ms  ratio {diff / split:5.2f}  "
            f"edits named: {'yes' if named else 'NO'}"
        )
        if kb <= args.difflib_up_to:
            before = seconds(old_describe, old, new, 1)
            line += f"  previous code {before:8.2f} s"
        print(line)


if __name__ == "__main__":
    main()
