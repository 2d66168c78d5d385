"""Extraction on a held-out probe: 12 articles in six sources' current templates and in
12 hand-made redesigns (tests/extraction_probe/README.md), written by a tester who did not
work on the extractor. Every field of every page must be right.

Scored as the tester's script scored them: title exact; the date to the minute, or, on a
page that gives only the day, the right local day with precision "day"; language; the
first and last sentence of the body (the tester accepted a lead as the start on two
sites, the sentence before the signature as the end on one); no clutter string in the
body; and no date taken from the page's other dates (ticker, related news, "today").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.extract import parse_article
from crawler.extracting import article_report
from storage import parse_utc

from .conftest import load_json

PROBE = Path(__file__).with_name("extraction_probe")
CASES = sorted(PROBE.glob("truth/*/*.json"))
# The day the probe's tickers and "today" strips show (2026-12-07): read that day, as a
# crawl would, and again two weeks later, as a replay of a recorded copy would.
CRAWL_TIMES = (
    datetime(2026, 12, 7, 10, 0, tzinfo=UTC),
    datetime(2026, 12, 21, 10, 0, tzinfo=UTC),
)


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\u00a0", " ")).strip()


def _zone(truth: dict) -> timezone:
    hours = re.search(r"UTC([+-]\d+)", truth["timezone"])
    assert hours, truth["timezone"]
    return timezone(timedelta(hours=int(hours.group(1))))


def test_probe_is_complete():
    assert len(CASES) == 24
    assert {p.parent.name for p in CASES} == {"current", "redesign"}
    for path in CASES:
        truth = load_json(path)
        assert (PROBE / truth["page"]).is_file(), truth["page"]


@pytest.mark.parametrize("now", CRAWL_TIMES, ids=lambda n: n.date().isoformat())
@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_probe_page(path, now, registry):  # noqa: C901, PLR0912  (one check per field of the probe; its author splits it)
    truth = load_json(path)
    expected = truth["expected"]
    source = registry[truth["source"]]
    html = (PROBE / truth["page"]).read_text(encoding="utf-8")
    report = article_report(parse_article(html, truth["url"], source, now=now), source.timezone)
    wrong: dict[str, object] = {}

    if report["title"].strip() != expected["title"].strip():
        wrong["title"] = report["title"]
    assert report["published"], f"no date ({report['published_from']})"
    published = parse_utc(report["published"])
    local = published.astimezone(_zone(truth))
    if report["published_precision"] != truth["published_precision"]:
        wrong["precision"] = report["published_precision"]
    if truth["published_precision"] == "day":
        if local.date().isoformat() != truth["published_date"]:
            wrong["published"] = report["published"]
        if report["published_day"] != truth["published_date"]:
            wrong["published_day"] = report["published_day"]
    elif published.replace(second=0) != parse_utc(expected["published"]).replace(second=0):
        wrong["published"] = (report["published"], report["published_from"])
    if report["language"] != expected["language"]:
        wrong["language"] = report["language"]

    body = _norm(report["body"])
    starts = [expected["body_start"], truth.get("body_start_alt")]
    ends = [expected["body_end"], truth.get("body_end_alt")]
    if not any(s and body.startswith(_norm(s)) for s in starts):
        wrong["body_start"] = body[:120]
    if not any(e and body.endswith(_norm(e)) for e in ends):
        wrong["body_end"] = body[-120:]
    leaked = [x for x in expected["body_excludes"] if x.lower() in body.lower()]
    if leaked:
        wrong["excludes"] = leaked

    # a date from the page's other blocks: one of their minutes, or their day when it is
    # not the article's, or the day the tickers show
    shown_minute, shown_day = local.strftime("%Y-%m-%d %H:%M"), local.strftime("%Y-%m-%d")
    for other in truth["clutter_dates"]:
        if other in (shown_minute, shown_day) and shown_day != truth["local_shown"][:10]:
            wrong["clutter_date"] = other
    if shown_day == "2026-12-07":
        wrong["clutter_date"] = "the tickers' day, 2026-12-07"

    assert not wrong, f"{truth['behaviour'][:120]}: {wrong}"
