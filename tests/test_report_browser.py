"""The report in a real browser (issue #16): Debian's headless Chromium, driven through
chromium-driver, opens ``/report`` of a running feed server on the demo store. Every
picture renders, every link resolves, nothing is fetched from another origin, and a
screenshot is kept in test-artifacts/ (not committed).

Chromium comes from Debian's packages (``apt-get install chromium chromium-driver``;
.ci/run installs them). Without them these tests skip, unless
``DIPLOFEED_REQUIRE_CHROMIUM=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
import uvicorn

from feeds.server import create_app

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
if (CHROMIUM is None or DRIVER is None) and os.environ.get("DIPLOFEED_REQUIRE_CHROMIUM") == "1":
    raise RuntimeError("chromium is required here (apt-get install chromium chromium-driver)")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="chromium is not installed (apt-get install chromium chromium-driver)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(demo):
    port = free_port()
    live = uvicorn.Server(
        uvicorn.Config(create_app(demo.db), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,4000",
        # any name but the loopback's fails to resolve: a fetch from the network would
        # show as a failed request in the log below, never silently succeed
        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    yield driver
    driver.quit()


def requests_made(driver) -> list[str]:
    """Every URL the page asked for, from Chromium's DevTools log."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def test_the_report_renders_in_chromium(server, browser):
    from selenium.webdriver.common.by import By

    page = f"{server}/report?since=2026-11-01&until=2026-11-30"
    browser.get_log("performance")  # start from an empty log
    browser.get(page)
    assert "Contacts between states" in browser.title
    figures = browser.find_elements(By.CSS_SELECTOR, "section figure svg")
    assert len(figures) == 5
    for svg in figures:
        box = svg.rect
        assert box["width"] > 200 and box["height"] > 100, box
        # drawn: axes, bars, lines and cells are paths; the heatmaps' cells an image
        painted = browser.execute_script(
            "return arguments[0].querySelectorAll('path, image').length", svg
        )
        assert painted > 5
    images = browser.execute_script(
        "return Array.from(document.querySelectorAll('svg image')).map("
        "i => [i.getBBox().width, i.getBBox().height])"
    )
    assert images and all(w > 0 and h > 0 for w, h in images)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    origin = urlsplit(server)
    asked = requests_made(browser)
    assert page in asked  # the log sees the page's own request
    outside = [
        u for u in asked if not u.startswith("data:") and urlsplit(u).netloc != origin.netloc
    ]
    assert outside == []


def test_every_link_of_the_report_resolves(server, browser):
    from selenium.webdriver.common.by import By

    browser.get(f"{server}/report?since=2026-11-01&until=2026-11-30")
    hrefs = {a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "a")}
    assert len(hrefs) > 20
    with httpx.Client() as client:
        for href in sorted(hrefs):
            url = urljoin(browser.current_url, href)
            if "#" in url:
                fragment = url.split("#", 1)[1]
                assert browser.find_elements(By.ID, fragment), href
                continue
            answer = client.get(url)
            assert answer.status_code == 200, (url, answer.text[:200])
            if "feed.atom" in url:
                assert answer.headers["content-type"].startswith("application/atom+xml")


@pytest.fixture(scope="module")
def datasette(demo):
    from datasette.app import Datasette

    from diplofeed.browse import settings

    port = free_port()
    app = Datasette([str(demo.db)], **settings(demo.db)).app()
    live = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not live.started:
        assert time.monotonic() < deadline, "datasette did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(10)


def test_datasette_keeps_the_column_descriptions_short(datasette, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(1280, 900)
    browser.get(f"{datasette}/demo/articles")
    first = browser.find_element(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "datasette-articles.png"))
    # the column descriptions sit in a short box above the rows: they pushed the first
    # row about 1,000 px further down; search, filters and facets come before it still
    box = browser.find_element(By.CSS_SELECTOR, "dl.column-descriptions")
    assert box.rect["height"] < 130, box.rect
    assert first.rect["y"] < 1100, first.rect
    browser.set_window_size(1280, 4000)


def test_datasette_draws_a_chart_of_a_canned_query_offline(datasette, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get_log("performance")
    browser.get(f"{datasette}/demo/weekly_activity")
    link = browser.find_element(By.CSS_SELECTOR, "a.diplofeed-chart")
    browser.get(urljoin(browser.current_url, link.get_attribute("href")))
    # datasette-vega draws its chart on a canvas, from the settings in the fragment
    WebDriverWait(browser, 20).until(
        lambda d: d.execute_script(
            "return Array.from(document.querySelectorAll('canvas')).some("
            "c => c.width > 100 && c.height > 100)"
        )
    )
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "datasette-chart.png"))
    origin = urlsplit(datasette)
    outside = [
        u
        for u in requests_made(browser)
        if not u.startswith("data:") and urlsplit(u).netloc != origin.netloc
    ]
    assert outside == []
