"""The contacts report (issue #16): every number it shows equals a count made here from
the articles themselves; the page loads nothing from the network; ``diplofeed report``
and its digest; ``/report`` of the feed server."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter, defaultdict
from datetime import date

import feedparser
import lxml.html
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from diplofeed.cli import cli
from feeds.report import build_report, period
from feeds.server import create_app
from storage import Store

from .test_contacts import CENTRAL_ASIA, parties_by_story

SINCE, UNTIL = "2026-11-01", "2026-11-30"


@pytest.fixture(scope="module")
def page(demo):
    with Store(demo.db, readonly=True) as store:
        return build_report(store, date.fromisoformat(SINCE), date.fromisoformat(UNTIL))


def table(page, figure):
    """A picture's numbers as the page shows them: one tuple of cell texts a row."""
    tree = lxml.html.fromstring(page)
    (found,) = tree.xpath(f'//table[@data-figure="{figure}"]')
    return [tuple(td.text_content() for td in tr.xpath("td")) for tr in found.xpath("tr")[1:]]


def stories_in_period(db):
    """Each live story of the period with its day, ISO week, event type and parties,
    counted in Python from the articles (not through the store's views)."""
    parties = parties_by_story(db)
    conn = sqlite3.connect(db)
    try:
        out = {}
        for story, first, event_type, day in conn.execute(
            "SELECT st.id, st.first_published, st.event_type, r.published_day FROM stories st "
            "LEFT JOIN articles r ON r.id = st.representative_id"
        ):
            day = day or first[:10]
            if story in parties and SINCE <= day <= UNTIL:
                year, week, _ = date.fromisoformat(day).isocalendar()
                out[story] = (f"{year}-W{week:02d}", event_type, set(parties[story]))
    finally:
        conn.close()
    return out


