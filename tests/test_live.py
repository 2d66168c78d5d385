"""The live web (issue #18): `replay record`, `check`, and drift, against a plain HTTP
server on 127.0.0.1 (Python's http.server, not the replay server)."""

from __future__ import annotations

import functools
import http.server
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.redesign import redesign
from crawler.replay import ReplayArchive

from .conftest import crawl_replay, run_cli, serving

ARTICLES = {
    "1": (
        "Глава МИД принял Посла Турции",
        "26.11.2026, 10:15",
        [
            (
                "Министр иностранных дел провел встречу с Послом Турции. Стороны обсудили "
                "расширение торгово-экономического сотрудничества и подготовку визита."
            ),
            "По итогам встречи стороны договорились продолжить консультации.",
        ],
    ),
    "2": (
        "Состоялись консультации по пограничным вопросам",
        "25.11.2026, 16:40",
        [
            (
                "В Бишкеке состоялись консультации делегаций по вопросам делимитации и "
                "демаркации государственной границы между двумя странами."
            ),
            "Следующий раунд консультаций пройдет в начале будущего года.",
        ],
    ),
    "3": (
        "Министр принял участие в заседании СМИД СНГ",
        "24.11.2026, 09:05",
        [
            (
                "Министр иностранных дел принял участие в очередном заседании Совета министров "
                "иностранных дел Содружества Независимых Государств."
            ),
            "Участники обсудили вопросы региональной безопасности и сотрудничества.",
        ],
    ),
}


def _article(number: str) -> str:
    title, date, paragraphs = ARTICLES[number]
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title} - '
        f"Тестовое министерство</title></head><body><nav><a href='/news/'>Новости</a></nav>"
        f'<main><article><h1 class="news-title">{title}</h1>'
        f'<span class="news-date">{date}</span><div class="news-text">{text}</div>'
        "</article></main><footer>© Тестовое министерство</footer></body></html>"
    )


def _write_site(root: Path, *, redesigned: bool = False) -> None:
    (root / "news").mkdir(parents=True, exist_ok=True)
    items = "".join(
        f'<li class="item"><a href="/news/{n}.html">{t}</a> <span class="date">{d}</span></li>'
        for n, (t, d, _) in ARTICLES.items()
    )
    (root / "news" / "index.html").write_text(
        f'<!doctype html><html><head><meta charset="utf-8"></head><body><ul>{items}</ul>'
        "</body></html>",
        encoding="utf-8",
    )
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    for number in ARTICLES:
        page = _article(number)
        if redesigned:
            page = redesign(page, seed=int(number) + 40).html
        (root / "news" / f"{number}.html").write_text(page, encoding="utf-8")


@contextmanager
def _plain_site(root: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _registry(path: Path, base: str) -> Path:
    path.write_text(
        f"""
[[source]]
id = "testmfa"
name = "Test Ministry"
country = "KZ"
kind = "mfa"
languages = ["ru"]
timezone = "Asia/Almaty"
strategy = "listing"
homepage = "{base}/"
# without the slash: http.server answers 301 to /news/, a redirect to record
start_urls = ["{base}/news"]
link_pattern = '/news/\\d+\\.html'

[source.listing]
item = "li.item"
link = "a::attr(href)"
date = ".date::text"

[source.extract]
title = "h1.news-title"
date = ".news-date"
body = ".news-text"
""",
        encoding="utf-8",
    )
    return path


def _articles(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT url, title, published, language, body FROM articles ORDER BY url"
        ).fetchall()


def _health(db: Path) -> tuple[str, str]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT status, status_reason FROM crawl_source_stats ORDER BY run_id DESC LIMIT 1"
        ).fetchone()


