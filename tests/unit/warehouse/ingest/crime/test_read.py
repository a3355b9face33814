"""Tests for the crime reader (warehouse.ingest.crime): the NPA crime open data as really published.

The real Hokkaido 2018 files (北海道警察 犯罪発生情報 (2018), open data) are read in place in
../shared/data (``hokkaido_dir``); the trimmed copies and re-encoded variants most tests start from
(``crime_fixtures``, ``base``) are built from them at test time (tests/shared_data.py). Without the
shared files these tests skip and say where they looked.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from warehouse.errors import RejectedFile
from warehouse.ingest.crime.format import FRAME_SCHEMA, MODI, CrimeFile, is_crime_file
from warehouse.ingest.crime.read import read_crime_file
from warehouse.reference import check_digit, prefecture_names

REAL_COUNTS = {
    "hokkaido_2018hittakuri.csv": ("ひったくり", 20),
    "hokkaido_2018syazyounerai.csv": ("車上ねらい", 1848),
    "hokkaido_2018buhinnerai.csv": ("部品ねらい", 435),
    "hokkaido_2018zidouhanbaikinerai.csv": ("自動販売機ねらい", 168),
    "hokkaido_2018zidousyatou.csv": ("自動車盗", 103),
    "hokkaido_2018ootobaitou.csv": ("オートバイ盗", 65),
    "hokkaido_2018zitensyatou.csv": ("自転車盗", 3977),
}
FIXTURE_COUNTS = {  # the trimmed copies (tests/shared_data.py KEEP)
    "hokkaido_2018hittakuri.csv": 5,
    "hokkaido_2018syazyounerai.csv": 6,
    "hokkaido_2018buhinnerai.csv": 6,
    "hokkaido_2018zidouhanbaikinerai.csv": 5,
    "hokkaido_2018zidousyatou.csv": 6,
    "hokkaido_2018ootobaitou.csv": 5,
    "hokkaido_2018zitensyatou.csv": 9,
}


# ----------------------------------------------------------------------------- helpers


def base_rows(base: Path) -> list[list[str]]:
    """Header and rows of the base fixture, as text cells."""
    return list(csv.reader(io.StringIO(base.read_bytes().decode("cp932"), newline="")))


def to_csv(rows: list[list[str]], delimiter: str = ",", eol: str = "\r\n", quote=False) -> str:
    out = io.StringIO()
    quoting = csv.QUOTE_ALL if quote else csv.QUOTE_MINIMAL
    csv.writer(out, delimiter=delimiter, lineterminator=eol, quoting=quoting).writerows(rows)
    return out.getvalue()


def write(tmp_path: Path, text: str, encoding="cp932", name="hokkaido_2018zitensyatou.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def with_values(base: Path, tmp_path: Path, values: dict[str, list[str]]) -> Path:
    """The base fixture's header with one row per value, only the named columns changed."""
    rows = base_rows(base)
    header, template = rows[0], rows[2]  # line 3: 2018-11-02, 19 時, 011011
    n = max(len(v) for v in values.values())
    out = [header]
    for i in range(n):
        row = list(template)
        for column, vals in values.items():
            row[header.index(column)] = vals[i]
        out.append(row)
    return write(tmp_path, to_csv(out))


def codes(result: CrimeFile) -> list[str]:
    return [f.code for f in result.findings]


def finding(result: CrimeFile, code: str):
    return next(f for f in result.findings if f.code == code)


def reject(path: Path, content: bytes | None = None) -> RejectedFile:
    with pytest.raises(RejectedFile) as info:
        read_crime_file(path, content=content)
    return info.value


# ----------------------------------------------------------------------------- real files


@pytest.mark.parametrize("name", sorted(REAL_COUNTS))
def test_real_hokkaido_files(hokkaido_dir, name):
    modus, count = REAL_COUNTS[name]
    result = read_crime_file(hokkaido_dir / name)
    assert (result.modus, result.row_count, result.frame.height) == (modus, count, count)
    assert (result.pref_code, result.data_year, result.encoding) == ("01", 2018, "cp932")
    assert result.frame.schema == pl.Schema(FRAME_SCHEMA)
    # line numbers are the physical lines: header is line 1, no embedded newlines
    assert result.frame["line_number"].to_list() == list(range(2, count + 2))
    assert result.frame["occurred_on"].dt.year().max() == 2018  # nothing after the data year
    assert "date_after_data_year" not in codes(result)


def test_real_hokkaido_total_and_quirks(hokkaido_dir):
    results = {name: read_crime_file(hokkaido_dir / name) for name in REAL_COUNTS}
    assert sum(r.row_count for r in results.values()) == 6616
    # 自動車盗: every row and the header repeated side by side; 2 lines carry 町丁目 on the
    # right-hand copy only
    car = results["hokkaido_2018zidousyatou.csv"]
    assert "duplicated_layout" in codes(car)
    assert finding(car, "duplicated_layout_blank_half").count == 2
    assert finding(car, "duplicated_layout_blank_half").line == 67
    assert car.frame.filter(pl.col("line_number") == 67)["town"].item() == "北２線東"
    # 部品ねらい and 自動車盗 lost the leading zero of every code; the check digit confirms
    for name in ("hokkaido_2018buhinnerai.csv", "hokkaido_2018zidousyatou.csv"):
        statuses = set(results[name].frame["lg_code_status"].unique())
        assert statuses <= {"repaired", "blank"}
    # identical rows are distinct incidents: kept, and counted as info
    bikes = results["hokkaido_2018zitensyatou.csv"]
    assert finding(bikes, "identical_rows").count == 5
    assert bikes.frame.height == 3977


