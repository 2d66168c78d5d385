"""Public Telegram channel previews (``https://t.me/s/<channel>``) to articles.

Markup as the public scrapers' record describes it (snscrape and others read the same): each post is a
``div.tgme_widget_message[data-post="<channel>/<id>"]``, its text in
``div.tgme_widget_message_text``, its time in ``a.tgme_widget_message_date time[datetime]``
(already UTC), and ``a.tme_messages_more[data-before]`` leads to older posts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from crawler.errors import ExtractionError
from storage.normalize import clean_text, join_url

from .dates import parse_date
from .language import detect_language
from .model import Article
from .text import element_to_paragraphs, paragraphs_to_html, strip_boilerplate

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["TelegramPage", "parse_telegram"]

_BACKGROUND = re.compile(r"background-image\s*:\s*url\(['\"]?([^'\")]+)['\"]?\)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"«(\w])")
_TITLE_MAX = 160


@dataclass(slots=True)
class TelegramPage:
    articles: list[Article] = field(default_factory=list)
    older_url: str | None = None


def _title_and_body(text_el: lxml.html.HtmlElement) -> tuple[str, list[str]]:
    """A post's headline and the paragraphs after it.

    Channels put a bold first line as the headline; without one, the first sentence is
    the title and the rest of the post is the body.
    """
    first = next(iter(text_el), None)
    starts_bold = (
        first is not None and first.tag in ("b", "strong") and not (text_el.text or "").strip()
    )
    paragraphs = element_to_paragraphs(text_el)
    if not paragraphs:
        return "", []
    if starts_bold and first is not None:
        headline = clean_text(first.text_content()).replace("\n", " ")
        rest = (
            paragraphs[0][len(headline) :].strip(" .:—–-")
            if paragraphs[0].startswith(headline)
            else ""
        )
        return headline.rstrip(":"), ([rest] if rest else []) + paragraphs[1:]
    sentences = _SENTENCE_END.split(paragraphs[0], maxsplit=1)
    title = sentences[0]
    if len(title) > _TITLE_MAX:
        title = title[:_TITLE_MAX].rsplit(" ", 1)[0] + "…"
        return title, paragraphs
    rest = sentences[1] if len(sentences) > 1 else ""
    return title, ([rest] if rest else []) + paragraphs[1:]


def parse_telegram(html: str, url: str, source: Source) -> TelegramPage:
    """Read the posts of one channel preview page, and the link to older posts.

    Raises:
        ExtractionError: the page has no posts (the channel has no public preview: t.me
            then answers its plain channel page, or the markup changed).
    """
    try:
        doc = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"{source.id}: unreadable Telegram page {url}: {exc}") from exc
    posts = doc.cssselect("div.tgme_widget_message[data-post]")
    if not posts:
        raise ExtractionError(
            f"{source.id}: no posts on {url} (no public preview, or the markup changed)"
        )
    page = TelegramPage()
    for post in posts:
        channel_post = post.get("data-post", "")
        texts = [
            t
            for t in post.cssselect("div.tgme_widget_message_text")
            if not any(
                "tgme_widget_message_reply" in (a.get("class") or "") for a in t.iterancestors()
            )
        ]
        times = post.cssselect("a.tgme_widget_message_date time[datetime]")
        if not texts or not times or "/" not in channel_post:
            continue  # a photo or a service message without text
        title, paragraphs = _title_and_body(texts[0])
        if not title:
            continue
        paragraphs = strip_boilerplate(paragraphs, source.extract.boilerplate)
        body = "\n\n".join(paragraphs)
        image = None
        for wrap in post.cssselect("a.tgme_widget_message_photo_wrap, i.link_preview_image"):
            match = _BACKGROUND.search(wrap.get("style", ""))
            if match:
                image = match.group(1)
                break
        forwarded = post.cssselect(".tgme_widget_message_forwarded_from_name")
        page.articles.append(
            Article(
                source=source.id,
                url=f"https://t.me/{channel_post}",
                title=title,
                body=body,
                body_html=paragraphs_to_html(paragraphs),
                summary=paragraphs[0][:300] if paragraphs else "",
                published=parse_date(times[0].get("datetime"), source.tz),
                published_from="telegram",
                language=detect_language(f"{title}\n{body}", allowed=source.languages),
                author=clean_text(forwarded[0].text_content()) if forwarded else None,
                image=image,
            )
        )
    more = doc.cssselect("a.tme_messages_more[data-before]")
    if more:
        href = more[0].get("href") or ""
        channel = posts[0].get("data-post", "").split("/")[0]
        page.older_url = (
            join_url(url, href)
            if "before=" in href
            else (f"https://t.me/s/{channel}?before={more[0].get('data-before')}")
        )
    return page
