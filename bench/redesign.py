"""Redesign an article page the way a site's new theme would (issue #18).

Text, dates and metadata stay; the layout changes: every class and id is renamed, the
page's content is put in new wrappers, and blocks no site had before are added (a
related-news list with its own dates, a ticker and a "today" widget above the headline, a
cookie banner, a share bar). Nothing here knows any site: the same operations apply to
every page, chosen and placed by the seed.

``redesign(html, seed)`` returns the new page and the text it added, so a scorer can check
that none of it reached the extracted body and that no extracted date came from it.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import lxml.html
from lxml import etree

__all__ = ["Redesign", "redesign"]

# Words of the added blocks, in the region's languages (a redesign keeps the site's
# language; the blocks pick the page's <html lang> or Russian).
_RELATED = {
    "ru": ["Читайте также", "Другие новости", "Популярное", "Лента новостей"],
    "en": ["Related news", "More news", "Most read", "News feed"],
    "kk": ["Тағы оқыңыз", "Басқа жаңалықтар"],
    "uz": ["Yana o'qing", "Boshqa yangiliklar"],
}
_HEADLINES = {
    "ru": [
        "Премьер-министр провел совещание по развитию транспортной инфраструктуры",
        "В столице открылся международный форум по цифровой экономике",
        "Подписано соглашение о сотрудничестве в области образования",
        "Делегация парламента посетила с рабочим визитом соседнюю страну",
        "Объявлены итоги конкурса молодых дипломатов",
        "Состоялось заседание межправительственной комиссии по торговле",
    ],
    "en": [
        "Prime Minister chairs meeting on transport infrastructure development",
        "International digital economy forum opens in the capital",
        "Agreement on cooperation in education signed",
        "Parliamentary delegation pays working visit to neighbouring country",
        "Results of the young diplomats contest announced",
        "Intergovernmental trade commission holds regular meeting",
    ],
}
_COOKIES = {
    "ru": (
        (
            "Мы используем файлы cookie, чтобы сайт работал лучше. Продолжая пользоваться "
            "сайтом, вы соглашаетесь с политикой конфиденциальности."
        ),
        "Принять",
    ),
    "en": (
        (
            "We use cookies to improve your experience on our website. By continuing to browse "
            "you agree to our privacy policy."
        ),
        "Accept",
    ),
}
_TODAY = {
    "ru": "Сегодня",
    "en": "Today",
    "kk": "Бүгін",
    "ky": "Бүгүн",
    "uz": "Bugun",
    "tg": "Имрӯз",
    "tk": "Şu gün",
}
_SHARE = {"ru": "Поделиться в соцсетях:", "en": "Share this article:"}


def _dates(rng: random.Random, lang: str) -> list[str]:
    """Dates of other articles as themes print them, some relative, all plausible."""
    day, month, hour, minute = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 23), 5
    today = "Сегодня" if lang != "en" else "Today"
    yesterday = "Вчера" if lang != "en" else "Yesterday"
    months_ru = "января февраля марта апреля мая июня июля августа сентября октября ноября декабря"
    months_en = "January February March April May June July August September October November"
    name = (
        ([*months_en.split(), "December"])[month - 1]
        if lang == "en"
        else months_ru.split()[month - 1]
    )
    return [
        f"{today}, {hour:02d}:{minute:02d}",
        f"{yesterday}, {(hour + 3) % 24:02d}:{rng.randint(10, 59)}",
        f"{day:02d}.{month:02d}.2025 {hour:02d}:{rng.randint(10, 59)}",
        f"{day} {name} 2025, {(hour + 7) % 24:02d}:{rng.randint(10, 59)}",
        f"2025-{month:02d}-{day:02d} {(hour + 1) % 24:02d}:{rng.randint(10, 59)}",
        f"{rng.randint(10, 23)}:{rng.randint(10, 59)}",
    ]


@dataclass(slots=True)
class Redesign:
    html: str
    # text of the blocks the redesign added: none of it belongs in an article's body
    added_text: list[str] = field(default_factory=list)
    # the dates those blocks print: an extracted date read from one of them is wrong
    added_dates: list[str] = field(default_factory=list)


class _Names:
    """A new name for every class and id token, the same token renamed the same way."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: dict[str, str] = {}

    def __call__(self, token: str) -> str:
        if token not in self.names:
            length = self.rng.randint(4, 9)
            self.names[token] = self.rng.choice(string.ascii_lowercase) + "".join(
                self.rng.choice(string.ascii_lowercase + string.digits + "-_")
                for _ in range(length)
            )
        return self.names[token]


def _el(tag: str, names: _Names, text: str | None = None) -> etree._Element:
    element = lxml.html.Element(tag)
    element.set("class", names(f"new-{tag}-{names.rng.random()}"))
    if text:
        element.text = text
    return element


def _related_block(rng: random.Random, names: _Names, lang: str, out: Redesign) -> etree._Element:
    block = _el(rng.choice(["div", "section", "div"]), names)
    heading = _el(
        rng.choice(["div", "h3", "h2", "span"]),
        names,
        rng.choice(_RELATED.get(lang, _RELATED["ru"])),
    )
    block.append(heading)
    out.added_text.append(heading.text or "")
    headlines = _HEADLINES["en" if lang == "en" else "ru"]
    dates = _dates(rng, lang)
    listing = _el(rng.choice(["ul", "div"]), names)
    block.append(listing)
    for headline, printed in zip(rng.sample(headlines, 4), rng.sample(dates, 4), strict=True):
        item = _el("li" if listing.tag == "ul" else "div", names)
        when = _el(rng.choice(["span", "div", "time"]), names, printed)
        link = _el("a", names, headline)
        link.set("href", f"/news/{rng.randint(10000, 99999)}")
        # the date before or after its headline, outside the link
        item.extend([when, link] if rng.random() < 0.5 else [link, when])
        listing.append(item)
        out.added_text.append(headline)
        out.added_dates.append(printed)
    return block


