"""The changes feed: one Atom entry per edit of a stored article (docs/dedup.md, "Edits").

Sites quietly edit releases (a name corrected, a sentence added). The article keeps its id
and GUID in the other feeds (their entry's ``updated`` moves); this feed says what changed.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

from storage.times import parse_utc

from .build import service_feed, service_feed_bytes, tag_uri
from .sanitize import xml_text

__all__ = ["build_changes_feed", "describe_change"]

_SENTENCE = re.compile(r"(?<=[.!?…])\s+")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.replace("\n\n", " ")) if s.strip()]


def describe_change(old_title: str, old_body: str, title: str, body: str) -> str:
    """HTML listing the sentences removed and added (and a changed title)."""
    parts = []
    if old_title != title:
        parts.append(f"<p>Title was: <del>{html.escape(old_title)}</del></p>")
    before, after = _sentences(old_body), _sentences(body)
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for sentence in before[a1:a2]:
            parts.append(f"<p>Removed: <del>{html.escape(sentence)}</del></p>")
        for sentence in after[b1:b2]:
            parts.append(f"<p>Added: <ins>{html.escape(sentence)}</ins></p>")
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
        entry.link(href=change["url"], rel="alternate")
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
