"""One real-browser pass: headless Debian chromium visits every page in both languages through
Playwright on a live `streamlit run` of the sample warehouse, once per page and language, and
checks on that one visit what an analyst checks: at 1440 px language, tab title, no developer
chrome, no None/NaN, time axes in order, axe-core with no serious or critical violation (both
languages), keyboard focus visible (overview), no KPI title or value cut off; then, narrowed
to a phone's 390 px (no reload), no sideways scroll and no KPI title, tick label, chart title or
table clipped or outside the screen.

Each language has one tab, as a reader has: it opens on the overview by a link to a path no
page has (English) or to /overview, the overview's name (Japanese), which lands on the
overview with the link's parameters and without Streamlit's "Page not found" dialog, not even
for a moment (issue 13, point 10); every other page is reached by clicking its link in the
sidebar, which keeps the language and the map kind (``map=tile``) in the address. So
Streamlit's scripts and its websocket are paid once per language, not once per page.

It waits for the charts to be drawn (each Plotly chart's SVG drawn at its layout's width, and
after the resize at a width that fits the phone), not for fixed times. Screenshots of the whole
page at both widths go to $SAIHAN_SCREENSHOTS when it is set (to look at them).
Skipped, saying why, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from dashboard.i18n import t
from tests.browser.conftest import CHROMIUM, NATIONAL, PROGRAMMES, run_done

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
# The pages of each half of the browser pass (conftest.NATIONAL, PROGRAMMES)
PARTS = {name: NATIONAL if name in ("overview", "progress", "ranking", "report", "crime")
         else PROGRAMMES for name in PAGES}
DESKTOP = {"width": 1440, "height": 1000}
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
  .map(v => [v.id, v.impact, v.nodes.slice(0, 3).map(n => [n.target.join(' ').slice(-120),
                                                           n.html.slice(0, 200)])])"""
