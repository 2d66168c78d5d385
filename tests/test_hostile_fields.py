"""Hostile article fields (issue #12): images, links and text that must not reach a feed,
the index page, the OPML or a spreadsheet as they are, and edits that must not make the
changes feed slow. Each is pushed through the store, ``feeds build`` and the feed server
and read back with feedparser."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from xml.etree import ElementTree

import feedparser
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from crawler.registry import load_registry
from diplofeed.cli import cli
from diplofeed.cli_query import csv_cell
from feeds import build_changes_feed, build_static_feeds, sanitize_html
from feeds import changes as changes_module
from feeds import sanitize as sanitize_module
from feeds.changes import describe_change, sentence_changes
from feeds.config import FEED_NAME, ConfigError, load_config
from feeds.server import create_app
from storage import Store, clean_text
from storage.normalize import MAX_URL_LENGTH, canonical_url, clean_image_url, clean_url, web_url

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
# Characters no output may hold: C0 and C1 controls (not tab, newline, CR), the
# bidirectional embeddings, overrides and isolates.
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE_IMAGES = [
    "https://www.gov.kz/uploads/photo\x01.jpg",
    "javascript:alert(document.cookie)",
    " JaVaScRiPt:alert(1)",
    "data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+",
    "java\tscript:alert(1)",
    "https://www.gov.kz/uploads/\u202egpj.exe",
]
GOOD_IMAGE = "https://www.gov.kz/uploads/ok.jpg"
FORMULA_TITLES = [
    '=HYPERLINK("http://evil.example/","Нуртлеу провел переговоры")',
    "+cmd|' /C calc'!A0 Нуртлеу провел переговоры",
    "-2+3 Нуртлеу провел переговоры",
    "@SUM(1+1) Нуртлеу провел переговоры",
]
BODY = (
    "Министр иностранных дел Казахстана Мурат Нуртлеу провел переговоры с министром "
    "иностранных дел Узбекистана Бахтиёром Саидовым в Астане. Стороны обсудили "
    "водно-энергетическое сотрудничество, делимитацию государственной границы и "
    "транспортные коридоры. Встреча номер {n}."
)


def article(n: int, **over: object) -> dict[str, object]:
    base: dict[str, object] = {
        "source": "mfa_kz",
        "url": f"https://www.gov.kz/memleket/entities/mfa/press/news/details/{9000 + n}",
        "title": f"Нуртлеу провел переговоры с Саидовым ({n})",
        "body": BODY.format(n=n),
        "language": "ru",
        "published": (NOW - timedelta(hours=n)).isoformat(),
    }
    return {**base, **over}


def hostile_articles() -> list[dict[str, object]]:
    """Articles whose title, body, HTML and image are hostile, and one with a good image."""
    articles = [
        article(
            1,
            title="Нуртлеу\x9b31m провел \u202eпереговоры\u202c с \u2066Саидовым\u2069 \u200f(1)",
            body=BODY.format(n=1) + " \x85Итог\u2067 \x9b2J встречи.",
            body_html='<p>Текст <a href="javascript:alert(1)">ссылка</a>'
            '<img src="data:image/png;base64,AAAA"> \x9b\u202e конец</p>',
        ),
        *(article(2 + i, title=title) for i, title in enumerate(FORMULA_TITLES)),
        article(8),
        article(9, image=GOOD_IMAGE),
    ]
    return articles


def feed_files(out):
    return sorted(p for p in out.iterdir() if p.is_file())


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    """A store with hostile articles, and hostile values written into it as a store of
    before issue #12 kept them: images of every kind, an article link and a publisher's
    homepage that are ``javascript:``."""
    db = tmp_path_factory.mktemp("hostile") / "s.db"
    with Store(db) as store:
        store.sync_sources((s.as_row() for s in load_registry().values()), complete=True)
        for item in hostile_articles():
            assert store.save_article(item, now=NOW) == "new"
        ids = [r["id"] for r in store.db.query("SELECT id FROM articles WHERE image IS NULL")]
        assert len(ids) == len(HOSTILE_IMAGES)
        with store.db.atomic():
            for ident, image in zip(ids, HOSTILE_IMAGES, strict=True):
                store.db.execute("UPDATE articles SET image = ? WHERE id = ?", [image, ident])
            store.db.execute(
                "UPDATE articles SET url = 'javascript://www.gov.kz/%0Aalert(1)' WHERE id = ?",
                [ids[2]],
            )
            store.db.execute(
                "UPDATE sources SET homepage = 'javascript:alert(1)' WHERE id = 'mfa_kz'"
            )
        relevant = [r["relevant"] for r in store.db.query("SELECT relevant FROM articles")]
        assert all(relevant), "the test articles must be diplomacy, or no feed carries them"
    return db


@pytest.fixture(scope="module")
def built(hostile_db, tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile-out")
    with Store(hostile_db, create=False) as store:
        result = build_static_feeds(store, out)
    return out, result


def check_output(data: bytes, label: str) -> str:
    """The checks every output must pass: no ``javascript:``, no ``data:`` URL, no
    control or bidirectional override character."""
    text = data.decode("utf-8")
    assert "javascript:" not in text.lower(), label
    assert "data:image" not in text.lower(), label
    found = FORBIDDEN.search(text)
    assert found is None, f"{label}: {found and hex(ord(found.group()))}"
    return text


def check_parsed(data: bytes, label: str) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(data)
    assert not parsed.bozo, f"{label}: {parsed.get('bozo_exception')}"
    for entry in parsed.entries:
        for link in entry.get("links", []):
            assert link["href"].startswith("https://"), f"{label}: {link}"
        for enclosure in entry.get("enclosures", []):
            assert enclosure["href"] == GOOD_IMAGE, f"{label}: {enclosure}"
    return parsed


def check_json(data: bytes, label: str) -> dict:
    feed = json.loads(data)
    for item in feed["items"]:
        assert item.get("image") in (None, GOOD_IMAGE), label
        assert item.get("url", "https://").startswith("https://"), label
        for author in item.get("authors", []):
            assert author.get("url", "https://").startswith("https://"), label
    return feed


# -- the store ---------------------------------------------------------------------


def test_store_strips_c1_controls_and_bidi_overrides_but_keeps_direction_marks(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.save_article(hostile_articles()[0], now=NOW)
        row = next(iter(store.db.query("SELECT title, body, summary FROM articles")))
    assert row["title"] == "Нуртлеу31m провел переговоры с Саидовым \u200f(1)"
    assert row["body"].endswith("Итог 2J встречи.")
    for value in row.values():
        assert FORBIDDEN.search(value or "") is None


@pytest.mark.parametrize("image", HOSTILE_IMAGES)
def test_store_refuses_a_hostile_image(tmp_path, image):
    with Store(tmp_path / "s.db") as store:
        store.save_article(article(1, image=image), now=NOW)
        stored = next(iter(store.db.query("SELECT image FROM articles")))["image"]
    assert stored is None


def test_store_refuses_a_javascript_article_url(tmp_path):
    from diplofeed.errors import StorageError

    with Store(tmp_path / "s.db") as store, pytest.raises(StorageError):
        store.save_article(article(1, url="javascript://www.gov.kz/%0Aalert(1)"), now=NOW)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://www.gov.kz/uploads/a.jpg", "https://www.gov.kz/uploads/a.jpg"),
        ("  http://kabar.kg/a.jpg?ref=3&from=x#top\n", "http://kabar.kg/a.jpg?ref=3&from=x"),
        ("https://kun.uz/фото 1.jpg", "https://kun.uz/%D1%84%D0%BE%D1%82%D0%BE%201.jpg"),
        ("https://бишкек.kg/a.jpg", "https://xn--90aiiib5f.kg/a.jpg"),
        *((image, None) for image in HOSTILE_IMAGES),
        ("https:javascript:alert(1)", None),
        ("javascript://www.gov.kz/%0Aalert(1)", None),
        ("//cdn.kun.uz/a.jpg", None),
        ("/uploads/a.jpg", None),
        ("file:///etc/passwd", None),
        ("http://[::1", None),
        ("http://kabar.kg:port/a.jpg", None),
        # a host ending in a number is an IPv4 address to a URL parser: refused unless it
        # is one, in its four dotted decimal numbers (whatever the w3lib version)
        ("https://example.0/a.jpg", None),
        ("https://1.2.3.999/a.jpg", None),
        ("https://0x7f.1/a.jpg", None),
        ("https://127.1/a.jpg", None),
        ("https://kabar.kg.0x/a.jpg", None),
        ("https://203.0.113.7/a.jpg", "https://203.0.113.7/a.jpg"),
        # the same once IDNA maps the full-width digit or the ideographic full stop
        ("http://example.０/a.jpg", None),
        ("http://example。0/a.jpg", None),
        ("http://1.2.3.９９９/a.jpg", None),
        # an IPv6 literal ending in an IPv4 address is an address
        ("http://[::ffff:192.168.0.1]/a.jpg", "http://[::ffff:192.168.0.1]/a.jpg"),
        # a bracketed literal that is no IPv6 address (IPvFuture): browsers refuse it
        ("http://[v7.a:0x7f.1]/a.jpg", None),
        ("https://kabar.kg2/a.jpg", "https://kabar.kg2/a.jpg"),
        ("https://kabar.kg/a\x85.jpg", None),
        ("https://kabar.kg/" + "a" * MAX_URL_LENGTH, None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_clean_image_url_accepts_only_web_urls(value, expected):
    assert clean_image_url(value) == expected
    assert (web_url(value) is None) == (expected is None)


@pytest.mark.parametrize(
    "bad", ["https://example.0/news/7", "https://1.2.3.999/news/7", "http://[::1/news/7"]
)
def test_an_unreadable_address_is_refused_in_one_line_and_no_alias(tmp_path, bad):
    """A host no URL parser reads is refused as the article's address, with the one-line
    error of any address that is not a web URL; as an alias (a redirect the crawler
    saw) it is left out and the article stored."""
    from diplofeed.errors import StorageError

    with Store(tmp_path / "s.db") as store:
        with pytest.raises(StorageError, match="not an absolute http"):
            store.save_article(article(1, url=bad), now=NOW)
        assert store.save_article({**article(2), "aliases": [bad]}, now=NOW) == "new"
        rows = store.db.execute("SELECT canonical_url FROM article_aliases").fetchall()
        assert rows == []
        assert store.db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    for function in (canonical_url, clean_url):
        with pytest.raises(ValueError):
            function(bad)
    # the crawl's writer stores the item, and reports its stored addresses without it
    from crawler.storing import store_item

    with Store(tmp_path / "w.db") as store:
        stored = store_item(
            store, "article", {**article(3), "aliases": [bad]}, run_id=None, now=NOW
        )
    assert stored.outcome == "new" and bad not in stored.urls, stored


def test_clean_text_removes_c1_and_bidi_controls_and_keeps_lines():
    text = "a\x9b2J b\u202ac\u202bd\u202ce\u202df\u202eg \u2066h\u2067i\u2068j\u2069\x80\x9f"
    assert clean_text(text) == "a2J bcdefg hij"
    assert clean_text("один\u200e два\u200f три\u061c") == "один\u200e два\u200f три\u061c"
    assert clean_text("строка\x85\nвторая\n\n\u202eтретья\tи") == "строка\nвторая\n\nтретья и"


# -- feeds build -------------------------------------------------------------------


def test_feeds_build_writes_every_file_despite_hostile_fields(built):
    out, result = built
    names = {p.name for p in result.files}
    assert len(result.files) == len(feed_files(out)) > 100
    for feed in ("all", "source-mfa_kz", "country-kz", *load_config().feeds):
        assert {f"{feed}.rss", f"{feed}.atom", f"{feed}.json"} <= names, feed
    assert {"feeds.opml", "index.html", "health.atom", "changes.atom"} <= names


def test_the_feeds_build_command_finishes_on_hostile_rows(hostile_db, built, tmp_path):
    out = tmp_path / "out"
    invoke("feeds", "build", "--db", str(hostile_db), "--out", str(out))
    assert [p.name for p in feed_files(out)] == [p.name for p in feed_files(built[0])]


def test_no_output_of_feeds_build_holds_a_hostile_value(built):
    out, _ = built
    for path in feed_files(out):
        text = check_output(path.read_bytes(), path.name)
        if path.suffix in (".rss", ".atom"):
            check_parsed(path.read_bytes(), path.name)
        elif path.suffix == ".json":
            check_json(path.read_bytes(), path.name)
        elif path.suffix == ".opml":
            outlines = ElementTree.fromstring(path.read_bytes()).findall("./body/outline")
            assert outlines and all(o.get("xmlUrl").startswith("http://") for o in outlines)
        assert "\x9b" not in text and "\u202e" not in text


def test_source_feed_keeps_every_item_and_the_good_image(built):
    out, _ = built
    for fmt in ("rss", "atom"):
        parsed = check_parsed((out / f"source-mfa_kz.{fmt}").read_bytes(), fmt)
        assert len(parsed.entries) == 7, fmt
        titles = [e.title for e in parsed.entries]
        assert "Нуртлеу31m провел переговоры с Саидовым \u200f(1)" in titles
        # the javascript: link is dropped; its item stays, under its GUID
        linked = [
            e for e in parsed.entries if any(k.rel == "alternate" for k in e.get("links", []))
        ]
        assert len(linked) == 6, fmt
        assert [e.enclosures[0].href for e in parsed.entries if e.get("enclosures")] == [GOOD_IMAGE]
    feed = check_json((out / "source-mfa_kz.json").read_bytes(), "json")
    assert [i["image"] for i in feed["items"] if "image" in i] == [GOOD_IMAGE]
    assert sum(1 for i in feed["items"] if "url" not in i) == 1
    # the publisher's javascript: homepage is not the feed's site link
    assert feed["home_page_url"].startswith("http://127.0.0.1")


def test_the_item_html_keeps_no_active_content(built):
    out, _ = built
    parsed = check_parsed((out / "source-mfa_kz.atom").read_bytes(), "atom")
    first = next(e for e in parsed.entries if e.title.startswith("Нуртлеу31m"))
    content = first.content[0].value
    assert "ссылка" in content and "конец" in content
    assert "javascript" not in content and "data:" not in content


@pytest.mark.parametrize(
    "fragment",
    [
        '<a href="java\x01script:alert(1)">x</a>',
        '<a href="java\x9bscript:alert(1)">x</a>',
        '<a href="java\u202escript:alert(1)">x</a>',
        '<a href="java&#x202e;script:alert(1)">x</a>',
        '<a href="java&#1;script:alert(1)">x</a>',
        '<a href="java\n   script:alert(1)">x</a>',
        '<a href="java&#10;   script:alert(1)">x</a>',
        '<img src="da\x01ta:image/svg+xml;base64,PHN2Zz4=">',
    ],
)
def test_a_character_removed_after_ammonia_never_makes_a_javascript_url(fragment):
    """Characters removed from ammonia's output could join a scheme it had let through
    as a relative URL; browsers drop line breaks inside URLs, so ``java\nscript:`` is
    one too."""
    cleaned = sanitize_html(fragment)
    assert "script:" not in cleaned and "ta:image" not in cleaned, cleaned
    assert FORBIDDEN.search(cleaned) is None


def test_ordinary_html_is_sanitised_in_one_pass(monkeypatch):
    calls = []
    clean = sanitize_module.nh3.clean
    monkeypatch.setattr(
        sanitize_module.nh3, "clean", lambda *a, **k: calls.append(1) or clean(*a, **k)
    )
    html = '<p>Текст</p>\n<p>два&nbsp;три <a href="https://kabar.kg/a">ссылка</a></p>'
    expected = (
        '<p>Текст</p>\n<p>два&nbsp;три <a href="https://kabar.kg/a" '
        'rel="noopener noreferrer">ссылка</a></p>'
    )
    assert sanitize_html(html) == expected
    assert len(calls) == 1
    # indentation is folded away after the first pass: a second settles it
    assert sanitize_html(html.replace("\n", "\n    ")) == expected
    assert len(calls) == 3


# -- the feed server ---------------------------------------------------------------


@pytest.fixture(scope="module")
def client(hostile_db):
    with TestClient(create_app(hostile_db, load_config())) as test_client:
        yield test_client


@pytest.mark.parametrize(
    "path",
    [
        "/feed.rss",
        "/feed.atom",
        "/feed.json",
        "/feed.rss?source=mfa_kz",
        "/feed.atom?source=mfa_kz",
        "/feed.json?source=mfa_kz",
        "/feed.rss?unique=story",
        "/feeds/all.rss",
        "/feeds/all.atom",
        "/feeds/all.json",
        "/",
        "/opml",
        "/health.atom",
    ],
)
def test_the_server_answers_hostile_rows_without_a_500(client, path):
    answer = client.get(path)
    assert answer.status_code == 200, f"{path}: {answer.text[:200]}"
    check_output(answer.content, path)
    if path.endswith((".rss", ".atom")) or ".rss?" in path or ".atom?" in path:
        parsed = check_parsed(answer.content, path)
        if "source=" in path:
            assert len(parsed.entries) == 7
    elif ".json" in path:
        check_json(answer.content, path)


@pytest.mark.parametrize("name", ["all%0A", "all%0D%0A", "all%0Aevil", "%0Aall"])
def test_a_feed_name_with_a_newline_is_a_400(client, name):
    assert client.get(f"/feeds/{name}.rss").status_code == 400


def test_feed_names_with_a_trailing_newline_are_refused(tmp_path):
    assert FEED_NAME.match("all") and not FEED_NAME.match("all\n")
    config = tmp_path / "feeds.toml"
    config.write_text('[feeds."all\\n"]\ntitle = "All"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="feed name"):
        load_config(config)


# -- search --csv and --json ---------------------------------------------------------


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Нуртлеу = 1", "Нуртлеу = 1"),
        ("", ""),
        (-3.5, -3.5),
        (7, 7),
        (None, None),
    ],
)
def test_csv_cell_escapes_formula_starts(value, expected):
    assert csv_cell(value) == expected


def test_search_csv_escapes_formulas_and_json_keeps_the_titles(tmp_path):
    db = tmp_path / "s.db"
    with Store(db) as store:
        for item in hostile_articles():
            store.save_article(item, now=NOW)
    output = invoke("search", "Нуртлеу", "--db", str(db), "--csv", "--limit", "50")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert len(rows) == 7
    titles = {r["title"] for r in rows}
    assert {"'" + t for t in FORMULA_TITLES} <= titles
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    check_output(output.encode(), "csv")
    found = json.loads(invoke("search", "Нуртлеу", "--db", str(db), "--json", "--limit", "50"))
    assert set(FORMULA_TITLES) <= {r["title"] for r in found}  # JSON is data, not a sheet
    check_output(json.dumps(found, ensure_ascii=False).encode(), "json")


# -- the changes feed ----------------------------------------------------------------

PARAGRAPH = (
    "Встреча прошла. Стороны говорили. Протокол подписан. Визит Кулубаева продолжится. "
    "Раунд в Бишкеке."
)
ADDED = "Переговоры прошли 28 ноября в Астане."


def big_edit(kilobytes: int) -> tuple[str, str]:
    """A body of ``kilobytes`` KB of one paragraph repeated, and its edit: a name
    corrected throughout (every fifth sentence) and a sentence added near the start."""
    old = "\n\n".join([PARAGRAPH] * (kilobytes * 1024 // len(PARAGRAPH.encode())))
    new = old.replace("Кулубаева продолжится", "Кулубаева продлится")
    head, rest = new.split("\n\n", 1)
    return old, f"{head} {ADDED}\n\n{rest}"


class CountingMatcher(changes_module.difflib.SequenceMatcher):  # type: ignore[type-arg]
    """difflib's matcher, recording the size of every comparison it is given."""

    sizes: ClassVar[list[int]] = []

    def __init__(self, *args, a=(), b=(), **kwargs):
        CountingMatcher.sizes.append(len(a) * len(b))
        super().__init__(*args, a=a, b=b, **kwargs)


