"""Shared fixtures: settings in tmp_path, a sample warehouse built once per session, the real
police files read in place from ../shared/data (and trimmed fixtures built from them), and the
one session-scoped Prefect test harness for the flow tests."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from streamlit.components.v2 import manifest_scanner
from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import app_test
from xdist.scheduler import LoadGroupScheduling

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


@pytest.fixture(scope="session", autouse=True)
def app_tests_start_as_the_server_does() -> Iterator[None]:
    """Streamlit's AppTest redoes on every run what `streamlit run` does once: it looks
    through the metadata of every installed package for components (0.3-0.4 s of CPU, a few
    hundred times a session; the server looks when its runtime starts) and compiles the pages
    again (about a tenth of a render; the server keeps their bytecode until a file changes).
    Neither the packages nor the pages change during a session, so the first answers are
    kept, as the server keeps them."""
    scripts = ScriptCache()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(manifest_scanner, "scan_component_manifests",
                      functools.cache(manifest_scanner.scan_component_manifests))
        patch.setattr(app_test, "ScriptCache", lambda: scripts)
        yield


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
    """A folder where the boundaries were prepared once this session, whatever the number of
    workers (about 10 s of CPU; a worker after the first reads the prepared file under the
    lock). warehouse.boundaries keeps them in memory too, so every test after a worker's
    first reads them for nothing."""
    with prepared_once(tmp_path_factory, "geo-cache") as cache:
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
    starts one Prefect harness, however many workers run the rest. Browser tests run on one
    worker too, unless their module splits them into parts of its own (an ``xdist_group``
    mark beginning with ``browser``): test_pages' two halves of the pages (with test_report
    and test_login), each going from page to page in its own tabs, so two workers can each
    take one half with its own dashboard server and the browser pass is no serial block."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "prefect_harness" in fixtures:
            item.add_marker(pytest.mark.xdist_group("prefect"))
        mark = item.get_closest_marker("xdist_group")
        if "browser" in fixtures and not (mark and str(mark.args[0]).startswith("browser")):
            item.add_marker(pytest.mark.xdist_group("browser"))


class BrowserHalvesApart(LoadGroupScheduling):
    """pytest-xdist's loadgroup, with the browser pass's halves handed out first, one to each
    worker (loadgroup hands out the largest groups first: the Prefect harness's tests went to
    one worker and both halves, one after the other, to the other). Every other test still
    goes to whichever worker is free."""

    _halves_first = False

    def _assign_work_unit(self, node) -> None:
        if not self._halves_first:  # the first assignment: the queue is complete and ordered
            for group in sorted((g for g in self.workqueue if g.startswith("browser")),
                                reverse=True):
                self.workqueue.move_to_end(group, last=False)
            self._halves_first = True
        super()._assign_work_unit(node)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") == "loadgroup":
        return BrowserHalvesApart(config, log)
    return None


UNGROUPED = pytest.StashKey[str]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """A worker refuses to run when the groups above did not take: pytest-xdist's loadgroup
    sends a group to one worker by a suffix it writes into each test's id, and pytest 9.2
    ignores that write (pytest-dev/pytest-xdist#1386, hence pytest<9.2 in pyproject.toml).
    Nothing would fail, but every worker would start its own Prefect harness, dashboard
    servers and login provider, and the suite would take minutes longer."""
    if not getattr(session.config.option, "loadgroup", False):  # set in workers only
        return
    lost = [item.nodeid for item in session.items
            if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
    if lost:
        session.config.stash[UNGROUPED] = (
            f"pytest-xdist did not group {len(lost)} tests (first: {lost[0]}): this pytest "
            "and this pytest-xdist do not work together (pytest-dev/pytest-xdist#1386); use "
            "the versions in uv.lock (uv sync)")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if UNGROUPED in item.config.stash:
        item.session.shouldstop = item.config.stash[UNGROUPED]
        pytest.fail(item.config.stash[UNGROUPED], pytrace=False)


def shared_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder of this session that every pytest-xdist worker sees (under the session's base
    temporary folder, which the workers' own folders are in)."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / name


@contextlib.contextmanager
def prepared_once(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The session's shared folder ``name``, held under a lock while the caller looks into it:
    the first worker to ask prepares what it holds, the others find it there."""
    folder = shared_folder(tmp_path_factory, name)
    with FileLock(f"{folder}.lock"):
        folder.mkdir(parents=True, exist_ok=True)
        yield folder


@pytest.fixture(scope="session")
def prefect_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Prefect database migrated once a session, whatever the number of workers (the first
    to ask migrates it under a lock). A Prefect server started on a copy of it skips the
    migrations of a new database: about 10 s of CPU of the 21 s a first start costs here."""
    with prepared_once(tmp_path_factory, "prefect-database") as folder:
        database = folder / "prefect.db"
        if not database.exists():
            env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
            subprocess.run([sys.executable, "-m", "prefect", "--no-prompt", "server", "database",
                            "upgrade", "-y"], env={**env, "PREFECT_HOME": str(folder)},
                           check=True, capture_output=True, timeout=300)
    return database


def seed_prefect_database(database: Path, target: Path) -> None:
    """Put a copy of the migrated ``database`` at ``target`` (a Prefect server's database)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(database, target)


# The harness's server writes the events of task runs in batches, flushed every second, not one
# at a time (Prefect's default): the flow tests make a few hundred task runs, and writing them
# one by one cost its server 71 s of CPU against 47 s batched (tests/unit/flows/test_flows.py
# alone). Only the Prefect UI's record of task runs is written differently; no test reads it.
HARNESS_EVENT_BATCHING = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_READ_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_FLUSH_INTERVAL": "1",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_READ_BATCH_SIZE": "100",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_FLUSH_INTERVAL": "1",
}


@pytest.fixture(scope="session")
def prefect_harness(prefect_database: Path):
    """One Prefect test harness (temporary local API) for every flow test in the session, its
    database a copy of the session's migrated one."""
    from prefect.testing import utilities

    def seeded_temporary_folder() -> str:  # where the harness puts prefect-test.db
        folder = tempfile.mkdtemp()
        seed_prefect_database(prefect_database, Path(folder) / "prefect-test.db")
        return folder

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(utilities, "mkdtemp", seeded_temporary_folder)
        for name, value in HARNESS_EVENT_BATCHING.items():
            patch.setenv(name, value)
        harness = utilities.prefect_test_harness(server_startup_timeout=120)
        harness.__enter__()
    try:
        yield
    finally:
        harness.__exit__(None, None, None)
