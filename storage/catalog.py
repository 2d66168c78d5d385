"""What every table and column of the store means: the text of docs/schema.md's table
sections (generated from here with cog) and of Datasette's metadata (``diplofeed browse``),
and the canned queries Datasette offers on the store.

A test fails when the store has a table or column this does not describe
(tests/test_browse.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .vocabulary import EXTERNAL_KIND, SOURCE_KINDS

__all__ = ["CANNED_QUERIES", "TABLES", "TableDoc"]


@dataclass(frozen=True, slots=True)
class TableDoc:
    """One table: a one-line summary, optional notes, and each column's meaning."""

    summary: str
    columns: dict[str, str]
    notes: str = field(default="")


_WHEN = "ISO 8601 UTC text with a Z"

TABLES: dict[str, TableDoc] = {
    "articles": TableDoc(
        "one row per article page",
        {
            "id": "internal id; the article's feed GUID is made from it and never changes",
            "source": "the source's id (`sources.id`): a registry id, or the name given to "
            "`diplofeed import`",
            "url": "the article's link, as the site publishes it (tracking parameters and "
            "fragment removed)",
            "canonical_url": "the identity key (unique): no tracking parameters, "
            '`www.`/mobile/AMP folded, `https`, sorted query; see "Identity"',
            "title": "plain text",
            "body": "plain text; paragraphs are separated by blank lines",
            "body_html": "the body as simple HTML (paragraphs), sanitised again when feeds "
            "are built",
            "summary": "the lead or the page's description, plain text",
            "language": "`ru`, `en`, `kk`, `ky`, `uz` (Latin), `uz-Cyrl`, `tg`, `tk`; NULL "
            "when unknown",
            "published": f"when the source published it ({_WHEN}); stored once, never recomputed",
            "published_from": "where that date came from: `page` (a per-source selector), "
            "`jsonld`, `meta`, `htmldate`, `feed`, `sitemap`, `api`, `listing`, `import`, or "
            "`first_seen` (no date anywhere, or one not trusted: the time diplofeed first saw "
            "it)",
            "date_flag": "NULL when the date is trusted; `missing` (none found), `future` "
            "(ahead of the crawl clock), `too_old` (over five years before it was first "
            "seen): then `published` is the first-seen time",
            "claimed_published": "the date the page gave, when it was not trusted",
            "author": "the author, when the page names one",
            "image": "the lead image's absolute URL, when the page has one",
            "body_hash": "SHA-256 of the body's words (case and punctuation ignored); NULL "
            "for bodies under 20 words",
            "content_hash": "SHA-256 of title and body as stored; a change means the "
            "article was edited",
            "story_id": "the story it belongs to (`stories.id`)",
            "story_reason": "why it joined its story when it arrived: `first`, `exact "
            "copy`, `copy: containment …`, `translation: …`, `rewrite: …`, `one source's "
            "language versions …`, `one gathering …` (docs/dedup.md); its story may have been "
            "merged since (`story_merges`)",
            "published_precision": "`minute` when the source gave a time, `day` when it "
            "gave a date only: `published` is then 09:00 UTC of that day, so readers from "
            "UTC-9 to UTC+14 show the stated day",
            "published_day": "the day it was published where the source is "
            "(`YYYY-MM-DD`, the source's time zone): group by it for the local day",
            "tagged_event_type": "the classifier's own event type for this article; "
            "`event_type` is its story's (one per story)",
            "relevant": "1 when the classifier judges it Central Asian diplomacy, else 0 "
            "(docs/relevance.md)",
            "relevance": "the classifier's score, 0..1",
            "countries": "JSON list of the states that are parties (ISO 3166 alpha-2, "
            '`EU`), e.g. `["KZ", "CN"]`',
            "topics": "JSON list of topics (`bilateral`, `water_energy`, ...)",
            "event_type": "its story's event type, one per story: `visit`, `meeting`, "
            "`phone_call`, `consultations`, `statement`, `agreement`, `appointment`, "
            "`congratulation`, `conference`; NULL when not relevant",
            "first_seen": "when a crawl or import first saw it",
            "last_seen": "when a crawl or import last saw it (stored it, or got a 304 for it)",
            "updated": "when its text last changed (NULL if never); feeds show it as the "
            "entry's updated date",
            "search_forms": "its words' spellings in the other script, for search: each "
            "distinct word's key (Latin, with the letters transliterations disagree on "
            "folded: `saidov` for Саидов, `tokaev` for Tokayev) when it differs from the "
            "word, and each Latin word in Cyrillic letters (`саидов` for Saidov); indexed "
            "by `articles_fts` (storage/translit.py)",
        },
    ),
    "stories": TableDoc(
        "one row per event, grouping copies and translations of one text",
        {
            "id": "internal id; `all` and country feeds use it for the item GUID",
            "representative_id": "the article shown for the story (`articles.id`): the "
            "ministry's own post where there is one, else the earliest",
            "first_published": "the earliest `published` of its articles",
            "article_count": "how many articles it groups (0 once merged into another)",
            "created": "when it was created",
            "merged_into": "the older story it was merged into when later reports showed "
            "one event (`story_merges` says when and why); NULL for a live story",
            "event_type": "the story's event type: the most common of its members' own "
            "(`articles.tagged_event_type`), ties to the representative's",
        },
    ),
    "story_parties": TableDoc(
        "one row per live story and party, kept current by triggers",
        {
            "story_id": "the story (`stories.id`), live ones only (merged stories are left out)",
            "party": "a state that is a party (ISO 3166 alpha-2, or `EU`): one that at "
            "least half of the story's relevant articles name",
            "central_asian": "1 for KZ, KG, TJ, TM and UZ, else 0",
            "day": "the day the story was first published where its shown article's "
            "source is (`YYYY-MM-DD`)",
            "week": "that day's ISO 8601 week, `2026-W48` (Monday to Sunday)",
            "event_type": "the story's event type (`stories.event_type`)",
            "articles": "how many of its relevant articles name the party",
        },
        "A story's parties by majority: one agency's aside (China named in a Kyrgyz-Uzbek "
        "call) does not make a bilateral contact trilateral. Only relevant articles "
        "count; a story with none has no row. Counting stories here counts events, not "
        "reports of them. Triggers (migration `m015`, `m019`) count a story's rows again "
        "whenever one of its articles arrives, leaves, moves to another story or is "
        "tagged again, and when the story is merged or its representative or event type "
        "changes; within a batch of writes (an import), once for each story it touched, "
        "at its end, before its commit. Do not write it by hand.",
    ),
    "contacts": TableDoc(
        "view: one row per story and unordered pair of its parties",
        {
            "story_id": "the story (`stories.id`)",
            "day": "as in `story_parties`",
            "week": "as in `story_parties`: the ISO 8601 week (`%W` of strftime is not)",
            "pair": "the two parties, `KZ-CN`: a Central Asian state first, else "
            "alphabetical (`KZ-UZ`)",
            "party_a": "the pair's first state",
            "party_b": "the pair's second state",
            "kind": "`bilateral` (the story has two parties) or `multilateral` (more)",
            "format": "for a multilateral contact: `C5` (the five Central Asian states), "
            "`C5+JP` (and Japan), or the organisation its title or lead abbreviates "
            "(`SCO`, `CIS`, `CSTO`, `EAEU`, `OTS`, `CICA`, `OSCE`, `UN`); else NULL",
            "parties": "every party of the story, `KG+KZ+TJ+TM+UZ+JP`",
            "party_count": "how many parties the story has",
            "event_type": "the story's event type",
        },
        "A multilateral meeting of n states has n(n-1)/2 rows, all `multilateral`: count "
        "`DISTINCT story_id` to count it once (the C5+Japan ministerial is one "
        "multilateral contact, not fifteen bilateral ones).",
    ),
    "story_links": TableDoc(
        "pairs of articles found to report one event; stories are their groups",
        {
            "a": "the article with the smaller id (`articles.id`)",
            "b": "the other article (`articles.id`)",
            "strength": "how sure the link is: 4 exact copy, 3 copy, 2.5 one source's "
            "language versions, 2 translation or rewrite with shared facts, 1.5 one "
            "gathering or call, 1 one visit, session or day of two states (and articles "
            "grouped before links were kept); 0.5 a sign, not a link: a report naming one "
            "state that shares a figure with a report of that state and a partner, counted "
            "against whole stories (docs/dedup.md, Signs)",
            "reason": "why, as `articles.story_reason` says it",
        },
        "Each arrival groups its linked neighbourhood again, strongest links first, so "
        "the stories of a set of articles do not depend on the order they arrived in "
        "(docs/dedup.md).",
    ),
    "announced_days": TableDoc(
        "the days a report announces: its headline or opening names a day after its own "
        'publication, at most four days later ("Президент Турции 13-14 января посетит '
        'Казахстан")',
        {
            "day": "the day announced, `YYYY-MM-DD`",
            "article_id": "the announcing article (`articles.id`)",
        },
        "A report of that day (or the morning after) finds the announcement made days "
        "before by its day: the two are one event when they name the same parties "
        "(docs/dedup.md, Links).",
    ),
    "story_merges": TableDoc(
        "stories merged into older ones, when later reports showed one event",
        {
            "id": "internal id",
            "story_id": "the story merged away (`stories.id`); its GUID no longer appears",
            "into_story_id": "the older story that kept its identity (`stories.id`)",
            "at": "when (the first-seen time of the article that showed it)",
            "reason": "why",
        },
    ),
    "article_versions": TableDoc(
        "earlier texts of edited articles",
        {
            "id": "internal id",
            "article_id": "the edited article (`articles.id`)",
            "title": "the title it had",
            "body": "the body it had",
            "content_hash": "the `content_hash` it had",
            "seen_until": "when the edit was seen: the text was current until then",
        },
    ),
    "article_signatures": TableDoc(
        "near-duplicate search: one row per article",
        {
            "article_id": "the article (`articles.id`)",
            "minhash": "the text's 96-value MinHash, little endian uint64 BLOB",
            "numbers": "the numbers its text states, space separated",
            "names": "the names its text states, as consonant stems that survive "
            "transliteration (`krlb` for Кулубаев and Kulubaev), space separated; NULL for "
            "articles signed before migration m014",
            "week": "the week it was published in: whole weeks since 1970-01-01 UTC "
            "(`published` // 604800 s)",
        },
        "Rebuilt for an article when its text changes (docs/dedup.md). The LSH band keys "
        "are computed from `minhash` into memory, a week at a time; until migration `m005` "
        "they were rows of a table `article_lsh`, which that migration drops.",
    ),
    "sources": TableDoc(
        "one row per source: the registry's, and the names imports gave",
        {
            "id": "the source id (`crawler/sources.toml`, or the name given to `import`)",
            "name": "who publishes it",
            "country": "the publisher's country (ISO 3166 alpha-2)",
            "kind": ", ".join(f"`{kind}`" for kind in SOURCE_KINDS)
            + f"; `{EXTERNAL_KIND}` for sources only seen through `import`",
            "languages": "JSON list of the languages it publishes in",
            "timezone": "the IANA time zone its dates are read in",
            "strategy": "how it is crawled: `rss`, `sitemap`, `listing`, `api`, `telegram`",
            "homepage": "its home page",
            "principal": (
                "whose voice it is when it is one person's: `head_of_state` for a "
                "president's press service (its posts are the president's acts, named or "
                "not; the registry's `principal`); else NULL"
            ),
            "registered": "1 when it is in the registry (its feeds are built), else 0",
        },
    ),
    "crawl_runs": TableDoc(
        "one row per crawl",
        {
            "id": "the run id",
            "started": "when it started",
            "finished": "when it ended (NULL while running)",
            "replay": "1 when it read the replay copies, not the live sites",
            "sources": "JSON list of the source ids it crawled",
            "status": "`running`, `finished`, `partial` (a source yielded nothing), `interrupted`",
            "as_of": "the crawl clock: the recording time of replay copies, else the start time",
        },
    ),
    "crawl_source_stats": TableDoc(
        "one row per source per run: its figures and the health decided from them",
        {
            "run_id": "the run (`crawl_runs.id`)",
            "source": "the source (`sources.id`)",
            "pages": "pages fetched",
            "articles": "articles found",
            "new": "articles stored for the first time",
            "updated": "known articles whose text changed",
            "unchanged": "known articles seen again unchanged",
            "failed": "pages that failed (`crawl_failures`)",
            "undated": "articles with no date found",
            "newest_published": "the newest trusted `published` of the source's articles",
            "finished": "when the source's figures were recorded",
            "complete": "articles with title, date and body",
            "empty_body": "articles without a body",
            "selector_misses": "pages where the registry's selectors matched nothing",
            "selector_pages": "article pages read with the registry's selectors (the hit "
            "rate's denominator)",
            "title_selector_misses": "pages where the title selector matched nothing (the "
            "generic path read the title)",
            "date_selector_misses": "pages where the date selector matched nothing",
            "body_selector_misses": "pages where the body selector matched nothing",
            "known": "links to stored articles not fetched again: stored before the revisit "
            "window, or seen within the revisit interval (docs/deploy.md)",
            "not_modified": "articles fetched again that answered 304 Not Modified",
            "unstored": "articles fetched but not stored because the store could not be "
            "written (locked by another writer past the write bound, disk full, read-only); "
            "each also has a `store` row in `crawl_failures` when that could be written",
            "status": "the health decided: `ok`, `degraded`, `stale`, `broken`, `unreachable`, `blocked`",
            "status_reason": "why, in a few words",
        },
    ),
    "article_aliases": TableDoc(
        "addresses that redirected permanently (301, 308) to a stored article (a listing's "
        "`/node/123` path, an old URL): a re-crawl knows them as the article and does not "
        "fetch them again",
        {
            "canonical_url": "the address, canonical form (as `articles.canonical_url`)",
            "article_id": "the article it redirected to (`articles.id`)",
        },
    ),
    "robots_txt": TableDoc(
        "each host's robots.txt as last fetched: crawls use it for 24 hours (RFC 9309) "
        "instead of fetching it every time",
        {
            "host": "`scheme://host`",
            "status": "the HTTP status it was served with (a 4xx allows everything)",
            "body": "the file as served",
            "fetched": "when, by the crawl clock",
        },
    ),
    "http_validators": TableDoc(
        "what each article page was last served with, for conditional requests when it is "
        "fetched again within the revisit window (docs/deploy.md)",
        {
            "canonical_url": "the article's page (`articles.canonical_url`)",
            "etag": "its `ETag` header, if any",
            "last_modified": "its `Last-Modified` header, if any",
            "seen": "when it was served so",
        },
    ),
    "crawl_failures": TableDoc(
        "one row per page that failed",
        {
            "id": "internal id",
            "run_id": "the run (`crawl_runs.id`); NULL outside a crawl",
            "source": "the source id",
            "url": "the page",
            "kind": "`http`, `timeout`, `network`, `parse`, `redirect`, `ignored`, `store`; "
            "`robots`: a link robots.txt forbids, not fetched (not counted as failed)",
            "status": "the HTTP status, when there was one",
            "message": "what went wrong",
            "at": "when",
        },
    ),
    "source_health": TableDoc(
        "one row per source per change of status; the health feed (`health.atom`) is this table",
        {
            "id": "internal id, in the order of the changes",
            "source": "the source (`sources.id`)",
            "status": "`ok`, `degraded`, `stale`, `broken`, `blocked`",
            "reason": "why, in a few words",
            "since": "the crawl clock of the run that saw the change",
            "run_id": "that run (`crawl_runs.id`)",
        },
    ),
    "articles_fts": TableDoc(
        "the full-text index of `articles(title, body)`",
        {
            "title": "the article's title, as indexed",
            "body": "the article's body, as indexed",
            "search_forms": "`articles.search_forms`, as indexed",
        },
        "An FTS5 table in sqlite-utils' layout (external content `articles`, kept in step by "
        "triggers; its `rowid` is `articles.id`), so `sqlite-utils search` and Datasette's "
        "search box work as they are. Tokenizer `unicode61 remove_diacritics 2` with the "
        "Uzbek apostrophes U+02BB and U+02BC as separators (migration `m006`): case and "
        "Latin diacritics are folded, and Oʻzbekiston, O'zbekiston and O’zbekiston are the "
        'same two words ("o" "zbekiston"). Words are indexed as written; `diplofeed search` '
        "searches each word's stem as a prefix, so inflected forms find each other. Since "
        "migration `m015` a third column indexes `articles.search_forms`, so a plain "
        "query in one script finds the other (`Kambarata` finds Камбарата, `Саидов` finds "
        "Saidov). The articles a batch of writes (an import) adds are indexed at its end, "
        "before its commit (migration `m019`). FTS5's own tables `articles_fts_*` are not "
        "described here.",
    ),
    "index_deferral": TableDoc(
        "while a batch of writes runs: the last article before it (always empty otherwise)",
        {"last_article": "the largest `articles.id` when the batch began"},
        "Written and emptied inside the batch's own transaction, so no other connection "
        "ever sees a row (migration `m019`). While it holds one, the triggers leave the "
        "full-text index of the articles added after `last_article`, and the counting of "
        "`story_parties`, to the batch's end: one statement instead of one for each "
        "article.",
    ),
    "stories_recount": TableDoc(
        "while a batch of writes runs: the stories whose `story_parties` it counts at its end",
        {"story_id": "a story (`stories.id`) the batch touched"},
        "Empty outside a batch's transaction, like `index_deferral`.",
    ),
    "store_info": TableDoc(
        "the store's identity",
        {
            "key": "`store_key` (8 random hex digits) or `created`",
            "value": "its value",
        },
        "Both go into every GUID, so a rebuilt store never reuses a GUID a reader has "
        "already seen.",
    ),
    "_sqlite_migrations": TableDoc(
        "the schema migrations applied (sqlite-utils)",
        {
            "id": "internal id, in the order applied",
            "migration_set": "always `diplofeed`",
            "name": "the migration (`storage/schema.py`)",
            "applied_at": "when it was applied",
        },
    ),
}


