"""``diplofeed check``: a live self-test of sources (docs/sources.md, "Checking a source").

Each source is crawled as a crawl would (the real Scrapy engine, robots.txt, its
spider) into a throw-away store, its start pages and a few articles kept; each article
page is then read twice, with the registry's selectors and by the generic path alone,
and every field compared. The verdict per source: ``ok``, ``degraded`` (selectors
missed; the generic path read the fields), ``broken`` (no article could be read),
``unreachable`` (nothing answered) or ``blocked`` (the site refused: 401/403/429/451).
"""

from __future__ import annotations

import dataclasses
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.extracting import decode_document, parse_document
from crawler.registry import ExtractRules, Source, load_registry
from crawler.replay.archive import ReplayArchive
from crawler.replay.record import Recording, recorder_settings
from storage import Store, format_utc

__all__ = ["FIELDS", "FieldCheck", "SourceCheck", "check_sources"]

FIELDS = ("title", "date", "body")
_BLOCKING = {401, 403, 407, 429, 451}


@dataclass(slots=True)
class FieldCheck:
    """One field over the pages checked: where the selector hit, what the generic path
    found, and whether the two agreed where both gave a value."""

    name: str
    has_selector: bool
    selector_hits: int = 0
    generic_found: int = 0
    agree: int = 0
    compared: int = 0

    def summary(self, pages: int) -> str:
        generic = f"generic {self.generic_found}/{pages}"
        if not self.has_selector:
            return f"{self.name}: no selector; {generic}"
        agree = f", agree {self.agree}/{self.compared}" if self.compared else ""
        return f"{self.name}: selector {self.selector_hits}/{pages}; {generic}{agree}"


@dataclass(slots=True)
class SourceCheck:
    source: str
    verdict: str
    reason: str
    pages: int = 0
    articles: int = 0
    fields: list[FieldCheck] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    unrecovered: list[str] = field(default_factory=list)


def _body_start(text: str) -> str:
    return text[:120]


def _read(html: str, url: str, source: Source, now: datetime) -> dict[str, Any]:
    try:
        article = parse_document("article", url, source, text=html, now=now)
    except Exception:  # noqa: BLE001 - an unreadable page is a finding, reported as empty
        return {"title": "", "date": None, "body": "", "missed": set(FIELDS)}
    return {
        "title": article.title,
        "date": format_utc(article.published) if article.published else None,
        "body": _body_start(article.body),
        "missed": set(article.missed_selectors),
    }


def _judge_pages(source: Source, pages: list[tuple[str, str]], now: datetime) -> SourceCheck:
    rules = source.extract
    generic_source = dataclasses.replace(
        source, extract=ExtractRules(boilerplate=rules.boilerplate)
    )
    checks = {name: FieldCheck(name, bool(getattr(rules, name))) for name in FIELDS}
    for url, html in pages:
        with_rules = _read(html, url, source, now)
        generic = _read(html, url, generic_source, now)
        for name, check in checks.items():
            if generic[name]:
                check.generic_found += 1
            if check.has_selector and name not in with_rules["missed"]:
                check.selector_hits += 1
                if generic[name]:
                    check.compared += 1
                    check.agree += with_rules[name] == generic[name]
    result = SourceCheck(source.id, "ok", "", articles=len(pages), fields=list(checks.values()))
    missed = [c for c in checks.values() if c.has_selector and c.selector_hits < len(pages)]
    result.recovered = [c.name for c in missed if c.generic_found == len(pages)]
    result.unrecovered = [c.name for c in checks.values() if c.generic_found < len(pages)]
    if missed:
        worst = max(len(pages) - c.selector_hits for c in missed)
        result.verdict = "degraded"
        result.reason = (
            f"selectors missed on {worst} of {len(pages)} pages; generic extraction "
            f"recovered {', '.join(result.recovered) or 'nothing'}"
            + (f", not {', '.join(result.unrecovered)}" if result.unrecovered else "")
        )
    elif result.unrecovered:
        result.verdict = "degraded"
        result.reason = f"no {', '.join(result.unrecovered)} on some pages"
    else:
        result.reason = f"{len(pages)} article page(s) read; every field found"
    return result


def _verdict_without_articles(check: SourceCheck, failures: list[dict[str, Any]]) -> None:
    statuses = [f.get("status") for f in failures]
    if any(s in _BLOCKING for s in statuses):
        code = next(s for s in statuses if s in _BLOCKING)
        check.verdict, check.reason = "blocked", f"the site refused the requests (HTTP {code})"
    elif failures and all(f.get("kind") in ("network", "timeout") for f in failures):
        first = str(failures[0].get("message", ""))[:100]
        check.verdict, check.reason = "unreachable", f"no answer from the site ({first})"
    elif check.pages == 0 and not failures:
        check.verdict, check.reason = "unreachable", "no page could be fetched"
    else:
        check.verdict = "broken"
        check.reason = f"{check.pages} page(s) fetched but no article page could be read" + (
            f"; {len(failures)} failure(s), first: {failures[0].get('message')}" if failures else ""
        )


def check_sources(
    sources: list[str] | None = None,
    *,
    articles: int = 3,
    registry: str | Path | None = None,
    replay_url: str | None = None,
) -> list[SourceCheck]:
    """Check sources live (default: every source in the registry).

    Raises:
        SourceConfigError: an unknown source id or a broken registry.
    """
    from crawler.runner import run_crawl

    entries = load_registry(registry)
    chosen = sources or list(entries)
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="diplofeed-check-") as tmp:
        folder = Path(tmp) / "pages"
        recording = Recording(folder, now.replace(microsecond=0))
        db = Path(tmp) / "check.db"
        result = run_crawl(
            db,
            chosen,
            registry=registry,
            replay_url=replay_url,
            log_level="ERROR",
            settings=recorder_settings(folder, recording, articles),
        )
        with Store(db) as store:
            failures = store.failures(result.run_id)
        archive = ReplayArchive.load([folder]) if (folder / "responses.toml").exists() else None
        report = []
        for source_id in chosen:
            source = entries[source_id]
            mine = [f for f in failures if f.get("source") == source_id]
            pages = []
            for url in recording.articles:
                recorded = archive.lookup(url) if archive else None
                if recorded is not None and _belongs(url, source) and recorded.status == 200:
                    content_type = recorded.headers.get("Content-Type", "")
                    pages.append((url, decode_document(recorded.body, content_type)[0]))
            fetched = sum(1 for e in recording.responses if _belongs(e["url"], source))
            stored = int((result.stats.get(source_id) or {}).get("articles") or 0)
            if pages:
                check = _judge_pages(source, pages[:articles], now)
                check.pages = fetched
            elif stored:
                # a feed, an API or a Telegram channel: articles without pages of their own
                check = SourceCheck(
                    source_id,
                    "ok",
                    f"{stored} article(s) read from its {source.strategy} answers; "
                    "no article pages to try selectors on",
                    pages=fetched,
                    articles=stored,
                )
            else:
                check = SourceCheck(source_id, "broken", "", pages=fetched)
                _verdict_without_articles(check, mine)
            report.append(check)
    return report


def _belongs(url: str, source: Source) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return any((urlsplit(u).hostname or "").removeprefix("www.") == host for u in source.start_urls)
