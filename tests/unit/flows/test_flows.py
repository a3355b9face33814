"""The Prefect flows on the bundled sample, against the session's Prefect test harness: a run
publishes and leaves a Markdown run report, a second run is a no-op, a second writer waits or
stops with the lock's message, a failed audit publishes nothing. Tasks are called via ``.fn``
where that is enough."""

from __future__ import annotations

import os
import re
import socket
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
from flows import serve
from tests.conftest import SAMPLE_CRIME_DIR, SAMPLE_CRIME_INCIDENTS
from tests.helpers import sha
from warehouse import db
from warehouse.files import WriterBusy, writer_lock
from warehouse.run import plan_run
from warehouse.sample import bundled_files, copy_sample
from warehouse.settings import Settings

pytestmark = pytest.mark.usefixtures("prefect_harness")


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
    summary = report["summary"]
    assert summary["files_seen"] == summary["loaded"] == len(bundled_files())
    assert summary["rejected"] == summary["unchanged"] == 0
    assert summary["rows_loaded"] > SAMPLE_CRIME_INCIDENTS
    assert report["published_as"] == str(home.warehouse)
    assert home.warehouse.is_file()
    [artifact] = artifacts_of(state)
    assert artifact.key == flows.REPORT_ARTIFACT_KEY and artifact.type == "markdown"
    assert f"saihan run `{report['run_id']}`: published" in artifact.data
    assert f"| Loaded | {summary['loaded']} ({summary['rows_loaded']:,} rows) |" in artifact.data
    assert f"{report['data_tests_run']} data tests run, all passed." in artifact.data
    assert (home.runs / f"{report['run_id']}.json").is_file()


def test_second_flow_run_is_a_noop(sample_copy: Settings, monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    before = sha(sample_copy.warehouse)
    state = flows.ingest_flow(return_state=True)
    report = state.result()
    assert report["status"] == "noop"
    assert report["summary"]["unchanged"] == len(bundled_files())
    assert report["summary"]["loaded"] == 0
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


def test_parse_returns_a_rejection_and_load_quarantines_it(
    hokkaido_dir: Path, settings: Settings
) -> None:
    settings.inbox.mkdir(parents=True)
    good = settings.inbox / "hokkaido_2018hittakuri.csv"
    good.write_bytes((hokkaido_dir / good.name).read_bytes())
    bad = settings.inbox / "notes.csv"
    bad.write_text("名前,住所\n山田,東京\n", encoding="cp932")
    run = plan_run(settings)
    flows.open_build.fn(run)
    with disable_run_logger():
        results = [flows.ingest.fn(run, path, flows.parse.fn(path)) for path in run.files]
    flows.finish.fn(run)
    assert {Path(r.file).name: (r.status, r.rows) for r in results} == {
        "hokkaido_2018hittakuri.csv": ("loaded", 20), "notes.csv": ("rejected", 0)}
    assert not bad.exists() and len(list(settings.quarantine.glob("*notes.csv"))) == 1


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


# Columns that differ between any two runs of the same files: when and by which run, and where
# the home is. Everything else of every mart must be equal.
PER_RUN_COLUMNS = re.compile(r"(^run_id$|_at$|_path$|^source_path$|^report$|^duration)")


def mart_contents(settings: Settings) -> dict[str, list[tuple]]:
    """Every mart's rows (sorted), without the per-run columns."""
    con = db.open_published(settings.warehouse)
    try:
        contents = {}
        for (table,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'mart' "
                "and table_catalog = current_database() order by 1").fetchall():
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema = 'mart' "
                "and table_name = ? and table_catalog = current_database() "
                "order by ordinal_position", [table]).fetchall()
                if not PER_RUN_COLUMNS.search(c)]
            select = ", ".join(f'"{c}"' for c in columns)  # names from the catalogue
            contents[table] = sorted(
                con.execute(f"select {select} from mart.{table}").fetchall(), key=repr)
        return contents
    finally:
        con.close()