def _ticker(
    rng: random.Random, names: _Names, lang: str, out: Redesign, today: date
) -> etree._Element:
    """A strip above the headline: the date and time the page is served (relative, or
    as today's full date, half the time labelled "today" in the page's language), the
    exchange rate."""
    ticker = _el("div", names)
    if rng.random() < 0.5:
        printed = _dates(rng, lang)[0]
    else:
        hour = rng.randint(0, 23)
        printed = f"{today:%d.%m.%Y} {hour:02d}:{rng.randint(10, 59)}"
        if hour % 2:
            printed = f"{_TODAY.get(lang, _TODAY['ru'])}: {printed}"
    ticker.append(_el("span", names, printed))
    ticker.append(_el("span", names, "USD 478.20 EUR 503.10"))
    out.added_dates.append(printed)
    out.added_text.append("USD 478.20 EUR 503.10")
    return ticker


def _cookie_banner(rng: random.Random, names: _Names, lang: str, out: Redesign) -> etree._Element:
    text, button = _COOKIES["en" if lang == "en" else "ru"]
    banner = _el("div", names)
    banner.append(_el("p", names, text))
    banner.append(_el("button", names, button))
    out.added_text.append(text)
    return banner


def _share_bar(rng: random.Random, names: _Names, lang: str, out: Redesign) -> etree._Element:
    bar = _el("div", names, _SHARE["en" if lang == "en" else "ru"])
    for network in ("Facebook", "Telegram", "WhatsApp", "X"):
        link = _el("a", names, network)
        link.set("href", f"https://share.example/{network.lower()}")
        bar.append(link)
    out.added_text.append(bar.text or "")
    return bar


def _wrap(element: etree._Element, rng: random.Random, names: _Names, depth: int) -> None:
    """Put ``element`` inside ``depth`` new nested divs, where it stood."""
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    tail, element.tail = element.tail, None
    outer = inner = _el(rng.choice(["div", "div", "section"]), names)
    for _ in range(depth - 1):
        child = _el("div", names)
        inner.append(child)
        inner = child
    parent.remove(element)
    inner.append(element)
    outer.tail = tail
    parent.insert(index, outer)


def _headline(doc: etree._Element) -> etree._Element | None:
    found = doc.xpath("//h1")
    return found[0] if found else None


def _article_container(headline: etree._Element | None, doc: etree._Element) -> etree._Element:
    """The smallest element holding the headline and most of the page's paragraphs."""
    paragraphs = doc.xpath("//p")
    node = headline
    while node is not None and node.tag != "body":
        inside = len(node.xpath(".//p"))
        if paragraphs and inside >= len(paragraphs) / 2:
            return node
        node = node.getparent()
    body = doc.find("body")
    return body if body is not None else doc


def _rename(doc: Any, names: Any) -> None:
    """Every class and id renamed, as a new theme names its own."""
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        if element.get("class"):
            element.set("class", " ".join(names(t) for t in element.get("class", "").split()))
        if element.get("id"):
            element.set("id", names(element.get("id", "")))


def _plain_divs(doc: Any) -> None:
    """The new theme uses plain divs where the old one had semantic elements."""
    for element in list(doc.iter("article", "section", "aside", "header", "main", "nav", "footer")):
        element.tag = "div"


def _place_related(container: Any, related: Any, rng: random.Random) -> None:
    """A "read also" box after the text, after the article's wrapper, or inside the text."""
    where = rng.random()
    paragraphs = container.xpath(".//p")
    if where < 0.4:
        container.append(related)  # inside the article's wrapper, after its text
    elif where < 0.7 or not paragraphs:
        container.addnext(related)
    else:
        paragraphs[0].addnext(related)  # a "read also" box inside the text


def _place_first_or_last(parent: Any, block: Any, rng: random.Random) -> None:
    if rng.random() < 0.5:
        parent.insert(0, block)
    else:
        parent.append(block)


def redesign(html: str, seed: int, today: date | None = None) -> Redesign:
    """The page in a new theme chosen by ``seed`` (same seed, same page, same result).

    ``today`` is the day the page is served: widgets print it (default: today, UTC).
    """
    today = today or datetime.now(UTC).date()
    rng = random.Random(seed)
    names = _Names(rng)
    doc = lxml.html.document_fromstring(html)
    lang = (doc.get("lang") or "ru").split("-")[0].lower()
    out = Redesign(html="")
    _rename(doc, names)
    if rng.random() < 0.5:
        _plain_divs(doc)
    headline = _headline(doc)
    container = _article_container(headline, doc)
    # new wrappers: around the article's container, around the headline, around blocks
    if headline is not None:
        _wrap(headline, rng, names, rng.randint(1, 2))
    for block in [c for c in container if isinstance(c.tag, str)][:8]:
        if rng.random() < 0.4:
            _wrap(block, rng, names, rng.randint(1, 2))
    _wrap(container, rng, names, rng.randint(1, 3))
    # blocks a new theme adds
    _place_related(container, _related_block(rng, names, lang, out), rng)
    share = _share_bar(rng, names, lang, out)
    if rng.random() < 0.5:
        container.append(share)
    else:
        container.insert(0, share)
    if headline is not None:
        wrapper = headline.getparent()
        assert wrapper is not None
        wrapper.addprevious(_ticker(rng, names, lang, out, today))
    body = doc.find("body")
    if body is not None:
        _place_first_or_last(body, _cookie_banner(rng, names, lang, out), rng)
    out.html = lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")
    return out
