"""The Prefect flows on the bundled sample, against the session's Prefect test harness: a run
publishes and leaves a Markdown run report, a second run is a no-op, a second writer waits or
stops with the lock's message, a failed audit publishes nothing. Tasks are called via ``.fn``
where that is enough."""

from __future__ import annotations

import hashlib
import sys
import threading
import time
from pathlib import Path

import pytest
from prefect.artifacts import Artifact
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.logging import disable_run_logger

from flows import pipeline as flows
from warehouse import db
from warehouse.files import WriterBusy, writer_lock
from warehouse.pipeline import plan_run, run_pipeline
from warehouse.sample import copy_sample
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The flows read SAIHAN_HOME from the environment, as served flow runs do."""
    monkeypatch.setenv("SAIHAN_HOME", str(settings.home))
    return settings


def artifacts_of(state) -> list:
    with get_client(sync_client=True) as client:
        return client.read_artifacts(artifact_filter=ArtifactFilter(
            flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))


def test_ingest_flow_publishes_the_sample_with_a_report_artifact(home: Settings) -> None:
    copy_sample(home)
    state = flows.ingest_flow(trigger="test", return_state=True)
    assert state.is_completed()
    report = state.result()
    assert report["status"] == "published"
    assert report["summary"] | {} == {"files_seen": 8, "loaded": 8, "unchanged": 0,
                                      "rejected": 0, "superseded": 0, "rows_loaded": 6714}
    assert report["published_as"] == str(home.warehouse)
    assert home.warehouse.is_file()
    [artifact] = artifacts_of(state)
    assert artifact.key == flows.REPORT_ARTIFACT_KEY and artifact.type == "markdown"
    assert f"saihan run `{report['run_id']}`: published" in artifact.data
    assert "| Loaded | 8 (6,714 rows) |" in artifact.data
    assert "7 data tests run, all passed." in artifact.data
    assert (home.runs / f"{report['run_id']}.json").is_file()


def test_second_flow_run_is_a_noop(sample_copy: Settings, monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    before = sha(sample_copy.warehouse)
    state = flows.ingest_flow(return_state=True)
    report = state.result()
    assert report["status"] == "noop"
    assert report["summary"]["unchanged"] == 8 and report["summary"]["loaded"] == 0
    assert sha(sample_copy.warehouse) == before
    assert list(sample_copy.work.iterdir()) == []
    assert Artifact.get(flows.REPORT_ARTIFACT_KEY).data.count("nothing new") == 1


def test_flow_on_given_paths_rejects_bad_file_and_reports_quarantine(home: Settings,
                                                                    tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("名前,住所\n山田,東京\n", encoding="cp932")
    report = flows.ingest_flow(paths=[str(bad)], trigger="test")
    assert report["summary"]["rejected"] == 1
    kept = report["files"][0]["quarantined_as"]
    markdown = Artifact.get(flows.REPORT_ARTIFACT_KEY).data
    assert "## Rejected files: what to do" in markdown
    assert f"{kept}.report.txt" in markdown
    assert Path(f"{kept}.report.txt").is_file()


def test_second_writer_stops_with_the_lock_message(home: Settings) -> None:
    with writer_lock(home):
        started = time.monotonic()
        state = flows.ingest_flow(wait_seconds=1, return_state=True)
        waited = time.monotonic() - started
    assert state.is_failed()
    with pytest.raises(WriterBusy, match="Another saihan run is writing to .* --wait SECONDS"):
        state.result()
    assert waited >= 1
    assert not home.warehouse.exists()


def test_second_writer_waits_for_the_first(home: Settings) -> None:
    copy_sample(home)
    holding = threading.Event()

    def hold_lock() -> None:
        with writer_lock(home):
            holding.set()
            time.sleep(1.5)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    holding.wait(5)
    report = flows.ingest_flow(wait_seconds=30)
    holder.join()
    assert report["status"] == "published"


def test_failed_audit_publishes_nothing_and_says_why(sample_copy: Settings, monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    before = sha(sample_copy.warehouse)
    failure = db.DataTestFailure("prefecture_is_47", "there are 47 prefectures", 1, [("x",)])

    def broken_audit(run) -> None:
        raise db.AuditFailed([failure])

    monkeypatch.setattr(flows, "build_and_audit", broken_audit)
    state = flows.ingest_flow(force_build=True, return_state=True)
    assert state.is_failed()
    assert sha(sample_copy.warehouse) == before
    assert list(sample_copy.work.iterdir()) == []
    markdown = Artifact.get(flows.REPORT_ARTIFACT_KEY).data
    assert "audit failed, nothing published" in markdown
    assert "prefecture_is_47: there are 47 prefectures" in markdown


def test_nightly_without_extract_module_says_so(sample_copy: Settings, monkeypatch,
                                                caplog) -> None:
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    monkeypatch.setattr(flows, "EXTRACT_MODULE", "warehouse.no_such_extract_module")
    report = flows.nightly_flow()
    assert report["trigger"] == "nightly"
    assert "no extracts yet: warehouse.no_such_extract_module is not installed" in caplog.text


def test_nightly_writes_extracts_when_the_module_exists(sample_copy: Settings, monkeypatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    fake = tmp_path / "fake_extract_mod"
    fake.mkdir()
    (fake / "saihan_fake_extract.py").write_text(
        "def write_all_extracts(settings, out_dir):\n"
        "    out_dir.mkdir(parents=True, exist_ok=True)\n"
        "    (out_dir / 'done.txt').write_text(str(settings.warehouse))\n"
        "    return [out_dir / 'done.txt']\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(fake))
    monkeypatch.setattr(flows, "EXTRACT_MODULE", "saihan_fake_extract")
    flows.nightly_flow()
    assert (sample_copy.extracts / "done.txt").read_text() == str(sample_copy.warehouse)
    sys.modules.pop("saihan_fake_extract", None)


def test_a_retried_ingest_records_the_file_once(sample_copy: Settings) -> None:
    run = plan_run(sample_copy)
    flows.open_build.fn(run)
    path = run.files[0]
    with disable_run_logger():
        flows.ingest.fn(run, path)
        flows.ingest.fn(run, path)
    assert [f.file for f in run.report.files] == [str(path)]
    flows.finish.fn(run)


class _State:
    def __init__(self, exc: BaseException):
        self.exc = exc

    def result(self):
        raise self.exc


@pytest.mark.parametrize(("error", "retried"), [
    (OSError(5, "Input/output error"), True),
    (TimeoutError("share timed out"), True),
    (FileNotFoundError("gone"), False),
    (PermissionError("no"), False),
    (ValueError("bad data"), False),
    (WriterBusy("busy"), False),
])
def test_only_transient_io_errors_are_retried(error: BaseException, retried: bool) -> None:
    assert flows.transient_io_error(None, None, _State(error)) is retried


def test_flows_leave_the_run_pipeline_result_unchanged(sample_copy: Settings,
                                                       monkeypatch) -> None:
    """The flow and `saihan run` build the same marts from the same files."""
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    flow_report = flows.ingest_flow(force_build=True)
    plain_report = run_pipeline(sample_copy, force_build=True)
    assert flow_report["models_built"] == plain_report.models_built
    assert flow_report["data_tests_run"] == plain_report.data_tests_run
