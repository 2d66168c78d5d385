"""HTML fragments to paragraphs, and the boilerplate that never belongs in a body."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import lxml.html
from lxml import etree

from storage.normalize import clean_text

__all__ = [
    "COMMON_BOILERPLATE",
    "fragment_to_paragraphs",
    "paragraphs_to_html",
    "strip_boilerplate",
]

# Paragraphs that sites of the region append to every article; matched against a whole
# paragraph (case-insensitive). Per-source patterns live in the registry.
COMMON_BOILERPLATE: tuple[str, ...] = (
    r"^(?:при (?:полном или частичном )?(?:использовании|цитировании)|использование материалов).{0,200}(?:обязательна|запрещено|разрешено).*$",
    r"^this information may not be reproduced.*$",
    r"^если вы (?:нашли|заметили) ошибку.*$",
    r".*\bctrl\s*\+\s*enter\b.*",
    # "Читайте также:" alone, or followed by the related article's title (an inline link)
    r"^(?:читайте также|смотрите также|по теме|read also|see also|related news|тақырыпқа орай|кенен окуңуз)\s*(?::.*)?$",
    r"^(?:подписывайтесь|subscribe to) .{0,120}(?:telegram|телеграм|instagram|facebook).*$",
    r"^(?:facebook|telegram|youtube|twitter|instagram)(?:\s*\|\s*(?:facebook|telegram|youtube|twitter|instagram|x|www\.\S+))+\s*$",
    r"^(?:фото|foto|photo|сурет|сүрөт|images?)\s*[:|]\s*\S.{0,60}$",
    # a caption line: "Bakhtiyor Saidov. Photo: MFA of Uzbekistan"
    r"^.{0,100}[.,]\s*(?:фото|foto|photo|сурет|сүрөт|акс)\s*:\s*\S.{0,60}$",
    # copyright and reproduction notices, in the region's languages
    r"^(?:©|\(c\)|copyright\b).{0,200}$",
    r"^.{0,150}(?:все права защищены|all rights reserved|barcha huquqlar himoyalangan|барча ҳуқуқлар ҳимояланган|барлық құқықтар қорғалған|бардык укуктар корголгон|ҳамаи ҳуқуқҳо ҳифз шудаанд|ähli hukuklary goragly).{0,100}$",
    r"^.{0,120}(?:не может быть воспроизведен|may not be (?:reproduced|reprinted)|without (?:the )?(?:written )?permission).{0,200}$",
    r"^.{0,120}(?:foydalanilganda|фойдаланилганда|пайдаланғанда|колдонууда|истифода).{0,120}(?:shart|шарт|міндетті|милдеттүү|ҳатмист|зарур).{0,20}$",
    r"^.{0,80}(?:when using|using (?:the )?materials|при использовании|материалдарды пайдаланғанда).{0,120}(?:hyperlink|link|ссылк|гиперссылк|сілтеме).{0,60}(?:required|obligatory|mandatory|обязательн|міндетті).{0,5}$",
    # an age rating left from the footer
    r"^\d{1,2}\+$",
    # "more at <link>" closing lines of Telegram posts and teasers
    r"^(?:batafsil|батафсил|подробнее|толығырақ|толук маалымат|read more|more|details)\s*:?\s*(?:https?://\S+|t\.me/\S+)?\s*$",
    # ad-slot labels left inside article bodies
    r"^(?:реклама|жарнама|жарнак|advertisement|reklama)$",
)
_BLOCK_TAGS = {
    "p",
    "div",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "tr",
    "section",
    "article",
    "pre",
    "figcaption",
    "dd",
    "dt",
}
_SKIP_TAGS = {"script", "style", "noscript", "iframe", "form", "button", "svg", "template", "head"}


def fragment_to_paragraphs(fragment: str) -> list[str]:
    """Split an HTML fragment into text paragraphs at block elements and ``<br>`` runs."""
    if not fragment or not fragment.strip():
        return []
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return [
            p
            for p in clean_text(html.unescape(re.sub(r"<[^>]+>", " ", fragment))).split("\n\n")
            if p
        ]
    return element_to_paragraphs(root)


def element_to_paragraphs(root: lxml.html.HtmlElement) -> list[str]:
    """Return the paragraphs of text inside an lxml element, skipping scripts and forms."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        text = clean_text(" ".join(current))
        if text:
            paragraphs.append(text.replace("\n", " "))
        current.clear()

    def walk(el: lxml.html.HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP_TAGS:
            if el.tail:
                current.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if tag == "br":
            flush()
        if el.text and tag:
            current.append(el.text)
        for child in el:
            walk(child)
        if block:
            flush()
        if el.tail:
            current.append(el.tail)

    walk(root)
    flush()
    return paragraphs


def strip_boilerplate(paragraphs: Iterable[str], patterns: Iterable[str] = ()) -> list[str]:
    """Drop paragraphs that match the common or the source's boilerplate patterns."""
    compiled = [re.compile(p, re.IGNORECASE) for p in (*COMMON_BOILERPLATE, *patterns)]
    return [p for p in paragraphs if not any(rx.match(p) for rx in compiled)]


def paragraphs_to_html(paragraphs: Iterable[str]) -> str:
    """Render plain paragraphs as safe HTML (``<p>`` each, text escaped)."""
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
