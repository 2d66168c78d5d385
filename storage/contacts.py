"""Contacts between states, counted from the store: the queries behind ``diplofeed
report`` and its pictures, over the views ``story_parties`` and ``contacts`` (migration
m015; docs/schema.md, docs/querying.md "Contacts").

Every figure of the report is one of these queries' rows; each query takes ``:since``
and ``:until``, days (``YYYY-MM-DD``, both included) compared with the story's day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["CENTRAL_ASIA", "DIGEST", "QUERIES", "ContactsReport", "read_digest", "read_report"]

CENTRAL_ASIA = ("KZ", "KG", "TJ", "TM", "UZ")

# name -> SQL; the report shows each under its picture.
QUERIES: dict[str, str] = {
    # Stories per Central Asian state and partner, bilateral and multilateral apart: a
    # pair of two Central Asian states counts in both their rows.
    "heatmap": """
SELECT kind, party_a AS state, party_b AS partner, count(DISTINCT story_id) AS stories
FROM contacts
WHERE day BETWEEN :since AND :until AND party_a IN ('KZ', 'KG', 'TJ', 'TM', 'UZ')
GROUP BY kind, party_a, party_b
UNION ALL
SELECT kind, party_b AS state, party_a AS partner, count(DISTINCT story_id) AS stories
FROM contacts
WHERE day BETWEEN :since AND :until AND party_b IN ('KZ', 'KG', 'TJ', 'TM', 'UZ')
GROUP BY kind, party_a, party_b
ORDER BY kind, state, stories DESC, partner
""".strip(),
    # Stories a week in which each Central Asian state is a party.
    "weekly": """
SELECT week, party AS state, count(DISTINCT story_id) AS stories
FROM story_parties
WHERE day BETWEEN :since AND :until AND central_asian
GROUP BY week, party
ORDER BY week, party
""".strip(),
    # Stories by event type (each story once, whatever its parties).
    "event_types": """
SELECT coalesce(event_type, 'unknown') AS event_type, count(DISTINCT story_id) AS stories
FROM story_parties
WHERE day BETWEEN :since AND :until
GROUP BY 1
ORDER BY stories DESC, event_type
""".strip(),
    # Each Central Asian state's five partners with the most stories, bilateral and
    # multilateral together.
    "top_partners": """
SELECT state, partner, stories FROM (
  SELECT state, partner, count(DISTINCT story_id) AS stories,
         row_number() OVER (PARTITION BY state
                            ORDER BY count(DISTINCT story_id) DESC, partner) AS rank
  FROM (
    SELECT story_id, party_a AS state, party_b AS partner FROM contacts
    WHERE day BETWEEN :since AND :until AND party_a IN ('KZ', 'KG', 'TJ', 'TM', 'UZ')
    UNION ALL
    SELECT story_id, party_b, party_a FROM contacts
    WHERE day BETWEEN :since AND :until AND party_b IN ('KZ', 'KG', 'TJ', 'TM', 'UZ')
  )
  GROUP BY state, partner
)
WHERE rank <= 5
ORDER BY state, stories DESC, partner
""".strip(),
    # Each registered source's articles a day (its local day), with its latest health.
    "sources": """
SELECT s.id AS source, a.published_day AS day, count(a.id) AS articles,
       coalesce((SELECT h.status FROM source_health h WHERE h.source = s.id
                 ORDER BY h.id DESC LIMIT 1), 'unknown') AS health
FROM sources s
LEFT JOIN articles a ON a.source = s.id AND a.published_day BETWEEN :since AND :until
WHERE s.registered = 1
GROUP BY s.id, a.published_day
ORDER BY s.id, day
""".strip(),
}


@dataclass(slots=True)
class ContactsReport:
    """The rows of every query of :data:`QUERIES` for one period."""

    since: str
    until: str
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def read_report(db: sqlite_utils.Database, since: str, until: str) -> ContactsReport:
    """Run every query of :data:`QUERIES` for the days ``since`` to ``until``
    (``YYYY-MM-DD``, both included).

    Returns:
        The rows of each query, as dicts, in the query's order.
    """
    report = ContactsReport(since, until)
    for name, sql in QUERIES.items():
        report.rows[name] = list(db.query(sql, {"since": since, "until": until}))
    return report


# The digest: each week's stories per Central Asian state, with the other parties.
DIGEST = """
SELECT p.week, p.party AS state, p.story_id, p.day, p.event_type, r.title, r.url,
       r.source, st.article_count AS articles,
       (SELECT group_concat(party, '+') FROM (
          SELECT x.party FROM story_parties x
          WHERE x.story_id = p.story_id AND x.party != p.party
          ORDER BY x.central_asian DESC, x.party)) AS partners
FROM story_parties p
JOIN stories st ON st.id = p.story_id
JOIN articles r ON r.id = st.representative_id
WHERE p.day BETWEEN :since AND :until AND p.central_asian
ORDER BY p.week, p.party, p.day, p.story_id
""".strip()


def read_digest(db: sqlite_utils.Database, since: str, until: str) -> list[dict[str, Any]]:
    """The stories of the days ``since`` to ``until`` per Central Asian state and ISO
    week (:data:`DIGEST`): a story of two of them is listed under both."""
    return list(db.query(DIGEST, {"since": since, "until": until}))
