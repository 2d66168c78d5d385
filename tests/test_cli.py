"""The CLI as users script it: import, search, sources, extract, docs (issue #2)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from diplofeed.cli import cli
from storage import Store

from .conftest import ROOT, run_cli

GOOD = [
    {
        "url": "https://www.inform.kz/ru/glava-mid-vstretilsya-s-poslom-turcii-a1b2c3?utm_source=tg",
        "title": "Глава МИД встретился с Послом Турции",
        "body": "Министр иностранных дел Казахстана встретился с Послом Турции. " * 5,
        "published": "2026-11-26T15:05:00+05:00",
        "source": "ca_observer",
        "language": "ru",
    },
    {
        "url": "https://example.org/briefing",
        "title": "UN briefing on Central Asia",
        "body": "The UN Regional Centre briefed the Security Council on Central Asia. " * 5,
    },
]


def invoke(*args, input_text=None):
    return CliRunner().invoke(cli, list(args), input=input_text, catch_exceptions=False)


def test_import_reports_bad_lines_and_keeps_the_rest(tmp_path):
    db = tmp_path / "i.db"
    lines = [
        json.dumps(GOOD[0]),
        "{not json",
        json.dumps({"url": "ftp://x", "title": "t", "body": "b"}),
        "",
        json.dumps({**GOOD[1], "published": "2026-11-26T10:00:00"}),
        json.dumps(GOOD[1]),
    ]
    result = invoke("import", "-", "--db", str(db), input_text="\n".join(lines) + "\n")
    assert result.exit_code == 4
    assert "line 2: not JSON" in result.output
    assert "line 3: 'url' must be an absolute http(s) URL" in result.output
    assert "line 5: 'published' has no UTC offset" in result.output
    assert "new=2" in result.output and "rejected=3" in result.output
    with Store(db) as store:
        rows = {r["source"]: r for r in store.db.query("SELECT * FROM articles")}
        kinds = {r["id"]: r["kind"] for r in store.db.query("SELECT id, kind FROM sources")}
    assert rows["ca_observer"]["published"] == "2026-11-26T10:05:00Z"
    assert rows["ca_observer"]["url"].endswith("a1b2c3")  # tracking parameter gone
    assert rows["import"]["published_from"] == "first_seen"
    assert kinds == {"ca_observer": "external", "import": "external"}


def test_importing_twice_adds_nothing(tmp_path):
    db = tmp_path / "i.db"
    data = "\n".join(json.dumps(g) for g in GOOD)
    assert invoke("import", "-", "--db", str(db), input_text=data).exit_code == 0
    again = invoke("import", "-", "--db", str(db), input_text=data)
    assert again.exit_code == 0 and "new=0 updated=0 unchanged=2" in again.output


def test_search_and_sources_as_json(tmp_path):
    db = tmp_path / "s.db"
    invoke("import", "-", "--db", str(db), input_text="\n".join(json.dumps(g) for g in GOOD))
    found = json.loads(invoke("search", "Послом", "--db", str(db), "--json").output)
    assert [r["source"] for r in found] == ["ca_observer"] and "[Послом]" in found[0]["snippet"]
    assert json.loads(invoke("search", '"AND*', "--db", str(db), "--json").output) == []
    sources = {s["id"]: s for s in json.loads(invoke("sources", "--db", str(db), "--json").output)}
    assert sources["kt_kz"]["country"] == "KZ" and sources["kt_kz"]["languages"] == ["ru", "en"]
    assert sources["ca_observer"]["kind"] == "external"


def test_db_defaults_to_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DIPLOFEED_DB", str(tmp_path / "env.db"))
    assert invoke("import", "-", input_text=json.dumps(GOOD[1])).exit_code == 0
    assert (tmp_path / "env.db").exists()


def test_extract_from_a_saved_page(archive, tmp_path):
    url = "https://www.kt.kz/rus/politics/glavy_mid_kazahstana_i_kyrgyzstana_obsudili_vododelenie_i_granitsu_1377996214.html"
    page = tmp_path / "page.html"
    page.write_bytes(archive.lookup(url).body)
    result = invoke("extract", url, "--html", str(page))
    data = json.loads(result.output)
    assert data["source"] == "kt_kz" and data["kind"] == "article"
    assert data["article"]["published"] == "2026-11-26T07:10:00Z"
    assert data["article"]["canonical_url"] == url.replace("www.", "")


def test_extract_needs_a_known_source():
    result = CliRunner().invoke(cli, ["extract", "https://example.org/x", "--html", __file__])
    assert result.exit_code == 1 and "no source for https://example.org/x" in result.output


@pytest.mark.crawl
def test_extract_fetches_through_the_replay_server():
    result = run_cli("extract", "http://kabar.kg/eng/rss/", "--replay")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["kind"] == "feed" and len(data["articles"]) >= 3
    assert all(a["published"].endswith("Z") for a in data["articles"])


def test_unknown_source_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "--db", str(tmp_path / "x.db"), "--source", "nope"])
    assert result.exit_code == 1 and "unknown source(s): nope" in result.output


@pytest.mark.parametrize("doc", ["docs/cli.md", "docs/schema.md", "docs/sources.md"])
def test_generated_docs_are_current(doc):
    check = subprocess.run(
        [sys.executable, "-m", "cogapp", "--check", doc],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, (
        f"{doc} is stale: run `cog -r {doc}`\n" + check.stdout + check.stderr
    )


def test_every_command_is_documented():
    text = (ROOT / "docs" / "cli.md").read_text()
    for name in (
        "crawl",
        "demo",
        "import",
        "feeds build",
        "search",
        "browse",
        "sources",
        "extract",
        "replay serve",
    ):
        assert f"## diplofeed {name}\n" in text


def test_import_rejects_mistyped_fields_line_by_line(tmp_path):
    db = tmp_path / "typed.db"
    base = {"url": "https://example.org/a", "title": "A briefing", "body": "Text."}
    bad = [
        {**base, "language": ["en"]},
        {**base, "author": {"name": "X"}},
        {**base, "summary": 5},
        {**base, "image": ["a"]},
        {**base, "published": "0001-01-01T00:00:00+05:00"},
        {**base, "title": "\u200b"},
        {**base, "url": "https://"},
        {**base, "source": "a b/c"},
    ]
    lines = [json.dumps(b).encode() for b in bad] + [
        b'{"url": "\xff\xfe"}',
        json.dumps(base).encode(),
    ]
    result = CliRunner().invoke(cli, ["import", "-", "--db", str(db)], input=b"\n".join(lines))
    assert result.exit_code == 4, result.output
    for number in range(1, 10):
        assert f"line {number}: " in result.output
    assert "line 9: not UTF-8" in result.output
    assert "new=1" in result.output and "rejected=9" in result.output
    assert (
        CliRunner()
        .invoke(cli, ["feeds", "build", "--db", str(db), "--out", str(tmp_path / "f")])
        .exit_code
        == 0
    )


def test_reading_commands_refuse_a_missing_or_foreign_store(tmp_path):
    missing = CliRunner().invoke(cli, ["search", "x", "--db", str(tmp_path / "typo.db")])
    assert missing.exit_code == 1 and "no store at" in missing.output
    assert not (tmp_path / "typo.db").exists()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE notes(x)").connection.commit()
    foreign = CliRunner().invoke(cli, ["sources", "--db", str(other)])
    assert foreign.exit_code == 1 and "not a diplofeed store" in foreign.output


def test_every_exit_code_is_in_the_documented_table():
    from diplofeed import errors

    table = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    codes = {getattr(errors, name) for name in dir(errors) if name.startswith("EXIT_")}
    for code in codes | {0, 2}:
        assert f"\n| {code} | " in table, f"exit {code} is not in docs/cli.md's table"


def test_exit_status_table_lists_every_error_under_the_code_it_carries():
    """docs/cli.md's exit statuses come from the error classes (issue #14): each class
    is in the row of its own exit code, and every code the commands use has a row."""
    from diplofeed import errors

    rows = {
        int(line.split("|")[1]): line
        for line in (ROOT / "docs" / "cli.md").read_text().splitlines()
        if line.startswith("| ") and line.split("|")[1].strip().isdigit()
    }
    for cls in errors.error_classes():
        assert f"`{cls.__name__}`" in rows[cls.exit_code], cls
    codes = {getattr(errors, name) for name in errors.__all__ if name.startswith("EXIT_")}
    assert codes | {0, 2} == set(rows)


def test_extract_reads_relative_dates_on_the_crawl_clock(archive, registry, tmp_path):
    """Issue #14: extract reads a page's date as the crawl does, on the crawl's clock:
    --as-of, or with --replay the copies' recording time (as `crawl --replay`)."""
    url = "https://www.kt.kz/rus/politics/glavy_mid_kazahstana_i_kyrgyzstana_obsudili_vododelenie_i_granitsu_1377996214.html"
    page = tmp_path / "page.html"
    body = archive.lookup(url).body.replace(b"26.11.2026, 12:10", "Сегодня, 12:10".encode())
    page.write_bytes(body)

    def published(*options):
        result = invoke("extract", url, "--html", str(page), *options)
        return json.loads(result.output)["article"]["published"]

    assert published("--as-of", "2026-12-01T10:00:00+00:00") == "2026-12-01T07:10:00Z"
    local = ZoneInfo(registry["kt_kz"].timezone)
    recorded = archive.recorded.astimezone(local).date().isoformat()
    assert published("--replay") == f"{recorded}T07:10:00Z"


