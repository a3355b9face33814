"""One real-browser pass: headless Debian chromium visits every page in both languages through
Playwright on a live `streamlit run` of the sample warehouse, at 1440 px and then at a phone's
390 px, checks what an analyst checks (language, tab title, no developer chrome, no None/NaN,
time axes in order, axe-core with no serious or critical violation, no sideways scroll on the
phone) and saves a screenshot of the whole page at both widths.

Screenshots go to tmp_path, or to $SAIHAN_SCREENSHOTS when set (to look at them).
Skipped, saying why, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dashboard.i18n import t
from tests.browser.conftest import CHROMIUM

# url path of each page ("" is the default page, the overview)
PAGES = {"overview": "", "progress": "progress", "ranking": "ranking", "report": "report",
         "subsidy": "subsidy", "plans": "plans", "indicators": "indicators", "crime": "crime",
         "extracts": "extracts", "data": "data"}
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian chromium (apt-get install chromium)")


TITLE_KEYS = {"overview": "page_overview", "progress": "page_progress", "subsidy": "page_subsidy",
              "plans": "page_plans", "indicators": "page_indicators", "crime": "page_crime",
              "ranking": "page_ranking", "report": "page_report",
              "extracts": "page_extracts", "data": "page_data"}
NO_CHARTS = ("data", "extracts")
PHONE = {"width": 390, "height": 844}
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"

# Every scatter line of every Plotly chart whose x values are not in order (time runs left to
# right): [chart, trace name] pairs.
UNORDERED_LINES = """() => [...document.querySelectorAll('.js-plotly-plot')].flatMap((gd, i) =>
  (gd.data || [])
    .filter(tr => (tr.type || 'scatter') === 'scatter' && (tr.mode || '').includes('lines'))
    .filter(tr => { const xs = (tr.x || []).map(v => typeof v === 'number' ? v : Date.parse(v));
                    return xs.some((x, k) => k > 0 && x < xs[k - 1]); })
    .map(tr => [i, tr.name]))"""
# Serious and critical axe-core violations: rule, impact, first elements.
AXE_VIOLATIONS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => ['serious', 'critical'].includes(v.impact))
  .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => n.target.join(' ').slice(-120))])"""
# Sideways scroll: the document's and Streamlit's own scrolling main area.
SIDEWAYS = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return [document.scrollingElement.scrollWidth - innerWidth,
          m ? m.scrollWidth - m.clientWidth : 0]; }"""
# The height of everything on the page (Streamlit scrolls inside its main area).
CONTENT_HEIGHT = """() => Math.max(document.scrollingElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
     .map(e => e.scrollHeight))"""


def _settled(page, has_charts: bool) -> None:
    """Wait until Streamlit has run the page and its charts are drawn."""
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=30000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    if has_charts:
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=30000)
    page.wait_for_timeout(300)


def _shot(page, path: Path, width: int) -> None:
    """A screenshot: of all of the page (a viewport as tall as its content, then back) when
    $SAIHAN_SCREENSHOTS asks for them to be looked at, else of the viewport (cheaper)."""
    if not os.environ.get("SAIHAN_SCREENSHOTS"):
        page.screenshot(path=str(path))
        return
    height = min(page.evaluate(CONTENT_HEIGHT), 8000)
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path))
    page.set_viewport_size(before)


@pytest.mark.skipif(not AXE.exists(), reason="needs axe-core: npm ci --prefix tests/browser")
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page_name", PAGES)
def test_every_page_at_1440_and_390_px(server, browser, page_name, lang, tmp_path) -> None:
    """One load per page and language: what an analyst checks at 1440 px, then the same page
    narrowed to a phone's 390 px (Streamlit lays it out again; no reload)."""
    out = Path(os.environ.get("SAIHAN_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    has_charts = page_name not in NO_CHARTS
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    page.goto(f"{server}/{PAGES[page_name]}?lang={lang}", wait_until="networkidle")
    _settled(page, has_charts)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    if has_charts:
        assert page.locator(".js-plotly-plot").count() >= 1
    # the page's language, its own tab title, the product's name, no developer chrome
    assert page.evaluate("document.documentElement.lang") == lang
    assert page.title() == f"{t(TITLE_KEYS[page_name], lang)} | {t('app_title', lang)}"
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    assert page.get_by_text(t("app_title", lang), exact=True).count() >= 1
    # nothing left unformatted, time left to right, accessible
    text = page.locator("[data-testid='stMain']").inner_text()
    assert not re.findall(r"\b(?:None|NaN|nan|NaT)\b", text), text[:500]
    assert page.evaluate(UNORDERED_LINES) == []
    if lang == "ja":  # the same elements and styles in English: axe-core (1-3 s) runs once
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(AXE_VIOLATIONS) == []
    _shot(page, out / f"{page_name}_{lang}_1440.png", 1440)

    page.set_viewport_size(PHONE)
    page.wait_for_timeout(600)  # Streamlit's and Plotly's layout for the new width
    assert page.evaluate(SIDEWAYS) == [0, 0]  # no sideways scroll on the phone
    assert page.locator("[data-testid='stException']").count() == 0
    _shot(page, out / f"{page_name}_{lang}_390.png", PHONE["width"])
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