# ----------------------------------------------------------------------------- trimmed copies


@pytest.mark.parametrize("name", sorted(FIXTURE_COUNTS))
def test_trimmed_fixtures_identity(crime_fixtures, name):
    result = read_crime_file(crime_fixtures / name)
    assert result.modus == REAL_COUNTS[name][0]
    assert result.row_count == FIXTURE_COUNTS[name]
    assert (result.pref_code, result.data_year, result.encoding, result.delimiter) == (
        "01",
        2018,
        "cp932",
        ",",
    )
    assert result.frame.schema == pl.Schema(FRAME_SCHEMA)


def test_old_format_columns_map_and_absent_ones_are_null(crime_fixtures):
    result = read_crime_file(crime_fixtures / "hokkaido_2018ootobaitou.csv")
    row = result.frame.row(0, named=True)
    assert row["place_type"] == "その他"  # 発生場所の属性 in this old file
    assert row["place_detail"] is None  # 発生場所の詳細 only exists in newer files
    assert (row["locking"], row["anti_theft_device"]) == ("キーあり", "あり")
    assert row["stolen_item"] == "原動機付自転車（50cc以下）"
    assert row["victim_sex"] is None and row["cash_damage"] is None


def test_newer_format_place_columns(base, tmp_path):
    rows = base_rows(base)
    header = [
        *[h for h in rows[0][:10]],
        "発生場所",
        "発生場所の詳細",
        "被害者の性別",
        "被害者の年齢",
        "被害者の職業",
        "現金被害の有無",
    ]
    row = [*rows[2][:10], "道路上", "歩道", "女性", "70歳以上", "無職", "あり"]
    result = read_crime_file(write(tmp_path, to_csv([header, row]), "utf-8-sig"))
    got = result.frame.select("place_type", "place_detail", "victim_sex", "cash_damage").row(0)
    assert got == ("道路上", "歩道", "女性", "あり")


def test_blank_code_and_prefecture_rows_are_kept(crime_fixtures):
    result = read_crime_file(crime_fixtures / "hokkaido_2018syazyounerai.csv")
    blank = result.frame.filter(pl.col("lg_code_status") == "blank")
    assert blank["line_number"].to_list() == [6, 7]
    assert blank["prefecture_name"].null_count() == 2
    assert result.pref_code == "01"  # from the rows that name it
    assert finding(result, "lg_code_blank").count == 2


def test_identical_rows_are_distinct_incidents(base):
    result = read_crime_file(base)
    last_two = result.frame.tail(2).drop("line_number")
    assert last_two.n_unique() == 1
    assert result.frame.tail(2)["line_number"].to_list() == [9, 10]
    assert finding(result, "identical_rows").severity == "info"


# ----------------------------------------------------------------------------- layouts


VARIANTS = [
    # file, encoding, delimiter
    ("variant_utf8bom_crlf.csv", "utf-8-sig", ","),
    ("variant_utf8_lf.csv", "utf-8", ","),
    ("variant_cp932_tab_lf.csv", "cp932", "\t"),
    ("variant_cp932_quoted.csv", "cp932", ","),
    ("variant_utf8bom_tab_quoted.csv", "utf-8-sig", "\t"),
    ("variant_halfwidth_header.csv", "cp932", ","),
    ("variant_index_column.csv", "utf-8-sig", ","),
]


@pytest.mark.parametrize(("name", "encoding", "delimiter"), VARIANTS)
def test_fixture_variants_give_the_same_frame(base, crime_fixtures, name, encoding, delimiter):
    expected = read_crime_file(base).frame
    result = read_crime_file(crime_fixtures / name)
    assert (result.encoding, result.delimiter) == (encoding, delimiter)
    assert_frame_equal(result.frame, expected)
    # these names carry no year: the data year is the most common occurrence year
    assert result.data_year == 2018
    assert "data_year_from_dates" in codes(result)


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("delimiter", [",", "\t"])
@pytest.mark.parametrize("eol", ["\r\n", "\n"])
@pytest.mark.parametrize("quote", [False, True])
def test_encodings_delimiters_line_endings_quoting(base, tmp_path, encoding, delimiter, eol, quote):
    expected = read_crime_file(base)
    text = to_csv(base_rows(base), delimiter, eol, quote)
    result = read_crime_file(write(tmp_path, text, encoding))
    assert (result.encoding, result.delimiter) == (encoding, delimiter)
    assert_frame_equal(result.frame, expected.frame)
    assert codes(result) == codes(expected)


