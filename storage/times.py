"""The store's timestamps: ISO 8601 text in UTC with a ``Z`` (docs/schema.md)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_utc", "parse_utc", "utcnow"]


def format_utc(moment: datetime) -> str:
    """Return ``moment`` as the store's timestamp text: ISO 8601 in UTC, ``...Z``.

    Raises:
        ValueError: if ``moment`` is naive (its zone would be a guess).
    """
    if moment.tzinfo is None:
        raise ValueError(f"naive datetime {moment!r}: the store keeps aware times only")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    """Parse a timestamp written by :func:`format_utc` back to an aware datetime."""
    return datetime.fromisoformat(text).astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)
