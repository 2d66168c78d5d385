"""The verdicts of `diplofeed check` (issue #18) from article pages, without a crawl."""

from __future__ import annotations

import dataclasses

from crawler.check import SourceCheck, _judge_pages, _verdict_without_articles
from crawler.registry import ExtractRules

from .conftest import FIXED_NOW

PAGE = """<html lang="ru"><head><meta charset="utf-8"></head><body><main>
<h1 class="{title}">Глава МИД принял Посла Турции</h1>{date}
<div class="{body}"><p>Министр иностранных дел провел встречу с Послом Турции. Стороны
обсудили расширение торгово-экономического сотрудничества.</p>
<p>По итогам встречи стороны договорились продолжить консультации.</p></div>
</main></body></html>"""


def _source(registry):
    rules = ExtractRules(title="h1.t", date=".d", body=".b")
    return dataclasses.replace(registry["mfa_kz"], extract=rules)


def _page(title="t", date_class="d", body="b", dated=True):
    date = f'<span class="{date_class}">26.11.2026, 10:15</span>' if dated else ""
    return PAGE.format(title=title, date=date, body=body)


def test_selectors_that_hit_and_agree_are_ok(registry):
    pages = [(f"https://www.mfa.kz/ru/{n}", _page()) for n in range(2)]
    check = _judge_pages(_source(registry), pages, FIXED_NOW)
    assert check.verdict == "ok"
    assert [f.summary(2) for f in check.fields] == [
        "title: selector 2/2; generic 2/2, agree 2/2",
        "date: selector 2/2; generic 2/2, agree 2/2",
        "body: selector 2/2; generic 2/2, agree 2/2",
    ]


def test_missed_selectors_name_the_fields_recovered_and_not(registry):
    pages = [
        ("https://www.mfa.kz/ru/1", _page(title="x", date_class="y", body="z", dated=False)),
        ("https://www.mfa.kz/ru/2", _page(title="x", date_class="y", body="z")),
    ]
    check = _judge_pages(_source(registry), pages, FIXED_NOW)
    assert check.verdict == "degraded"
    assert check.recovered == ["title", "body"]
    assert check.unrecovered == ["date"]
    assert check.reason == (
        "selectors missed on 2 of 2 pages; generic extraction recovered title, body, not date"
    )


def test_without_article_pages_the_failures_decide():
    refused = SourceCheck("s", "broken", "")
    _verdict_without_articles(refused, [{"kind": "http", "status": 429, "message": "HTTP 429"}])
    assert refused.verdict == "blocked"
    silent = SourceCheck("s", "broken", "")
    _verdict_without_articles(
        silent, [{"kind": "network", "status": None, "message": "Connection refused"}]
    )
    assert silent.verdict == "unreachable"
    empty = SourceCheck("s", "broken", "", pages=3)
    _verdict_without_articles(empty, [])
    assert empty.verdict == "broken"