def test_the_cli_and_the_flow_build_the_same_marts(hokkaido_dir: Path, tmp_path: Path,
                                                   monkeypatch) -> None:
    """One inbox taken in by `saihan run` and by the Prefect flow: every mart is the same."""
    from typer.testing import CliRunner

    from saihan.cli import app

    homes = {}
    for way in ("cli", "flow"):
        homes[way] = Settings.from_env({"SAIHAN_HOME": str(tmp_path / way)})
        copy_sample(homes[way])
        extra = homes[way].inbox / "crime" / "extra" / "hokkaido_2018hittakuri.csv"
        extra.parent.mkdir(parents=True)
        extra.write_bytes((hokkaido_dir / "hokkaido_2018hittakuri.csv").read_bytes())
        (homes[way].inbox / "notes.csv").write_text("名前,住所\n山田,東京\n", encoding="cp932")
    result = CliRunner().invoke(app, ["run"], env={"SAIHAN_HOME": str(homes["cli"].home)})
    assert result.exit_code == 3, result.output  # published, one file rejected
    monkeypatch.setenv("SAIHAN_HOME", str(homes["flow"].home))
    flow_report = flows.ingest_flow(trigger="run")  # mart.run shows the trigger
    assert flow_report["status"] == "published"
    cli_marts, flow_marts = mart_contents(homes["cli"]), mart_contents(homes["flow"])
    assert len(cli_marts) >= 15 and sum(map(len, cli_marts.values())) > 1000
    for table, rows in cli_marts.items():
        assert flow_marts[table] == rows, f"mart.{table} differs"
    assert set(flow_marts) == set(cli_marts)


def test_deployments_nightly_in_tokyo_and_on_arrival_per_file(settings: Settings) -> None:
    custom = Settings.from_env({"SAIHAN_HOME": str(settings.home),
                                "SAIHAN_NIGHTLY_CRON": "30 3 * * 1-5"})
    nightly, arrival = serve.deployments(custom)
    assert (nightly.name, nightly.entrypoint) == ("nightly", "flows.pipeline.nightly_flow")
    [schedule] = nightly.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 3 * * 1-5", "Asia/Tokyo")
    assert (arrival.name, arrival.entrypoint) == ("on-arrival", "flows.pipeline.ingest_flow")
    assert not arrival.schedules
    [trigger] = arrival.triggers
    assert trigger.expect == {serve.FILE_READY_EVENT}
    assert trigger.match.root == {"saihan.home": str(settings.home)}
    assert trigger.parameters["paths"] == ["{{ event.payload.path }}"]
    assert trigger.parameters["with_settled_inbox"] is True


def test_file_ready_event_names_the_file_and_home(settings: Settings) -> None:
    settings.inbox.mkdir(parents=True)
    path = settings.inbox / "北海道.csv"
    path.write_bytes(b"abc")
    event = serve.file_ready_event(settings, path)
    assert event["event"] == "saihan.inbox.file-ready"
    assert event["resource"]["prefect.resource.id"] == f"saihan.file.{path}"
    assert event["resource"]["saihan.home"] == str(settings.home)
    assert event["payload"] | {"mtime_ns": 0} == {"path": str(path), "size_bytes": 3,
                                                  "mtime_ns": 0}


def test_prefect_files_stay_in_the_saihan_home_unless_a_server_is_given(
        settings: Settings) -> None:
    local: dict[str, str] = {}
    serve.prepare_prefect_environment(settings, local)
    assert local["SAIHAN_HOME"] == str(settings.home)
    assert local["PREFECT_HOME"] == str(settings.home / "prefect")
    remote = {"PREFECT_API_URL": "https://prefect.example.org/api", "PREFECT_HOME": "/p"}
    serve.prepare_prefect_environment(settings, remote)
    assert remote["PREFECT_HOME"] == "/p"


