"""One real-browser pass: headless Debian chromium visits every page through Playwright on a
live `streamlit run` of the sample warehouse, finds no exception and saves screenshots.

Screenshots go to tmp_path, or to $SAIHAN_SCREENSHOTS when set (to look at them).
Skipped, saying why, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard.i18n import t

CHROMIUM = Path("/usr/bin/chromium")
# url path of each page ("" is the default page, the overview)
PAGES = {"overview": "", "progress": "progress", "subsidy": "subsidy", "plans": "plans",
         "indicators": "indicators", "crime": "crime", "extracts": "extracts", "data": "data"}
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian chromium (apt-get install chromium)")


TITLE_KEYS = {"overview": "page_overview", "progress": "page_progress", "subsidy": "page_subsidy",
              "plans": "page_plans", "indicators": "page_indicators", "crime": "page_crime",
              "extracts": "page_extracts", "data": "page_data"}


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_renders_without_exception(server, browser, page_name, lang, tmp_path,
                                              width=1440):
    out = Path(os.environ.get("SAIHAN_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 1000})
    page.goto(f"{server}/{PAGES[page_name]}?lang={lang}", wait_until="networkidle")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=30000)
    # Let every chart draw: wait until Streamlit reports it is no longer running.
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    if page_name not in ("data", "extracts"):  # and until its charts are there
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    page.wait_for_timeout(300)
    shot = out / f"{page_name}_{lang}_{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    if page_name not in ("data", "extracts"):
        assert page.locator(".js-plotly-plot").count() >= 1
    assert shot.stat().st_size > 20000
    # what an analyst checks: the page's language, its own tab title, no developer chrome
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.title() == f"{t(TITLE_KEYS[page_name], lang)} | {t('app_title', lang)}"
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    assert page.get_by_text(t("app_title", lang), exact=True).count() >= 1
    page.close()


def test_keyboard_focus_is_visible(server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server}/?lang=ja", wait_until="networkidle")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=30000)
    # the page's own styles (the focus outline among them) are there once the script has run
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    page.wait_for_timeout(500)
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate(
        "() => { const e = document.activeElement; const s = getComputedStyle(e);"
        " return [e.tagName, s.outlineStyle, s.outlineWidth]; }")
    assert outline[0] != "BODY"
    assert outline[1] != "none" and outline[2] != "0px", outline
    page.close()
