"""A no-op `saihan run` answered from the record before DuckDB is imported: the same report,
lines and exit status as the full run, and a fall-through to the full run for every reason a
run has something to do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from saihan.launch import quick_noop as answer
from tests.helpers import invoke
from warehouse import db, quick_noop, resources, run_state
from warehouse.files import writer_lock
from warehouse.quick_noop import decide, noop_report, record_path
from warehouse.run import RunSteps, run_pipeline
from warehouse.settings import Settings

SQL = resources.root() / "sql"
FAST = [sys.executable, "-c", "import sys; from saihan.launch import main; main(); "
        "print('loaded:', sorted({'duckdb', 'polars', 'typer'} & set(sys.modules)))"]


@pytest.fixture
def home(sample_copy: Settings) -> Settings:
    """A private published home after one full no-op run there (which writes the record)."""
    assert run_pipeline(sample_copy).status == "noop"
    assert record_path(sample_copy).is_file()
    return sample_copy


def without_times(report: dict) -> dict:
    return {k: v for k, v in report.items()
            if k not in ("run_id", "started_at", "finished_at", "duration_seconds")}


def runs(settings: Settings) -> list[Path]:
    return sorted(settings.runs.glob("*.json"))


def test_a_noop_run_is_answered_without_duckdb_as_the_full_run_answers_it(
        home: Settings) -> None:
    full = invoke(home.home, "run")
    assert full.exit_code == 0, full.output
    full_report = json.loads(runs(home)[-1].read_text(encoding="utf-8"))
    before = len(runs(home))
    fast = subprocess.run(FAST + ["run"], env=dict(os.environ, SAIHAN_HOME=str(home.home)),
                          capture_output=True, text=True, timeout=60, check=False)
    assert fast.returncode == 0, fast.stderr
    *lines, loaded = fast.stdout.splitlines()
    assert loaded == "loaded: []"  # neither DuckDB, polars nor Typer was imported

    def timeless(text: list[str]) -> list[str]:
        return [line.rsplit(";", 1)[0] if line.startswith("noop:") else line for line in text]

    assert timeless(lines) == timeless(full.output.splitlines())
    assert lines[-1] == f"nothing new; {home.warehouse} is current"
    unchanged = [line for line in lines if line.startswith("  unchanged  ")]
    assert len(unchanged) == 26  # the bundled sample's files
    assert lines[-2].startswith(f"noop: {len(unchanged)} files seen, none new; ")
    # Its run report is the full run's, but for its id and times; `saihan status` lists it.
    assert len(runs(home)) == before + 1
    fast_report = json.loads(runs(home)[-1].read_text(encoding="utf-8"))
    assert fast_report["status"] == "noop" and fast_report["trigger"] == "run"
    assert without_times(fast_report) == without_times(full_report)
    assert fast_report["run_id"] in invoke(home.home, "status").output


def test_a_wait_is_answered_too_and_other_commands_are_not(home: Settings,
                                                           monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_HOME", str(home.home))
    assert answer(["run", "--wait", "5"]) and answer(["run", "--wait=0.5"])
    count = len(runs(home))
    for args in (["run", "--full-refresh"], ["ingest", str(home.inbox)], ["run", "--help"],
                 ["status"], ["run", "--wait"], []):
        assert not answer(args), args
    assert len(runs(home)) == count  # none of them wrote a report here
    monkeypatch.setenv("SAIHAN_KEEP_SNAPSHOTS", "three")  # the full run says what is wrong
    assert not answer(["run"])


def test_a_run_that_publishes_writes_the_record_and_one_that_starts_removes_it(
        home: Settings, hokkaido_dir: Path) -> None:
    raw = (hokkaido_dir / "hokkaido_2018hittakuri.csv").read_bytes()
    header, *lines = raw.split(b"\r\n")
    arrival = home.inbox / "arrival_2019_hittakuri.csv"  # 20 real incidents, a new data year
    arrival.write_bytes(b"\r\n".join([header, *lines[:20], b""]).replace(b"2018/", b"2019/")
                        .replace(b"2018-", b"2019-"))
    assert decide(home, SQL) is None  # a new file: the full run loads it
    assert run_pipeline(home).status == "published"
    # The next run plans from the record instead of opening the file: it holds what the file
    # holds.
    con = db.open_published(home.warehouse)
    try:
        assert quick_noop.recorded_state(home) == run_state.state_of(con)
    finally:
        con.close()
    report = noop_report(home)
    assert report is not None
    assert {Path(f.file).name: f.status for f in report.files}[arrival.name] == "unchanged"

    class Failing(RunSteps):
        def hash(self, run) -> None:  # noqa: ANN001
            raise OSError("the inbox could not be read")

    with pytest.raises(OSError):
        run_pipeline(home, steps=Failing())
    assert not record_path(home).exists()  # a run that fails leaves no record
    assert decide(home, SQL) is None
    assert run_pipeline(home).status == "noop" and decide(home, SQL) is not None


def _new_file(settings: Settings) -> None:
    source = next(settings.inbox.rglob("*.csv"))
    (settings.inbox / "late_delivery.csv").write_bytes(source.read_bytes() + b"\r\n")


def _touched_file(settings: Settings) -> None:
    path = next(settings.inbox.rglob("*.csv"))
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))


def _republished(settings: Settings) -> None:
    os.utime(settings.warehouse, ns=(0, settings.warehouse.stat().st_mtime_ns + 1))


def _quarantine_report(settings: Settings) -> None:
    # A rejection a killed run left on disk: the next run records it and exits 3.
    (settings.quarantine / "20261201T000000_bad.csv.report.json").write_text("{}")


def _symlink_out(settings: Settings) -> None:
    (settings.inbox / "elsewhere.csv").symlink_to(settings.home.parent / "outside.csv")


def _stale_build(settings: Settings) -> None:
    (settings.work / "build-20261201T000000-abcdef.duckdb").write_bytes(b"")


def _rollback_record(settings: Settings) -> None:
    (settings.home / quick_noop.ROLLED_BACK_NAME).write_text("{}", encoding="utf-8")


def _missing_folder(settings: Settings) -> None:
    shutil.rmtree(settings.extracts)


def _garbled_record(settings: Settings) -> None:
    record_path(settings).write_bytes(b"\x00\xff{")


def _no_record(settings: Settings) -> None:
    record_path(settings).unlink()


@pytest.mark.parametrize("change", [
    _new_file, _touched_file, _republished, _quarantine_report, _symlink_out, _stale_build,
    _rollback_record, _missing_folder, _garbled_record, _no_record,
])
def test_every_reason_to_run_falls_through_to_the_full_run(home: Settings, change) -> None:  # noqa: ANN001
    assert decide(home, SQL) is not None
    change(home)
    assert decide(home, SQL) is None
    assert noop_report(home) is None


def test_a_changed_sql_file_or_reference_list_falls_through(home: Settings, tmp_path: Path,
                                                            monkeypatch) -> None:
    sql, reference = tmp_path / "sql", tmp_path / "data" / "reference"
    shutil.copytree(SQL, sql)
    shutil.copytree(resources.reference_dir(), reference)
    monkeypatch.setattr(resources, "reference_dir", lambda: reference)
    assert decide(home, sql) is not None  # the same files elsewhere: the same fingerprint
    model = next((sql / "mart").glob("*.sql"))
    text = model.read_text(encoding="utf-8")
    model.write_text(text + "\n-- changed\n", encoding="utf-8")
    assert decide(home, sql) is None
    model.write_text(text, encoding="utf-8")
    assert decide(home, sql) is not None
    seed = reference / "prefecture.csv"
    seed.write_bytes(seed.read_bytes().replace("北海道".encode(), "北海島".encode(), 1))
    assert decide(home, sql) is None


def test_held_and_rolled_back_files_and_channels_and_a_busy_writer_fall_through(
        home: Settings) -> None:
    record = json.loads(record_path(home).read_text(encoding="utf-8"))
    path, size, mtime, sha = next(entry for entry in record["files"]
                                  if Path(entry[0]).is_relative_to(home.inbox))
    # A file a hold keeps out or a rollback removed is listed as such by the full run.
    quick_noop.write_record(home, record["fingerprint"],
                            quick_noop.PublishedState.from_json(record["published"]),
                            hashed={(p, s, m): h for p, s, m, h in record["files"]},
                            kept_out={sha})
    assert decide(home, SQL) is None
    Path(path).unlink()  # once it is gone, the rest is a no-op again, as for the full run
    assert decide(home, SQL) is not None
    # Late-source notices depend on the day: with a channel, every run is a full one.
    hooked = Settings.from_env({"SAIHAN_HOME": str(home.home),
                                "SAIHAN_NOTIFY_WEBHOOK": "http://127.0.0.1:9/hook"})
    assert decide(hooked, SQL) is None
    with writer_lock(home):  # another run is writing: the full run waits or exits 4
        assert noop_report(home) is None
    assert noop_report(home) is not None


def test_a_copied_home_falls_through_until_a_run_there(sample_copy: Settings) -> None:
    assert decide(sample_copy, SQL) is None  # the record names the original's folders
    assert run_pipeline(sample_copy).status == "noop"
    assert decide(sample_copy, SQL) is not None
