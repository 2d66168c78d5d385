"""The closed vocabularies of diplofeed, named once: languages, the five states, source
kinds, topics, event types and a crawl's figures (docs/schema.md gives their meanings).

Every package takes them from here (the registry checks sources against them, the store
ranks and counts with them, the feeds and the command line offer them as choices).
"""

from __future__ import annotations

from collections.abc import Mapping

from .relevance import EVENT_TYPES, OFFICIAL_KINDS, TOPICS

__all__ = [
    "BASE_LANGUAGES",
    "CRAWL_FIGURES",
    "EVENT_TYPES",
    "EXTERNAL_KIND",
    "KIND_RANK",
    "LANGUAGES",
    "OFFICIAL_KINDS",
    "SOURCE_KINDS",
    "STATES",
    "STATE_NAMES",
    "TOPICS",
    "yielded_nothing",
]

# The languages articles are stored in: ISO 639-1, with ``uz-Cyrl`` for Uzbek in Cyrillic.
LANGUAGES = ("ru", "en", "kk", "ky", "uz", "uz-Cyrl", "tg", "tk")
# The same without script subtags (what an ``html lang`` value or URL prefix names).
BASE_LANGUAGES = frozenset(code for code in LANGUAGES if "-" not in code)

# The states whose diplomacy diplofeed follows (ISO 3166 alpha-2), one feed each.
STATES = ("KZ", "KG", "TJ", "TM", "UZ")
STATE_NAMES = {
    "KZ": "Kazakhstan",
    "KG": "Kyrgyzstan",
    "TJ": "Tajikistan",
    "TM": "Turkmenistan",
    "UZ": "Uzbekistan",
}

# What a registry source is: a foreign ministry, a news agency, another outlet, an
# international organisation, a Telegram channel.
SOURCE_KINDS = ("mfa", "agency", "outlet", "intl", "telegram")
# The kind of a source the registry does not name (articles imported from elsewhere).
EXTERNAL_KIND = "external"
# The order in which the "original" of a story is chosen: a ministry's own post beats an
# agency's copy of it.
KIND_RANK = {"mfa": 0, "intl": 1, "telegram": 2, "agency": 3, "outlet": 4, EXTERNAL_KIND: 5}

# The figures a crawl counts per source: columns of crawl_source_stats (docs/schema.md),
# counted by the crawler's pipelines under "diplofeed/<name>".
CRAWL_FIGURES = (
    "pages",
    "articles",
    "new",
    "updated",
    "unchanged",
    "failed",
    "undated",
    "complete",
    "empty_body",
    "selector_misses",
    "known",
    "not_modified",
    "unstored",
    "selector_pages",
    "title_selector_misses",
    "date_selector_misses",
    "body_selector_misses",
)


def yielded_nothing(figures: Mapping[str, int] | None) -> bool:
    """Whether a source's crawl yielded nothing: no figures recorded (its spider died) or
    no article found, new or already stored (it is broken, blocked or unreachable)."""
    return not figures or not (
        figures.get("articles") or figures.get("known") or figures.get("not_modified")
    )
