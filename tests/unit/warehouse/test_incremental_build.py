"""Incremental builds: a run recomputes only the crime datasets its deliveries changed, and what
it publishes is what a full rebuild of the same files makes, table for table (the models it
left as they were, their inputs unchanged, included).

Deliveries are the bundled sample's police files in the real format (CP932 and UTF-8, CRLF and
LF) and byte-level edits of them: a re-delivery (the same bytes under another name), a
supersession (one line more), a new dataset (the same file a year later), a shrinking
re-delivery (held), and a damaged one (an invalid byte: rejected); and supersessions of the
bundled programme files (local plans in UTF-8 with BOM, indicators in CP932) with one cell
changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.conftest import SAMPLE_CRIME_DIR, private_copy
from tests.helpers import invoke
from warehouse import build, db, store
from warehouse.run import run_pipeline
from warehouse.settings import Settings

# Small sample files of five datasets (CP932 CRLF, UTF-8 LF, UTF-8 with BOM).
FILES = ("sample_hokkaido_2022hittakuri.csv", "sample_fukuoka_2022zidouhanbaikinerai.csv",
         "sample_hokkaido_2022zidousyatou.csv", "sample_hokkaido_2021buhinnerai.csv",
         "sample_fukuoka_2022ootobaitou.csv")
KINDS = ("redeliver", "supersede", "next_year", "shrink", "damage")
# A programme file superseded with one cell changed: the file, the cell as the sample has it
# and the cell as delivered (from the salt).
PROGRAMME = {
    "plan_date": ("local_plans_2024-04-01_sample.csv", b"2020-02-22", "2020-02-{:02d}", 28),
    "indicator_value": ("indicators_prefecture_sample.csv", b",56.9,", ",{}.9,", 99),
}
SAMPLE_DIR = SAMPLE_CRIME_DIR.parent


def delivery(kind: str, name: str, salt: int) -> tuple[str, bytes]:
    """One delivery made from a bundled sample file: its file name and bytes."""
    if kind in PROGRAMME:  # the crime file name is not used
        source, cell, changed, values = PROGRAMME[kind]
        data = (SAMPLE_DIR / source).read_bytes()
        assert data.count(cell) == 1
        return (f"{kind}_{salt}_{source}",
                data.replace(cell, changed.format(1 + salt % values).encode()))
    data = (SAMPLE_CRIME_DIR / name).read_bytes()
    lines = data.split(b"\n")  # each line keeps its \r where the file has CRLF
    stem = f"{kind}_{salt}_{name}"
    if kind == "redeliver":
        return stem, data
    if kind == "supersede":  # one real line delivered twice more (the format has such lines)
        at = 1 + salt % (len(lines) - 2)
        return stem, b"\n".join([*lines[:at + 1], lines[at], *lines[at + 1:]])
    if kind == "next_year":  # the same incidents a year later: another dataset
        year = b"2022" if b"2021" in name.encode() else b"2023"
        old = b"2021" if year == b"2022" else b"2022"
        return stem.replace(old.decode(), year.decode()), data.replace(old + b"-", year + b"-")
    if kind == "shrink":  # two lines left: stations and months disappear, so it is held
        return stem, b"\n".join([*lines[:3], b""])
    # An invalid byte in the middle of the second data line: the file is rejected whole.
    middle = len(lines[2]) // 2
    lines[2] = lines[2][:middle] + b"\xff\xfe" + lines[2][middle:]
    return stem, b"\n".join(lines)


def tables(con) -> dict[str, list[tuple]]:
    """Every core and mart table's rows, in one order (row order in a table means nothing)."""
    names = [f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() and table_type = 'BASE TABLE' "
        "and table_schema in ('core', 'mart') order by all").fetchall()]
    return {name: con.execute(f"select * from {name} order by all").fetchall() for name in names}


def full_rebuild_of(settings: Settings, target: Path) -> dict[str, list[tuple]]:
    """The tables a full rebuild makes from the published warehouse's raw files."""
    shutil.copyfile(settings.warehouse, target)
    con = db.connect(target)
    store.attach(con, settings.crime_store, read_only=True)  # the build only reads incidents
    try:
        assert build.build(con, full=True).mode == "full"
        return tables(con)
    finally:
        con.close()


def published_tables(settings: Settings) -> dict[str, list[tuple]]:
    con = db.open_published(settings.warehouse)
    try:
        return tables(con)
    finally:
        con.close()


