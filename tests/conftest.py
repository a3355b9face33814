"""Shared fixtures: settings in tmp_path, a sample warehouse built once per session, and the
one session-scoped Prefect test harness for the flow tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from warehouse.run import run_pipeline
from warehouse.sample import copy_sample
from warehouse.settings import PROJECT_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
HOKKAIDO_DIR = PROJECT_ROOT / "data" / "crime-open-data" / "hokkaido-2018"


def make_settings(home: Path) -> Settings:
    """Settings for a home folder under tmp_path."""
    return Settings.from_env({"SAIHAN_HOME": str(home)})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A fresh, empty saihan home."""
    return make_settings(tmp_path / "home")


@pytest.fixture(scope="session")
def sample_home(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home where the bundled sample was put in the inbox and run once (read-only for tests)."""
    settings = make_settings(tmp_path_factory.mktemp("sample") / "home")
    copy_sample(settings)
    report = run_pipeline(settings)
    assert report.status == "published", report.error
    return settings


@pytest.fixture
def sample_copy(sample_home: Settings, tmp_path: Path) -> Settings:
    """A private copy of the sample home that a test may change."""
    target = tmp_path / "home"
    shutil.copytree(sample_home.home, target, symlinks=True)
    return make_settings(target)


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test harness (temporary local API) for every flow test in the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