def test_content_argument_is_read_instead_of_the_path(base, tmp_path):
    content = base.read_bytes()
    result = read_crime_file(tmp_path / "hokkaido_2018zitensyatou.csv", content=content)
    assert_frame_equal(result.frame, read_crime_file(base).frame)


def test_last_line_without_newline(base, tmp_path):
    text = to_csv(base_rows(base)).rstrip("\r\n")
    result = read_crime_file(write(tmp_path, text))
    assert result.row_count == 9


def test_blank_lines_are_skipped_and_line_numbers_stay_physical(base, tmp_path):
    rows = base_rows(base)
    text = to_csv(rows[:3]) + "\r\n" + ",,,,,,,,,,,,,\r\n" + to_csv(rows[3:])
    result = read_crime_file(write(tmp_path, text))
    assert result.row_count == 9
    assert result.frame["line_number"].to_list() == [2, 3, 6, 7, 8, 9, 10, 11, 12]
    assert finding(result, "blank_rows").count == 2


def test_a_line_blank_in_its_first_cell_only_is_kept_and_a_line_of_spaces_is_skipped(
        base, tmp_path):
    rows = base_rows(base)
    rows[2][0] = ""  # 罪名 left empty: still an incident
    spaces = "\u3000" + "," * (len(rows[0]) - 1) + " "  # every cell blank (spaces only)
    result = read_crime_file(write(tmp_path, to_csv(rows) + spaces + "\r\n"))
    assert result.row_count == 9
    assert 3 in result.frame["line_number"].to_list()
    assert finding(result, "blank_rows").count == 1
    assert finding(result, "blank_rows").line == 11


def test_quoted_field_with_newline_and_delimiter_keeps_line_numbers(base, tmp_path):
    rows = base_rows(base)
    rows[2][7] = "南２条\n西１丁目, 裏"  # 町丁目 spanning two lines, with a comma
    result = read_crime_file(write(tmp_path, to_csv(rows, quote=True)))
    assert result.frame["line_number"].to_list() == [2, 3, 5, 6, 7, 8, 9, 10, 11]
    assert result.frame["town"][1] == "南２条\n西１丁目, 裏"


def test_quoted_field_with_delimiter_on_one_line(base, tmp_path):
    rows = base_rows(base)
    rows[2][7] = "北４条, 西３丁目"
    result = read_crime_file(write(tmp_path, to_csv(rows)))
    assert result.frame["town"][1] == "北４条, 西３丁目"
    assert result.frame["line_number"].to_list() == list(range(2, 11))


def test_xlsx_first_sheet_with_excel_typed_cells(base, crime_fixtures):
    result = read_crime_file(crime_fixtures / "variant_excel.xlsx")
    expected = read_crime_file(base).frame
    assert (result.encoding, result.delimiter, result.modus) == ("xlsx", None, "自転車盗")
    # Excel stores codes and hours as numbers: the leading zeros are gone, as in real files
    assert result.frame["lg_code_raw"][0] == "11011"
    assert set(result.frame["lg_code_status"]) == {"repaired"}
    # line_number is the sheet row; everything derived is the same as from the CSV
    same = [c for c in FRAME_SCHEMA if c not in {"lg_code_raw", "lg_code_status"}]
    same.remove("occurred_hour_raw")
    assert_frame_equal(result.frame.select(same), expected.select(same))


def test_xlsx_rows_are_sheet_rows(base, tmp_path):
    import xlsxwriter

    rows = base_rows(base)
    path = tmp_path / "hokkaido_2018zitensyatou.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, rows[0])
    sheet.write_row(1, 0, rows[1])
    sheet.write_row(4, 0, rows[2])  # rows 3 and 4 left empty
    book.close()
    result = read_crime_file(path)
    assert result.frame["line_number"].to_list() == [2, 5]


@pytest.mark.parametrize("index_header", ["", "Unnamed: 0"])
def test_unnamed_index_columns_are_dropped(base, tmp_path, index_header):
    rows = base_rows(base)
    table = [[index_header, *rows[0]]] + [[str(i), *r] for i, r in enumerate(rows[1:], 1)]
    result = read_crime_file(write(tmp_path, to_csv(table), "utf-8"))
    assert_frame_equal(result.frame, read_crime_file(base).frame)
    assert finding(result, "index_column_dropped").severity == "info"


def test_trailing_delimiter_column_is_dropped(base, tmp_path):
    text = "".join(line + ",\r\n" for line in to_csv(base_rows(base)).splitlines())
    result = read_crime_file(write(tmp_path, text))
    assert_frame_equal(result.frame, read_crime_file(base).frame)


def test_duplicated_layout_collapses_to_one_half(crime_fixtures):
    result = read_crime_file(crime_fixtures / "hokkaido_2018zidousyatou.csv")
    assert result.row_count == 6
    assert result.frame.width == len(FRAME_SCHEMA)
    dup = finding(result, "duplicated_layout")
    assert (dup.severity, dup.count) == ("warning", 6)
    # the fixture's line 6 (real line 67) has 町丁目 only in the right-hand copy: value kept
    assert result.frame.filter(pl.col("line_number") == 6)["town"].item() == "北２線東"
    assert finding(result, "duplicated_layout_blank_half").line == 6


