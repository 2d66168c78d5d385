"""The front page in a real browser (issue #15): Debian's headless Chromium, driven by
Selenium through chromedriver, against ``diplofeed serve`` on the demo store, with
JavaScript off (the page must work without it).

Screenshots at phone and desktop width go to ``test-artifacts/`` (not in git).
Skipped where Chromium or chromedriver is missing, unless DIPLOFEED_REQUIRE_CHROMIUM=1
(CI sets it).
"""

from __future__ import annotations

import json
import os
import shutil
from urllib.parse import urljoin

import feedparser
import httpx
import lxml.html
import pytest

from feeds.config import load_config
from feeds.frontpage import FeedLink, Page, front_page, health_rank
from feeds.server import create_app

from .conftest import ROOT, live_server, store_rows

pytestmark = pytest.mark.crawl

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if (CHROMIUM is None or CHROMEDRIVER is None) and os.environ.get(
    "DIPLOFEED_REQUIRE_CHROMIUM"
) == "1":
    raise RuntimeError("chromium is required here (apt-get install chromium chromium-driver)")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="chromium is not installed (apt-get install chromium chromium-driver)",
)
ARTIFACTS = ROOT / "test-artifacts"
PHONE, DESKTOP = (390, 844), (1280, 900)


@pytest.fixture(scope="module")
def site(demo):
    with live_server(create_app(demo.db)) as url:
        yield url + "/"


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=en"):
        options.add_argument(argument)
    # no JavaScript: the page, the builder and the search must work without it
    options.add_experimental_option(
        "prefs", {"profile.managed_default_content_settings.javascript": 2}
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _css(driver, selector):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


@needs_browser
def test_the_front_page_in_a_browser(site, browser, demo):
    browser.set_window_size(*DESKTOP)
    browser.get("data:text/html,<title>off</title><script>document.title='on'</script>")
    assert browser.title == "off"  # pages' scripts do not run: the page works without
    browser.get(site)
    assert _css(browser, "html")[0].get_attribute("lang") == "en"
    for landmark in ("header[role=banner]", "main", "nav", "footer[role=contentinfo]"):
        assert _css(browser, landmark), landmark
    # the latest stories, one line each, some "also reported by" other sources
    stories = _css(browser, "#latest ~ ul.stories > li")
    assert len(stories) == 20
    assert any("also reported by" in s.text for s in stories)
    titles = {r["title"] for r in store_rows(demo.db, "SELECT title FROM articles")}
    assert all(s.find_element("css selector", "a").text in titles for s in stories)
    # every named feed: subscribe links, and one autodiscovery link each
    config = load_config()
    listed = _css(browser, "nav ul.feeds > li")
    assert [li.text.splitlines()[0] for li in listed] == [f.title for f in config.feeds.values()]
    alternates = _css(browser, 'head link[rel=alternate][type="application/rss+xml"]')
    assert len(alternates) == len(config.feeds)
    # health: broken and stale first, each with a word and an icon besides the colour
    cells = _css(browser, "table.health td.status")
    assert cells
    ranks = [health_rank(c.text.split(" ", 1)[1].replace(" ", "_"))[0] for c in cells]
    assert ranks == sorted(ranks)
    for cell in cells:
        icon, word = cell.text.split(" ", 1)
        assert icon.strip() and word.strip(), cell.text
        assert cell.value_of_css_property("color") != _css(browser, "body")[
            0
        ].value_of_css_property("color")
    # every field is labelled
    for field in _css(browser, "input:not([type=checkbox]), select"):
        ident = field.get_attribute("id")
        assert ident and _css(browser, f'label[for="{ident}"]'), field.get_attribute("name")
    for box in _css(browser, "input[type=checkbox]"):
        assert box.find_element("xpath", "..").tag_name == "label"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "front-desktop.png"))
    browser.set_window_size(*PHONE)
    browser.get(site)
    main = _css(browser, "main")[0]
    assert main.size["width"] <= PHONE[0], "the page is wider than a phone"
    browser.save_screenshot(str(ARTIFACTS / "front-phone.png"))
    assert (ARTIFACTS / "front-phone.png").stat().st_size > 10_000


@needs_browser
def test_the_feed_builder_leads_to_a_working_feed(site, browser, demo):
    from selenium.webdriver.support.ui import Select, WebDriverWait

    browser.set_window_size(*DESKTOP)
    browser.get(site)
    _css(browser, 'input[name=country][value="KZ"]')[0].click()
    _css(browser, 'input[name=topic][value="bilateral"]')[0].click()
    Select(_css(browser, "select#b-lang")[0]).select_by_value("ru")
    _css(browser, "form[action=build] button[type=submit]")[0].click()
    WebDriverWait(browser, 30).until(lambda b: "/build?" in b.current_url)
    found = _css(browser, "#feed-url")
    assert found, f"{browser.current_url}: {browser.page_source[:300]}"
    address = found[0].get_attribute("value")
    feed_url = urljoin(browser.current_url, address)
    assert "country=KZ" in feed_url and "topic=bilateral" in feed_url and "lang=ru" in feed_url
    browser.save_screenshot(str(ARTIFACTS / "builder-desktop.png"))
    answer = httpx.get(feed_url)
    assert answer.status_code == 200
    entries = feedparser.parse(answer.content).entries
    assert entries
    rows = {
        r["url"]: r
        for r in store_rows(demo.db, "SELECT url, countries, topics, language FROM articles")
    }
    for entry in entries:
        row = rows[entry.link]
        assert "KZ" in json.loads(row["countries"]) and "bilateral" in json.loads(row["topics"])
        assert row["language"] == "ru"
    preview = _css(browser, "#latest ~ ul.stories > li")
    assert [li.find_element("css selector", "a").text for li in preview] == [
        e.title for e in entries[: len(preview)]
    ]


