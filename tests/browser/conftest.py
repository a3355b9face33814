"""The browser tests' one live server and one headless chromium, shared by every module."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from saihan.serve_commands import streamlit_env
from tests.helpers import free_port
from warehouse import resources
from warehouse.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")
# Two halves of the browser pass, each for one pytest-xdist worker with its own dashboard
# server (tests/conftest.py groups them): test_pages split by page, not by language, so each
# server runs (and caches) its own pages' queries only; test_report goes with the report page,
# test_login (its own server) with the other half.
NATIONAL = "browser-national"
PROGRAMMES = "browser-programmes"


def served_dashboard(env: dict[str, str], cwd: Path | None = None,
                     port: int | None = None) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a loopback port (a free one unless given) with
    ``env``, from ``cwd`` (whose .streamlit/ applies): its address once healthy, then stopped."""
    port = port or free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(resources.dashboard_app()),
         "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
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


@pytest.fixture(scope="session")
def server(sample_home: Settings):
    """The dashboard on the session's sample warehouse, as `saihan dashboard` serves it."""
    yield from served_dashboard(streamlit_env(os.environ, sample_home.home))


@pytest.fixture(scope="module")
def browser():
    """Headless chromium for one module. Not for the session: Playwright's sync API keeps an
    event loop running in the thread while it is open, and Prefect flows called later in the
    same worker would then return coroutines instead of running."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        yield browser
        browser.close()




@pytest.fixture(scope="module")
def tabs(browser):
    """One browser context for a module's page loads, as an analyst's browser is: its HTTP
    cache and compiled scripts are kept from load to load (measured: the load event 0.7-0.95 s
    after the first instead of 1.4-1.7 s). At 1440 x 1000; test_pages keeps one tab per
    language in it (``LanguageTabs``); test_report and test_login open their own."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    yield context
    context.close()


# Streamlit has finished running the script: no status widget, and no element left stale from
# an earlier run (a stale element is drawn faded, which axe would read as low contrast), for
# three animation frames in a row.
RUN_DONE = """() => { const busy = document.querySelector('[data-testid="stStatusWidget"]')
    || document.querySelector('[data-stale="true"]');
  window.__saihanDone = busy ? 0 : (window.__saihanDone || 0) + 1;
  return window.__saihanDone >= 3; }"""


def run_done(page, timeout: float = 90000) -> None:
    """Wait until Streamlit has run the page's script and drawn what it sent (no fixed time;
    90 s at most, for a machine under load)."""
    page.wait_for_function(RUN_DONE, polling="raf", timeout=timeout)


def follow(page, path: str, title: str) -> None:
    """Open ``path`` (with its query) inside the running app, as Streamlit's own router does
    for the browser's back and forward buttons: the address changes and the app asks the
    server for that page and its parameters over the open websocket (no reload, so the
    scripts and the websocket are not paid again). Returns once the page, whose tab title
    starts with ``title``, has been run and drawn."""
    page.evaluate("path => { history.pushState({}, '', path);"
                  " dispatchEvent(new PopStateEvent('popstate', {state: {}})); }", path)
    page.wait_for_function("title => document.title.startsWith(title + ' | ')", arg=title,
                           timeout=90000)
    run_done(page)