def test_duplicated_layout_with_conflicting_halves_is_rejected(crime_fixtures, tmp_path):
    text = (crime_fixtures / "hokkaido_2018zidousyatou.csv").read_bytes().decode("cp932")
    lines = text.split("\r\n")
    left, right = lines[3].split(",")[:14], lines[3].split(",")[14:]
    right[9] = "03"  # 発生時 differs between the copies
    lines[3] = ",".join(left + right)
    err = reject(write(tmp_path, "\r\n".join(lines), name="hokkaido_2018zidousyatou.csv"))
    assert err.line == 4
    assert "two halves" in err.reason


# ----------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    ("raw", "expected", "finding_code"),
    [
        ("2018-12-26", dt.date(2018, 12, 26), None),
        ("2018/6/10", dt.date(2018, 6, 10), None),
        ("2018/06/01", dt.date(2018, 6, 1), None),
        ("20180610", dt.date(2018, 6, 10), None),
        ("２０１８／６／１０", dt.date(2018, 6, 10), None),  # full-width digits
        ("2018-03-06 00:00:00", dt.date(2018, 3, 6), None),  # as Excel writes it
        ("不明", None, "unknown_date"),
        ("", None, "unknown_date"),  # blank: the same finding as 不明 (issue 12)
        ("2018-02-30", None, "unparsed_date"),
        ("H30.6.10", None, "unparsed_date"),
        ("6/10", None, "unparsed_date"),
    ],
)
def test_dates(base, tmp_path, raw, expected, finding_code):
    result = read_crime_file(with_values(base, tmp_path, {"発生年月日（始期）": [raw]}))
    assert result.frame["occurred_on"][0] == expected
    assert result.frame["occurred_on_raw"][0] == (raw or None)
    date_codes = {c for c in codes(result) if c in {"unknown_date", "unparsed_date"}}
    assert date_codes == ({finding_code} if finding_code else set())


def test_unparsed_dates_are_counted_not_rejected(base, tmp_path):
    result = read_crime_file(
        with_values(base, tmp_path, {"発生年月日（始期）": ["x", "2018-1-1", "y"]})
    )
    bad = finding(result, "unparsed_date")
    assert (bad.count, bad.line, bad.severity) == (2, 2, "warning")
    assert result.row_count == 3


def test_dates_after_and_before_the_data_year(base, tmp_path):
    # the data year is the most common occurrence year (2018), so the later dates stand out
    dates = ["2019-01-02", "2019-03-04", "2017-12-31", "2018-06-01", "2018-07-01", "2018-08-01"]
    result = read_crime_file(with_values(base, tmp_path, {"発生年月日（始期）": dates}))
    after = finding(result, "date_after_data_year")
    assert (after.count, after.line, after.severity) == (2, 2, "warning")
    before = finding(result, "date_before_data_year")
    assert (before.count, before.severity) == (1, "info")


@pytest.mark.parametrize(
    ("raw", "expected", "finding_code"),
    [
        ("00", 0, None),
        ("7", 7, None),
        ("07", 7, None),
        ("23", 23, None),
        ("２３", 23, None),
        ("7時", 7, None),
        ("不明", None, None),
        ("", None, None),
        ("24", None, "hour_out_of_range"),
        ("99", None, "hour_out_of_range"),
        ("午後", None, "unparsed_hour"),
        ("7.5", None, "unparsed_hour"),
    ],
)
def test_hours(base, tmp_path, raw, expected, finding_code):
    result = read_crime_file(with_values(base, tmp_path, {"発生時（始期）": [raw]}))
    assert result.frame["occurred_hour"].dtype == pl.Int8
    assert result.frame["occurred_hour"][0] == expected
    hour_codes = {c for c in codes(result) if "hour" in c}
    assert hour_codes == ({finding_code} if finding_code else set())


@pytest.mark.parametrize(
    ("raw", "code", "status"),
    [
        ("011011", "011011", "ok"),  # 札幌市中央区
        ("015555", "015555", "ok"),  # 遠軽町
        ("131016", "131016", "ok"),  # 千代田区
        ("11011", "011011", "repaired"),  # lost its leading zero; check digit confirms
        ("14583", "014583", "repaired"),
        ("０１１０１１", "011011", "ok"),  # full-width digits
        ("１１０１１", "011011", "repaired"),
        ("11012", None, "invalid"),  # zero-padding does not validate
        ("011012", None, "invalid"),  # wrong check digit
        ("01101", None, "invalid"),  # 5-digit code without check digit: not repaired
        ("481018", None, "invalid"),  # no prefecture 48
        ("1101", None, "invalid"),
        ("札幌", None, "invalid"),
        ("", None, "blank"),
    ],
)
def test_local_government_codes(base, tmp_path, raw, code, status):
    result = read_crime_file(
        with_values(base, tmp_path, {"市区町村コード（発生地）": [raw]})
    )
    row = result.frame.row(0, named=True)
    assert (row["lg_code_raw"], row["lg_code"], row["lg_code_status"]) == (
        raw or None,
        code,
        status,
    )
    if status == "invalid":
        assert finding(result, "lg_code_invalid").count == 1
    if status == "repaired":
        assert finding(result, "lg_code_repaired").severity == "info"


