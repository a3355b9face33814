"""The saihan command as a user types it: help, exit statuses, JSON summaries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saihan.cli import app
from tests.helpers import invoke
from warehouse import db
from warehouse.sample import bundled_files

COMMANDS = ["init", "sample", "run", "ingest", "accept", "dashboard", "demo", "status", "rollback",
            "serve", "template", "check", "extract", "estat fetch", "geo check"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_in_words_not_types(command: str, tmp_path: Path) -> None:
    result = invoke(tmp_path, *command.split(), "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output
    # Typer's type labels (<bool>, <list[Path]>, <str>) tell a user nothing
    labels = re.findall(r"<(?:bool|str|int|float|path|list\[[A-Za-z]+\])>", result.output)
    assert labels == []


def test_status_starts_with_a_header(sample_home) -> None:
    lines = invoke(sample_home.home, "status").output.splitlines()
    assert lines[0].startswith("Last ") and "newest first" in lines[0]
    assert lines[1].split()[:3] == ["run", "status", "trigger"]


def test_status_columns_line_up_under_their_headers(sample_home, tmp_path: Path) -> None:
    """Run ids of today's form (to the microsecond) and of the older one (to the second)."""
    home = tmp_path / "home"
    (home / "runs").mkdir(parents=True)
    [report] = sorted((sample_home.home / "runs").glob("*.json"))[-1:]
    data = json.loads(report.read_text(encoding="utf-8"))
    old = {**data, "run_id": data["run_id"][:15] + "-" + data["run_id"].split("-")[-1]}
    for run in (data, old):
        (home / "runs" / f"{run['run_id']}.json").write_text(json.dumps(run), encoding="utf-8")
    header, *rows = invoke(home, "status").output.splitlines()[1:4]
    assert {len(r.split()[0]) for r in rows} == {22, 28}
    for row in rows:
        assert row.index(data["status"]) == header.index("status"), (header, row)


def test_status_names_a_report_cut_short_and_lists_the_others(sample_home,
                                                               tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "runs").mkdir(parents=True)
    [report] = sorted((sample_home.home / "runs").glob("*.json"))[-1:]
    data = json.loads(report.read_text(encoding="utf-8"))
    ids = [f"20261202T0300{n}0000000-abcdef" for n in range(3)]
    for run_id in ids:
        text = json.dumps({**data, "run_id": run_id}, ensure_ascii=False, indent=2)
        (home / "runs" / f"{run_id}.json").write_text(text, encoding="utf-8")
    cut = home / "runs" / f"{ids[1]}.json"
    cut.write_bytes(cut.read_bytes()[:100])  # as a full disk leaves it
    result = invoke(home, "status")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.output.splitlines() if line.startswith("2026")]
    assert [row.split()[0] for row in rows] == ids[::-1]
    assert rows[1].split()[1] == "unreadable:" and str(cut) in rows[1]
    assert rows[0].split()[1] == rows[2].split()[1] == data["status"]