# Named queries on the database page. Parameters become form fields; Datasette passes ""
# for one left empty, which the optional ones read as "no limit". A query's `chart` is
# the chart datasette-vega draws of its rows (diplofeed/browse.py links to it).
CANNED_QUERIES: dict[str, dict[str, Any]] = {
    "latest_by_country": {
        "title": "Latest relevant posts by country",
        "description": "The newest Central Asian diplomacy posts in which a state is a "
        "party: country is an ISO 3166 alpha-2 code (KZ, KG, TJ, TM, UZ, CN, RU...) or EU. "
        "Copies of one story each have a row; story_articles says how many there are.",
        "sql": """
SELECT a.published, a.source, s.name AS source_name, a.title, a.url, a.language,
       a.event_type, a.countries, a.story_id, st.article_count AS story_articles
FROM articles a
JOIN sources s ON s.id = a.source
JOIN stories st ON st.id = a.story_id
WHERE a.relevant = 1
  AND EXISTS (SELECT 1 FROM json_each(a.countries) WHERE value = upper(trim(:country)))
ORDER BY a.published DESC, a.id DESC
LIMIT 200
""".strip(),
    },
    "stories_with_most_sources": {
        "title": "Stories with the most sources",
        "description": "Stories carried by more than one source, the most widely carried "
        "first. since: a date (2026-11-01) to count only stories first published on or "
        "after it; empty for all time.",
        "sql": """
SELECT st.id AS story_id, count(DISTINCT a.source) AS sources,
       group_concat(DISTINCT a.source) AS source_ids, st.article_count AS articles,
       st.first_published, r.title, r.url
FROM stories st
JOIN articles a ON a.story_id = st.id
JOIN articles r ON r.id = st.representative_id
WHERE trim(:since) = '' OR st.first_published >= trim(:since)
GROUP BY st.id
HAVING count(DISTINCT a.source) > 1
ORDER BY sources DESC, st.first_published DESC
LIMIT 200
""".strip(),
    },
    "posts_by_event_type": {
        "title": "Posts by event type",
        "description": "The newest relevant posts of one kind of event: visit, meeting, "
        "phone_call, consultations, statement, agreement, appointment, congratulation, "
        "conference.",
        "sql": """
SELECT a.published, a.source, a.title, a.url, a.language, a.countries, a.topics,
       a.story_id
FROM articles a
WHERE a.relevant = 1 AND a.event_type = lower(trim(:event_type))
ORDER BY a.published DESC, a.id DESC
LIMIT 200
""".strip(),
    },
    "contacts_between": {
        "title": "Contacts between two states",
        "description": "Every story in which both states are parties, newest first: "
        "pair is two codes joined by a hyphen (KZ-CN, either order); since is a day "
        "(2026-11-01), empty for all time. A multilateral meeting is one row, with its "
        "format (C5+JP, SCO...).",
        "sql": """
SELECT c.day, c.week, c.kind, c.format, c.event_type, c.parties, r.title, r.url,
       st.article_count AS articles, c.story_id
FROM contacts c
JOIN stories st ON st.id = c.story_id
JOIN articles r ON r.id = st.representative_id
WHERE upper(trim(:pair)) IN (c.pair, c.party_b || '-' || c.party_a)
  AND (trim(:since) = '' OR c.day >= trim(:since))
ORDER BY c.day DESC, c.story_id DESC
""".strip(),
    },
    "contacts_per_pair": {
        "title": "Contacts per pair of states",
        "description": "Stories per pair of parties, bilateral and multilateral apart (a "
        "multilateral meeting counts once for each pair of its parties, never as "
        "bilateral contacts). since: a day, empty for all time.",
        "chart": {"mark": "bar", "x_column": "pair", "y_column": "stories", "color_column": "kind"},
        "sql": """
SELECT pair, kind, count(DISTINCT story_id) AS stories
FROM contacts
WHERE trim(:since) = '' OR day >= trim(:since)
GROUP BY pair, kind
ORDER BY stories DESC, pair, kind
""".strip(),
    },
    "weekly_activity": {
        "title": "Stories a week per Central Asian state",
        "description": "Stories (not articles) in which each Central Asian state is a "
        "party, per ISO week.",
        "chart": {
            "mark": "line",
            "x_column": "week",
            "y_column": "stories",
            "color_column": "state",
        },
        "sql": """
SELECT week, party AS state, count(DISTINCT story_id) AS stories
FROM story_parties
WHERE central_asian
GROUP BY week, party
ORDER BY week, party
""".strip(),
    },
    "posts_per_day": {
        "title": "Relevant posts per day",
        "description": "Relevant posts a day (the source's local day) and the stories "
        "they report. since: a day, empty for all time.",
        "chart": {"mark": "line", "x_column": "day", "x_type": "temporal", "y_column": "posts"},
        "sql": """
SELECT published_day AS day, count(*) AS posts, count(DISTINCT story_id) AS stories
FROM articles
WHERE relevant = 1 AND (trim(:since) = '' OR published_day >= trim(:since))
GROUP BY published_day
ORDER BY day
""".strip(),
    },
    "source_health": {
        "title": "Source health",
        "description": "Each registered source's status after its latest crawl (ok, "
        "degraded, stale, broken, blocked; unknown: never crawled), since when, the "
        "latest crawl's figures and its articles: the worst first.",
        "sql": """
SELECT s.id AS source, s.name, s.country, s.kind, coalesce(h.status, 'unknown') AS status,
       h.reason, h.since, st.finished AS last_crawled, st.pages, st.new, st.failed,
       (SELECT count(*) FROM articles a WHERE a.source = s.id) AS articles,
       (SELECT max(published) FROM articles a WHERE a.source = s.id) AS newest_published
FROM sources s
LEFT JOIN source_health h
  ON h.id = (SELECT max(id) FROM source_health WHERE source = s.id)
LEFT JOIN crawl_source_stats st ON st.source = s.id
  AND st.run_id = (SELECT max(run_id) FROM crawl_source_stats WHERE source = s.id)
WHERE s.registered = 1
ORDER BY CASE coalesce(h.status, 'unknown') WHEN 'broken' THEN 0 WHEN 'blocked' THEN 1
  WHEN 'stale' THEN 2 WHEN 'degraded' THEN 3 WHEN 'unknown' THEN 4 ELSE 5 END,
  s.country, s.id
""".strip(),
    },
}