def test_check_digit():
    assert check_digit("01101") == 1
    assert check_digit("13101") == 6
    assert check_digit("27100") == 4  # 大阪市 271004
    assert check_digit("47201") == 8  # 那覇市 472018


def test_text_values_are_kept_as_written(base, tmp_path):
    # header names are NFKC-matched, values are not: full-width text stays full-width
    result = read_crime_file(
        with_values(base, tmp_path, {"町丁目（発生地）": ["  北４条西３丁目　"]})
    )
    assert result.frame["town"][0] == "北４条西３丁目"


# ----------------------------------------------------------------------------- identity


@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("hokkaido_2018jitennsyatou.csv", 2018),  # misspelled modus in the name
        ("01_2018_3.csv", 2018),  # numbered file
        ("jitensya.csv", 2018),  # no year: most common occurrence year
        ("R1_zitensyatou.csv", 2018),
    ],
)
def test_modus_from_column_and_year_from_name(base, tmp_path, name, year):
    path = tmp_path / name
    path.write_bytes(base.read_bytes())
    result = read_crime_file(path)
    assert (result.modus, result.data_year, result.pref_code) == ("自転車盗", year, "01")
    assert result.pref_name == "北海道"


# The real trimmed 自転車盗 file (9 lines: 2018, with 2017 and 不明 among them) under other names.
DATA_YEAR_CASES = [
    # name, data year, finding code
    ("hokkaido_2018zitensyatou.csv", 2018, None),  # the name agrees with the dates
    ("hokkaido_2021zitensyatou.csv", 2018, "data_year_name_ignored"),  # a copy renamed
    ("zitensyatou_download_2024-03-05.csv", 2018, "data_year_name_ignored"),  # download date
    ("01_2020_3.csv", 2018, "data_year_name_ignored"),  # numbered file, wrong year
    ("zitensyatou.csv", 2018, "data_year_from_dates"),  # no year in the name
]


@pytest.mark.parametrize(("name", "year", "code"), DATA_YEAR_CASES)
def test_the_data_year_comes_from_the_dates(base, tmp_path, name, year, code):
    path = tmp_path / name
    path.write_bytes(base.read_bytes())
    result = read_crime_file(path)
    assert result.data_year == year
    year_codes = [c for c in codes(result) if c.startswith("data_year")]
    assert year_codes == ([code] if code else [])
    if code == "data_year_name_ignored":
        message = finding(result, code).message
        assert "dates show 2018" in message and "name was ignored" in message
        assert "date_after_data_year" not in codes(result)


@pytest.mark.parametrize(("dates", "name", "year"), [
    (["2018-01-02", "2017-12-31", "2017-11-30"], "x_2018.csv", 2017),  # most lines say 2017
    (["2018-01-02", "2017-12-31"], "x.csv", 2018),  # a tie goes to the later year
    (["2018-01-02", "不明", "不明", ""], "x_2019.csv", 2018),  # 不明 and blank do not count
    (["不明", ""], "x_2019.csv", 2019),  # no readable date: the name's year
])
def test_the_data_year_rule(base, tmp_path, dates, name, year):
    path = with_values(base, tmp_path, {"発生年月日（始期）": dates})
    path = path.rename(tmp_path / name)
    assert read_crime_file(path).data_year == year


def test_no_year_anywhere_is_rejected(base, tmp_path):
    path = with_values(base, tmp_path, {"発生年月日（始期）": ["不明", ""]})
    with pytest.raises(RejectedFile, match="data year cannot be told") as err:
        read_crime_file(path.rename(tmp_path / "zitensyatou.csv"))
    assert err.value.column == "発生年月日（始期）"


def test_prefecture_short_name_and_code_fallback(base, tmp_path):
    result = read_crime_file(
        with_values(base, tmp_path, {"都道府県（発生地）": ["北海道", "北海道"]})
    )
    assert result.pref_code == "01"
    no_names = with_values(
        base,
        tmp_path,
        {"都道府県（発生地）": ["", ""], "市区町村コード（発生地）": ["131016", "131016"]},
    )
    assert read_crime_file(no_names).pref_code == "13"


def test_reference_lists():
    prefectures = prefecture_names()
    assert (
        len(prefectures) == 47 and prefectures["13"] == "東京都" and prefectures["47"] == "沖縄県"
    )
    assert len(MODI) == 7


