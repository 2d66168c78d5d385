"""Source health classification (issue #3): one case per status and boundary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storage.health import classify

AS_OF = datetime(2026, 11, 28, tzinfo=UTC)
DAILY = [AS_OF - timedelta(days=d, hours=3) for d in range(10)]  # a post a day, newest 3 h ago


def stats(**over):
    return {
        "pages": 12,
        "articles": 10,
        "new": 2,
        "failed": 0,
        "complete": 10,
        "empty_body": 0,
        "selector_misses": 0,
        **over,
    }


@pytest.mark.parametrize(
    ("figures", "failures", "published", "status"),
    [
        (stats(), [], DAILY, "ok"),
        (
            stats(failed=2),
            [{"kind": "http", "status": 500, "message": "HTTP 500"}],
            DAILY,
            "degraded",
        ),
        (stats(complete=7), [], DAILY, "degraded"),
        (stats(selector_misses=3), [], DAILY, "degraded"),
        (stats(articles=0, pages=4), [], DAILY, "broken"),
        (
            stats(articles=0, pages=0, failed=1),
            [{"kind": "http", "status": 404, "message": "HTTP 404"}],
            DAILY,
            "broken",
        ),
        # issue #18: the selectors stop matching, the generic path keeps articles coming
        (stats(selector_misses=10), [], DAILY, "degraded"),
        (stats(empty_body=10, complete=0), [], DAILY, "broken"),
        (
            stats(articles=0, pages=0, failed=1),
            [{"kind": "http", "status": 403, "message": "HTTP 403"}],
            DAILY,
            "blocked",
        ),
        (
            stats(articles=0, pages=0, failed=1),
            [{"kind": "http", "status": 429, "message": "HTTP 429"}],
            DAILY,
            "blocked",
        ),
        (
            stats(articles=0, pages=0, failed=1),
            [
                {
                    "kind": "network",
                    "status": None,
                    "message": "SSL routines: certificate verify failed",
                }
            ],
            DAILY,
            "unreachable",
        ),
        # a daily source silent for 6 days is stale; one that posts weekly is not yet
        (stats(new=0), [], [d - timedelta(days=6) for d in DAILY], "stale"),
        (stats(new=0), [], [AS_OF - timedelta(days=6 + 7 * w) for w in range(6)], "ok"),
        # never under four days: a source that posts hourly is not stale after a weekend
        (stats(new=0), [], [AS_OF - timedelta(days=3, hours=h) for h in range(10)], "ok"),
        # a burst of releases after one meeting, then a quiet weekend: not stale
        (
            stats(new=0),
            [],
            [AS_OF - timedelta(days=3, minutes=m) for m in range(0, 50, 10)]
            + [AS_OF - timedelta(days=8)],
            "ok",
        ),
    ],
)
def test_classify(figures, failures, published, status):
    health = classify(figures, failures, published, AS_OF)
    assert health.status == status, health.reason
    assert health.reason


def test_a_403_with_articles_read_is_not_blocked():
    failures = [{"kind": "http", "status": 403, "message": "HTTP 403"}]
    assert classify(stats(failed=1), failures, DAILY, AS_OF).status == "degraded"


NOTHING = stats(articles=0, pages=0, failed=1, new=0, complete=0)


@pytest.mark.parametrize(
    ("failure", "status"),
    [
        # the way to the host fails: unreachable, whatever the site would have said
        ({"kind": "network", "status": None, "message": "DNS lookup failed"}, "unreachable"),
        ({"kind": "timeout", "status": None, "message": "timed out"}, "unreachable"),
        (
            {
                "kind": "network",
                "status": None,
                "message": "ConnectionRefusedError: Connection was refused by other side",
            },
            "unreachable",
        ),
        # the host answers and refuses us: blocked
        ({"kind": "http", "status": 451, "message": "HTTP 451"}, "blocked"),
        ({"kind": "parse", "status": 200, "message": "a captcha page"}, "blocked"),
        # the host answers with an error page: the address moved, broken
        ({"kind": "http", "status": 404, "message": "HTTP 404"}, "broken"),
    ],
)
def test_unreachable_blocked_and_broken_are_told_apart(failure, status):
    health = classify(NOTHING, [failure], DAILY, AS_OF)
    assert health.status == status, health.reason


def test_pages_with_no_article_are_broken_not_unreachable():
    health = classify(stats(articles=0, pages=3, failed=2, new=0), [], DAILY, AS_OF)
    assert (health.status, health.reason) == (
        "broken",
        "3 page(s) fetched but no article found: the layout changed?",
    )


def test_the_reason_follows_the_figures():
    one = classify(stats(failed=1), [], DAILY, AS_OF)
    two = classify(stats(failed=3, complete=5), [], DAILY, AS_OF)
    assert one.status == two.status == "degraded"
    assert one.reason == "1 page(s) failed"
    assert two.reason == "3 page(s) failed; only 50% of articles have title, date and body"


def test_every_rule_is_a_status_word():
    from storage.health import RULES, STATUSES

    assert [rule.__name__ for rule in RULES] + ["ok"] == list(STATUSES)


def test_selector_drift_reason_names_the_rate_and_fields():
    """Issue #18: drift is loud, with the hit rate and the fields whose selectors missed."""
    health = classify(
        stats(selector_misses=9, selector_pages=10, date_selector_misses=9, body_selector_misses=9),
        [],
        DAILY,
        AS_OF,
    )
    assert health.status == "degraded"
    assert (
        health.reason == "selectors missed on 9 of 10 pages (date, body); generic extraction used"
    )