def test_an_edit_of_a_120_kb_body_of_repeated_sentences_is_described_in_linear_work(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(changes_module.difflib, "SequenceMatcher", CountingMatcher)
    CountingMatcher.sizes = []
    old, new = big_edit(120)
    assert len(old.encode()) > 115 * 1024
    db = tmp_path / "s.db"
    with Store(db) as store:
        store.save_article(article(1, body=old), now=NOW)
        assert store.save_article(article(1, body=new), now=NOW + timedelta(hours=1)) == "updated"
        started = time.monotonic()
        data = build_changes_feed(
            store.changes(),
            store.info(),
            self_url="http://127.0.0.1/changes.atom",
            home_url="http://127.0.0.1/",
        )
        # a guard, not the measure: the previous code took over 240 s on such a body
        assert time.monotonic() - started < 30
    assert all(size <= changes_module._MATCH_BUDGET for size in CountingMatcher.sizes)
    parsed = check_parsed(data, "changes.atom")
    assert len(parsed.entries) == 1
    content = parsed.entries[0].content[0].value
    assert f"Added: <ins>{ADDED}</ins>" in content
    count = old.count("Кулубаева продолжится")
    assert f"Removed ({count} times): <del>Визит Кулубаева продолжится.</del>" in content
    assert f"Added ({count} times): <ins>Визит Кулубаева продлится.</ins>" in content
    assert len(content) < 2000  # each sentence once, not 2 x 490 lines


def test_small_edits_are_exact_and_long_lists_are_cut():
    before = [f"Предложение {i}." for i in range(10)]
    after = [*before[:3], "Новое.", *before[3:7], "Предложение 7 исправлено.", *before[8:]]
    assert sentence_changes(before, after) == [
        (True, "Новое."),
        (False, "Предложение 7."),
        (True, "Предложение 7 исправлено."),
    ]
    many_old = " ".join(f"Старое {i}." for i in range(200))
    many_new = " ".join(f"Новое {i}." for i in range(200))
    html = describe_change("Заголовок", many_old, "Заголовок", many_new)
    assert html.count("<p>") == changes_module._MAX_LISTED + 1
    assert html.endswith(f"<p>…and {400 - changes_module._MAX_LISTED} more changes.</p>")
    assert "Removed: <del>Старое 0.</del>" in html
    long_sentence = "слово " * 5000
    html = describe_change("t", "Начало.", "t", "Начало. " + long_sentence)
    assert len(html) < changes_module._MAX_SHOWN + 100