def test_is_crime_file(base):
    header = base_rows(base)[0]
    assert is_crime_file(header)
    assert is_crime_file([h.replace("（", "(").replace("）", ")") for h in header])
    assert is_crime_file(["", *header])
    assert is_crime_file([h for h in header if h != "発生時（始期）"])  # routed, then rejected
    assert not is_crime_file(["都道府県", "年度", "出所受刑者の２年以内再入率"])
    assert not is_crime_file([])


# ----------------------------------------------------------------------------- rejections


def _bad_bytes(text: str) -> bytes:
    # 0x81 0x20 is not a CP932 character (0x81 leads a two-byte character)
    lines = text.encode("cp932").split(b"\r\n")
    lines[7] = lines[7].replace(b",", b",\x81\x20", 1)
    return b"\r\n".join(lines)


def _unassigned(text: str) -> bytes:
    # 0x80 decodes in Python's cp932 (to U+0080) but is unassigned in Shift_JIS: damage
    lines = text.encode("cp932").split(b"\r\n")
    lines[2] = lines[2].replace(b",", b",\x80", 1)
    return b"\r\n".join(lines)


def _truncated(text: str) -> bytes:
    data = text.encode("cp932")
    return data[: data.rindex(b",", 0, len(data) - 30)]


def _unterminated(text: str) -> bytes:
    return (text + '窃盗,自転車盗,中央,"薄野,011011\r\n').encode("cp932")


def _ragged(text: str) -> bytes:
    lines = text.split("\r\n")
    lines[4] = lines[4] + ",余分"
    return "\r\n".join(lines).encode("cp932")


def _short_row(text: str) -> bytes:
    lines = text.split("\r\n")
    lines[3] = lines[3].rsplit(",", 2)[0]
    return "\r\n".join(lines).encode("cp932")


def _drop_column(name: str):
    def make(text: str) -> bytes:
        rows = list(csv.reader(io.StringIO(text, newline="")))
        i = rows[0].index(name)
        return to_csv([r[:i] + r[i + 1 :] for r in rows]).encode("cp932")

    return make


def _mixed_modus(text: str) -> bytes:
    lines = text.split("\r\n")
    lines[5] = lines[5].replace("自転車盗", "オートバイ盗")
    return "\r\n".join(lines).encode("cp932")


def _mixed_prefecture(text: str) -> bytes:
    lines = text.split("\r\n")
    lines[3] = lines[3].replace("北海道", "青森県")
    return "\r\n".join(lines).encode("cp932")


def _unknown_modus(text: str) -> bytes:
    return text.replace("自転車盗", "万引き").encode("cp932")


def _header_only(text: str) -> bytes:
    return (text.split("\r\n")[0] + "\r\n").encode("cp932")


REJECTIONS = [
    # id, make(bytes of the base fixture as text) -> bytes, expected line, words in the reason
    ("bad_cp932_bytes", _bad_bytes, 8, "does not decode cleanly"),
    ("unassigned_cp932_byte", _unassigned, 3, "does not decode cleanly"),
    (
        "bad_utf8_bytes",
        lambda t: t.encode("utf-8")[:-40] + b"\xe3\x81" + b"," * 5 + b"\r\n",
        10,
        "not valid UTF-8",
    ),
    ("truncated_mid_row", _truncated, 10, "truncated"),
    ("unterminated_quote", _unterminated, 11, "never closed"),
    ("ragged_long_row", _ragged, 5, "15 fields where the header has 14"),
    ("ragged_short_row", _short_row, 4, "12 fields where the header has 14"),
    ("missing_hour_column", _drop_column("発生時（始期）"), 1, "発生時（始期） is missing"),
    ("missing_code_column", _drop_column("市区町村コード（発生地）"), 1, "市区町村コード"),
    ("mixed_modus", _mixed_modus, 6, "one modus"),
    ("mixed_prefecture", _mixed_prefecture, 4, "one prefecture"),
    ("unknown_modus", _unknown_modus, 2, "not one of the 7"),
    ("header_only", _header_only, None, "no incidents"),
    (
        "control_character",
        lambda t: t.replace("中央", "中\x07央", 1).encode("cp932"),
        2,
        "control character U+0007",
    ),
    ("empty", lambda t: b"", None, "empty"),
    ("whitespace_only", lambda t: b"\r\n\r\n", None, "empty"),
    (
        "binary_png",
        lambda t: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        3,  # the NUL byte after \r\n\x1a\n
        "binary",
    ),
    (
        "not_a_table",
        lambda t: "これは表ではありません\r\n説明文\r\n".encode("cp932"),
        1,
        "not a table header",
    ),
    ("old_xls", lambda t: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), None, ".xls"),
    ("broken_xlsx", lambda t: b"PK\x03\x04" + bytes(100), None, "not a readable Excel"),
]


@pytest.mark.parametrize(
    ("make", "line", "words"), [r[1:] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS]
)
def test_rejections(base, tmp_path, make, line, words):
    text = base.read_bytes().decode("cp932")
    path = tmp_path / "hokkaido_2018zitensyatou.csv"
    path.write_bytes(make(text))
    err = reject(path)
    assert words in str(err)
    assert err.line == line
    assert err.action  # always says what to do
    assert err.to_dict()["file"] == str(path)


