"""The browser tests' one live server and one headless chromium, shared by every module."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from saihan.serve_commands import streamlit_env
from tests.helpers import free_port
from warehouse import resources
from warehouse.settings import Settings

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def server(sample_home: Settings):
    """`streamlit run dashboard/app.py` on a free loopback port."""
    port = free_port()
    env = streamlit_env(os.environ, sample_home.home)  # as `saihan dashboard` serves it
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