def contact_counts(db):
    """(kind, state, partner) -> stories: a story of two parties is bilateral, of more
    multilateral, counted once in the cell of each pair."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for _, _, parties in stories_in_period(db).values():
        if len(parties) < 2:
            continue
        kind = "bilateral" if len(parties) == 2 else "multilateral"
        for state in parties & CENTRAL_ASIA:
            for partner in parties - {state}:
                counts[(kind, state, partner)] += 1
    return counts


def test_the_heatmap_numbers_are_the_stories_of_each_pair(demo, page):
    shown = {(k, s, p): int(n) for k, s, p, n in table(page, "heatmap")}
    assert shown == dict(contact_counts(demo.db))


def test_the_c5_japan_ministerial_is_one_multilateral_contact(demo, page):
    shown = {(k, s, p): int(n) for k, s, p, n in table(page, "heatmap")}
    conn = sqlite3.connect(demo.db)
    (story,) = conn.execute(
        "SELECT DISTINCT story_id FROM articles WHERE title LIKE 'Central Asia + Japan Dialogue%'"
    ).fetchone()
    conn.close()
    stories = stories_in_period(demo.db)
    assert stories[story][2] == {"KZ", "KG", "TJ", "TM", "UZ", "JP"}
    # the ministerial is in each state's multilateral cell with Japan, once
    others = [s for s, (_, _, p) in stories.items() if s != story and {"KZ", "JP"} <= p]
    others_multilateral = sum(1 for s in others if len(stories[s][2]) > 2)
    assert shown[("multilateral", "KZ", "JP")] == 1 + others_multilateral
    # and in no bilateral cell: the bilateral KZ-JP cell counts two-party stories only
    bilateral = sum(1 for s in others if stories[s][2] == {"KZ", "JP"})
    assert shown.get(("bilateral", "KZ", "JP"), 0) == bilateral


def test_weekly_activity_counts_stories_not_articles(demo, page):
    expected: Counter[tuple[str, str]] = Counter()
    for week, _, parties in stories_in_period(demo.db).values():
        for state in parties & CENTRAL_ASIA:
            expected[(week, state)] += 1
    shown = {(w, s): int(n) for w, s, n in table(page, "weekly")}
    assert shown == dict(expected)


def test_event_types_count_each_story_once(demo, page):
    expected = Counter(
        event_type or "unknown" for _, event_type, _ in stories_in_period(demo.db).values()
    )
    shown = {e: int(n) for e, n in table(page, "event_types")}
    assert shown == dict(expected)


def test_top_partners_are_the_five_most_frequent(demo, page):
    per_state: dict[str, Counter[str]] = defaultdict(Counter)
    for (_, state, partner), n in contact_counts(demo.db).items():
        per_state[state][partner] += n
    expected = {
        (state, partner, n)
        for state, counts in per_state.items()
        for partner, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    }
    shown = {(s, p, int(n)) for s, p, n in table(page, "top_partners")}
    assert shown == expected


def test_each_source_s_articles_and_health(demo, page):
    conn = sqlite3.connect(demo.db)
    expected = {}
    for source, status in conn.execute(
        "SELECT s.id, (SELECT status FROM source_health WHERE source = s.id "
        "ORDER BY id DESC LIMIT 1) FROM sources s WHERE s.registered = 1"
    ):
        (count,) = conn.execute(
            "SELECT count(*) FROM articles WHERE source = ? AND published_day >= ? "
            "AND published_day <= ?",
            [source, SINCE, UNTIL],
        ).fetchone()
        expected[source] = (status or "unknown", count)
    conn.close()
    shown = {s: (h, int(n)) for s, h, n in table(page, "sources")}
    assert shown == expected


def test_every_picture_has_its_feed_and_sql(page):
    tree = lxml.html.fromstring(page)
    sections = tree.xpath("//section")
    assert len(sections) == 5
    for section in sections:
        assert section.xpath(".//figure/svg"), section.get("id")
        hrefs = section.xpath(".//p[@class='links']/a/@href")
        assert hrefs[0].startswith("feed.atom?") and hrefs[1] == f"#sql-{section.get('id')}"
        (sql,) = section.xpath(f".//details[@id='sql-{section.get('id')}']/pre")
        assert "SELECT" in sql.text_content()


def test_the_page_loads_nothing_from_elsewhere(page):
    # SVG's namespace names are names, not addresses a browser fetches
    loads = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", page)
    loads += re.findall(r"url\(([^)]+)\)", page)
    loads += re.findall(r"@import[^;]+", page)
    assert not [u for u in loads if re.match(r"\s*(https?:)?//", u)]
    assert "<script" not in page and "<link" not in page


def test_the_command_writes_the_report_and_the_digest(demo, tmp_path):
    args = ["report", "--db", str(demo.db), "--out", str(tmp_path), "--since", SINCE]
    args += ["--until", UNTIL, "--digest", "--base-url", "https://feeds.example.org"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "report.html" in names and "digest.atom" in names
    weeks = sorted(n[len("digest-") : -len(".html")] for n in names if n.startswith("digest-2"))
    assert weeks == sorted({week for week, _, _ in stories_in_period(demo.db).values()})
    feed = feedparser.parse((tmp_path / "digest.atom").read_bytes())
    assert not feed.bozo and [e.link for e in feed.entries] == [
        f"https://feeds.example.org/digest-{w}.html" for w in weeks
    ]
    # the ministerial is listed under each of the five states in its week
    latest = (tmp_path / f"digest-{weeks[-1]}.html").read_text(encoding="utf-8")
    conn = sqlite3.connect(demo.db)
    (shown,) = conn.execute(
        "SELECT r.url FROM stories st JOIN articles r ON r.id = st.representative_id "
        "WHERE st.id = (SELECT story_id FROM articles "
        "WHERE title LIKE 'Central Asia + Japan Dialogue%')"
    ).fetchone()
    conn.close()
    assert latest.count(f'href="{shown}"') == 5
    # each week is as new as its latest story: never dated after it
    conn = sqlite3.connect(demo.db)
    latest = dict(
        conn.execute(
            "SELECT week, max(day) FROM story_parties WHERE central_asian "
            "AND day BETWEEN ? AND ? GROUP BY week",
            [SINCE, UNTIL],
        ).fetchall()
    )
    conn.close()
    for entry, week in zip(feed.entries, weeks, strict=True):
        assert entry.updated.startswith(latest[week] + "T23:59:59")
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0
    assert feedparser.parse((tmp_path / "digest.atom").read_bytes()).entries[0].id == (
        feed.entries[0].id
    )


def test_a_bad_period_is_refused(demo, tmp_path):
    for bad in (["--since", "2026-12-01", "--until", "2026-11-01"], ["--since", "2020-01-01"]):
        result = CliRunner().invoke(cli, ["report", "--db", str(demo.db), *bad])
        assert result.exit_code == 2 and "Error" in result.output
    assert period(None, date(2026, 11, 30), date(2027, 1, 1)) == (
        date(2026, 11, 1),
        date(2026, 11, 30),
    )


def test_the_server_serves_the_report(demo):
    with TestClient(create_app(demo.db)) as client:
        answer = client.get("/report", params={"since": SINCE, "until": UNTIL})
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
        assert table(answer.text, "heatmap") == table(
            build_report(
                Store(demo.db, readonly=True),
                date.fromisoformat(SINCE),
                date.fromisoformat(UNTIL),
            ),
            "heatmap",
        )
        for bad in ({"since": "yesterday"}, {"since": "2020-01-01"}, {"until": "2026-13-01"}):
            refused = client.get("/report", params=bad)
            assert refused.status_code == 400 and refused.text.count("\n") == 1
        twice = client.get("/report?since=2026-11-01&since=2026-11-02")
        assert twice.status_code == 400
        # a tracker's parameter is ignored, as the feeds ignore it
        shared = client.get("/report", params={"since": SINCE, "until": UNTIL, "utm_source": "x"})
        assert shared.status_code == 200 and shared.text == answer.text
