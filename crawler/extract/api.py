"""JSON news APIs to articles. Each API format is one pure function, named in the registry
(``api_format``); see docs/sources.md, "APIs".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from crawler.errors import ExtractionError
from storage.normalize import clean_text

from .dates import parse_date
from .language import detect_language
from .model import Article
from .text import fragment_to_paragraphs, paragraphs_to_html, strip_boilerplate

if TYPE_CHECKING:
    from crawler.registry import Source

__all__ = ["API_FORMATS", "ApiPage", "next_page_url", "parse_api"]


@dataclass(slots=True)
class ApiPage:
    articles: list[Article] = field(default_factory=list)
    has_next: bool = False
    # The next page's URL when the API names it; else the spider increases ``page=``.
    next_url: str | None = None


def next_page_url(url: str, param: str = "page") -> str:
    """Return ``url`` with its page-number query parameter increased by one."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    out, found = [], False
    for key, value in query:
        if key == param and value.isdigit():
            value, found = str(int(value) + 1), True
        out.append((key, value))
    if not found:
        out.append((param, "2"))
    return urlunsplit((*parts[:3], urlencode(out, safe=":,"), parts.fragment))


def _first_present(item: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = item.get(key)
        if value not in (None, "", [], {}):
            return value
    return None


def parse_govkz_news(data: Any, url: str, language: str, source: Source) -> ApiPage:
    """The gov.kz content-manager news API (a Spring page of news items).

    Two field spellings are seen in public scrapers (``name``/``createdDate`` and
    ``title``/``created_date``); both are read. Dates are local Astana time without an
    offset, so they are read in the source's zone.
    """
    if not isinstance(data, dict) or not isinstance(data.get("content"), list):
        raise ExtractionError(f"{source.id}: {url} is not a gov.kz news page (no 'content' list)")
    page = ApiPage(has_next=not data.get("last", True) and bool(data["content"]))
    for item in data["content"]:
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            continue
        title = clean_text(str(_first_present(item, "title", "name") or "")).replace("\n", " ")
        if not title:
            continue
        paragraphs = strip_boilerplate(
            fragment_to_paragraphs(str(_first_present(item, "body", "text", "content") or "")),
            source.extract.boilerplate,
        )
        body = "\n\n".join(paragraphs)
        raw_date = _first_present(
            item, "published_date", "publishedDate", "created_date", "createdDate"
        )
        image = _first_present(item, "preview_image", "previewImage", "image")
        if isinstance(image, dict):
            image = image.get("url") or image.get("path")
        summary = clean_text(
            str(_first_present(item, "short_description", "shortDescription") or "")
        )
        article_url = source.api_article_url.format_map(
            {"id": item["id"], "lang": language, "slug": item.get("slug", "")}
        )
        page.articles.append(
            Article(
                source=source.id,
                url=article_url,
                title=title,
                body=body,
                body_html=paragraphs_to_html(paragraphs),
                summary=summary or (paragraphs[0][:300] if paragraphs else ""),
                published=parse_date(str(raw_date), source.tz) if raw_date else None,
                published_from="api",
                language=detect_language(
                    f"{title}\n{body}", html_language=language, allowed=source.languages
                ),
                image=str(image) if image else None,
            )
        )
    return page


def parse_uza_posts(data: Any, url: str, language: str, source: Source) -> ApiPage:
    """UzA's posts API (a Laravel paginator: ``data``, ``links.next``, ``meta``).

    Items carry ``title``, ``slug``, ``description``, ``content`` (HTML), ``publish_time``
    (``YYYY-MM-DD HH:MM:SS`` Tashkent time, no offset) and ``files.folder``/``files.file``
    (the image on cdn.uza.uz). The language is the ``_l`` query parameter.
    """
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise ExtractionError(f"{source.id}: {url} is not a UzA posts page (no 'data' list)")
    links: dict[str, Any] = data["links"] if isinstance(data.get("links"), dict) else {}
    meta: dict[str, Any] = data["meta"] if isinstance(data.get("meta"), dict) else {}
    next_url = links.get("next") if isinstance(links.get("next"), str) else None
    more_pages = int(meta.get("current_page") or 0) < int(meta.get("last_page") or 0)
    page = ApiPage(
        has_next=bool(data["data"]) and (bool(next_url) or more_pages), next_url=next_url
    )
    for item in data["data"]:
        if not isinstance(item, dict) or not item.get("slug"):
            continue
        title = clean_text(str(item.get("title") or "")).replace("\n", " ")
        if not title:
            continue
        paragraphs = strip_boilerplate(
            fragment_to_paragraphs(str(item.get("content") or "")), source.extract.boilerplate
        )
        body = "\n\n".join(paragraphs)
        files: dict[str, Any] = item["files"] if isinstance(item.get("files"), dict) else {}
        image = (
            f"https://cdn.uza.uz/{files['folder']}/{files['file']}"
            if files.get("folder") and files.get("file")
            else None
        )
        summary = clean_text(str(item.get("description") or ""))
        page.articles.append(
            Article(
                source=source.id,
                url=source.api_article_url.format_map(
                    {"id": item.get("id", ""), "lang": language, "slug": item["slug"]}
                ),
                title=title,
                body=body,
                body_html=paragraphs_to_html(paragraphs),
                summary=summary or (paragraphs[0][:300] if paragraphs else ""),
                published=parse_date(str(item.get("publish_time") or ""), source.tz),
                published_from="api",
                language=detect_language(
                    f"{title}\n{body}", html_language=language, allowed=source.languages
                ),
                image=image,
            )
        )
    return page


API_FORMATS: dict[str, Callable[[Any, str, str, Source], ApiPage]] = {
    "govkz_news": parse_govkz_news,
    "uza_posts": parse_uza_posts,
}


def parse_api(body: bytes | str, url: str, language: str, source: Source) -> ApiPage:
    """Decode an API answer and read it with the source's ``api_format``.

    Raises:
        ExtractionError: the body is not JSON (an HTML error page, say) or not the
            expected shape, or the format is unknown.
    """
    reader = API_FORMATS.get(source.api_format)
    if reader is None:
        raise ExtractionError(f"{source.id}: unknown api_format {source.api_format!r}")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ExtractionError(f"{source.id}: {url} did not answer JSON: {exc}") from exc
    return reader(data, url, language, source)
