"""One real-browser pass: headless Debian chromium visits every page through Playwright on a
live `streamlit run` of the sample warehouse, finds no exception and saves screenshots.

Screenshots go to tmp_path, or to $SAIHAN_SCREENSHOTS when set (to look at them).
Skipped, saying why, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import free_port
from warehouse import resources
from warehouse.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
# url path of each page ("" is the default page, the overview)
PAGES = {"overview": "", "progress": "progress", "subsidy": "subsidy", "plans": "plans",
         "indicators": "indicators", "crime": "crime", "extracts": "extracts", "data": "data"}
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian chromium (apt-get install chromium)")


@pytest.fixture(scope="module")
def server(sample_home: Settings):
    """`streamlit run dashboard/app.py` on a free loopback port."""
    port = free_port()
    env = dict(os.environ, SAIHAN_HOME=str(sample_home.home))
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(resources.dashboard_app()),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("streamlit did not start: " + process.stdout.read().decode()[-2000:])
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_renders_without_exception(server, browser, page_name, lang, tmp_path):
    out = Path(os.environ.get("SAIHAN_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server}/{PAGES[page_name]}?lang={lang}", wait_until="networkidle")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=30000)
    # Let every chart draw: wait until Streamlit reports it is no longer running.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    page.wait_for_timeout(1500)
    shot = out / f"{page_name}_{lang}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    if page_name not in ("data", "extracts"):
        assert page.locator(".js-plotly-plot").count() >= 1
    assert shot.stat().st_size > 20000
    page.close()
