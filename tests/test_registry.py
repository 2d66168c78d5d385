"""The source registry (issue #2): data, validated, one spider per source."""

from __future__ import annotations

import subprocess
import sys

import pytest

from crawler.registry import find_source_for_url, load_registry
from crawler.spiderloader import spider_class_for
from diplofeed.errors import SourceConfigError

from .conftest import ROOT


def test_bundled_registry_has_each_strategy_of_issue_2(registry):
    assert {"mfa_kz", "kt_kz", "kabar", "tengrinews"} <= set(registry)
    assert {s.strategy for s in registry.values()} >= {"api", "listing", "rss", "sitemap"}
    for source in registry.values():
        assert source.tz is not None and source.languages and source.start_urls


def test_find_source_for_url(registry):
    assert find_source_for_url("https://kaz.tengrinews.kz/a/", registry).id == "tengrinews"
    assert find_source_for_url("http://www.kt.kz/rus/x.html", registry).id == "kt_kz"
    assert find_source_for_url("https://example.org/", registry) is None


def test_spider_class_per_source(registry):
    cls = spider_class_for(registry["kabar"])
    assert cls.name == "kabar" and cls.source is registry["kabar"]


def test_a_strategy_without_a_spider_is_a_clear_error(registry):
    import dataclasses

    pigeon = dataclasses.replace(registry["kabar"], strategy="carrier_pigeon")
    with pytest.raises(SourceConfigError, match="has no spider yet"):
        spider_class_for(pigeon)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('id = "Bad-Id"', "id must be"),
        ('kind = "blog"', "kind"),
        ('strategy = "magic"', "strategy"),
        ('country = "Kazakhstan"', "country"),
        ('timezone = "Asia/Atlantis"', "time zone"),
        ('link_pattern = "(unclosed"', "regular expression"),
        ('colour = "blue"', "colour"),
        ('url_languages = ["a"]', "table of strings"),
        ('full_text = "no"', "full_text must be bool"),
        ('max_pages = "x"', "max_pages must be int"),
        ("max_pages = 0", "at least 1"),
        ('languages = ["russian"]', "not one of"),
        ('start_urls = ["/rss/"]', "absolute"),
        ("link_pattern = 5", "link_pattern must be str"),
    ],
)
def test_invalid_entries_are_config_errors(tmp_path, entry, message):
    fields = {
        "id": '"ok"',
        "name": '"N"',
        "country": '"KZ"',
        "kind": '"mfa"',
        "languages": '["ru"]',
        "timezone": '"Asia/Almaty"',
        "strategy": '"rss"',
        "start_urls": '["https://x.kz/rss"]',
    }
    key = entry.split(" = ")[0]
    fields[key] = entry.split(" = ", 1)[1]
    text = "[[source]]\n" + "\n".join(f"{k} = {v}" for k, v in fields.items())
    path = tmp_path / "sources.toml"
    path.write_text(text)
    with pytest.raises(SourceConfigError, match=message):
        load_registry(path)


def test_bad_selectors_and_a_single_source_table_are_config_errors(tmp_path):
    path = tmp_path / "sources.toml"
    base = (
        'id = "ok"\nname = "N"\ncountry = "KZ"\nkind = "mfa"\nlanguages = ["ru"]\n'
        'timezone = "Asia/Almaty"\nstrategy = "listing"\nstart_urls = ["https://x.kz/"]\n'
    )
    path.write_text("[source]\n" + base)
    with pytest.raises(SourceConfigError, match=r"\[\[source\]\]"):
        load_registry(path)
    path.write_text("[[source]]\n" + base + '[source.extract]\nbody = "div[class=="\n')
    with pytest.raises(SourceConfigError, match="bad CSS selector"):
        load_registry(path)


def test_scrapy_list_shows_source_ids():
    out = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert set(out.stdout.split()) == set(load_registry())


def test_a_principal_must_be_a_known_one(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(
        '[[source]]\nid = "x"\nname = "X"\ncountry = "KZ"\nkind = "telegram"\n'
        'languages = ["ru"]\ntimezone = "Asia/Almaty"\nstrategy = "telegram"\n'
        'start_urls = ["https://t.me/s/x"]\nprincipal = "king"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceConfigError, match="principal"):
        load_registry(path)
