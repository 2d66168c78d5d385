"""The generic path: an article read from the page's structure, not from its class names.

Used when a source has no selectors or its selectors miss (a redesign renamed them). It
knows no site: it prunes what is not the article (cookie banners, share bars, lists of
links to other articles, captions, forms), finds the headline, and reads the date printed
next to it. See docs/sources.md, "When the selectors miss".
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

import lxml.html
from lxml import etree

from storage.normalize import clean_text

from .dates import names_today, parse_date

__all__ = [
    "Dateline",
    "dateline",
    "has_clock",
    "prune_within",
    "pruned",
    "site_credit",
    "todays_dates",
    "without_datelines",
]

# Never article text, whatever the site.
_NOISE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "form",
    "button",
    "nav",
    "footer",
    "figcaption",
    "svg",
    "select",
    "input",
)
_BLOCKS = ("div", "section", "aside", "ul", "ol", "table", "dl", "header", "article", "p", "span")
# A cookie or consent notice names itself: it is the one block that speaks of cookies.
_COOKIE = re.compile(r"\bcookies?\b|\bкуки\b|cookie-?файл|\bпеченье\b", re.IGNORECASE)
# A site's footer says whose the rights are; an article does not.
_RIGHTS = re.compile(
    r"©|all rights reserved|все права защищены|barcha huquqlar|барча ҳуқуқлар|"
    r"барлық құқықтар|бардык укуктар|ҳамаи ҳуқуқҳо|ähli hukuklary",
    re.IGNORECASE,
)
# Share bars link to the networks' share endpoints.
_SHARE_HREF = re.compile(
    r"share|sharer|intent/tweet|send\?text|whatsapp:|tg://|t\.me/share|connect\.ok\.ru|vk\.com/share",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"(?<![\d:])(?:[01]?\d|2[0-3]):[0-5]\d(?![\d])")
_LONG_PARAGRAPH = 80
# what is left of a block whose list was dropped: its heading ("Другие новости")
_LABEL = 40
# a date line is short: "25.11.2026 14:30 | 1 843 views", not a sentence of the body
_MAX_DATELINE = 90
# a link this long is another article's headline (a category link is a word or two)
_HEADLINE_LINK = 30


def has_clock(text: str) -> bool:
    """Whether a printed or machine-readable date gives a time of day."""
    return bool(_CLOCK.search(text))


def _text_len(el: etree._Element) -> int:
    return len(clean_text(" ".join(el.itertext())))


def _link_len(el: etree._Element) -> int:
    return sum(len(clean_text(" ".join(a.itertext()))) for a in el.iter("a"))


def _article_text(doc: etree._Element) -> int:
    return sum(
        n
        for n in (len(clean_text(" ".join(p.itertext()))) for p in doc.iter("p"))
        if n >= _LONG_PARAGRAPH
    )


def _holds(el: etree._Element, headline: etree._Element | None) -> bool:
    if headline is None:
        return False
    return any(a is el for a in headline.iterancestors()) or el is headline


def _is_elsewhere(el: etree._Element, article_text: int) -> bool:
    """A block that is not the article: links to other pages, a share bar, a banner."""
    text = _text_len(el)
    if not text:
        return False
    links = list(el.iter("a"))
    mine = sum(
        len(clean_text(" ".join(p.itertext())))
        for p in el.iter("p")
        if len(clean_text(" ".join(p.itertext()))) >= _LONG_PARAGRAPH
    )
    if article_text and mine > article_text * 0.4:
        return False  # holds much of the article's text: a wrapper, not a side block
    if text < 700 and el.tag != "p":
        words = " ".join(el.itertext())
        if _COOKIE.search(words) or _RIGHTS.search(words):
            return True
    if len(links) >= 3 and sum(bool(_SHARE_HREF.search(a.get("href") or "")) for a in links) >= 3:
        return True
    return len(links) >= 3 and _link_len(el) >= 0.5 * text


def _drop_standfirst(doc: etree._Element, description: str) -> None:
    """Drop the standfirst printed apart from the text: the page's description repeated
    in a block of its own between the headline and the article (the text's own first
    paragraph, when it is the description, stays: it sits with the others)."""
    wanted = clean_text(description)
    if len(wanted) < 20:
        return
    for node in list(doc.iter("p", "div", "h2", "h3", "h4", "h5", "h6")):
        if clean_text(" ".join(node.itertext())) != wanted:
            continue
        block = node
        while block.getparent() is not None and len(block.getparent()) == 1:
            block = block.getparent()
        parent = block.getparent()
        # the article's paragraphs beside it: the standfirst opens the text, keep it
        beside = sum(
            1
            for p in (parent.iter("p") if parent is not None else [])
            if not any(a is block for a in p.iterancestors())
            and len(clean_text(" ".join(p.itertext()))) >= _LONG_PARAGRAPH
        )
        if beside < 2:
            block.drop_tree()
        return


def _is_dateline(paragraph: str, tz: tzinfo) -> bool:
    """A short paragraph that is only a date ("18.11.2026 10:05 · Политика"), not a
    sentence."""
    return (
        len(paragraph) <= 60
        and len(paragraph.split()) <= 6
        and parse_date(paragraph, tz) is not None
    )


def without_datelines(paragraphs: list[str], tz: tzinfo) -> list[str]:
    """The text without the page's own date lines: the one printed above it
    ("26.11.2026, 10:15"), between the standfirst and the text ("18.11.2026 10:05 ·
    Politics"), or below it ("Published: 26.11.2026, 10:15").

    Only the opening (the first three paragraphs, before a second long one) and the
    closing lines are looked at: a short dated line inside the text stays.
    """
    kept: list[str] = []
    long_seen = 0
    for index, paragraph in enumerate(paragraphs):
        if index < 3 and long_seen < 2 and _is_dateline(paragraph, tz):
            continue
        long_seen += len(paragraph) >= _LONG_PARAGRAPH
        kept.append(paragraph)
    while kept and _is_dateline(kept[-1], tz):
        kept.pop()
    return kept


def site_credit(paragraph: str, site_name: str | None) -> bool:
    """Whether a closing paragraph is only the site's credit line ("State News Agency
    of Turkmenistan (TDH)"): the site's own name, perhaps with its initials."""
    if not site_name or len(paragraph) > len(site_name) + 20:
        return False
    return clean_text(paragraph).lower().startswith(clean_text(site_name).lower())


def pruned(
    html: str, description: str | None = None
) -> tuple[etree._Element, etree._Element | None]:
    """The page without the blocks that are never the article, and its headline element.

    Raises:
        etree.ParserError, ValueError: the text is not HTML lxml can read.
    """
    doc = lxml.html.document_fromstring(html)
    for node in list(doc.iter(*_NOISE_TAGS)):
        if node.getparent() is not None and not _dated_footer(node):
            node.drop_tree()
    headlines = doc.xpath("//body//h1") or doc.xpath("//h1")
    headline = headlines[0] if headlines else None
    article_text = _article_text(doc)
    # innermost first: a "read also" box inside the lead's block goes, the lead stays
    for node in reversed(list(doc.iter(*_BLOCKS))):
        if node.getparent() is None or _holds(node, headline):
            continue
        if _is_elsewhere(node, article_text):
            _drop_with_label(node, headline)
    if description:
        _drop_standfirst(doc, description)
    return doc, headline


def todays_dates(html: str, tz: tzinfo) -> set[date]:
    """The days the page shows as today's (a ticker's "Имрӯз: 07.12.2026 | 11:20"): a
    reading of the whole page that lands on one of them took the ticker's date.

    Raises:
        etree.ParserError, ValueError: the text is not HTML lxml can read.
    """
    days = set()
    for el in lxml.html.document_fromstring(html).iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "head"):
            continue
        text = clean_text(" ".join(el.itertext()))
        if not text or len(text) > _MAX_DATELINE or not _labelled_today(el):
            continue
        moment = parse_date(text, tz)
        if moment is not None:
            days.add(moment.astimezone(tz).date())
    return days


