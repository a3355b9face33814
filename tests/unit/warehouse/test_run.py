"""The pipeline end to end on the bundled sample: what is published, idempotency, audits that
block a publish, and bad input that is kept with a report while the rest is published."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLE_CRIME_INCIDENTS
from tests.helpers import sha
from warehouse import db, store
from warehouse.report import render_markdown
from warehouse.run import RunSteps, run_pipeline
from warehouse.sample import bundled_files
from warehouse.settings import Settings

# The white paper's list (令和6年6月14日現在): everyone but these eight.
NOT_PARTICIPATING = {"青森県", "宮城県", "山形県", "福島県", "山梨県", "静岡県", "三重県", "熊本県"}


def marts(settings: Settings) -> dict[str, list]:
    """Every mart's full contents, for before/after comparisons."""
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'mart' "
            "order by 1").fetchall()]
        return {name: con.execute(f"select * from mart.{name} order by all").fetchall()
                for name in names}
    finally:
        con.close()


def test_fy2024_participants_are_the_white_papers_39(sample_home: Settings) -> None:
    con = duckdb.connect(str(sample_home.warehouse), read_only=True)
    rows = con.execute(
        "select p.name_ja, u.is_participating, u.as_of_on from mart.subsidy_uptake as u "
        "join mart.prefecture as p using (pref_code) where u.fiscal_year = 2024").fetchall()
    con.close()
    assert len(rows) == 47
    participating = {name for name, is_part, _ in rows if is_part}
    assert len(participating) == 39
    assert {name for name, _, _ in rows} - participating == NOT_PARTICIPATING
    assert {str(as_of) for _, _, as_of in rows} == {"2024-06-14"}


def test_published_national_totals(sample_home: Settings) -> None:
    con = duckdb.connect(str(sample_home.warehouse), read_only=True)
    plans = {(level, method): value for level, method, value in con.execute(
        "select level, method, value from mart.published_total where topic = 'local_plans' "
        "and as_of_on = date '2024-04-01'").fetchall()}
    councils = dict(con.execute(
        "select measure, value from mart.published_total where topic = 'councils' "
        "and (as_of_on = date '2024-04-01' or as_of_on is null)").fetchall())
    con.close()
    assert plans == {
        ("prefecture", "all"): 47, ("prefecture", "standalone"): 45,
        ("prefecture", "included_in_other"): 2,
        ("designated_city", "all"): 20, ("designated_city", "standalone"): 11,
        ("designated_city", "included_in_other"): 9,
        ("municipality", "all"): 748, ("municipality", "standalone"): 123,
        ("municipality", "included_in_other"): 625,
    }
    assert councils["member_municipalities"] == 306
    assert councils["member_governments"] == 101


def test_second_run_changes_nothing(sample_copy: Settings) -> None:
    before_sha = sha(sample_copy.warehouse)
    before = marts(sample_copy)
    report = run_pipeline(sample_copy)
    assert report.status == "noop"
    assert report.count("unchanged") == len(bundled_files()) and report.count("loaded") == 0
    assert sha(sample_copy.warehouse) == before_sha
    assert marts(sample_copy) == before


def test_forced_rebuild_gives_the_same_marts(sample_copy: Settings) -> None:
    before = marts(sample_copy)
    report = run_pipeline(sample_copy, force_build=True)
    assert report.status == "published"
    after = marts(sample_copy)
    # mart.run lists publishing runs: it gains this one; mart.build_info names this run;
    # nothing else changes.
    assert len(after.pop("run")) == len(before.pop("run")) + 1
    assert after.pop("build_info")[0][0] == report.run_id != before.pop("build_info")[0][0]
    assert after == before


def test_broken_mart_fails_the_audit_and_publishes_nothing(sample_copy: Settings,
                                                           tmp_path: Path) -> None:
    sql_dir = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, sql_dir)
    mart = sql_dir / "mart" / "subsidy_uptake.sql"
    # Lose Hokkaido's participation: the mart no longer matches the published 39.
    mart.write_text(mart.read_text(encoding="utf-8").replace(
        "participants.pref_code is not null as is_participating",
        "participants.pref_code is not null and prefecture_years.pref_code <> '01' "
        "as is_participating"), encoding="utf-8")
    before_sha = sha(sample_copy.warehouse)
    with pytest.raises(db.AuditFailed) as failed:
        run_pipeline(sample_copy, sql_dir=sql_dir)
    assert [f.name for f in failed.value.failures] == ["subsidy_uptake_matches_published"]
    assert "published 39 participating, mart has 38" in str(failed.value)
    assert sha(sample_copy.warehouse) == before_sha
    assert list(sample_copy.work.iterdir()) == []
    report = json.loads(sorted(sample_copy.runs.glob("*.json"))[-1].read_text(encoding="utf-8"))
    assert report["status"] == "audit_failed"
    assert "subsidy_uptake_matches_published" in report["data_test_failures"][0]