@needs_browser
def test_the_search_box_gives_a_page_and_a_feed(site, browser):
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(site)
    box = _css(browser, "header input[type=search]")[0]
    box.send_keys("Kulubaev")
    box.submit()
    WebDriverWait(browser, 30).until(lambda b: "/search?" in b.current_url)
    results = _css(browser, "#results ~ ul.stories > li")
    assert results and all(
        "kulubaev" in r.text.lower() or "кулубаев" in r.text.lower() for r in results
    )
    feed = _css(browser, 'head link[rel=alternate][type="application/rss+xml"][title^="Search"]')[0]
    entries = feedparser.parse(httpx.get(feed.get_attribute("href")).content).entries
    assert entries


def test_a_reader_finds_the_feeds_from_the_sites_address(site):
    """What Miniflux and FreshRSS do with a site's address: fetch the page, follow its
    ``<link rel="alternate">`` to feeds."""
    page = httpx.get(site)
    found = [
        urljoin(site, link.get("href"))
        for link in lxml.html.fromstring(page.content).iter("link")
        if link.get("rel") == "alternate"
        and link.get("type") in ("application/rss+xml", "application/atom+xml")
    ]
    assert len(found) == len(load_config().feeds)
    for url in found:
        parsed = feedparser.parse(httpx.get(url).content)
        assert not parsed.bozo and parsed.feed.title and parsed.entries, url


def test_the_static_front_page_lists_and_announces_every_feed(demo):
    page = lxml.html.fromstring((demo.out / "index.html").read_bytes())
    alternates = [link.get("href") for link in page.iter("link") if link.get("rel") == "alternate"]
    for href in alternates:
        assert (demo.out / href).exists(), href
    assert len(alternates) > 30
    assert page.cssselect(
        "main section#health, main section[aria-labelledby=health]"
    ) or page.xpath("//h2[@id='health']")


def test_any_health_word_is_shown_in_words_and_icon_broken_and_stale_first():
    """Health words from the store, including ones added after this page was written,
    are sorted by urgency and shown with an icon and the word, not colour alone."""
    words = ["ok", "stale", "weird_new_word", None, "unreachable", "blocked", "degraded", "broken"]
    sources = [
        {"id": f"s{i}", "name": f"Source {i}", "registered": 1, "status": w, "country": "KZ"}
        for i, w in enumerate(words)
    ]
    page = lxml.html.fromstring(
        front_page(Page([FeedLink("all", "All")], "opml", "h"), [], sources)
    )
    cells = page.cssselect("td.status")
    shown = [c.text_content().split(" ", 1)[1] for c in cells]
    assert set(shown[:3]) == {"blocked", "broken", "unreachable"}
    assert shown[3] == "weird new word"
    assert set(shown[4:6]) == {"degraded", "stale"} and shown[-1] == "ok"
    assert shown[-2] == "not crawled"
    for cell in cells:
        assert cell.cssselect("span[aria-hidden=true]")[0].text_content().strip()
        assert set(cell.get("class").split()) & {"bad", "warn", "good", "none"}


def test_why_is_the_last_crawls_own_reason():
    """Issue 15: kt_kz still said "10 article(s), 10 new" after four crawls with
    nothing new: the reason of its last change of status, not of its last crawl."""
    source = {
        "id": "kt_kz",
        "name": "Kazakhstan Today",
        "registered": 1,
        "status": "ok",
        "status_reason": "10 article(s), 10 new",
        "status_since": "2026-11-28T00:00:00Z",
        "last_reason": "0 article(s), 0 new; newest 2 days old",
        "last_crawled": "2026-12-01T10:00:00Z",
        "last_pages": 14,
        "last_new": 0,
        "last_failed": 0,
        "last_new_found": "2026-11-28T00:00:00Z",
        "article_count": 10,
    }
    page = lxml.html.fromstring(front_page(Page([], "opml", "h"), [], [source]))
    row = page.cssselect("table.health tbody tr")[0].text_content()
    assert "0 article(s), 0 new; newest 2 days old" in row and "10 new" not in row
    assert "2026-12-01 10:00: 14 pages, 0 new, 0 failed" in row and "2026-11-28" in row
    del source["last_reason"]
    page = lxml.html.fromstring(front_page(Page([], "opml", "h"), [], [source]))
    assert "since 2026-11-28: 10 article(s), 10 new" in page.cssselect("tbody tr")[0].text_content()
