"""Links keep everything (issue 13, point 10), in a real browser: the sidebar navigation keeps
the language and the map kind, and a path no page has (or /overview, the overview's name) lands
on the overview, without Streamlit's "Page not found" dialog even for a moment. The server and
browser are the browser tests' shared ones (conftest)."""

from __future__ import annotations

import pytest

from dashboard.i18n import t
from tests.browser.conftest import CHROMIUM

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian chromium (apt-get install chromium)")


def _open(tabs, url: str):
    page = tabs.new_page()
    page.goto(url, wait_until="networkidle")
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=30000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    return page


def test_the_sidebar_navigation_keeps_the_language_and_the_map(server, tabs) -> None:
    page = _open(tabs, f"{server}/?lang=en&map=geo")
    page.locator("[data-testid='stSidebar']").get_by_text(t("page_subsidy", "en"),
                                                          exact=True).click()
    page.wait_for_url("**/subsidy?*", timeout=30000)
    page.wait_for_selector(f"h1:has-text('{t('page_subsidy', 'en')}')", timeout=30000)
    assert "lang=en" in page.url and "map=geo" in page.url, page.url
    assert page.evaluate("document.documentElement.lang") == "en"
    page.close()


# Notes whether Streamlit's "Page not found" dialog was ever in the page, even for a moment:
# the text of every node added (textContent, which needs no layout: reading the page's
# innerText on each change made the page too slow to finish its run on a busy machine).
NOT_FOUND_SEEN = """() => { window.__saihanNotFound = false;
  new MutationObserver(records => { if (window.__saihanNotFound) return;
    for (const record of records) for (const node of record.addedNodes)
      if ((node.textContent || '').includes('Page not found')) {
        window.__saihanNotFound = true; return; } })
    .observe(document, {childList: true, subtree: true}); }"""


@pytest.mark.parametrize("path", ["no-such-page", "overview"])
def test_an_unknown_path_or_the_overview_s_name_lands_on_the_overview(server, tabs,
                                                                       path) -> None:
    page = tabs.new_page()
    page.add_init_script(f"({NOT_FOUND_SEEN})()")
    page.goto(f"{server}/{path}?lang=en", wait_until="networkidle")
    page.wait_for_selector(f"h1:has-text('{t('page_overview', 'en')}')", timeout=30000)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30000)
    page.wait_for_timeout(500)
    assert page.get_by_text("Page not found").count() == 0
    assert page.evaluate("window.__saihanNotFound") is False  # not even briefly
    assert "lang=en" in page.url and f"/{path}" not in page.url, page.url
    page.close()