def test_a_model_that_changes_between_table_and_view_is_rebuilt(sample_copy: Settings,
                                                                 tmp_path: Path) -> None:
    """A code change that turns a mart table into a view (and back) publishes; same rows. (Not
    a crime mart: a view of the crime store would need the store, which readers never open.)"""
    sql_dir = tmp_path / "sql"
    shutil.copytree(db.SQL_DIR, sql_dir)
    mart = sql_dir / "mart" / "plan_status.sql"
    as_table = mart.read_text(encoding="utf-8")

    def kind_and_rows() -> tuple[str, list]:
        con = db.open_published(sample_copy.warehouse)
        try:
            kind = con.execute(
                "select table_type from information_schema.tables "
                "where table_schema = 'mart' and table_name = 'plan_status'"
            ).fetchall()[0][0]
            rows = con.execute("select * from mart.plan_status order by all").fetchall()
            return kind, rows
        finally:
            con.close()

    table_kind, rows = kind_and_rows()
    assert table_kind == "BASE TABLE" and rows
    mart.write_text("-- materialized: view\n" + as_table, encoding="utf-8")
    assert run_pipeline(sample_copy, sql_dir=sql_dir).status == "published"
    assert kind_and_rows() == ("VIEW", rows)
    mart.write_text(as_table, encoding="utf-8")
    assert run_pipeline(sample_copy, sql_dir=sql_dir).status == "published"
    assert kind_and_rows() == ("BASE TABLE", rows)


