"""Telegram channel previews: one behaviour per case on small pages shaped like t.me/s."""

from __future__ import annotations

import dataclasses

import pytest

from crawler.extract import parse_telegram
from diplofeed.errors import ExtractionError
from storage import format_utc


def post(ident, text, when="2026-11-25T11:12:19+00:00", extra=""):
    return f"""
<div class="tgme_widget_message_wrap js-widget_message_wrap">
 <div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="uzbekmfa/{ident}">
  {extra}
  <div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>
  <div class="tgme_widget_message_footer compact js-message_footer">
   <span class="tgme_widget_message_views">12.3K</span>
   <a class="tgme_widget_message_date" href="https://t.me/uzbekmfa/{ident}"><time datetime="{when}" class="time">16:12</time></a>
  </div>
 </div>
</div>"""


def page(*posts, before=None):
    more = (
        (
            f'<a class="tme_messages_more js-messages_more" data-before="{before}" '
            f'href="/s/uzbekmfa?before={before}"></a>'
        )
        if before
        else ""
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>O‘zbekiston TIV – Telegram</title></head>'
        f'<body><section class="tgme_channel_history js-message_history">{more}{"".join(posts)}</section></body></html>'
    )


@pytest.fixture
def source(registry):
    return dataclasses.replace(
        registry["kabar"],
        id="uzbekmfa",
        strategy="telegram",
        timezone="Asia/Tashkent",
        languages=("uz", "ru", "en"),
    )


def test_bold_headline_is_the_title_and_footer_lines_are_dropped(source):
    text = (
        "<b>Oʻzbekiston va Qirgʻiziston tashqi ishlar vazirlari telefon orqali muloqot qildi</b><br/><br/>"
        "Tashqi ishlar vaziri Baxtiyor Saidov Qirgʻiziston TIV rahbari Jeenbek Kulubayev bilan telefon orqali "
        "suhbatlashdi.<br/><br/>Tomonlar Qambarota-1 GES loyihasini muhokama qildi.<br/><br/>"
        'Batafsil: <a href="https://mfa.uz/uz/press/news/2026/11/25123/">https://mfa.uz/uz/press/news/2026/11/25123/</a>'
        "<br/><br/>Facebook | Telegram | YouTube | www.mfa.uz"
    )
    result = parse_telegram(page(post(5123, text)), "https://t.me/s/uzbekmfa", source)
    article = result.articles[0]
    assert article.url == "https://t.me/uzbekmfa/5123"
    assert (
        article.title
        == "Oʻzbekiston va Qirgʻiziston tashqi ishlar vazirlari telefon orqali muloqot qildi"
    )
    assert article.body.startswith("Tashqi ishlar vaziri Baxtiyor Saidov")
    assert article.body.endswith("loyihasini muhokama qildi.")
    assert format_utc(article.published) == "2026-11-25T11:12:19Z"
    assert article.language == "uz"


def test_without_a_headline_the_first_sentence_is_the_title(source):
    text = (
        "Министр иностранных дел Узбекистана принял Посла Японии. Стороны обсудили подготовку визита.<br/>"
        "Особое внимание уделено транспортным коридорам."
    )
    article = parse_telegram(page(post(5124, text)), "https://t.me/s/uzbekmfa", source).articles[0]
    assert article.title == "Министр иностранных дел Узбекистана принял Посла Японии."
    assert (
        article.body
        == "Стороны обсудили подготовку визита.\n\nОсобое внимание уделено транспортным коридорам."
    )
    assert article.language == "ru"


def test_quoted_reply_text_is_not_the_post(source):
    reply = (
        '<a class="tgme_widget_message_reply"><div class="tgme_widget_message_text js-message_text">'
        "Старый пост</div></a>"
    )
    article = parse_telegram(
        page(post(5125, "<b>Новый пост</b><br/>Текст нового поста.", extra=reply)),
        "https://t.me/s/uzbekmfa",
        source,
    ).articles[0]
    assert article.title == "Новый пост" and "Старый" not in article.body


def test_older_posts_link(source):
    result = parse_telegram(
        page(post(5126, "<b>Пост</b><br/>Текст."), before=5126), "https://t.me/s/uzbekmfa", source
    )
    assert result.older_url == "https://t.me/s/uzbekmfa?before=5126"


def test_a_page_without_posts_is_an_error(source):
    with pytest.raises(ExtractionError, match="no posts"):
        parse_telegram(
            "<html><body><div class='tgme_page'>Channel</div></body></html>",
            "https://t.me/uzbekmfa",
            source,
        )
