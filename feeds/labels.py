"""Human labels of the classifier's codes (countries, topics, event types, languages)
for feed categories, in the feed's language where known (docs/feeds.md, "Extras").

Country and language names come from the Unicode CLDR through Babel; topics and event
types are the project's own words, in English and Russian.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError

__all__ = ["SCHEMES", "Category", "categories", "label"]

# Each kind of category is a vocabulary of its own (Atom scheme, RSS domain).
SCHEMES = {
    kind: f"tag:diplofeed,2026:{kind}" for kind in ("country", "topic", "event_type", "language")
}

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "bilateral": "Bilateral relations",
        "multilateral": "Multilateral diplomacy",
        "water_energy": "Water and energy",
        "borders": "Borders",
        "transport_trade": "Transport and trade",
        "security_afghanistan": "Security and Afghanistan",
        "consular_migration": "Consular affairs and migration",
        "human_rights": "Human rights",
        "climate_environment": "Climate and environment",
        "economy_investment": "Economy and investment",
        "visit": "Visit",
        "meeting": "Meeting",
        "phone_call": "Phone call",
        "consultations": "Consultations",
        "statement": "Statement",
        "agreement": "Agreement",
        "appointment": "Appointment",
        "congratulation": "Congratulation",
        "conference": "Conference",
    },
    "ru": {
        "bilateral": "Двусторонние отношения",
        "multilateral": "Многосторонняя дипломатия",
        "water_energy": "Вода и энергетика",
        "borders": "Границы",
        "transport_trade": "Транспорт и торговля",
        "security_afghanistan": "Безопасность и Афганистан",
        "consular_migration": "Консульские вопросы и миграция",
        "human_rights": "Права человека",
        "climate_environment": "Климат и экология",
        "economy_investment": "Экономика и инвестиции",
        "visit": "Визит",
        "meeting": "Встреча",
        "phone_call": "Телефонный разговор",
        "consultations": "Консультации",
        "statement": "Заявление",
        "agreement": "Соглашение",
        "appointment": "Назначение",
        "congratulation": "Поздравление",
        "conference": "Конференция",
    },
}


@dataclass(frozen=True, slots=True)
class Category:
    """A feed category: the code, its vocabulary, and a label for people."""

    term: str
    scheme: str
    label: str


@functools.lru_cache(maxsize=16)
def _locale(language: str | None) -> Locale:
    try:
        return Locale.parse((language or "en").replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def label(kind: str, code: str, language: str | None = None) -> str:
    """A label for ``code`` of ``kind`` (country, topic, event_type, language) in
    ``language`` (else English; else the code itself)."""
    if kind == "country":
        names = _locale(language).territories
        return str(names.get(code) or _locale("en").territories.get(code) or code)
    if kind == "language":
        base, _, script = code.partition("-")
        locale = _locale(language)
        name = str(locale.languages.get(base) or _locale("en").languages.get(base) or code)
        return f"{name} ({locale.scripts.get(script, script)})" if script else name
    words = _WORDS.get((language or "en").split("-")[0], _WORDS["en"])
    return words.get(code) or _WORDS["en"].get(code) or code.replace("_", " ")


def categories(row: Mapping[str, Any], language: str | None = None) -> list[Category]:
    """A row's parties, topics, event type and language as categories, labelled in
    ``language``."""
    found: list[tuple[str, str]] = []
    for kind, column in (("country", "countries"), ("topic", "topics")):
        value = row.get(column)
        if isinstance(value, str) and value.startswith("["):
            found += [(kind, str(v)) for v in json.loads(value)]
    found += [(kind, str(row[kind])) for kind in ("event_type", "language") if row.get(kind)]
    return [
        Category(code, SCHEMES[kind], label(kind, code, language))
        for kind, code in dict.fromkeys(found)
    ]
