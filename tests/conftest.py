"""Shared fixtures: settings in tmp_path, a sample warehouse built once per session, the real
police files read in place from ../shared/data (and trimmed fixtures built from them), and the
one session-scoped Prefect test harness for the flow tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers import build_crime_fixtures, require_geo, require_hokkaido
from warehouse import boundaries
from warehouse.run import run_pipeline
from warehouse.sample import bundled_files, copy_files, copy_from, copy_sample
from warehouse.settings import PROJECT_ROOT, Settings

FIXTURES = Path(__file__).parent / "fixtures"
# The generated crime sample that `saihan sample` bundles (data/sample/crime/README.md lists its
# files; tests/unit/warehouse/test_sample.py checks these against them).
SAMPLE_CRIME_DIR = PROJECT_ROOT / "data" / "sample" / "crime"
SAMPLE_CRIME_INCIDENTS = 3_367
SAMPLE_CRIME_BY_PREFECTURE = {"01": 2_347, "40": 1_020}


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


def private_copy(home: Settings, tmp_path: Path) -> Settings:
    """A copy of a published home that a test may change."""
    target = tmp_path / "home"
    shutil.copytree(home.home, target, symlinks=True)
    return make_settings(target)


@pytest.fixture
def sample_copy(sample_home: Settings, tmp_path: Path) -> Settings:
    """A private copy of the sample home that a test may change."""
    return private_copy(sample_home, tmp_path)


@pytest.fixture(scope="session")
def hokkaido_sample_home(hokkaido_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The bundled data with the real Hokkaido 2018 police files (read from ../shared/data) in
    place of the generated crime sample, run once (read-only for tests): for assertions about
    the real police data."""
    settings = make_settings(tmp_path_factory.mktemp("hokkaido-sample") / "home")
    copy_files(settings, [(path, relative) for path, relative in bundled_files()
                          if not relative.startswith("sample/crime/")])
    copy_from(settings, hokkaido_dir)
    report = run_pipeline(settings)
    assert report.status == "published", report.error
    return settings


@pytest.fixture
def hokkaido_sample_copy(hokkaido_sample_home: Settings, tmp_path: Path) -> Settings:
    """A private copy of the home with the real Hokkaido files that a test may change."""
    return private_copy(hokkaido_sample_home, tmp_path)


@pytest.fixture(scope="session")
def geo_dir() -> Path:
    """The public boundary files in ../shared/data/geo (skips where they are absent)."""
    return require_geo()


@pytest.fixture(scope="session")
def geo_cache(geo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder where the boundaries were prepared once this session (warehouse.boundaries
    keeps them in memory too, so every test after the first reads them for nothing)."""
    cache = tmp_path_factory.mktemp("geo-cache")
    assert boundaries.load(geo_dir, cache) is not None
    return cache


@pytest.fixture(scope="session")
def hokkaido_dir() -> Path:
    """The real Hokkaido 2018 police files, read in place in ../shared/data (skips without)."""
    return require_hokkaido()


@pytest.fixture(scope="session")
def crime_fixtures(hokkaido_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Trimmed real files and their re-encoded variants, built once from the shared files."""
    return build_crime_fixtures(hokkaido_dir, tmp_path_factory.mktemp("crime-fixtures"))


@pytest.fixture
def base(crime_fixtures: Path) -> Path:
    """The trimmed real 自転車盗 file (header + 9 real lines, CP932 CRLF) most reader tests
    start from."""
    return crime_fixtures / "hokkaido_2018zitensyatou.csv"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that share a costly session fixture run on one pytest-xdist worker, so a session
    starts one Prefect harness and one dashboard server with its browser, however many workers
    run the rest."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for fixture, group in (("prefect_harness", "prefect"), ("browser", "browser")):
            if fixture in fixtures:
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def prefect_harness():
    """One Prefect test harness (temporary local API) for every flow test in the session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