runs = st.lists(
    st.lists(st.tuples(st.sampled_from((*KINDS, *PROGRAMME)), st.sampled_from(FILES),
                       st.integers(0, 50)),
             min_size=1, max_size=2),
    min_size=1, max_size=2)


@hypothesis_settings(max_examples=3, deadline=None, derandomize=True, database=None,
                     phases=[Phase.explicit, Phase.generate],  # each example is runs: no shrinking
                     suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=runs)
# Always: programme supersessions beside crime ones, and a crime arrival after them.
@example(sequence=[[("plan_date", FILES[0], 3), ("supersede", FILES[1], 1)],
                   [("indicator_value", FILES[0], 7), ("next_year", FILES[3], 2)]])
def test_every_table_after_incremental_runs_is_what_a_full_rebuild_makes(
    sequence: list[list[tuple[str, str, int]]], sample_home: Settings,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    where = tmp_path_factory.mktemp("incremental")
    settings = private_copy(sample_home, where)
    for n, deliveries in enumerate(sequence):
        for kind, name, salt in deliveries:
            file_name, data = delivery(kind, name, salt + 100 * n)
            (settings.inbox / file_name).write_bytes(data)
        report = run_pipeline(settings)
        # Only the same bytes again: nothing is built; else only what changed is.
        assert (report.status, report.build) in {("noop", None),
                                                 ("published", "incremental")}, report.error
        statuses = {f.status for f in report.files}
        assert statuses <= {"loaded", "unchanged", "rejected", "held", "ignored"}
    assert published_tables(settings) == full_rebuild_of(settings, where / "full.duckdb")


def test_a_run_recomputes_only_the_datasets_its_files_changed(sample_copy: Settings) -> None:
    file_name, data = delivery("supersede", FILES[0], 0)
    (sample_copy.inbox / file_name).write_bytes(data)
    result = invoke(sample_copy.home, "ingest", "--json", str(sample_copy.inbox / file_name))
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert (report["status"], report["build"], report["changed_datasets"]) == (
        "published", "incremental", 1)
    # The programme models and the data tests on programme data alone did not run again: their
    # inputs are those of the sample's build (what they make is the equivalence test's concern).
    assert report["models_kept"] >= 25 and report["data_tests_kept"] >= 5
    [loaded] = [f for f in report["files"] if f["status"] == "loaded"]
    assert loaded["superseded_file_ids"]  # the earlier delivery of the dataset is superseded
    con = db.open_published(sample_copy.warehouse)
    try:
        # The dataset's marts count the new delivery: one incident more than the sample had.
        incidents = con.execute(
            "select sum(incidents) from mart.crime_by_station_month "
            "where pref_code = '01' and modus = 'ひったくり' and data_year = 2022").fetchall()
        rows = con.execute("select row_count from raw.file where status = 'loaded' "
                           "and file_name = ?", [file_name]).fetchall()
    finally:
        con.close()
    assert incidents == rows


def test_a_full_refresh_or_changed_sql_rebuilds_everything(sample_copy: Settings,
                                                           tmp_path: Path) -> None:
    # Nothing new and the same code: without --full-refresh this run would be a no-op.
    result = invoke(sample_copy.home, "run", "--full-refresh")
    assert result.exit_code == 0, result.output
    assert "published" in result.output and "every model rebuilt" in result.output

    sql_dir = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, sql_dir)
    model = sql_dir / "mart" / "crime_by_place_type.sql"
    model.write_text(model.read_text(encoding="utf-8") + "\n-- a changed comment\n",
                     encoding="utf-8")
    report = run_pipeline(sample_copy, sql_dir=sql_dir)  # nothing new, but the SQL changed
    assert (report.status, report.build) == ("published", "full")


def test_a_model_names_only_dataset_columns_as_incremental(tmp_path: Path) -> None:
    sql_dir = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, sql_dir)
    model = sql_dir / "mart" / "crime_by_place_type.sql"
    model.write_text("-- incremental: pref_code, place_type\n"
                     + model.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValueError, match="crime_by_place_type.sql.*place_type"):
        db.discover_models(sql_dir)


def test_the_bundled_crime_models_are_incremental() -> None:
    incremental = {m.qualified: m.incremental for m in db.discover_models() if m.incremental}
    assert incremental == {
        "core.police_station": ("pref_code",),
        "mart.police_station_area": ("pref_code",),
        "mart.crime_by_prefecture_month": db.PARTITION_COLUMNS,
        **{f"mart.crime_by_{name}": db.PARTITION_COLUMNS
           for name in ("hour_weekday", "municipality", "place_type", "station_month")},
    }