def test_unreadable_file_is_quarantined_and_the_rest_published(settings: Settings) -> None:
    from warehouse.sample import copy_sample

    copy_sample(settings)
    broken = settings.inbox / "broken.csv"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    report = run_pipeline(settings)
    assert report.status == "published"
    assert report.count("loaded") == len(bundled_files()) and report.count("rejected") == 1
    assert not broken.exists()
    kept = list(settings.quarantine.glob("*broken.csv"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"\x89PNG")
    text = Path(f"{kept[0]}.report.txt").read_text(encoding="utf-8")
    assert "binary" in text and "Nothing from this file was loaded" in text
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    rejected = con.execute("select file_name, reason from raw.rejected_file").fetchall()
    incidents = con.execute("select sum(incidents) from mart.crime_by_station_month").fetchone()
    con.close()
    assert rejected[0][0] == "broken.csv"
    assert incidents == (SAMPLE_CRIME_INCIDENTS,)
    # The next run has nothing new: the rejected file is not read again.
    assert run_pipeline(settings).status == "noop"


def test_unknown_table_is_rejected_naming_what_is_expected(settings: Settings) -> None:
    settings.inbox.mkdir(parents=True)
    (settings.inbox / "notes.csv").write_text("名前,住所\n山田,東京\n", encoding="cp932")
    report = run_pipeline(settings)
    assert report.count("rejected") == 1
    rejection = report.files[0].rejection
    assert rejection["line"] == 1
    assert "['名前', '住所']" in rejection["reason"]
    assert "crime open data" in rejection["action"]


def test_init_publishes_an_empty_warehouse_with_the_schema(settings: Settings) -> None:
    report = run_pipeline(settings, [], trigger="init", force_build=True)
    assert report.status == "published"
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    assert db.schema_version(con) == max(v for v, _ in db.migrations())
    assert con.execute("select count(*) from mart.prefecture").fetchone()[0] == 47
    assert con.execute("select count(*) from mart.subsidy_uptake").fetchone()[0] == 0
    con.close()


def test_stations_seen_for_the_first_time_are_reported(
    hokkaido_dir: Path, settings: Settings
) -> None:
    from warehouse.ingest.crime.read import read_crime_file

    first = hokkaido_dir / "hokkaido_2018hittakuri.csv"
    second = hokkaido_dir / "hokkaido_2018ootobaitou.csv"
    run_pipeline(settings, [first])
    report = run_pipeline(settings, [second])
    seen = set(read_crime_file(first).frame["police_station"].drop_nulls())
    new = sorted(set(read_crime_file(second).frame["police_station"].drop_nulls()) - seen)
    findings = {f["code"]: f for f in report.files[-1].findings}
    assert new, "the fixture pair should differ in stations"
    assert findings["new_police_station"]["count"] == len(new)
    assert all(station in findings["new_police_station"]["message"] for station in new[:10])
    # The same delivery again under another name changes nothing and reports nothing new.
    again = settings.home / "copy.csv"
    again.write_bytes(second.read_bytes())
    assert run_pipeline(settings, [again]).files[0].status == "unchanged"


EXPECTED_BY_MODUS = {
    "ひったくり": 20, "車上ねらい": 1848, "部品ねらい": 435, "自動販売機ねらい": 168,
    "自動車盗": 103, "オートバイ盗": 65, "自転車盗": 3977,
}


def incidents_by_modus(settings: Settings) -> dict[str, int]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return dict(con.execute(
            "select modus, sum(incidents)::bigint from mart.crime_by_station_month group by all"
        ).fetchall())
    finally:
        con.close()


def test_redelivery_reencoded_and_renamed_never_double_counts(
        hokkaido_dir: Path, settings: Settings, tmp_path: Path) -> None:
    first = run_pipeline(settings, [hokkaido_dir])
    assert first.count("loaded") == 7
    assert incidents_by_modus(settings) == EXPECTED_BY_MODUS
    # The same files again: nothing new.
    assert run_pipeline(settings, [hokkaido_dir]).status == "noop"
    # Re-encoded as UTF-8 with BOM, tab-separated and LF, under other (misspelled, numbered)
    # names: each supersedes its earlier delivery, the totals stay.
    redelivered = tmp_path / "redelivery"
    redelivered.mkdir()
    for i, path in enumerate(sorted(hokkaido_dir.glob("*.csv"))):
        text = path.read_bytes().decode("cp932").replace("\r\n", "\n").replace(",", "\t")
        (redelivered / f"{i:02d}_hokkaido_2018_data.tsv").write_bytes(
            b"\xef\xbb\xbf" + text.encode("utf-8"))
    again = run_pipeline(settings, [redelivered])
    assert again.count("loaded") == 7 and again.superseded == 7
    assert incidents_by_modus(settings) == EXPECTED_BY_MODUS
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    current = con.execute("select count(*) from raw.file where source_kind = 'crime_open_data' "
                          "and status = 'loaded'").fetchone()[0]
    con.close()
    assert current == 7


def test_crime_rows_of_several_files_are_written_in_whole_row_groups(tmp_path: Path) -> None:
    """Files of any size share row groups: only the run's last one is partly filled (each
    file's own partial row group would be merged again, slowly, at the checkpoint), and every
    file's rows are there, in order."""
    import polars as pl

    from warehouse.ingest.crime.format import FRAME_SCHEMA
    from warehouse.load import ROW_GROUP_ROWS, RowGroupAppender

    con = duckdb.connect(str(tmp_path / "build.duckdb"))
    store.attach(con, tmp_path / "crime_store.duckdb")
    db.migrate(con)
    sizes = [65_000, 3_000, 120_000, 100_000]
    con.execute("begin transaction")
    appender = RowGroupAppender(con, "crime_incident")
    for file_id, size in enumerate(sizes, start=1):
        appender.add(pl.DataFrame({
            "file_id": pl.Series([file_id] * size, dtype=pl.Int32),
            "line_number": pl.int_range(2, size + 2, eager=True),
            "police_station": pl.Series([f"署{file_id}"] * size),
        }).with_columns(
            pl.lit(None, dtype=dtype).alias(name) for name, dtype in FRAME_SCHEMA.items()
            if name not in ("line_number", "police_station")
        ).select(
            r[0] for r in con.execute(
                "select column_name from information_schema.columns where table_schema = 'raw' "
                "and table_name = 'crime_incident' order by ordinal_position").fetchall()
        ))
    appender.flush()
    con.execute("commit")
    con.execute("checkpoint")
    groups = [n for (n,) in con.execute(
        "select max(count) from pragma_storage_info('crime_store.crime_incident') "
        "group by row_group_id order by row_group_id").fetchall()]
    total = sum(sizes)
    assert groups == [ROW_GROUP_ROWS] * (total // ROW_GROUP_ROWS) + [total % ROW_GROUP_ROWS]
    per_file = con.execute(
        "select file_id, count(*), min(line_number), max(line_number), "
        "bool_and(police_station = '署' || file_id) from crime_store.crime_incident "
        "group by file_id order by file_id").fetchall()
    assert per_file == [(i, n, 2, n + 1, True) for i, n in enumerate(sizes, start=1)]
    con.close()


def test_files_touched_but_unchanged_are_parsed_early_then_dropped(
        hokkaido_dir: Path, settings: Settings, tmp_path: Path) -> None:
    """A run starts parsing files it has not seen by name, size and time before it has hashed
    them; a copy with a new time but the same bytes is still recognised and not loaded twice,
    also beside a really new file."""
    import os

    folder = tmp_path / "delivery"
    shutil.copytree(hokkaido_dir, folder)
    assert run_pipeline(settings, [folder]).count("loaded") == 7
    published = sha(settings.warehouse)
    for path in folder.iterdir():
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert run_pipeline(settings, [folder]).status == "noop"
    assert sha(settings.warehouse) == published
    # the same touched files beside one changed file: only that one is loaded (superseding)
    bicycle = folder / "hokkaido_2018zitensyatou.csv"
    content = bicycle.read_bytes()
    bicycle.write_bytes(content + content.split(b"\r\n")[1] + b"\r\n")
    report = run_pipeline(settings, [folder])
    assert (report.count("loaded"), report.count("unchanged"), report.superseded) == (1, 6, 1)
    assert incidents_by_modus(settings) == {**EXPECTED_BY_MODUS, "自転車盗": 3_978}


def test_loads_committed_on_the_way_still_publish_all_or_nothing(
        hokkaido_dir: Path, settings: Settings, monkeypatch) -> None:
    """A large run commits its loads on the way (memory); the build is still published whole,
    and a failure after such commits publishes nothing."""
    from warehouse import run as pipeline

    monkeypatch.setattr(pipeline, "LOAD_COMMIT_ROWS", 1)  # commit after every file
    transactions = []
    begin = pipeline._begin_loads
    monkeypatch.setattr(pipeline, "_begin_loads", lambda run: (transactions.append(1),
                                                               begin(run)))
    assert run_pipeline(settings, [hokkaido_dir / "hokkaido_2018hittakuri.csv"]).status == (
        "published")
    assert len(transactions) == 2  # the first, and the next after the one file
    published = sha(settings.warehouse)
    original = pipeline.load_parsed

    def fail_on_the_fifth(con, path, *args):
        if path.name == "hokkaido_2018zidouhanbaikinerai.csv":
            raise OSError("disk full")
        return original(con, path, *args)

    monkeypatch.setattr(pipeline, "load_parsed", fail_on_the_fifth)
    with pytest.raises(OSError, match="disk full"):
        run_pipeline(settings, [hokkaido_dir])
    assert sha(settings.warehouse) == published
    assert list(settings.work.iterdir()) == []
    monkeypatch.setattr(pipeline, "load_parsed", original)
    transactions.clear()
    report = run_pipeline(settings, [hokkaido_dir])
    assert (report.count("loaded"), report.count("unchanged")) == (6, 1)
    assert len(transactions) == 7  # one per loaded file, and the first
    assert incidents_by_modus(settings) == EXPECTED_BY_MODUS


def test_a_missing_sql_folder_is_an_error_not_zero_models(tmp_path: Path) -> None:
    """An install without its SQL must fail loudly: a build of 0 models would publish an
    empty warehouse."""
    from warehouse.resources import MissingResource

    with pytest.raises(MissingResource, match="stg is missing"):
        db.discover_models(tmp_path)
    with pytest.raises(MissingResource, match="migrations is missing"):
        db.migrations(tmp_path)


# --- control characters in names (issue 12; symlinks: test_inbox_door.py) -----------------

BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


@pytest.mark.parametrize("name", [
    "bad\nLine:   1\nFound:  all fine.csv",  # a newline forging report lines
    "bad\rFound: ok\x1b[2J.csv",  # a carriage return and a terminal escape
])
def test_control_characters_in_a_file_name_are_shown_escaped(settings: Settings,
                                                              name: str) -> None:
    settings.inbox.mkdir(parents=True)
    (settings.inbox / name).write_bytes(BINARY)
    report = run_pipeline(settings)
    assert report.count("rejected") == 1
    [kept] = [p for p in settings.quarantine.iterdir() if not p.name.endswith((".json", ".txt"))]
    text = Path(f"{kept}.report.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    # Japanese first, then English; a name cannot add a line to either
    assert [line.split(":")[0] for line in lines[:5]] == ["ファイル", "行", "列", "内容", "対処"]
    english = lines.index("") + 1
    assert [line.split(":")[0] for line in lines[english:english + 6]] == [
        "File", "Kept as", "Line", "Column", "Found", "To do"]
    assert len(lines) == len(text.split("\n")) - 1  # no stray CR either
    assert "\\n" in text or "\\r" in text
    markdown = render_markdown(report.to_dict())
    assert "\x1b" not in markdown and "\r" not in markdown
    assert not any(line.startswith(("Line:", "Found:")) for line in markdown.splitlines())


class RecordedParses(RunSteps):
    """The run's own steps, with the order in which files were handed to the parse threads."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit_parse(self, run, path: Path):  # noqa: ANN001, ANN201 (a Run; a future)
        self.submitted.append(path.name)
        return super().submit_parse(run, path)


def test_new_files_parse_the_two_largest_first_then_in_order(
        hokkaido_dir: Path, settings: Settings) -> None:
    steps = RecordedParses()
    report = run_pipeline(settings, [hokkaido_dir], steps=steps)
    assert report.count("loaded") == 7
    # the largest two (自転車盗 464 KB, 車上ねらい 194 KB), then the first in file order
    assert steps.submitted[:3] == ["hokkaido_2018zitensyatou.csv",
                                   "hokkaido_2018syazyounerai.csv",
                                   "hokkaido_2018buhinnerai.csv"]
    assert sorted(steps.submitted) == sorted(p.name for p in hokkaido_dir.iterdir())


def test_early_parses_keep_to_the_parse_ahead_budget(
        hokkaido_dir: Path, settings: Settings, monkeypatch) -> None:
    """Parsed frames wait in memory for their load: with room for 300 KB of input ahead, the
    464 KB file starts alone (one file always may), and every file is still loaded once."""
    from warehouse import parse_ahead
    from warehouse import run as pipeline

    monkeypatch.setattr(parse_ahead, "PARSE_AHEAD_BYTES", 300_000)
    started: list[str] = []
    original = pipeline.start_early_parses

    def recording(run, steps) -> None:  # noqa: ANN001 (a Run, its RunSteps)
        original(run, steps)
        started.extend(p.name for p in run.parsing)

    monkeypatch.setattr(pipeline, "start_early_parses", recording)
    report = run_pipeline(settings, [hokkaido_dir])
    assert started == ["hokkaido_2018zitensyatou.csv"]
    assert report.count("loaded") == 7
    assert incidents_by_modus(settings) == EXPECTED_BY_MODUS


class RecordedSwitchInterval(RunSteps):
    """In-process steps that note how soon a waiting thread gets the GIL while files load."""

    def __init__(self, fail: bool = False) -> None:
        self.seen: list[float] = []
        self.fail = fail

    def ingest(self, run, path: Path, prepared):  # noqa: ANN001, ANN201 (Run, parse; result)
        self.seen.append(sys.getswitchinterval())
        if self.fail:
            raise RuntimeError("the disk went away")
        return super().ingest(run, path, prepared)


def test_a_run_hands_the_gil_over_quickly_and_puts_it_back_after(
        hokkaido_dir: Path, settings: Settings) -> None:
    """The run's thread waits for the GIL after each of its many DuckDB calls while parse threads
    decode: within a run the hand-over is quick; after it (failed or not) the process's own
    setting is back."""
    from warehouse.parse_ahead import GIL_HANDOFF_SECONDS

    before = sys.getswitchinterval()
    failing = RecordedSwitchInterval(fail=True)
    with pytest.raises(RuntimeError, match="the disk went away"):
        run_pipeline(settings, [hokkaido_dir / "hokkaido_2018hittakuri.csv"], steps=failing)
    assert failing.seen and max(failing.seen) <= GIL_HANDOFF_SECONDS < before
    assert sys.getswitchinterval() == before

    steps = RecordedSwitchInterval()
    assert run_pipeline(settings, [hokkaido_dir], steps=steps).count("loaded") == 7
    assert len(steps.seen) == 7 and max(steps.seen) <= GIL_HANDOFF_SECONDS
    assert sys.getswitchinterval() == before