def _nul_at_line_5(text: str) -> bytes:
    lines = text.split("\r\n")
    lines[4] = lines[4].replace("自転車盗", "自転\x00車盗", 1)
    return "\r\n".join(lines).encode("cp932")


def _cut_inside_a_character(text: str) -> bytes:
    data = text.encode("cp932").rstrip(b"\r\n")
    end = max(data.rfind(c.encode("cp932")) for c in "北海道")  # a two-byte character
    return data[: end + 1]  # its lead byte only


def _text_after_a_closing_quote(text: str) -> bytes:
    lines = text.split("\r\n")
    lines[5] = lines[5].replace("札幌市", '"札幌"市', 1)
    return "\r\n".join(lines).encode("cp932")


def _quote_in_a_quoted_file(text: str) -> bytes:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    out = to_csv(rows, quote=True).split("\r\n")
    out[6] = out[6].replace('"北海道"', '"北海"道"', 1)
    return "\r\n".join(out).encode("cp932")


#: Hostile inputs: each rejected with its true reason, its line and column, in words of the
#: format (never a library's: no "could not parse", "infer_schema_length", byte offsets alone).
HOSTILE = [
    # id, make, line, column, words in the reason
    ("cr_only_line_ends", lambda t: t.replace("\r\n", "\r").encode("cp932"), 1, None,
     "CR alone"),
    ("nul_byte_at_line_5", _nul_at_line_5, 5, "手口", "NUL byte (0x00) at line 5, column 手口"),
    ("cut_inside_a_character", _cut_inside_a_character, 10, "byte 50", "truncated"),
    ("text_after_a_closing_quote", _text_after_a_closing_quote, 6, "市区町村（発生地）",
     "quoted value is followed by other text"),
    ("stray_quote_in_a_quoted_value", _quote_in_a_quoted_file, 7, "都道府県（発生地）",
     "quoted value is followed by other text"),
]
LIBRARY_WORDS = ("could not parse", "infer_schema", "polars", "You might want", "offset",
                 "expected after", "Error")


@pytest.mark.parametrize(("make", "line", "column", "words"), [r[1:] for r in HOSTILE],
                         ids=[r[0] for r in HOSTILE])
def test_hostile_inputs_get_their_true_reason(base, tmp_path, make, line, column, words):
    err = reject(write(tmp_path, ""), content=make(base.read_bytes().decode("cp932")))
    assert words in err.reason
    assert (err.line, err.column) == (line, column)
    assert err.action
    for word in LIBRARY_WORDS:
        assert word not in err.reason + err.action


def test_blank_dates_get_the_same_finding_as_unknown(base, tmp_path):
    result = read_crime_file(
        with_values(base, tmp_path, {"発生年月日（始期）": ["不明", "", "2018-01-01"]}))
    unknown = finding(result, "unknown_date")
    assert (unknown.count, unknown.line) == (2, 2)
    assert "unparsed_date" not in codes(result)


def _header(change) -> callable:
    """The base fixture with its header line changed by ``change``."""
    def make(text: str) -> bytes:
        head, rest = text.split("\r\n", 1)
        return (change(head) + "\r\n" + rest).encode("cp932")
    return make


def _both_place_columns(text: str) -> bytes:
    lines = text.split("\r\n")
    lines[0] = lines[0].replace("発生場所の属性", "発生場所") + ",発生場所の属性"
    return "\r\n".join(line + ",路上" if line and i else line
                       for i, line in enumerate(lines)).encode("cp932")


#: Headers as forces really write them: each loads the same incidents, with a finding.
HEADER_VARIANTS = [
    # id, make, finding code, words in its message
    ("no_suffixes", _header(lambda h: h.replace("（発生地）", "").replace("（始期）", "")),
     "header_written_otherwise", "管轄警察署 -> 管轄警察署（発生地）"),
    ("half_width_brackets", _header(lambda h: h.replace("（", "(").replace("）", ")")),
     "header_written_otherwise", "発生時(始期) -> 発生時（始期）"),
    ("stray_spaces", _header(lambda h: h.replace(",", " ,").replace("管轄", "管轄　")),
     "header_written_otherwise", "管轄\u3000警察署（発生地） -> 管轄警察署（発生地）"),
    ("both_place_columns", _both_place_columns, "place_type_twice",
     "発生場所 was loaded as the place type and 発生場所の属性 kept beside it"),
]


@pytest.mark.parametrize(("make", "code", "words"), [r[1:] for r in HEADER_VARIANTS],
                         ids=[r[0] for r in HEADER_VARIANTS])
def test_headers_as_forces_write_them(base, tmp_path, make, code, words):
    expected = read_crime_file(base)
    result = read_crime_file(write(tmp_path, ""), content=make(base.read_bytes().decode("cp932")))
    assert result.row_count == expected.row_count
    assert_frame_equal(result.frame.drop("place_type", "place_attribute"),
                       expected.frame.drop("place_type", "place_attribute"))
    assert words in finding(result, code).message
    assert "unknown_columns" not in codes(result)