# Sideways scroll: the document's and Streamlit's own scrolling main area.
SIDEWAYS = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return [document.scrollingElement.scrollWidth - innerWidth,
          m ? m.scrollWidth - m.clientWidth : 0]; }"""
# The height of everything on the page (Streamlit scrolls inside its main area).
CONTENT_HEIGHT = """() => Math.max(document.scrollingElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
     .map(e => e.scrollHeight))"""


# Every Plotly chart on the page is drawn: its SVG exists at the width of its laid-out figure,
# no wider than ``limit`` px, and the charts (count and sizes) are the same as at the last
# check (polled each animation frame; three frames in a row).
# A tile map keeps 560 px on a phone and scrolls sideways inside its own box (state.chart's
# ``wide``): its width is not the screen's, and what is in it is not cut off but scrolled to.
WIDE = "[class*='st-key-wide_']"
CHARTS_DRAWN = """(limit) => { const WIDE = "__WIDE__";
  const gds = [...document.querySelectorAll('.js-plotly-plot')];
  const drawn = gds.length > 0 && gds.every(gd => {
    const svg = gd.querySelector('.main-svg');
    return gd._fullLayout && svg && Math.abs(svg.getBoundingClientRect().width
      - gd._fullLayout.width) < 1 && (gd._fullLayout.width <= limit || gd.closest(WIDE)); });
  const key = drawn ? gds.map(gd => gd._fullLayout.width + 'x' + gd._fullLayout.height).join()
                    : null;
  window.__saihanStable = key && key === window.__saihanLast ? (window.__saihanStable || 0) + 1
                                                              : 0;
  window.__saihanLast = key;
  return window.__saihanStable >= 3; }""".replace("__WIDE__", WIDE)
# What is cut off on a phone: KPI titles and values, chart titles, axis titles, tick and legend
# labels and tables outside the screen, text cut with an ellipsis (or hidden overflow) in a
# KPI, and chart labels outside their chart: [what, text] pairs. What lies inside a box of its
# own that scrolls sideways and is itself on the screen (the report's st.table on a phone) is
# scrolled to, not cut off.
CLIPPED = """() => { const WIDE = "__WIDE__";
  const main = document.querySelector('[data-testid="stMain"]');
  const seen = e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'; };
  const scrolledTo = e => {
    for (let p = e.parentElement; p && p !== main; p = p.parentElement) {
      if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)
          && p.scrollWidth > p.clientWidth + 1) {
        const b = p.getBoundingClientRect();
        return b.left >= -1 && b.right <= innerWidth + 1; } }
    return false; };
  const label = e => (e.textContent || e.getAttribute('data-testid') || e.tagName).trim()
                       .slice(0, 60);
  const found = [];
  const kinds = {
    kpi: '[data-testid="stMetricLabel"], [data-testid="stMetricValue"]',
    heading: 'h1, h2, h3',
    chart_title: '.js-plotly-plot .g-gtitle text',
    chart_label: '.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, '
      + '.js-plotly-plot .g-xtitle text, .js-plotly-plot .g-ytitle text, '
      + '.js-plotly-plot .legendtext',
    table: '[data-testid="stDataFrame"], [data-testid="stTable"], th' };
  for (const [kind, selector] of Object.entries(kinds)) {
    for (const e of main.querySelectorAll(selector)) {
      if (!seen(e)) continue;
      const r = e.getBoundingClientRect();
      if ((r.left < -1 || r.right > innerWidth + 1) && !e.closest(WIDE) && !scrolledTo(e))
        found.push([kind + ' outside the screen', label(e)]);
      if (kind.startsWith('chart')) {
        const box = e.closest('.js-plotly-plot').getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1
            || r.bottom > box.bottom + 1) found.push([kind + ' outside its chart', label(e)]);
      }
    }
  }
  for (const kpi of main.querySelectorAll('[data-testid="stMetricLabel"], '
                                          + '[data-testid="stMetricValue"]')) {
    for (const e of [kpi, ...kpi.querySelectorAll('*')]) {
      const style = getComputedStyle(e);
      if (seen(e) && e.scrollWidth > e.clientWidth + 1
          && (style.textOverflow === 'ellipsis' || style.overflowX !== 'visible')) {
        found.push(['kpi cut off', label(kpi)]); break; }
    }
  }
  return found; }""".replace("__WIDE__", WIDE)
# Streamlit's layout after a resize has settled: the main area's size and every table's width
# the same for three animation frames in a row.
LAYOUT_SETTLED = """() => { const m = document.querySelector('[data-testid="stMain"]');
  const key = [m.scrollWidth, m.scrollHeight, ...[...m.querySelectorAll(
    '[data-testid="stDataFrame"], [data-testid="stTable"]')].map(
      e => e.getBoundingClientRect().width)].join();
  window.__saihanLayout = key === window.__saihanLayoutKey ? (window.__saihanLayout || 0) + 1 : 0;
  window.__saihanLayoutKey = key;
  return window.__saihanLayout >= 3; }"""
FOCUS = """() => { const e = document.activeElement; const s = getComputedStyle(e);
  return [e.tagName, s.outlineStyle, s.outlineWidth]; }"""


def _settled(page, has_charts: bool, width: int) -> None:
    """Wait until Streamlit has run the page and its charts are drawn for ``width`` px."""
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=90000)
    run_done(page)
    if has_charts:
        page.wait_for_function(CHARTS_DRAWN, arg=width, polling="raf", timeout=90000)


def _shot(page, path: Path, width: int, has_charts: bool) -> None:
    """A screenshot of all of the page (a viewport as tall as its content, then back), only
    when $SAIHAN_SCREENSHOTS asks for them to be looked at; taken once the charts are drawn
    again for that viewport (Streamlit redraws them as placeholders first)."""
    if not os.environ.get("SAIHAN_SCREENSHOTS"):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    height = min(page.evaluate(CONTENT_HEIGHT), 8000)
    before = page.viewport_size
    page.set_viewport_size({"width": width, "height": height})
    if has_charts:
        page.wait_for_function(CHARTS_DRAWN, arg=width, polling="raf", timeout=20000)
    page.wait_for_function(LAYOUT_SETTLED, polling="raf", timeout=10000)
    page.screenshot(path=str(path))
    page.set_viewport_size(before)


# Where each language's tab opens: a link to a path no page has, and one to the overview's
# name (served at the root, so /overview is no page's path either). Both land on the overview;
# ``map=tile`` (the default map) must then ride along on every sidebar link.
FIRST = {"ja": "overview?lang=ja&map=tile", "en": "no-such-page?lang=en&map=tile"}
# Notes whether Streamlit's "Page not found" dialog was ever in the page, even for a moment:
# the text of every node added (textContent, which needs no layout: reading the page's
# innerText on each change made the page too slow to finish its run on a busy machine).
# Disconnected once the overview is checked.
NOT_FOUND_SEEN = """() => { window.__saihanNotFound = false;
  window.__saihanNotFoundWatch = new MutationObserver(records => {
    if (window.__saihanNotFound) return;
    for (const record of records) for (const node of record.addedNodes)
      if ((node.textContent || '').includes('Page not found')) {
        window.__saihanNotFound = true; return; } });
  window.__saihanNotFoundWatch.observe(document, {childList: true, subtree: true}); }"""


class LanguageTabs:
    """One tab per language in the module's browser context, going from page to page by the
    sidebar's links as a reader does (no reload: Streamlit's scripts and websocket are paid
    once per language). A tab whose test failed is closed, so the next test opens a new one."""

    def __init__(self, context, server: str) -> None:
        self.context, self.server, self.open = context, server, {}

    def show(self, page_name: str, lang: str):
        """The tab of ``lang`` on ``page_name`` at 1440 px, its script run (not yet waited
        for). The overview is always a new tab, opened by its landing link (``FIRST``)."""
        page = self.open.get(lang)
        if page is None or page_name == "overview":
            self.drop(lang)
            page = self.open[lang] = self.context.new_page()
            if page_name == "overview":
                page.add_init_script(f"({NOT_FOUND_SEEN})()")
                page.goto(f"{self.server}/{FIRST[lang]}", wait_until="load")
            else:
                page.goto(f"{self.server}/{PAGES[page_name]}?lang={lang}&map=tile",
                          wait_until="load")
            return page
        # the tab in front: chromium pauses the animation frames of a tab behind another
        # (its charts' drawing and every wait here, polled each frame, took seconds longer)
        page.bring_to_front()
        page.set_viewport_size(DESKTOP)  # the sidebar opens again at this width
        title = t(TITLE_KEYS[page_name], lang)
        page.locator("[data-testid='stSidebar']").get_by_role(
            "link", name=title, exact=True).click(timeout=30000)
        page.wait_for_url(re.compile(rf"/{PAGES[page_name]}\?"), timeout=30000)
        # the new page's script has started once it has set its own tab title
        page.wait_for_function("title => document.title === title",
                               arg=f"{title} | {t('app_title', lang)}", timeout=30000)
        return page

    def drop(self, lang: str) -> None:
        page = self.open.pop(lang, None)
        if page is not None:
            page.close()


@pytest.fixture(scope="module")
def language_tabs(server, tabs):
    opened = LanguageTabs(tabs, server)
    yield opened
    for lang in list(opened.open):
        opened.drop(lang)


@pytest.mark.skipif(not AXE.exists(), reason="needs axe-core: npm ci --prefix tests/browser")
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("page_name", [
    pytest.param(name, marks=pytest.mark.xdist_group(PARTS[name])) for name in PAGES])
def test_every_page_at_1440_and_390_px(language_tabs, page_name, lang) -> None:
    """One visit per page and language: what an analyst checks at 1440 px, then the same page
    narrowed to a phone's 390 px (Streamlit and Plotly lay it out again; no reload)."""
    page = language_tabs.show(page_name, lang)
    try:
        _check(page, page_name, lang)
    except BaseException:
        language_tabs.drop(lang)
        raise


