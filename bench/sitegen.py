"""Build a large replay site for benchmarks from the recorded kt.kz pages.

Each synthetic article is a recorded kt.kz article page under a new id, with its own
title and a distinct closing paragraph (so no two bodies are the same), listed 20 to a
listing page with next links, like the real section pages.
"""

from __future__ import annotations

import re
from pathlib import Path

from crawler.replay import ReplayArchive

BENCH_SOURCE = """
[[source]]
id = "bench_kt"
name = "Kazakhstan Today (benchmark copy)"
country = "KZ"
kind = "agency"
languages = ["ru", "en"]
timezone = "Asia/Almaty"
strategy = "listing"
start_urls = ["https://www.kt.kz/rus/bench"]
url_languages = {{ "/rus/" = "ru", "/eng/" = "en" }}
link_pattern = '/(?:rus|eng)/[a-z_-]+/[^/]+_\\d{{10}}\\.html$'

[source.listing]
item = ".news-list__item > article"
link = "a.news__overlay-link::attr(href)"
title = "a.news__overlay-link ::text"
date = ".news__date::text"
next = "ul.pagination a[rel=next]::attr(href)"
max_pages = {pages}

[source.extract]
title = "h1.article__title"
date = ".article__info .news__date"
body = "div.article__body"
drop = [".adv", ".ads", ".banner", "[class*=adv]", ".article__img-source", "script"]
boilerplate = ['^Использование материалов.*Kazakhstan Today.*$', '^This information may not be reproduced.*$']
"""

ITEM = """<div class="news-list__item"><article class="news">
<a class="news__overlay-link" href="{href}">{title}</a>
<span class="news__date">{date}</span></article></div>"""


def article_templates() -> list[tuple[str, str]]:
    """(url, html) of every recorded kt.kz article page."""
    archive = ReplayArchive.load()
    pattern = re.compile(r"^https://www\.kt\.kz/(rus|eng)/[a-z_-]+/[^/]+_\d{10}\.html$")
    return [(u, archive.lookup(u).text()) for u in archive.urls() if pattern.match(u)]


def build_site(folder: Path, articles: int, per_page: int = 20) -> tuple[Path, list[str]]:
    """Write the site and its registry into ``folder``; return (registry path, all URLs)."""
    templates = article_templates()
    site = folder / "site"
    site.mkdir(parents=True, exist_ok=True)
    manifest: list[str] = []
    urls: list[str] = []
    items: list[str] = []
    for n in range(articles):
        url, html = templates[n % len(templates)]
        ident = 1378000000 + n
        new_url = re.sub(r"_\d{10}\.html$", f"_{ident}.html", url)
        title = (
            f"Бенчмарк {n}: " + re.search(r"<h1[^>]*>(.*?)</h1>", html, re.DOTALL).group(1).strip()
        )
        page = re.sub(
            r"(<h1[^>]*>).*?(</h1>)",
            lambda m, title=title: m.group(1) + title + m.group(2),
            html,
            count=1,
            flags=re.DOTALL,
        )
        page = page.replace(
            '<div class="article__body', f'<div data-n="{n}" class="article__body', 1
        )
        page = re.sub(
            r"(</p>)(\s*</div>)", rf"\1<p>Дополнение номер {n} к материалу.</p>\2", page, count=1
        )
        page = page.replace(url, new_url)  # its canonical link and og:url: its own
        name = f"a{n}.html"
        (site / name).write_text(page, encoding="utf-8")
        manifest.append(
            f'[[response]]\nurl = "{new_url}"\nfile = "{name}"\ncontent_type = "text/html; charset=utf-8"\n'
        )
        urls.append(new_url)
        items.append(
            ITEM.format(
                href=new_url, title=title, date=f"{(n % 28) + 1:02d}.11.2026, 10:{n % 60:02d}"
            )
        )
    pages = (len(items) + per_page - 1) // per_page
    for p in range(pages):
        url = "https://www.kt.kz/rus/bench" + (f"?page={p + 1}" if p else "")
        nxt = (
            f'<ul class="pagination"><li><a rel="next" href="?page={p + 2}">»</a></li></ul>'
            if p + 1 < pages
            else ""
        )
        body = "".join(items[p * per_page : (p + 1) * per_page])
        html = f'<!doctype html><html><head><meta charset="utf-8"></head><body><div class="row">{body}</div>{nxt}</body></html>'
        (site / f"list{p}.html").write_text(html, encoding="utf-8")
        manifest.append(
            f'[[response]]\nurl = "{url}"\nfile = "list{p}.html"\ncontent_type = "text/html; charset=utf-8"\n'
        )
        urls.append(url)
    (site / "responses.toml").write_text("\n".join(manifest), encoding="utf-8")
    registry = folder / "sources.toml"
    registry.write_text(BENCH_SOURCE.format(pages=pages + 1), encoding="utf-8")
    return registry, urls