def test_template_says_the_full_path_it_wrote(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(tmp_path / "home", "template", "subsidy", "--format", "csv")
    assert result.exit_code == 0, result.output
    [written] = [p for p in tmp_path.iterdir() if p.is_file()]
    assert f"wrote {written.resolve()}" in result.output


@pytest.mark.parametrize(("env", "extra", "url"), [
    ({}, [], "http://127.0.0.1:8501"),
    ({"STREAMLIT_SERVER_PORT": "9000"}, [], "http://127.0.0.1:9000"),
    ({}, ["--server.port", "8600", "--server.headless", "true"], "http://127.0.0.1:8600"),
    ({"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"}, ["--server.port=8700"], "http://localhost:8700"),
])
def test_the_dashboard_says_where_it_serves(env, extra, url) -> None:
    from saihan.serve_commands import dashboard_url

    assert dashboard_url(env, extra) == url


def test_init_sample_run_then_nothing_new(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert invoke(home, "init").exit_code == 0
    for folder in ("inbox", "quarantine", "extracts"):
        assert (home / folder).is_dir()
    assert (home / "warehouse.duckdb").is_file()
    bundled = len(bundled_files())
    first = invoke(home, "sample")
    assert first.exit_code == 0 and f"{bundled} files copied" in first.output
    again = invoke(home, "sample")
    assert "0 files copied" in again.output
    run = invoke(home, "run")
    assert run.exit_code == 0, run.output
    assert f"{bundled} loaded (" in run.output
    second = invoke(home, "run")
    assert second.exit_code == 0 and "nothing new" in second.output
    status = invoke(home, "status")
    assert "noop" in status.output and "published" in status.output


def test_ingest_json_reports_each_file_and_exits_3_on_rejection(
    hokkaido_dir: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    bad = tmp_path / "truncated.csv"
    good = hokkaido_dir / "hokkaido_2018hittakuri.csv"
    bad.write_bytes(good.read_bytes()[:-40])
    result = invoke(home, "ingest", "--json", str(good), str(bad))
    assert result.exit_code == 3
    summary = json.loads(result.output)
    statuses = {Path(f["file"]).name: f["status"] for f in summary["files"]}
    assert statuses == {"hokkaido_2018hittakuri.csv": "loaded", "truncated.csv": "rejected"}
    assert summary["summary"]["rows_loaded"] == 20
    # A file outside the inbox is copied into quarantine, never moved away from its owner.
    assert bad.exists()
    assert len(list((home / "quarantine").glob("*truncated.csv"))) == 1


def test_ingest_of_missing_path_fails_clearly(tmp_path: Path) -> None:
    result = invoke(tmp_path, "ingest", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "nope.csv: no such file or folder" in result.output


def test_dashboard_without_warehouse_says_what_to_do(tmp_path: Path) -> None:
    result = invoke(tmp_path / "empty", "dashboard")
    assert result.exit_code == 1
    assert "saihan demo" in result.output


def test_rollback_restores_the_previous_snapshot(hokkaido_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    invoke(home, "init")
    invoke(home, "ingest", str(hokkaido_dir / "hokkaido_2018hittakuri.csv"))
    result = invoke(home, "rollback")
    assert result.exit_code == 0, result.output
    con = db.open_published(home / "warehouse.duckdb", home / "crime_store.duckdb")
    assert con.execute("select count(*) from raw.crime_incident").fetchone()[0] == 0
    con.close()


def test_bad_setting_is_reported(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["status"], env={"SAIHAN_HOME": str(tmp_path),
                                                      "SAIHAN_LANG": "fr"})
    assert result.exit_code == 1
    assert "SAIHAN_LANG" in result.output


def test_an_unexpected_failure_says_nothing_was_published(
    hokkaido_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    import hashlib

    from warehouse import db

    home = tmp_path / "home"
    invoke(home, "ingest", str(hokkaido_dir / "hokkaido_2018hittakuri.csv"))
    before = hashlib.sha256((home / "warehouse.duckdb").read_bytes()).hexdigest()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(db, "build_models", broken)
    result = invoke(home, "ingest", str(hokkaido_dir / "hokkaido_2018ootobaitou.csv"))
    assert result.exit_code == 1
    assert "saihan ingest failed: No space left on device while writing" in result.output
    assert "No space left on device" in result.output
    assert "Nothing was published" in result.output and "Run report:" in result.output
    assert hashlib.sha256((home / "warehouse.duckdb").read_bytes()).hexdigest() == before
    assert list((home / "work").iterdir()) == []


def test_dashboard_prints_where_it_is_and_how_to_stop(sample_home, monkeypatch) -> None:
    from saihan import serve_commands

    started = []
    monkeypatch.setattr(serve_commands.subprocess, "call", lambda command, env: started.append(
        command) or 0)
    result = invoke(sample_home.home, "dashboard", "--server.port", "8611")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8611" in result.output and "Ctrl-C" in result.output
    assert started[0][-2:] == ["--server.port", "8611"]


def test_rollback_is_an_event_and_its_files_are_not_reloaded(
        hokkaido_dir: Path, tmp_path: Path) -> None:
    import shutil

    home = tmp_path / "home"
    invoke(home, "init")
    inbox_file = home / "inbox" / "hokkaido_2018hittakuri.csv"
    shutil.copy2(hokkaido_dir / inbox_file.name, inbox_file)
    assert invoke(home, "run").exit_code == 0

    rolled = invoke(home, "rollback")
    assert rolled.exit_code == 0, rolled.output
    assert "rolled back" in rolled.output and inbox_file.name in rolled.output
    status = invoke(home, "status").output
    assert "rolled_back" in status and "rollback" in status
    assert f"rolled back {inbox_file}" in status

    def incidents() -> int:
        con = db.open_published(home / "warehouse.duckdb", home / "crime_store.duckdb")
        try:
            return con.execute("select count(*) from raw.crime_incident").fetchall()[0][0]
        finally:
            con.close()

    again = invoke(home, "run")  # the file is still in the inbox: not silently reloaded
    assert again.exit_code == 0, again.output
    assert "rolled back" in again.output and incidents() == 0
    accepted = invoke(home, "accept", str(inbox_file))
    assert accepted.exit_code == 0, accepted.output
    assert incidents() > 0


def test_rollback_while_a_run_writes_exits_4(sample_copy) -> None:
    from warehouse.files import writer_lock

    with writer_lock(sample_copy):
        result = invoke(sample_copy.home, "rollback")
    assert result.exit_code == 4, result.output
    assert "Another saihan run" in result.output


def test_a_full_disk_says_so_and_where_not_the_follow_on_error(
        hokkaido_dir: Path, tmp_path: Path, monkeypatch) -> None:
    """As seen on a 12 MB tmpfs: DuckDB's commit fails writing the WAL, and what follows
    ("Current transaction is aborted", "cannot rollback") used to be all a user read."""
    import duckdb

    home = tmp_path / "home"
    invoke(home, "ingest", str(hokkaido_dir / "hokkaido_2018hittakuri.csv"))
    wal = home / "work" / "build-x.duckdb.wal"

    def full(*args, **kwargs):
        try:
            raise duckdb.TransactionException(
                f'TransactionContext Error: Failed to commit: Could not write file "{wal}": '
                "No space left on device")
        except duckdb.Error:
            raise duckdb.TransactionException(
                "TransactionContext Error: Current transaction is aborted (please ROLLBACK)"
            ) from None

    monkeypatch.setattr(db, "build_models", full)
    result = invoke(home, "ingest", str(hokkaido_dir / "hokkaido_2018ootobaitou.csv"))
    assert result.exit_code == 1
    first = result.output.splitlines()[0]
    assert f"No space left on device while writing {wal}" in first
    assert "aborted" not in first and str(home / "work") in first
    report = sorted((home / "runs").glob("*.json"))[-1]
    assert "No space left on device while writing" in json.loads(report.read_text())["error"]