def test_every_error_class_is_in_the_exit_status_table():
    """A new error class in a module diplofeed/errors.py does not import would be left
    out of the table: every class deriving from DiplofeedError, found in the source, is
    among those it lists."""
    import ast

    from diplofeed.errors import error_classes

    bases: dict[str, set[str]] = {}
    for package in ("storage", "crawler", "feeds", "diplofeed"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef):
                    names = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    bases[node.name] = names
    errors = {"DiplofeedError"}
    while True:
        more = {name for name, parents in bases.items() if parents & errors} - errors
        if not more:
            break
        errors |= more
    assert errors == {cls.__name__ for cls in error_classes()}


def _leaf_commands(group, prefix=()):
    for name, command in sorted(group.commands.items()):
        if hasattr(command, "commands"):
            yield from _leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


@pytest.mark.parametrize(("path", "command"), list(_leaf_commands(cli)))
def test_help_examples_are_printed_as_written(path, command):
    """Issue #17: click rewrapped the examples (a URL broke across two lines). Every
    line of a command's Example block appears whole in its --help, at 80 columns, and
    in docs/cli.md."""
    doc = command.help or ""
    assert "Example:" in doc, f"{' '.join(path)} has no Example block"
    example = [line.strip() for line in doc.split("Example:", 1)[1].splitlines() if line.strip()]
    assert example
    shown = CliRunner().invoke(cli, [*path, "--help"], terminal_width=80).output
    documented = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for line in example:
        assert any(row.strip() == line for row in shown.splitlines()), (line, shown)
        assert line in documented
