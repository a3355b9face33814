"""The crime store: the incidents live beside the warehouse, so that a run copies only the rest;
every published warehouse and snapshot still sees exactly its own files' incidents."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tests.helpers import invoke, sha
from warehouse import build, db, store
from warehouse.run import run_pipeline
from warehouse.settings import Settings

SNATCHING = "hokkaido_2018hittakuri.csv"  # 20 real incidents (ひったくり)
VEHICLES = "hokkaido_2018zidousyatou.csv"  # 自動車盗


def incidents(settings: Settings) -> dict[str, int]:
    """Incidents per current crime file, as the published warehouse sees them."""
    con = db.open_published(settings.warehouse, settings.crime_store)
    try:
        return dict(con.execute(
            "select f.file_name, count(*) from raw.crime_incident as i join raw.file as f "
            "using (file_id) where f.status = 'loaded' group by all").fetchall())
    finally:
        con.close()


def store_files(settings: Settings) -> dict[int, int]:
    """The store's own record: file id -> incidents."""
    con = duckdb.connect(str(settings.crime_store), read_only=True)
    try:
        return dict(con.execute("select file_id, row_count from crime_file").fetchall())
    finally:
        con.close()


def last_report(settings: Settings) -> dict:
    return json.loads(sorted(settings.runs.glob("*.json"))[-1].read_text(encoding="utf-8"))


def declared(settings: Settings) -> dict[str, int]:
    con = db.open_published(settings.warehouse)
    try:
        return dict(con.execute("select file_name, row_count from raw.file where status = "
                                "'loaded' and source_kind = 'crime_open_data'").fetchall())
    finally:
        con.close()


def test_the_warehouse_file_holds_no_incidents_and_readers_need_no_store(
        hokkaido_dir: Path, settings: Settings) -> None:
    report = run_pipeline(settings, [hokkaido_dir / SNATCHING], trigger="ingest")
    assert report.status == "published", report.error
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        kind = con.execute("select table_type from information_schema.tables where "
                           "table_schema = 'raw' and table_name = 'crime_incident'").fetchall()
        # What the dashboard reads is whole without the store.
        marts = con.execute("select sum(incidents) from mart.crime_by_station_month").fetchall()
    finally:
        con.close()
    rows = declared_rows(hokkaido_dir / SNATCHING)
    assert kind == [("VIEW",)]
    assert marts == [(rows,)]
    assert incidents(settings) == {SNATCHING: rows} == declared(settings)
    assert list(store_files(settings).values()) == [rows]