def test_a_recording_crawls_like_the_site(tmp_path):
    _write_site(tmp_path / "site")
    with _plain_site(tmp_path / "site") as base:
        registry = _registry(tmp_path / "sources.toml", base)
        env = {"DIPLOFEED_REGISTRY": str(registry)}
        recorded = run_cli(
            "replay", "record", "--source", "testmfa", "--articles", "10",
            "--out", str(tmp_path / "copy"), "--draft-truth", str(tmp_path / "truth"),
            env=env,
        )  # fmt: skip
        assert recorded.returncode == 0, recorded.stderr
        live = run_cli("crawl", "--db", str(tmp_path / "live.db"), "--source", "testmfa", env=env)
        assert live.returncode == 0, live.stderr
    assert recorded.stdout.startswith("testmfa: 6 response(s), 3 article page(s) into ")
    archive = ReplayArchive.load([tmp_path / "copy" / "testmfa"])
    assert f"{base}/robots.txt" in archive.urls()
    moved = archive.lookup(f"{base}/news")
    assert moved is not None
    assert (moved.status, moved.headers["Location"]) == (301, "/news/")
    page = archive.lookup(f"{base}/news/1.html")
    assert page is not None
    assert page.body == (tmp_path / "site" / "news" / "1.html").read_bytes()
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Last-Modified" in page.headers
    assert archive.recorded is not None
    # truth files drafted for a person to confirm, marked as drafts
    draft = json.loads((tmp_path / "truth" / "testmfa" / "1_html.json").read_text(encoding="utf-8"))
    assert draft["draft"] is True
    assert draft["expected"]["title"] == ARTICLES["1"][0]
    assert draft["expected"]["published"] == "2026-11-26T05:15:00Z"
    assert draft["expected"]["body_end"] == ARTICLES["1"][2][-1]
    with serving(archive) as (host, port):
        replayed = crawl_replay(
            f"http://{host}:{port}", tmp_path / "copy.db", "--source", "testmfa",
            registry=registry,
        )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    stored = _articles(tmp_path / "live.db")
    assert len(stored) == 3
    assert _articles(tmp_path / "copy.db") == stored


def test_check_reports_redesigned_pages_degraded_and_a_refusing_port_unreachable(tmp_path):
    _write_site(tmp_path / "site", redesigned=True)
    with _plain_site(tmp_path / "site") as base:
        registry = _registry(tmp_path / "sources.toml", base)
        env = {"DIPLOFEED_REGISTRY": str(registry)}
        checked = run_cli("check", "--source", "testmfa", env=env)
        crawled = run_cli("crawl", "--db", str(tmp_path / "c.db"), "--source", "testmfa", env=env)
    assert checked.returncode == 3, checked.stderr
    first = checked.stdout.splitlines()[0]
    assert first.startswith("testmfa: degraded: selectors missed on 3 of 3 pages")
    assert "generic extraction recovered title, date, body" in first
    assert "title: selector 0/3; generic 3/3" in checked.stdout
    # the crawl meeting the redesigned pages turns the source degraded, articles stored
    assert crawled.returncode == 0, crawled.stderr
    status, reason = _health(tmp_path / "c.db")
    assert status == "degraded"
    assert "selectors missed on 3 of 3 pages (title, date, body); generic extraction used" in reason
    assert [row[2] for row in _articles(tmp_path / "c.db")] == [
        "2026-11-26T05:15:00Z",
        "2026-11-25T11:40:00Z",
        "2026-11-24T04:05:00Z",
    ]

    # a port nobody listens on
    with _plain_site(tmp_path / "site") as base:
        pass
    registry = _registry(tmp_path / "gone.toml", base)
    gone = run_cli("check", "--source", "testmfa", env={"DIPLOFEED_REGISTRY": str(registry)})
    assert gone.returncode == 3
    assert gone.stdout.startswith("testmfa: unreachable:"), gone.stdout + gone.stderr


class _Refusing(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(403)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<h1>Forbidden</h1>")

    def log_message(self, *args) -> None:
        pass


def test_check_reports_a_refusing_site_blocked(tmp_path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Refusing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        registry = _registry(tmp_path / "sources.toml", base)
        checked = run_cli("check", "--source", "testmfa", env={"DIPLOFEED_REGISTRY": str(registry)})
    finally:
        server.shutdown()
        server.server_close()
    assert checked.returncode == 3
    assert checked.stdout.startswith("testmfa: blocked: the site refused the requests (HTTP 403)")


def test_record_single_pages_with_url(tmp_path):
    _write_site(tmp_path / "site")
    with _plain_site(tmp_path / "site") as base:
        registry = _registry(tmp_path / "sources.toml", base)
        recorded = run_cli(
            "replay", "record", "--url", f"{base}/news/2.html", "--url", f"{base}/news",
            "--out", str(tmp_path / "pages"), env={"DIPLOFEED_REGISTRY": str(registry)},
        )  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert "2 article page(s)" in recorded.stdout, recorded.stdout
    archive = ReplayArchive.load([tmp_path / "pages"])
    page = archive.lookup(f"{base}/news/2.html")
    assert page is not None
    assert page.body == (tmp_path / "site" / "news" / "2.html").read_bytes()
    assert archive.lookup(f"{base}/news").status == 301  # the redirect, then its target
    assert archive.lookup(f"{base}/news/").body.startswith(b"<!doctype html>")
    assert f"{base}/robots.txt" in archive.urls()  # asked first, as in a crawl
