"""XLSX in full or not at all (issue 12, point 5), and the same cap for one CSV field: every
sheet holding data is read or the file is rejected naming the sheets it would leave out;
formula cells without a cached value are rejected with their cells named; a size budget is
checked before the workbook is opened, so crafted workbooks are refused in seconds with
bounded memory. Workbooks are built from the real Hokkaido rows (tests/helpers.py)."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
import zipfile
from html import escape
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from warehouse.errors import RejectedFile
from warehouse.ingest.route import parse_file
from warehouse.ingest.text import MAX_CELL_CHARS
from warehouse.run import run_pipeline
from warehouse.settings import Settings

# What a person must never see instead of the reason.
LIBRARY_WORDS = ("BadZipFile", "zipfile", "openpyxl", "Traceback", "KeyError", "XML")


def real_rows(base: Path) -> list[list[str]]:
    """The trimmed real 自転車盗 file's header and rows, as text."""
    text = base.read_bytes().decode("cp932")
    return list(csv.reader(io.StringIO(text, newline="")))


def openpyxl_book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def rejection(path: Path) -> RejectedFile:
    with pytest.raises(RejectedFile) as caught:
        parse_file(path)
    error = caught.value
    assert str(path) in str(error)
    assert not any(word in error.reason for word in LIBRARY_WORDS), error.reason
    return error


# --- every sheet holding data, or a rejection naming the ones left out ------------------------

def second_sheet(rows: list[list[str]], case: str) -> dict[str, list[list[object]]]:
    header, body = rows[0], rows[1:]
    if case == "second sheet with the header":
        return {"1月-6月": [header, *body[:4]], "7月-12月": [header, *body[4:]]}
    if case == "continued without the header":
        return {"発生情報": [header, *body[:4]], "続き": body[4:]}
    return {"発生情報": [header, *body[:4]], "集計": [["警察署", "件数"]], "原本": [header, *body]}


@pytest.mark.parametrize("case", ["second sheet with the header", "continued without the header",
                                  "third sheet after a note"])
def test_incidents_on_another_sheet_reject_the_workbook_naming_the_sheet(
    base: Path, tmp_path: Path, case: str,
) -> None:
    sheets = second_sheet(real_rows(base), case)
    error = rejection(openpyxl_book(tmp_path / "hokkaido_2018zitensyatou.xlsx", sheets))
    left_out = list(sheets)[-1]
    assert "more than one sheet" in error.reason and left_out in error.reason
    assert f"sheet left out: {left_out}" in error.details
    assert list(sheets)[1] not in error.reason or list(sheets)[1] == left_out


def test_a_note_sheet_beside_the_incidents_is_not_data(base: Path, tmp_path: Path) -> None:
    rows = real_rows(base)
    path = openpyxl_book(tmp_path / "zitensyatou.xlsx", {
        "発生情報": rows, "注記": [["出典"], ["北海道警察「犯罪発生情報」"]]})
    assert parse_file(path).frame.height == len(rows) - 1


def test_template_rows_on_two_sheets_reject_naming_the_second(tmp_path: Path) -> None:
    header = ["計画", "指標番号", "指標名", "都道府県", "期間", "値", "単位"]
    first = [header, ["第二次", "1-1", "刑法犯検挙者中の再犯者率", "北海道", "2021年", 56.9, "%"]]
    second = [header, ["第二次", "1-1", "刑法犯検挙者中の再犯者率", "北海道", "2022年", 56.3, "%"]]
    path = openpyxl_book(tmp_path / "indicators.xlsx", {"2021": first, "2022": second})
    error = rejection(path)
    assert "more than one sheet" in error.reason and "2022" in error.reason
    assert error.details == ["sheet left out: 2022"]


# --- formulas without a cached value ----------------------------------------------------------

def test_formula_cells_without_a_cached_value_are_rejected_with_their_cells(
    base: Path, tmp_path: Path,
) -> None:
    """openpyxl writes formulas without calculating them: they would load as NULL stations."""
    rows = real_rows(base)
    station = rows[0].index(next(h for h in rows[0] if h.startswith("管轄警察署")))
    sheet = [rows[0]] + [[f'="{v}"' if i == station else v for i, v in enumerate(row)]
                         for row in rows[1:]]
    error = rejection(openpyxl_book(tmp_path / "zitensyatou.xlsx", {"発生情報": sheet}))
    letter = openpyxl.utils.get_column_letter(station + 1)
    assert f"{len(rows) - 1} formula cell(s) have no calculated value" in error.reason
    assert f"発生情報!{letter}2" in error.reason and error.column == f"{letter}2"
    assert len(error.details) == len(rows) - 1


def test_formulas_with_a_cached_value_load(base: Path, tmp_path: Path) -> None:
    """xlsxwriter saves each formula with its value, as Excel does."""
    rows = real_rows(base)
    path = tmp_path / "zitensyatou.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("発生情報")
    sheet.write_row(0, 0, rows[0])
    for r, row in enumerate(rows[1:], start=1):
        for c, value in enumerate(row):
            if c == 0:
                sheet.write_formula(r, c, f'="{value}"', None, value)
            elif value:
                sheet.write_string(r, c, value)
    book.close()
    assert parse_file(path).frame.height == len(rows) - 1


# --- the size budget, before the workbook is opened -------------------------------------------