def test_a_busy_port_is_refused_with_what_to_do(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not serve.port_is_free(port)
        with pytest.raises(serve.ServerError, match="--port N.*PREFECT_API_URL"):
            serve.start_local_server(port, tmp_path / "prefect", tmp_path / "server.log")


def test_ingest_runs_are_named_for_what_they_take_in(home: Settings) -> None:
    state = flows.ingest_flow(paths=[], trigger="test", return_state=True)
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(state.state_details.flow_run_id)
    assert run.name == "test: no files"


def test_arrival_runs_batch_settled_files_and_skip_ones_already_handled(
        sample_copy: Settings, monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    sample_copy.inbox.mkdir(parents=True, exist_ok=True)
    first, second = (sample_copy.inbox / n for n in ("a.csv", "b.csv"))
    first.write_bytes((SAMPLE_CRIME_DIR / "sample_hokkaido_2022hittakuri.csv").read_bytes())
    second.write_text("名前,住所\n山田,東京\n", encoding="cp932")
    old = time.time_ns() - 10 * 10**9
    for path in (first, second):
        os.utime(path, ns=(old, old))
    # The run for a.csv also takes b.csv, which dropped in with it (and is rejected).
    report = flows.ingest_flow(paths=[str(first)], trigger="arrival", with_settled_inbox=True)
    statuses = {Path(f["file"]).name: f["status"] for f in report["files"]}
    assert statuses["a.csv"] == "unchanged"  # the same bytes as the sample's copy
    assert statuses["b.csv"] == "rejected" and not second.exists()
    # The run for b.csv then finds it handled (moved to quarantine) and does nothing.
    later = flows.ingest_flow(paths=[str(second)], trigger="arrival", with_settled_inbox=True)
    assert later["status"] == "noop" and later["files"] == []


def test_nightly_leaves_a_file_still_being_written_for_the_next_run(
        hokkaido_dir: Path, sample_copy: Settings, monkeypatch, caplog) -> None:
    """A delivery copied in while the nightly run starts is not quarantined as truncated: it
    stays in the inbox and the next run, once it has settled, takes it in whole."""
    monkeypatch.setenv("SAIHAN_HOME", str(sample_copy.home))
    monkeypatch.setenv("SAIHAN_STABLE_SECONDS", "60")
    real = (hokkaido_dir / "hokkaido_2018zidousyatou.csv").read_bytes()
    real += real.split(b"\r\n")[1] + b"\r\n"  # a re-delivery with one more incident
    settled = sample_copy.inbox / "hokkaido_2018hittakuri_v2.csv"
    settled.write_bytes((hokkaido_dir / "hokkaido_2018hittakuri.csv").read_bytes() + b"\r\n")
    old = time.time_ns() - 600 * 10**9
    os.utime(settled, ns=(old, old))
    arriving = sample_copy.inbox / "hokkaido_2018zidousyatou_resent.csv"
    arriving.write_bytes(real[: len(real) // 2])  # half copied so far
    report = flows.nightly_flow(extracts=False)
    statuses = {Path(f["file"]).name: f["status"] for f in report["files"]}
    assert statuses["hokkaido_2018hittakuri_v2.csv"] == "loaded"
    assert arriving.name not in statuses and set(statuses.values()) == {"loaded", "unchanged"}
    assert arriving.exists() and list(sample_copy.quarantine.iterdir()) == []
    assert "left for the next run: hokkaido_2018zidousyatou_resent.csv" in caplog.text
    # the copy completes and settles: the next nightly run takes it in whole
    arriving.write_bytes(real)
    os.utime(arriving, ns=(old, old))
    report = flows.nightly_flow(extracts=False)
    loaded = [(Path(f["file"]).name, f["rows"]) for f in report["files"] if f["status"] == "loaded"]
    assert loaded == [(arriving.name, 104)]


def watch(tmp_path: Path, child_code: str, api_url: str = "http://127.0.0.1:9/api",
          **options) -> tuple[serve.ServerWatchdog, list[int]]:
    """Run a ServerWatchdog over a stand-in server process (``child_code``) until it sends
    SIGTERM to this process (caught here) or 10 s pass; the watchdog and the signals seen."""
    import signal
    import subprocess

    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    process = subprocess.Popen([sys.executable, "-c", child_code])
    watchdog = serve.ServerWatchdog(
        serve.LocalServer(process, api_url, tmp_path / "server.log"), **options)
    try:
        watchdog.start()
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        watchdog.stop()
        watchdog.join(5)
        signal.signal(signal.SIGTERM, previous)
        process.kill()
    return watchdog, received


def test_server_watchdog_stops_serve_when_the_local_server_exits(tmp_path: Path) -> None:
    """The local Prefect server process ends: serve gets SIGTERM (it stops as on Ctrl-C) and
    the watchdog says why, for the error serve then ends with."""
    import signal

    watchdog, received = watch(tmp_path, "import sys; sys.exit(3)", interval=0.05)
    assert received == [signal.SIGTERM]
    assert watchdog.lost == "the local Prefect server exited (exit code 3)"


def test_server_watchdog_gives_up_a_server_that_stops_answering(tmp_path: Path) -> None:
    import signal

    with socket.socket() as probe:  # a port nothing listens on: the health check fails
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    watchdog, received = watch(tmp_path, "import time; time.sleep(30)",
                               f"http://127.0.0.1:{port}/api", interval=0.01,
                               unhealthy_after=0.3)
    assert received == [signal.SIGTERM]
    assert watchdog.lost == "the local Prefect server has not answered its health check for 0.3 s"


def test_server_watchdog_stays_quiet_while_the_server_runs_and_after_stop(tmp_path: Path) -> None:
    import signal
    import subprocess

    received: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: received.append(signum))
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    server = serve.LocalServer(process, "http://127.0.0.1:9/api", tmp_path / "server.log")
    watchdog = serve.ServerWatchdog(server, interval=0.05, unhealthy_after=3600)
    try:
        watchdog.start()
        time.sleep(0.5)  # alive (its health is not asked this soon)
        watchdog.stop()
        watchdog.join(5)
        serve.stop_local_server(server)  # serve ending stops the server: no alarm after stop
        time.sleep(0.2)
    finally:
        signal.signal(signal.SIGTERM, previous)
        process.kill()
    assert received == [] and watchdog.lost is None and not watchdog.is_alive()


def test_serve_says_the_server_died_when_an_api_call_fails_before_the_watchdog_sees_it(
        settings: Settings, tmp_path: Path, monkeypatch) -> None:
    """The server dies while serve registers its deployments: the HTTP client's error becomes
    serve's own message (what happened, what to do), not a traceback."""
    import subprocess

    import httpx

    dead = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    dead.wait()
    log_path = tmp_path / "server.log"
    log_path.write_text("server log line\n", encoding="utf-8")
    monkeypatch.setattr(serve, "start_local_server", lambda *a, **k: serve.LocalServer(
        dead, "http://127.0.0.1:9/api", log_path))
    monkeypatch.setattr(serve, "_refresh_prefect_settings", lambda: None)
    monkeypatch.setattr(serve.ServerWatchdog, "start", lambda self: None)
    for key in ("PREFECT_API_URL", "PREFECT_HOME", "SAIHAN_HOME", "PREFECT_RUNNER_POLL_FREQUENCY"):
        monkeypatch.delenv(key, raising=False)
    with pytest.raises(serve.ServerError) as stopped, serve.prefect_api(settings, 9):
        raise httpx.ConnectError("All connection attempts failed")
    message = str(stopped.value)
    assert message.startswith("saihan serve stopped because the local Prefect server exited "
                              "(exit code 3)")
    assert "Start `saihan serve` again" in message and "server log line" in message
    assert "ConnectError" not in message