def _check(page, page_name: str, lang: str) -> None:
    out = Path(os.environ.get("SAIHAN_SCREENSHOTS") or ".")
    has_charts = page_name not in NO_CHARTS
    _settled(page, has_charts, 1440)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    # the language and the map kind kept in the address: by the landing link, by each
    # sidebar link; the landing link's path is gone
    assert f"lang={lang}" in page.url and "map=tile" in page.url, page.url
    if page_name == "overview":
        assert page.url.split("?")[0].rstrip("/") == server_root(page.url), page.url
    # the page's language, its own tab title, the product's name, no developer chrome
    # the app sets <html lang> from the page's own script, just after it is drawn
    page.wait_for_function(f"document.documentElement.lang === '{lang}'", timeout=10000)
    assert page.title() == f"{t(TITLE_KEYS[page_name], lang)} | {t('app_title', lang)}"
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    assert page.get_by_text(t("app_title", lang), exact=True).count() >= 1
    # nothing left unformatted, time left to right, accessible in both languages
    text = page.locator("[data-testid='stMain']").inner_text()
    assert not re.findall(r"\b(?:None|NaN|nan|NaT)\b", text), text[:500]
    assert page.evaluate(UNORDERED_LINES) == []
    if not page.evaluate("typeof axe !== 'undefined'"):  # once per tab
        page.add_script_tag(path=str(AXE))
    run_done(page)  # a rerun (the language remembered) may have started since
    violations = page.evaluate(AXE_VIOLATIONS)
    if violations:  # a rerun may have begun while axe ran (its stale elements are drawn
        run_done(page)  # faded): the page is checked again once that run is done
        violations = page.evaluate(AXE_VIOLATIONS)
    assert violations == [], violations
    if page_name == "overview":  # keyboard focus is visible (the page's own focus outline)
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        tag, outline_style, outline_width = page.evaluate(FOCUS)
        assert tag != "BODY"
        assert outline_style != "none" and outline_width != "0px", (outline_style,
                                                                    outline_width)
    # no KPI title or value cut off at 1440 px either (four KPIs share a row there)
    assert not [c for c in page.evaluate(CLIPPED) if c[0].startswith("kpi")]
    _shot(page, out / f"{page_name}_{lang}_1440.png", 1440, has_charts)

    page.set_viewport_size(PHONE)
    if has_charts:  # Streamlit's and Plotly's layout for the new width
        page.wait_for_function(CHARTS_DRAWN, arg=PHONE["width"], polling="raf",
                               timeout=10000)
    page.wait_for_function(LAYOUT_SETTLED, polling="raf", timeout=10000)
    run_done(page)
    assert page.evaluate(SIDEWAYS) == [0, 0]  # no sideways scroll on the phone
    clipped = page.evaluate(CLIPPED)  # nothing cut off or off the screen
    assert not [c for c in clipped if c[0].startswith(("kpi", "heading"))], clipped
    assert page.locator("[data-testid='stException']").count() == 0
    _shot(page, out / f"{page_name}_{lang}_390.png", PHONE["width"], has_charts)
    if page_name == "overview":  # watched from the landing link to now
        assert page.evaluate("window.__saihanNotFound") is False  # not even briefly
        page.evaluate("window.__saihanNotFoundWatch.disconnect()")
    assert clipped == [], clipped


def server_root(url: str) -> str:
    """The app's own root of a page's address (scheme, host and port)."""
    return "/".join(url.split("/")[:3])
