"""Logging in for real: a local OpenID Connect provider (oidc-provider-mock, in a thread, no
network) and the dashboard served with an [auth] section in .streamlit/secrets.toml, driven by
headless chromium as two prefecture officers and a ministry analyst. Each one clicks Log in,
picks their account at the provider and comes back with their role; what each sees and
downloads (an extract, a plan list) is checked, and the ministry reads the others' logins and
downloads in the access trail. One login per role; after it each page is opened inside the
running app with the address a link or a typed URL asks for (``follow``: no reload), and
what is checked is what differs per role (the pages themselves are checked in test_pages).

Skipped, saying why, when /usr/bin/chromium is missing (`.ci/run` installs it).
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from pathlib import Path

import pytest
from oidc_provider_mock import User, run_server_in_thread

from dashboard.i18n import t
from saihan.serve_commands import streamlit_env
from tests.browser.conftest import CHROMIUM, PROGRAMMES, follow, run_done, served_dashboard
from tests.conftest import private_copy
from tests.helpers import free_port
from warehouse import access_log
from warehouse.settings import Settings

pytestmark = [pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason="needs Debian chromium (apt-get install chromium)"),
              pytest.mark.xdist_group(PROGRAMMES)]  # its half of the browser pass (test_pages)

USERS = [
    User(sub="hokkaido-officer", claims={"email": "officer@pref.hokkaido.example",
                                         "saihan_role": "prefecture", "pref_code": "01"}),
    User(sub="fukuoka-officer", claims={"email": "officer@pref.fukuoka.example",
                                        "groups": ["fukuoka-staff"]}),
    User(sub="moj-analyst", claims={"email": "analyst@moj.example", "groups": ["moj"]}),
]


@pytest.fixture(scope="module")
def provider():
    """The local OIDC provider on a free port (its users are picked with one click)."""
    with run_server_in_thread(port=free_port(), user_claims=USERS) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def login_home(sample_home: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the sample home: logins and downloads write its access trail."""
    return private_copy(sample_home, tmp_path_factory.mktemp("login"))


@pytest.fixture(scope="module")
def login_server(provider: str, login_home: Settings,
                 tmp_path_factory: pytest.TempPathFactory):
    """`streamlit run dashboard/app.py` from a folder whose .streamlit/secrets.toml points at
    the provider, as an installation with login is served."""
    port = free_port()  # the address is in secrets.toml, written before the server starts
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp("served")
    (folder / ".streamlit").mkdir()
    (folder / ".streamlit" / "secrets.toml").write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-more-than-thirty-two-characters"\n'
        'client_id = "saihan"\nclient_secret = "saihan-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    env = streamlit_env({**os.environ, "SAIHAN_AUTH_GROUPS": "fukuoka-staff=40,moj=ministry"},
                        login_home.home)
    yield from served_dashboard(env, cwd=folder, port=port)


def settled(page) -> None:
    """Wait until Streamlit has drawn the page and stopped running its script."""
    page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=90000)
    run_done(page)


def logged_in(browser, server: str, provider: str, sub: str, role: str):
    """A fresh browser context logged in as ``sub`` through the provider's form, back on the
    dashboard with ``role`` named beside the logout button."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.goto(server, wait_until="load")
    settled(page)
    assert page.locator("h1").first.inner_text() == "ログインしてください"
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{provider}/**", timeout=30000)
    page.locator(f"button[name='sub'][value='{sub}']").click()
    page.wait_for_url(f"{server}/**", timeout=30000)
    page.wait_for_selector("[data-testid='stSidebar'] .st-key-access_logout", timeout=90000)
    page.wait_for_selector(f"[data-testid='stSidebar'] >> text={role}", timeout=90000)
    # the overview's run is let finish before another page is asked for: a page asked for
    # while the overview's first run was still importing plotly's optional pandas once failed
    # with "partially initialized module 'pandas'" (the two runs overlap in the server)
    settled(page)
    return context, page


def download(page, key: str) -> bytes:
    """The bytes of the file the download button of widget key ``key`` hands over."""
    with page.expect_download(timeout=30000) as info:
        page.locator(f".st-key-{key} button").click()
    return Path(info.value.path()).read_bytes()


def plan_rows(data: bytes) -> list[dict[str, str]]:
    """The rows of a plan-list CSV download (UTF-8 with BOM)."""
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.parametrize(("sub", "pref", "name", "other"), [
    ("hokkaido-officer", "01", "北海道", "40"),
    ("fukuoka-officer", "40", "福岡県", "01"),
])
def test_an_officer_sees_and_downloads_their_own_prefecture(
        browser, login_server, provider, login_home, sub, pref, name, other) -> None:
    context, page = logged_in(browser, login_server, provider, sub, f"{name}の担当者")
    # another prefecture's extract asked for in the URL: only their own can be chosen
    follow(page, f"/extracts?pref={other}", t("page_extracts", "ja"))
    page.locator("[data-testid='stSelectbox']").first.click()
    page.wait_for_selector("[role='option']", timeout=10000)
    options = page.locator("[role='option']").all_inner_texts()
    assert options == [f"{pref} {name}"], options
    page.keyboard.press("Escape")
    page.locator(".st-key-extract_build button").click()
    page.wait_for_selector(".st-key-extract_download button", timeout=60000)
    with zipfile.ZipFile(io.BytesIO(download(page, "extract_download"))) as archive:
        folders = {member.split("/")[0] for member in archive.namelist()}
    assert folders and all(folder.startswith(pref) for folder in folders), folders
    # the plan list of every municipality: their prefecture's only
    follow(page, f"/plans?pref={other}", t("page_plans", "ja"))
    rows = plan_rows(download(page, "plans_list_csv"))
    assert rows and {row["都道府県"] for row in rows} == {name}
    context.close()
    trail = [e for e in access_log.read(login_home) if e.pref_codes == (pref,)]
    assert {"login", "extract", "download"} <= {e.event for e in trail}


def test_the_ministry_sees_every_prefecture_and_the_trail(
        browser, login_server, provider, login_home) -> None:
    context, page = logged_in(browser, login_server, provider, "moj-analyst",
                              "analyst@moj.example（法務省）")
    follow(page, "/plans", t("page_plans", "ja"))
    rows = plan_rows(download(page, "plans_list_csv"))
    assert len({row["都道府県"] for row in rows}) == 47
    follow(page, "/data", t("page_data", "ja"))
    page.get_by_text("アクセス記録").first.scroll_into_view_if_needed()
    assert page.get_by_text("アクセス記録").count() >= 1
    context.close()
    events = access_log.read(login_home)
    assert ("login", "analyst@moj.example", "ministry") in {(e.event, e.user, e.role)
                                                            for e in events}
