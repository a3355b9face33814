"""A delivery's typed identity: the readers fill it, raw.file stores it as columns, and a
re-delivery supersedes exactly the earlier deliveries with the same identity.

Crime files are the real Hokkaido 2018 open data in ../shared/data (CP932, as published), read
in place; the tests skip where it is absent.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.helpers import HOKKAIDO_DIR, HOKKAIDO_MISSING, has_hokkaido
from warehouse import db, store
from warehouse.ingest.contract import DatasetIdentity
from warehouse.ingest.route import parse_file
from warehouse.run import run_pipeline
from warehouse.settings import Settings

BICYCLES = HOKKAIDO_DIR / "hokkaido_2018zitensyatou.csv"
MOTORBIKES = HOKKAIDO_DIR / "hokkaido_2018ootobaitou.csv"
needs_real = pytest.mark.skipif(not has_hokkaido(), reason=HOKKAIDO_MISSING)


@pytest.mark.parametrize(("identity", "label"), [
    (DatasetIdentity("crime_open_data", "01", "自転車盗", 2018), "crime/01/自転車盗/2018"),
    (DatasetIdentity("published_facts", scope="白書"), "published_facts/白書"),
    (DatasetIdentity("estat", scope="0000010111/full"), "estat/0000010111/full"),
    (DatasetIdentity("subsidy_records", "01", scope="2024/01"), "subsidy/2024/01"),
    (DatasetIdentity("local_plans", scope="2024-04-01/all", is_sample=True),
     "sample/local_plans/2024-04-01/all"),
])
def test_the_label_reads_as_before(identity: DatasetIdentity, label: str) -> None:
    assert identity.key == label


@needs_real
def test_the_crime_reader_fills_the_identity() -> None:
    parsed = parse_file(BICYCLES)
    assert parsed.identity == DatasetIdentity("crime_open_data", "01", "自転車盗", 2018)


def _files(settings: Settings) -> list[tuple]:
    con = duckdb.connect(str(settings.warehouse), read_only=True)
    try:
        return con.execute(
            "select file_name, source_kind, pref_code, modus, data_year, scope, is_sample, "
            "status, superseded_by from raw.file order by file_id").fetchall()
    finally:
        con.close()


@needs_real
def test_a_re_encoded_redelivery_supersedes_and_another_modus_does_not(
    settings: Settings,
) -> None:
    settings.inbox.mkdir(parents=True, exist_ok=True)
    (settings.inbox / BICYCLES.name).write_bytes(BICYCLES.read_bytes())
    (settings.inbox / MOTORBIKES.name).write_bytes(MOTORBIKES.read_bytes())
    assert run_pipeline(settings).status == "published"
    # the same file again, re-encoded as UTF-8 under another name: the same dataset
    utf8 = BICYCLES.read_bytes().decode("cp932").encode("utf-8")
    (settings.inbox / "bicycles_2018_utf8.csv").write_bytes(utf8)
    report = run_pipeline(settings)
    assert report.status == "published"
    assert report.superseded == 1
    files = _files(settings)
    assert files == [
        (BICYCLES.name, "crime_open_data", "01", "自転車盗", 2018, None, False, "superseded", 3),
        (MOTORBIKES.name, "crime_open_data", "01", "オートバイ盗", 2018, None, False, "loaded",
         None),
        ("bicycles_2018_utf8.csv", "crime_open_data", "01", "自転車盗", 2018, None, False,
         "loaded", None),
    ]


def test_the_sample_fills_the_typed_columns(sample_home: Settings) -> None:
    con = duckdb.connect(str(sample_home.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select source_kind, dataset_key, pref_code, modus, data_year, scope, is_sample "
            "from mart.source_file where status = 'loaded'").fetchall()
    finally:
        con.close()
    assert rows
    for kind, key, pref_code, modus, data_year, scope, is_sample in rows:
        if kind == "crime_open_data":
            assert pref_code and modus and data_year and scope is None
            label = f"crime/{pref_code}/{modus}/{data_year}"
            assert key == ("sample/" if is_sample else "") + label
            assert is_sample  # the bundled crime data is the generated sample
        else:
            assert scope and modus is None and data_year is None
            assert key.endswith(scope)
        assert key.startswith("sample/") == is_sample


def test_migration_0005_backfills_rows_loaded_before_it(tmp_path: Path) -> None:
    con = db.connect(tmp_path / "old.duckdb")
    store.attach(con, tmp_path / "crime_store.duckdb")
    migrations = db.migrations()
    earlier = tmp_path / "sql"
    (earlier / "migrations").mkdir(parents=True)
    for version, path in migrations:
        if version < 5:
            (earlier / "migrations" / path.name).write_text(path.read_text("utf-8"), "utf-8")
    db.migrate(con, earlier)
    rows = [
        (1, "crime_open_data", "crime/01/自転車盗/2018", False),
        (2, "published_facts", "published_facts/白書", False),
        (3, "subsidy_records", "sample/subsidy/2-aa157fa0/all", True),
        (4, "local_plans", "local_plans/2024-04-01/13", False),
        (5, "estat", "estat/0003288251/26dde75e", False),
    ]
    for file_id, kind, key, is_sample in rows:
        con.execute(
            "insert into raw.file (file_id, file_name, source_path, sha256, size_bytes, "
            "source_kind, dataset_key, row_count, is_sample, status, loaded_at, run_id) "
            "values (?, 'f', 'p', 's', 1, ?, ?, 1, ?, 'loaded', now(), 'r')",
            [file_id, kind, key, is_sample])
    con.execute("insert into raw.published_fact (file_id, line_number, source) "
                "values (2, 2, '白書')")
    con.execute("insert into raw.local_plan (file_id, line_number, pref_code) "
                "values (4, 2, '13'), (4, 3, '13')")
    con.execute("insert into raw.subsidy_record (file_id, line_number, pref_code) "
                "values (3, 2, '01'), (3, 3, '02')")
    assert db.migrate(con) == [version for version, _ in migrations if version >= 5]
    backfilled = con.execute(
        "select file_id, pref_code, modus, data_year, scope from raw.file order by file_id"
    ).fetchall()
    con.close()
    assert backfilled == [
        (1, "01", "自転車盗", 2018, None),
        (2, None, None, None, "白書"),
        (3, None, None, None, "2-aa157fa0/all"),
        (4, "13", None, None, "2024-04-01/13"),
        (5, None, None, None, "0003288251/26dde75e"),
    ]


HITTAKURI = HOKKAIDO_DIR / "hokkaido_2018hittakuri.csv"


@needs_real
@pytest.mark.parametrize("copy_name", [
    "hokkaido_2021hittakuri.csv",  # another year in the name
    "hittakuri_download_2024-03-05.csv",  # a download date in the name
    "hittakuri.csv",  # no year at all
])
def test_a_copy_under_another_year_supersedes_and_does_not_count_twice(
    settings: Settings, copy_name: str,
) -> None:
    settings.inbox.mkdir(parents=True, exist_ok=True)
    (settings.inbox / HITTAKURI.name).write_bytes(HITTAKURI.read_bytes())
    assert run_pipeline(settings).status == "published"
    # re-encoded as UTF-8 so that it is read (a byte-identical copy is a no-op, see below)
    (settings.inbox / copy_name).write_bytes(HITTAKURI.read_bytes().decode("cp932").encode())
    report = run_pipeline(settings)
    assert report.status == "published", report.error
    assert report.superseded == 1
    files = _files(settings)
    # the copy is the same dataset: the 2018 bag-snatching of Hokkaido, loaded once
    assert [f[:5] for f in files if f[7] == "loaded"] == [
        (copy_name, "crime_open_data", "01", "ひったくり", 2018)]
    con = db.open_published(settings.warehouse, settings.crime_store)
    try:
        loaded = con.execute(
            "select count(*) from raw.crime_incident i join raw.file f using (file_id) "
            "where f.status = 'loaded'").fetchall()[0][0]
    finally:
        con.close()
    assert loaded == 20


@needs_real
def test_a_byte_identical_copy_under_another_year_changes_nothing(settings: Settings) -> None:
    settings.inbox.mkdir(parents=True, exist_ok=True)
    (settings.inbox / HITTAKURI.name).write_bytes(HITTAKURI.read_bytes())
    assert run_pipeline(settings).status == "published"
    (settings.inbox / "hokkaido_2021hittakuri.csv").write_bytes(HITTAKURI.read_bytes())
    assert run_pipeline(settings).status == "noop"
    assert [f[4] for f in _files(settings) if f[7] == "loaded"] == [2018]
