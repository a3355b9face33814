"""The dashboard tests' shared AppTest opener and fixtures: the app on the session's sample
warehouse and on a warehouse of the real Hokkaido police files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import make_settings
from warehouse.run import run_pipeline
from warehouse.settings import PROJECT_ROOT, Settings

APP = str(PROJECT_ROOT / "dashboard" / "app.py")


def serve_on(monkeypatch: pytest.MonkeyPatch, address: str | None) -> None:
    """Make the app believe it serves on ``address`` (Streamlit's server.address), as
    ``saihan dashboard`` does on 127.0.0.1: the local open mode without login."""
    real = st.get_option
    monkeypatch.setattr(st, "get_option",
                        lambda key: address if key == "server.address" else real(key))


def app_on(home: Settings, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """A function opening a page of the app on ``home``'s warehouse as a link to it opens it
    (``/crime?lang=en``: that page is the first to run, with the link's query parameters),
    served on 127.0.0.1 without login (the local open mode)."""
    monkeypatch.setenv("SAIHAN_HOME", str(home.home))
    monkeypatch.delenv("SAIHAN_LANG", raising=False)
    serve_on(monkeypatch, "127.0.0.1")

    def open_page(page: str | None = None, **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        for key, value in params.items():
            at.query_params[key] = value
        if page is not None:  # as a link to /<page>?<params> opens it: that page runs first
            at.switch_page(page)
        at.run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return open_page


def pages_on(home: Settings, monkeypatch: pytest.MonkeyPatch, views: list[str],
             **params: str) -> Iterator[tuple[str, AppTest]]:
    """Each of ``views`` rendered in turn in one AppTest session on ``home``'s warehouse, as a
    user goes from page to page (the default page first): one render per page, for checks
    that every page renders, instead of a new session (and default page) for each. Served
    on 127.0.0.1 without login (the local open mode), as ``app_on``."""
    monkeypatch.setenv("SAIHAN_HOME", str(home.home))
    monkeypatch.delenv("SAIHAN_LANG", raising=False)
    serve_on(monkeypatch, "127.0.0.1")
    at = AppTest.from_file(APP, default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    for view in views:
        at.switch_page(view).run()
        assert not at.exception, (view, [e.message for e in at.exception])
        yield view, at


def shown_on(home: Settings) -> Callable[..., AppTest]:
    """A function giving a page of the app on ``home``'s warehouse as a link with ``params``
    opens it, rendered once and kept: for tests that only read what a page shows. A test that
    clicks, types or patches opens its own page with ``app``."""
    rendered: dict[tuple, AppTest] = {}

    def shown(page: str | None = None, **params: str) -> AppTest:
        key = (page, tuple(sorted(params.items())))
        if key not in rendered:
            with pytest.MonkeyPatch.context() as patch:
                rendered[key] = app_on(home, patch)(page, **params)
        return rendered[key]

    return shown


@pytest.fixture(scope="session")
def shown(sample_home: Settings) -> Callable[..., AppTest]:
    """Pages of the app on the session's sample warehouse, each rendered once a session
    (read only)."""
    return shown_on(sample_home)


@pytest.fixture
def app(sample_home: Settings, monkeypatch: pytest.MonkeyPatch):
    """The app pointed at the session's sample warehouse."""
    return app_on(sample_home, monkeypatch)


@pytest.fixture(scope="session")
def hokkaido_home(hokkaido_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home with only the real Hokkaido 2018 police files (read from ../shared/data) loaded."""
    settings = make_settings(tmp_path_factory.mktemp("hokkaido") / "home")
    assert run_pipeline(settings, [hokkaido_dir]).status == "published"
    return settings


@pytest.fixture(scope="session")
def real_shown(hokkaido_home: Settings) -> Callable[..., AppTest]:
    """Pages of the app on the warehouse of the real Hokkaido files, each rendered once a
    session (read only)."""
    return shown_on(hokkaido_home)


@pytest.fixture
def real_app(hokkaido_home: Settings, monkeypatch: pytest.MonkeyPatch):
    """The app pointed at the warehouse of the real Hokkaido files."""
    return app_on(hokkaido_home, monkeypatch)