def _dated_footer(node: etree._Element) -> bool:
    """An article's footer that is only its date line ("Published: 26.11.2026, 10:15"):
    HTML5 puts an article's date in its ``<footer>``; the site's footer says more."""
    if node.tag != "footer":
        return False
    text = clean_text(" ".join(node.itertext()))
    return (
        len(text) <= _MAX_DATELINE and not names_today(text) and parse_date(text, UTC) is not None
    )


def prune_within(root: etree._Element) -> None:
    """Drop, inside an article's body element, the blocks that are not the article (an
    inline "read also" list, a share bar, a banner) that its selector's ``drop`` list
    does not name: after a redesign, the class names in ``drop`` match nothing."""
    article_text = _article_text(root)
    for node in reversed(list(root.iter(*_BLOCKS))):
        if node is root or node.getparent() is None:
            continue
        if _is_elsewhere(node, article_text):
            _drop_with_label(node, None)


def _drop_with_label(node: etree._Element, headline: etree._Element | None) -> None:
    """Drop a block, and the wrappers left holding only its label ("Other news")."""
    parent = node.getparent()
    node.drop_tree()
    while (
        parent is not None
        and parent.tag not in ("body", "html")
        and parent.getparent() is not None
        and not _holds(parent, headline)
        and next(parent.iter("img"), None) is None
        and _text_len(parent) < _LABEL
        and not re.search(r"\d", " ".join(parent.itertext()))  # a date line stays
    ):
        above = parent.getparent()
        parent.drop_tree()
        parent = above