def xfd_workbook(path: Path, header: list[str], rows: int) -> Path:
    """The crime header, then one cell at column XFD on each row (a 16,384-column sheet), the
    sheet's XML written as Excel writes it (xlsxwriter itself takes minutes on such a sheet)."""
    book = xlsxwriter.Workbook(str(path.with_suffix(".base.xlsx")))
    book.add_worksheet("発生情報").write_row(0, 0, header)
    book.close()
    cells = "".join(
        f'<c r="{openpyxl.utils.get_column_letter(i + 1)}1" t="inlineStr"><is><t>'
        f"{escape(h)}</t></is></c>" for i, h in enumerate(header))
    body = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for r in range(2, rows + 2))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<dimension ref="A1:XFD{rows + 1}"/><sheetData><row r="1">{cells}</row>{body}'
             "</sheetData></worksheet>")
    with zipfile.ZipFile(path.with_suffix(".base.xlsx")) as original, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED) as crafted:
        for member in original.infolist():
            crafted.writestr(member, sheet.encode("utf-8")
                             if member.filename == "xl/worksheets/sheet1.xml"
                             else original.read(member))
    path.with_suffix(".base.xlsx").unlink()
    return path


def giant_string_workbook(path: Path, source: Path, characters: int) -> Path:
    """A real workbook whose shared strings gain one text of ``characters`` characters,
    written in pieces (the test never holds it in memory)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as crafted:
        for member in original.infolist():
            data = original.read(member)
            if member.filename != "xl/sharedStrings.xml":
                crafted.writestr(member, data)
                continue
            head, tail = data.rsplit(b"</sst>", 1)
            with crafted.open(member.filename, "w", force_zip64=True) as out:
                out.write(head + b"<si><t>")
                piece = b"A" * (1 << 20)
                for _ in range(characters // len(piece)):
                    out.write(piece)
                out.write(b"</t></si></sst>" + tail)
    return path


@pytest.mark.parametrize("case", ["one cell at XFD per row", "a 300-million-character string"])
def test_crafted_workbooks_are_refused_in_seconds_with_bounded_memory(
    crime_fixtures: Path, base: Path, tmp_path: Path, case: str,
) -> None:
    if case == "one cell at XFD per row":
        path = xfd_workbook(tmp_path / "wide.xlsx", real_rows(base)[0], 20_000)
        assert path.stat().st_size < 250_000  # small on disk, like the 244 KB probe
    else:
        path = giant_string_workbook(tmp_path / "long.xlsx", crime_fixtures / "variant_excel.xlsx",
                                     300 << 20)
    tracemalloc.start()
    started = time.monotonic()
    try:
        error = rejection(path)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 10, elapsed  # before: 70 s and 3.7 GB
    assert peak < 64 << 20, peak
    if case == "one cell at XFD per row":
        assert "XFD2" in error.reason and "beyond column 256" in error.reason
        assert error.column == "XFD2"
    else:
        assert f"longer than one cell can ({MAX_CELL_CHARS:,} characters)" in error.reason


@pytest.mark.parametrize("damage", ["cut in half", "not a zip after its signature"])
def test_a_damaged_workbook_says_so_in_saihan_words(crime_fixtures: Path, tmp_path: Path,
                                                    damage: str) -> None:
    data = (crime_fixtures / "variant_excel.xlsx").read_bytes()
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(data[: len(data) // 2] if damage == "cut in half"
                     else b"PK\x03\x04" + bytes(range(256)) * 4)
    error = rejection(path)
    assert "not a readable one" in error.reason and "Excel" in error.action


# --- one CSV field ----------------------------------------------------------------------------

@pytest.mark.parametrize("length", [MAX_CELL_CHARS + 1, 200_000])
def test_a_crime_csv_field_over_the_cap_is_rejected_with_line_and_column(
    base: Path, tmp_path: Path, length: int,
) -> None:
    rows = real_rows(base)
    column = next(i for i, h in enumerate(rows[0]) if h.startswith("町丁目"))
    rows[3][column] = "北" * length
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "hokkaido_2018zitensyatou.csv"
    path.write_bytes(buffer.getvalue().encode("cp932"))
    error = rejection(path)
    assert error.line == 4 and error.column == rows[0][column]
    assert f"a cell holds {length:,} characters" in error.reason


@pytest.mark.parametrize("length", [MAX_CELL_CHARS + 1, 200_000])
def test_a_template_csv_field_over_the_cap_is_rejected_with_its_line(
    tmp_path: Path, length: int,
) -> None:
    header = ["計画", "指標番号", "指標名", "都道府県", "期間", "値", "単位", "備考"]
    rows = [header, ["第二次", "1-1", "刑法犯検挙者中の再犯者率", "北海道", "2021年", "56.9", "%",
                     "注" * length]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path = tmp_path / "indicators.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    error = rejection(path)
    assert error.line == 2 and "more than one cell may hold" in error.reason
    assert "field limit" not in error.reason


def test_a_refused_workbook_is_quarantined_and_the_rest_published(
    settings: Settings, base: Path, tmp_path: Path,
) -> None:
    settings.inbox.mkdir(parents=True)
    xfd_workbook(settings.inbox / "wide.xlsx", real_rows(base)[0], 2_000)
    (settings.inbox / base.name).write_bytes(base.read_bytes())
    report = run_pipeline(settings)
    assert report.status == "published"
    assert (report.count("rejected"), report.count("loaded")) == (1, 1)
    assert list(settings.quarantine.glob("*wide.xlsx.report.txt"))