def test_bad_bytes_report_line_byte_column_and_what_to_do(base, tmp_path):
    data = base.read_bytes()
    lines = data.split(b"\r\n")
    # line 3 is 窃盗,自転車盗,…: bytes 12-13 are 盗 (0x93 0x90); 0x81 0x20 is not CP932
    lines[2] = lines[2][:11] + b"\x81\x20" + lines[2][13:]
    err = reject(write(tmp_path, ""), content=b"\r\n".join(lines))
    assert (err.line, err.column) == (3, "byte 12")
    assert "CP932" in err.reason
    assert "re-save as cp932 or utf-8" in err.action.lower()


def test_binary_named_csv_is_rejected_without_decoding(tmp_path):
    err = reject(tmp_path / "x.csv", content=b"\x00\x01\x02" * 100)
    assert "binary" in err.reason and err.line == 1


def test_xlsx_named_file_that_is_not_a_workbook(base, tmp_path):
    err = reject(tmp_path / "hokkaido_2018zitensyatou.xlsx", content=base.read_bytes())
    assert "not an Excel workbook" in err.reason


def test_missing_column_is_named(base, tmp_path):
    err = reject(
        tmp_path / "hokkaido_2018zitensyatou.csv",
        content=_drop_column("罪名")(base.read_bytes().decode("cp932")),
    )
    assert err.column == "罪名"
    assert "header" in err.action


# ----------------------------------------------------------------------------- speed


def test_speed_100k_rows(base, tmp_path):
    data = base.read_bytes()
    header, *rows = [line for line in data.split(b"\r\n") if line]
    body = (rows * (100_000 // len(rows) + 1))[:100_000]
    path = tmp_path / "hokkaido_2018zitensyatou.csv"
    path.write_bytes(b"\r\n".join([header, *body]) + b"\r\n")
    start = time.perf_counter()
    result = read_crime_file(path)
    elapsed = time.perf_counter() - start
    assert result.row_count == 100_000
    assert result.frame["line_number"][-1] == 100_001
    assert elapsed < 10, f"100k rows took {elapsed:.1f}s"


def test_code_of_another_prefecture_is_a_warning(base, tmp_path):
    path = with_values(base, tmp_path, {"市区町村コード（発生地）": ["011011", "131016"]})
    result = read_crime_file(path)
    other = finding(result, "lg_code_other_prefecture")
    assert (other.count, other.line, result.pref_code) == (1, 3, "01")


def test_half_width_katakana_modus_is_recognised(base, tmp_path):
    result = read_crime_file(with_values(base, tmp_path, {"手口": ["ｵｰﾄﾊﾞｲ盗"]}))
    assert result.modus == "オートバイ盗"
    assert result.frame["modus"][0] == "ｵｰﾄﾊﾞｲ盗"  # the value stays as written


def test_dos_end_of_file_mark_is_ignored(base, tmp_path):
    path = tmp_path / "hokkaido_2018zitensyatou.csv"
    result = read_crime_file(path, content=base.read_bytes() + b"\x1a")
    assert result.row_count == 9


# ----------------------------------------------------------------------------- fast paths


@pytest.mark.parametrize(
    ("delimiter", "value", "expected"),
    [
        (",", "北４条", "北４条"),  # nothing to strip: the fast path
        (",", " 北４条", "北４条"),
        (",", "北４条\u3000", "北４条"),
        (",", "\t北４条", "北４条"),
        (",", " ", None),
        ("\t", "北４条", "北４条"),
        ("\t", "北４条 ", "北４条"),
        ("\t", "", None),  # an empty cell between two tabs
    ],
)
def test_cells_are_stripped_with_or_without_the_fast_path(base, tmp_path, delimiter, value,
                                                          expected):
    rows = base_rows(base)
    header, template = rows[0], rows[2]
    row = list(template)
    row[header.index("町丁目（発生地）")] = value
    result = read_crime_file(write(tmp_path, to_csv([header, row, template], delimiter)))
    assert result.frame["town"].to_list()[0] == expected
    plain = read_crime_file(write(tmp_path, to_csv([header, template, template], delimiter),
                                  name="hokkaido_2018buhinnerai.csv"))
    assert finding(plain, "identical_rows").count == 1


def test_identical_rows_are_counted_exactly_despite_a_hash_collision(base, crime_fixtures,
                                                                     monkeypatch):
    def repeated(result: CrimeFile) -> int:
        return next((f.count for f in result.findings if f.code == "identical_rows"), 0)

    before = read_crime_file(base)
    exact = before.row_count - before.frame.drop("line_number").n_unique()
    assert repeated(before) == exact > 0
    # every row hashing alike forces the full comparison; the count must not change
    monkeypatch.setattr(pl.DataFrame, "hash_rows",
                        lambda self, *a, **k: pl.Series("h", [0] * self.height, pl.UInt64))
    assert repeated(read_crime_file(base)) == exact
    assert repeated(read_crime_file(crime_fixtures / "hokkaido_2018syazyounerai.csv")) == 0