def test_a_run_that_dies_after_adding_to_the_store_changes_nothing_and_the_next_is_whole(
        hokkaido_dir: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_pipeline(settings, [hokkaido_dir / SNATCHING], trigger="ingest").status \
        == "published"
    published = sha(settings.warehouse)

    def killed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("killed after the loads were committed")

    monkeypatch.setattr(build, "build", killed)
    with pytest.raises(RuntimeError, match="killed"):
        run_pipeline(settings, [hokkaido_dir / VEHICLES], trigger="ingest")
    assert last_report(settings)["status"] == "failed"
    assert sha(settings.warehouse) == published
    assert len(store_files(settings)) == 2  # the dead run's incidents are in the store ...
    assert incidents(settings) == {SNATCHING: 20}  # ... and no warehouse sees them
    monkeypatch.undo()
    # The next run gives the file the same id again: the dead run's rows are gone first.
    report = run_pipeline(settings, [hokkaido_dir / VEHICLES], trigger="ingest")
    assert report.status == "published", report.error
    assert incidents(settings) == declared(settings)
    assert sorted(store_files(settings).values()) == sorted(declared(settings).values())


def test_after_a_rollback_the_dropped_files_incidents_leave_the_store(
        hokkaido_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = Settings.from_env({"SAIHAN_HOME": str(home)})
    assert invoke(home, "ingest", str(hokkaido_dir / SNATCHING)).exit_code == 0
    assert invoke(home, "ingest", str(hokkaido_dir / VEHICLES)).exit_code == 0
    rolled = invoke(home, "rollback")
    assert rolled.exit_code == 0, rolled.output
    assert incidents(settings) == {SNATCHING: 20}  # the snapshot sees its own files only
    vehicles = declared_rows(hokkaido_dir / VEHICLES)
    other = tmp_path / "hokkaido_2019zidousyatou.csv"  # another year: a new dataset
    other.write_bytes((hokkaido_dir / VEHICLES).read_bytes().replace(b"2018/", b"2019/"))
    assert invoke(home, "ingest", str(other)).exit_code == 0
    assert incidents(settings) == {SNATCHING: 20, other.name: vehicles}
    assert sorted(store_files(settings).values()) == sorted([20, vehicles])


def declared_rows(path: Path) -> int:
    return path.read_bytes().rstrip(b"\r\n").count(b"\n")  # lines after the header


def test_a_warehouse_from_before_the_store_moves_its_incidents_there_with_the_same_marts(
        hokkaido_sample_home: Settings, tmp_path: Path) -> None:
    # The warehouse as migration 11 left it: incidents in a table of its own file.
    old = Settings.from_env({"SAIHAN_HOME": str(tmp_path / "home")})
    shutil.copytree(hokkaido_sample_home.home, old.home, symlinks=True)
    old.crime_store.unlink()
    con = db.connect(old.warehouse)
    store.attach(con, hokkaido_sample_home.crime_store, read_only=True)
    con.execute("drop view raw.crime_incident")
    con.execute("create table raw.crime_incident as from crime_store.crime_incident "
                "where file_id in (select file_id from raw.file)")
    con.execute("delete from meta.schema_version where version = ?", [store.MIGRATION])
    con.close()
    before = incidents(hokkaido_sample_home)
    marts = mart_rows(hokkaido_sample_home)
    report = run_pipeline(old, sql_dir=db.SQL_DIR, trigger="run")
    assert report.status == "published", report.error
    assert report.build == "full"  # a migration: every model rebuilt
    assert incidents(old) == before
    assert mart_rows(old) == marts


def mart_rows(settings: Settings) -> dict[str, list]:
    con = db.open_published(settings.warehouse)
    try:
        names = [f"mart.{t}" for (t,) in con.execute(
            "select table_name from information_schema.tables where table_schema = 'mart' "
            "and table_name like 'crime_%' order by 1").fetchall()]
        return {n: con.execute(f"select * from {n} order by all").fetchall() for n in names}
    finally:
        con.close()


def test_a_missing_store_is_an_error_that_says_what_to_do_and_publishes_nothing(
        hokkaido_dir: Path, settings: Settings) -> None:
    assert run_pipeline(settings, [hokkaido_dir / SNATCHING], trigger="ingest").status \
        == "published"
    published = sha(settings.warehouse)
    settings.crime_store.unlink()
    with pytest.raises(store.MissingStore):
        run_pipeline(settings, [hokkaido_dir / VEHICLES], trigger="ingest")
    report = last_report(settings)
    assert report["status"] == "failed"
    assert str(settings.crime_store) in report["error"] and "Restore it" in report["error"]
    assert sha(settings.warehouse) == published
    assert not settings.crime_store.exists()  # not silently started again, empty


def test_a_store_from_an_older_backup_is_an_error_naming_the_files_it_lacks(
        hokkaido_dir: Path, settings: Settings, tmp_path: Path) -> None:
    assert run_pipeline(settings, [hokkaido_dir / SNATCHING], trigger="ingest").status \
        == "published"
    older = tmp_path / "crime_store_backup.duckdb"
    shutil.copyfile(settings.crime_store, older)
    assert run_pipeline(settings, [hokkaido_dir / VEHICLES], trigger="ingest").status \
        == "published"
    published = sha(settings.warehouse)
    shutil.copyfile(older, settings.crime_store)  # the warehouse and the store from two backups
    other = tmp_path / "hokkaido_2018ootobaitou.csv"
    shutil.copyfile(hokkaido_dir / other.name, other)
    with pytest.raises(store.MissingStore):
        run_pipeline(settings, [other], trigger="ingest")
    error = last_report(settings)["error"]
    assert VEHICLES in error and SNATCHING not in error and "same backup" in error
    assert sha(settings.warehouse) == published


def test_saihan_says_what_to_do_about_a_missing_store_without_a_trace(
        hokkaido_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert invoke(home, "ingest", str(hokkaido_dir / SNATCHING)).exit_code == 0
    (home / "crime_store.duckdb").unlink()
    result = invoke(home, "ingest", str(hokkaido_dir / VEHICLES))
    assert result.exit_code == 1
    assert f"{home / 'crime_store.duckdb'} is missing" in result.output
    assert "Restore it beside warehouse.duckdb" in result.output
    assert "Nothing was published" in result.output and "Run report:" in result.output
    assert "Traceback" not in result.output
