"""Language identification for the region's languages (issue #2, #3)."""

from __future__ import annotations

import pytest

from crawler.extract.language import detect_language, normalise_language_tag

TEXTS = {
    "ru": "Министр иностранных дел Республики Казахстан Ермек Кошербаев провел переговоры с коллегой из Кыргызстана.",
    "kk": "Қазақстан Республикасының Сыртқы істер министрі Ермек Көшербаев Қырғыз Республикасының Сыртқы істер министрімен келіссөздер жүргізді.",
    "ky": "Кыргыз Республикасынын Тышкы иштер министри Жээнбек Кулубаев Казакстандын тышкы иштер министри менен сүйлөшүү жүргүздү.",
    "tg": "Вазири корҳои хориҷии Ҷумҳурии Тоҷикистон Сироҷиддин Муҳриддин бо ҳамтои қазоқистонии худ мулоқот кард.",
    "uz": "Oʻzbekiston Respublikasi tashqi ishlar vaziri Baxtiyor Saidov Qozogʻiston bilan muzokaralar oʻtkazdi.",
    "uz-Cyrl": "Ўзбекистон Республикаси ташқи ишлар вазири Бахтиёр Саидов Қозоғистон билан музокаралар ўтказди.",
    "tk": "Türkmenistanyň Daşary işler ministri Raşit Meredow Gazagystanyň wekiliýeti bilen duşuşdy.",
    "en": "The Minister of Foreign Affairs of Kazakhstan held talks with his Kyrgyz counterpart in Astana.",
}


@pytest.mark.parametrize(("expected", "text"), TEXTS.items(), ids=list(TEXTS))
def test_letters_decide(expected, text):
    assert detect_language(text) == expected


def test_letters_beat_a_wrong_template_lang():
    assert detect_language(TEXTS["kk"], html_language="ru") == "kk"


def test_url_hint_decides_when_text_is_short():
    assert detect_language("Астана", url_language="ru") == "ru"
    assert detect_language("", html_language="kz") == "kk"


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("ru-RU", "ru"),
        ("kz", "kk"),
        ("kg", "ky"),
        ("uz-Cyrl", "uz-Cyrl"),
        ("uz_Latn", "uz"),
        ("tj", "tg"),
        ("tm", "tk"),
        ("EN", "en"),
        ("fr", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_language_tag(tag, code):
    assert normalise_language_tag(tag) == code