@dataclass(frozen=True, slots=True)
class Dateline:
    moment: datetime
    text: str
    has_time: bool
    # found above the headline, where tickers and "today" strips also sit: weaker
    above: bool = False
    # found below the text, where the page had no date next to the headline: weaker
    below: bool = False


def _labelled_today(el: etree._Element) -> bool:
    """Whether a date is shown as today's ("Имрӯз: 07.12.2026 | 11:20", "Сегодня,
    7 декабря 2026"): a ticker's or a clock's, never an article's. Its label is in the
    element, just before it, or opens the block that holds it."""
    texts = [" ".join(el.itertext())]
    before = el.getprevious()
    if before is not None and isinstance(before.tag, str):
        label = clean_text(" ".join(before.itertext()))
        if len(label) <= _LABEL:
            texts.append(label)
    parent = el.getparent()
    if parent is not None and parent.text:
        texts.append(parent.text)
    return any(names_today(text) for text in texts)


def _date_of(el: etree._Element, tz: tzinfo) -> Dateline | None:
    if any(a.tag == "a" for a in (el, *el.iterancestors())):
        return None  # a dated link: another article
    if any(len(clean_text(" ".join(a.itertext()))) >= _HEADLINE_LINK for a in el.iter("a")):
        return None  # a headline linked with its date: another article
    text = el.get("datetime") or el.get("content") or ""
    if not text:
        own = clean_text(" ".join(el.itertext()))
        if not own or len(own) > _MAX_DATELINE:
            return None
        text = own
    if _labelled_today(el):
        # today's date in a ticker: whatever day the page is read, not the article's
        return None
    # no crawl time: relative dates ("today, 10:05") are widgets, never the article's
    moment = parse_date(text, tz)
    if moment is None:
        return None
    return Dateline(moment, text, has_clock(text))


