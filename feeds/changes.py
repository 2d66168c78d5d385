"""The changes feed: one Atom entry per edit of a stored article (docs/dedup.md, "Edits").

Sites quietly edit releases (a name corrected, a sentence added). The article keeps its id
and GUID in the other feeds (their entry's ``updated`` moves); this feed says what changed.

Saying what changed costs time linear in the text: the sentences both versions start and
end with are set aside, difflib compares what is left only when it is small, and a larger
changed region is compared as two multisets of sentences (see ``_MATCH_BUDGET``).
"""

from __future__ import annotations

import difflib
import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from storage.times import parse_utc

from .build import service_feed, service_feed_bytes, tag_uri
from .sanitize import safe_url, xml_text

__all__ = ["build_changes_feed", "describe_change", "sentence_changes"]

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")
# difflib's matcher compares the changed region only when (sentences removed) x (sentences
# added) is at most this. On repeated sentences its cost grows as that product times the
# region's length (a 60 KB body with repeated sentences took 41.6 s, 120 KB over 240 s);
# 60 x 60 sentences costs it a few milliseconds. A larger region is compared as multisets.
_MATCH_BUDGET = 3600
# An entry lists at most this many distinct removed and added sentences (each once, with
# how many times), then "…and N more changes".
_MAX_LISTED = 40
# A sentence is shown up to this many characters (a body without full stops is one).
_MAX_SHOWN = 500


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.replace("\n\n", " ")) if s.strip()]


def sentence_changes(before: Sequence[str], after: Sequence[str]) -> list[tuple[bool, str]]:
    """The sentences removed from ``before`` and added in ``after``, as ``(added, sentence)``,
    in linear time.

    The sentences both lists start and end with are set aside. What is left is compared
    by difflib when it is small (``_MATCH_BUDGET``), which also shows a sentence moved
    within it; else as multisets: each sentence that occurs fewer times after than before
    is removed (its first occurrences), each that occurs more often is added, in the
    order of their places in the text, and a sentence moved within the region is not a
    change.
    """
    shortest = min(len(before), len(after))
    head = 0
    while head < shortest and before[head] == after[head]:
        head += 1
    tail = 0
    while tail < shortest - head and before[-1 - tail] == after[-1 - tail]:
        tail += 1
    old, new = before[head : len(before) - tail], after[head : len(after) - tail]
    changes: list[tuple[bool, str]] = []
    if len(old) * len(new) <= _MATCH_BUDGET:
        matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
        for op, a1, a2, b1, b2 in matcher.get_opcodes():
            if op != "equal":
                changes += [(False, s) for s in old[a1:a2]]
                changes += [(True, s) for s in new[b1:b2]]
        return changes
    balance = Counter(old)
    balance.subtract(new)
    placed: list[tuple[int, bool, str]] = []
    gone = {s: n for s, n in balance.items() if n > 0}
    for place, sentence in enumerate(old):
        if gone.get(sentence, 0) > 0:
            gone[sentence] -= 1
            placed.append((place, False, sentence))
    came = {s: -n for s, n in balance.items() if n < 0}
    for place, sentence in enumerate(new):
        if came.get(sentence, 0) > 0:
            came[sentence] -= 1
            placed.append((place, True, sentence))
    # a corrected sentence's old and new forms side by side, the old one first
    placed.sort(key=lambda change: (change[0], change[1]))
    return [(added, sentence) for _, added, sentence in placed]


def _shown(sentence: str) -> str:
    """A sentence escaped for HTML, cut at ``_MAX_SHOWN`` characters."""
    if len(sentence) > _MAX_SHOWN:
        sentence = sentence[: _MAX_SHOWN - 1] + "…"
    return html.escape(sentence)


def describe_change(old_title: str, old_body: str, title: str, body: str) -> str:
    """HTML listing the sentences removed and added (and a changed title).

    A sentence removed or added several times (a name corrected throughout a text of
    repeated sentences) is listed once, with how many times; after ``_MAX_LISTED``
    sentences, the entry says how many more changes there are.
    """
    parts = []
    if old_title != title:
        parts.append(f"<p>Title was: <del>{html.escape(old_title)}</del></p>")
    times: dict[tuple[bool, str], int] = {}
    for change in sentence_changes(_sentences(old_body), _sentences(body)):
        times[change] = times.get(change, 0) + 1
    listed = list(times.items())
    for (added, sentence), count in listed[:_MAX_LISTED]:
        repeat = f" ({count} times)" if count > 1 else ""
        if added:
            parts.append(f"<p>Added{repeat}: <ins>{_shown(sentence)}</ins></p>")
        else:
            parts.append(f"<p>Removed{repeat}: <del>{_shown(sentence)}</del></p>")
    more = sum(count for _, count in listed[_MAX_LISTED:])
    if more:
        parts.append(f"<p>…and {more} more change{'s' if more > 1 else ''}.</p>")
    return "".join(parts) or "<p>Only spacing or punctuation changed.</p>"


def build_changes_feed(
    changes: Sequence[Mapping[str, Any]],
    store_info: Mapping[str, str],
    *,
    self_url: str,
    home_url: str,
) -> bytes:
    """Render ``Store.changes()`` rows (newest first) as Atom bytes; ids from version ids."""
    fg = service_feed(
        store_info,
        "changes",
        "diplofeed: edited articles",
        "Articles their sites changed after publication, and what changed",
        self_url=self_url,
        home_url=home_url,
    )
    newest = None
    for change in changes:
        when = parse_utc(change["seen_until"])
        newest = max(newest, when) if newest else when
        entry = fg.add_entry(order="append")
        entry.id(tag_uri(store_info, "change", change["version_id"]))
        entry.title(xml_text(f"Edited: {change['title']} ({change['source_name']})"))
        if link := safe_url(change["url"]):
            entry.link(href=link, rel="alternate")
        entry.published(when)
        entry.updated(when)
        entry.content(
            xml_text(
                describe_change(
                    change["old_title"], change["old_body"], change["title"], change["body"]
                )
            ),
            type="html",
        )
    return service_feed_bytes(fg, newest, store_info)
