"""Extraction against every recorded article of every source.

The truth files in tests/extraction/<source>/<case>.json were written from the pages
themselves (title, UTC date to the minute, language, first and last sentence of the
body, boilerplate that must not be in it), independently of the extractor.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.extract import parse_api, parse_article, parse_feed, parse_telegram
from storage import format_utc

from .conftest import FIXED_NOW, load_json

CASES = sorted(Path(__file__).with_name("extraction").glob("*/*.json"))


def extract_case(case: dict, source, archive):
    recorded = archive.lookup(case["page"], case.get("request_headers"))
    assert recorded is not None, f"{case['page']} is not in the replay archive"
    if source.strategy == "api":
        headers = case.get("request_headers") or {}
        language = headers.get("Accept-Language") or source.language_for_url(case["page"]) or ""
        articles = parse_api(recorded.body, case["page"], language, source).articles
    elif source.strategy == "telegram":
        articles = parse_telegram(recorded.text(), case["page"], source).articles
    elif source.strategy == "rss" and source.full_text:
        articles = parse_feed(recorded.body, case["page"], source)[1]
    else:
        return parse_article(recorded.text(), case["url"], source, now=FIXED_NOW)
    matches = [a for a in articles if a.url == case["url"]]
    assert len(matches) == 1, f"{case['url']} found {len(matches)} times in {case['page']}"
    return matches[0]


def test_every_registered_source_has_cases(registry):
    covered = {p.parent.name for p in CASES}
    assert set(registry) <= covered, f"sources without extraction cases: {set(registry) - covered}"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_extraction_case(path, registry, archive):
    case = load_json(path)
    source = registry[path.parent.name]
    expected = case["expected"]
    article = extract_case(case, source, archive)

    assert article.title == expected["title"]
    assert article.published is not None, "no date extracted"
    assert format_utc(article.published) == expected["published"]
    assert article.language == expected["language"]
    first_line = article.body.split("\n\n")[0]
    assert article.body.startswith(expected["body_start"]), f"body starts: {first_line[:160]!r}"
    assert article.body.rstrip().endswith(expected["body_end"]), (
        f"body ends: {article.body[-200:]!r}"
    )
    for unwanted in expected.get("body_excludes", []):
        assert unwanted not in article.body, f"boilerplate in body: {unwanted!r}"
    if expected.get("image"):
        assert article.image == expected["image"]