def dateline(
    doc: etree._Element,
    headline: etree._Element | None,
    tz: tzinfo,
    now: datetime | None = None,
) -> Dateline | None:
    """The date printed with the article, read from a pruned page.

    The first short element after the headline that reads as an absolute date, within
    the article's opening (a date without a time takes the time of a later element on
    the same day, in the opening or in the lines just below the text); failing that,
    the date line just below the text ("Published: 26.11.2026, 10:15"); failing that,
    the nearest just before the headline, where a strip showing today's date (``now``'s
    day: a ticker, a clock) gives way to another day's date. Relative dates, dated
    links and dates labelled as today's ("Имрӯз: 07.12.2026") are never taken.
    """
    elements = [el for el in doc.iter() if isinstance(el.tag, str)]
    order = {el: i for i, el in enumerate(elements)}
    start = order.get(headline, 0) if headline is not None else 0
    after = elements[start + 1 : start + 80] if headline is not None else elements[:400]
    # the dateline is printed before the text starts (a standfirst may come first);
    # dates further on are in the text or belong to other articles
    long_texts = [i for i, el in enumerate(after) if len(_own_text(el)) >= _LONG_PARAGRAPH]
    if len(long_texts) >= 2:
        after = after[: long_texts[1]]
    found = _first_date(_dates_in(after, tz), tz)
    if headline is None or (found is not None and found.has_time):
        return found
    below = _first_date(_dates_in(_after_text(elements, order, headline), tz), tz)
    if found is not None:
        # the day next to the headline, its time printed below the text
        if below is not None and below.has_time and _same_day(below, found, tz):
            return below
        return found
    if below is not None:
        return Dateline(below.moment, below.text, below.has_time, below=True)
    above = [
        Dateline(d.moment, d.text, d.has_time, above=True)
        for d in _dates_in(reversed(elements[max(0, start - 12) : start]), tz)
    ]
    if now is not None:
        today = now.astimezone(tz).date()
        other_days = [d for d in above if d.moment.astimezone(tz).date() != today]
        if other_days and len(other_days) < len(above):
            above = other_days
    return _first_date(above, tz)


def _after_text(
    elements: list[etree._Element],
    order: dict[etree._Element, int],
    headline: etree._Element,
) -> list[etree._Element]:
    """The short lines just after the article's text ("Published: 26.11.2026, 10:15"),
    up to the first block that is not the article's (another article's headline, a
    heading, a long text)."""
    start = order[headline]
    first = next(
        (el for el in elements[start + 1 : start + 400] if len(_own_text(el)) >= _LONG_PARAGRAPH),
        None,
    )
    if first is None:
        return []
    container = first
    while container.getparent() is not None and not _holds(container.getparent(), headline):
        container = container.getparent()
    last = deque(container.iter(), maxlen=1)[0]  # its last element, in document order
    lines = []
    for el in elements[order[last] + 1 : order[last] + 1 + 12]:
        if el.tag in ("h2", "h3", "h4", "h5", "h6") or len(_own_text(el)) >= _LONG_PARAGRAPH:
            break
        if any(len(clean_text(" ".join(a.itertext()))) >= _HEADLINE_LINK for a in el.iter("a")):
            break
        lines.append(el)
    return lines


def _dates_in(elements: Iterable[etree._Element], tz: tzinfo) -> list[Dateline]:
    found = []
    for el in elements:
        if len(el) > 3 and el.tag != "time":
            continue  # a container: its children are read one by one
        date = _date_of(el, tz)
        if date is not None:
            found.append(date)
    return found


def _first_date(dates: list[Dateline], tz: tzinfo) -> Dateline | None:
    """The first date; without a time, the time of a later one on the same day."""
    if not dates:
        return None
    first = dates[0]
    if not first.has_time:
        for later in dates[1:]:
            if later.has_time and _same_day(later, first, tz):
                return later  # the day above the text, its time further on
    return first


def _own_text(el: etree._Element) -> str:
    """The text directly inside ``el``, not in its child elements."""
    return clean_text(" ".join([el.text or "", *(child.tail or "" for child in el)]))


def _same_day(a: Dateline, b: Dateline, tz: tzinfo) -> bool:
    return a.moment.astimezone(tz).date() == b.moment.astimezone(tz).date()
