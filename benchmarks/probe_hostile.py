"""Hostile inputs, tried as a new user would: how many saihan handles (issue 12).

Publishes the seven real Hokkaido 2018 files (read in place from ``../shared/data``), then
drops a set of damaged, mislabelled and crafted files made from them into the inbox (plus a
symlink out of the inbox and notes beside the data) and runs ``saihan run`` once. A case is
handled when the outcome is the expected one, for the true reason (REASONS), and holds up:
loaded with every record of the file (Python's csv module on the strict text as the oracle)
or left unchanged, held with a
report, rejected into quarantine with a report whose reason has no library's words, or
listed as ignored and left in place; the symlink's target untouched. Prints one line per
case and the totals.

    uv run python benchmarks/probe_hostile.py
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import xlsxwriter
from shared_data import hokkaido_dir  # a sibling module of the script

from warehouse.run import run_pipeline
from warehouse.settings import Settings

LIBRARY_WORDS = ("polars", "infer_schema_length", "Traceback", "UnicodeDecodeError",
                 "codec can't", "ComputeError", "BadZipFile", "JSONDecodeError", "Expecting")
BICYCLE = "hokkaido_2018zitensyatou.csv"
SNATCH = "hokkaido_2018hittakuri.csv"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("cp932"), newline="")))


def as_csv(rows: list[list[str]], encoding: str = "cp932") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx(path: Path, sheets: dict[str, list[list[object]]], writer: str = "openpyxl") -> None:
    if writer == "openpyxl":
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, rows in sheets.items():
            sheet = book.create_sheet(title)
            for row in rows:
                sheet.append(row)
        book.save(path)
        return
    book = xlsxwriter.Workbook(str(path))
    for title, rows in sheets.items():
        sheet = book.add_worksheet(title)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    book.close()


def xfd(path: Path, header: list[str], rows: int) -> None:
    xlsx(path, {"発生情報": [header]}, writer="xlsxwriter")
    cells = "".join(f'<c r="{openpyxl.utils.get_column_letter(i + 1)}1" t="inlineStr"><is>'
                    f"<t>{h}</t></is></c>" for i, h in enumerate(header))
    body = "".join(f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
                   for r in range(2, rows + 2))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f'<row r="1">{cells}</row>{body}</sheetData></worksheet>').encode()
    _replace(path, "xl/worksheets/sheet1.xml", lambda _: sheet)


def _replace(path: Path, member: str, change: Callable[[bytes], bytes]) -> None:
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info, change(data) if info.filename == member else data)


def giant_string(path: Path, header: list[str], characters: int) -> None:
    xlsx(path, {"発生情報": [header, ["x"] * len(header)]}, writer="xlsxwriter")
    original = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(
            path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != "xl/sharedStrings.xml":
                target.writestr(info, data)
                continue
            head, tail = data.rsplit(b"</sst>", 1)
            with target.open(info.filename, "w", force_zip64=True) as out:
                out.write(head + b"<si><t>")
                for _ in range(characters >> 20):
                    out.write(b"A" * (1 << 20))
                out.write(b"</t></si></sst>" + tail)


def cases(source: Path, inbox: Path, outside: Path) -> dict[str, str]:
    """Write every hostile input; return file name -> the expected outcome."""
    bicycle = (source / BICYCLE).read_bytes()
    snatch = (source / SNATCH).read_bytes()
    rows = rows_of(bicycle)
    header = rows[0]
    lines = bicycle.split(b"\r\n")
    expected: dict[str, str] = {}

    def put(name: str, data: bytes, outcome: str) -> None:
        (inbox / name).write_bytes(data)
        expected[name] = outcome

    put("hokkaido_2021hittakuri.csv", snatch, "unchanged")  # the same bytes renamed
    put("hittakuri_download_2024-03-05.csv", snatch, "unchanged")
    put("zitensyatou_short.csv", b"\r\n".join(lines[:201]) + b"\r\n", "held")  # 200 of 3,977
    put("cr_only.csv", bicycle.replace(b"\r\n", b"\r"), "rejected")
    put("nul_line5.csv", b"\r\n".join(lines[:4] + [lines[4][:10] + b"\x00" + lines[4][10:]]
                                      + lines[5:]), "rejected")
    cut = len(bicycle) // 2
    while bicycle[cut] < 0x80:
        cut += 1
    put("cut_in_a_character.csv", bicycle[: cut + 1], "rejected")
    put("text_after_quote.csv", b"\r\n".join(lines[:3] + [b'"' + lines[3].replace(
        b",", b'"x,', 1)] + lines[4:]), "rejected")
    put("stray_quote.csv", b"\r\n".join(lines[:7] + [lines[7].replace(b",", b',"', 1)]
                                        + lines[8:]), "rejected")
    put("unknown_header.csv", as_csv([["番号", "罪名", "場所"], *[r[:3] for r in rows[1:]]]),
        "rejected")
    put("empty.csv", b"", "rejected")
    put("picture.csv", PNG, "rejected")
    put("utf16.csv", bicycle.decode("cp932").encode("utf-16"), "rejected")
    put("bad\nLine:   1\nFound:  fine.csv", PNG, "rejected")  # forging report lines
    long_field = [row[:] for row in rows]
    long_field[5][header.index(next(h for h in header if h.startswith("町丁目")))] = "北" * 40_000
    put("long_field.csv", as_csv(long_field), "rejected")
    two = inbox / "two_sheets.xlsx"
    xlsx(two, {"1-6月": rows[:2000], "7-12月": [header, *rows[2000:]]})
    expected[two.name] = "rejected"
    station = next(i for i, h in enumerate(header) if h.startswith("管轄警察署"))
    formula = inbox / "formulas.xlsx"
    xlsx(formula, {"発生情報": [header] + [[f'="{v}"' if i == station else v
                                           for i, v in enumerate(r)] for r in rows[1:50]]})
    expected[formula.name] = "rejected"
    xfd(inbox / "xfd.xlsx", header, 20_000)
    expected["xfd.xlsx"] = "rejected"
    giant_string(inbox / "giant_string.xlsx", header, 300 << 20)
    expected["giant_string.xlsx"] = "rejected"
    put("estat_truncated.json", b'{"GET_STATS_DATA": {"RESULT": {"STATUS": 0', "rejected")
    put("estat_bad_status.json", json.dumps({"GET_STATS_DATA": {"RESULT": {"STATUS": "OK"}}})
        .encode(), "rejected")
    put("README.md", "# 受領したファイル\n".encode(), "ignored")
    put("scan.png", PNG, "ignored")
    put("説明.txt", "北海道警察から受領\n".encode(), "ignored")
    target = outside / "precious.csv"
    target.write_bytes(PNG)
    (inbox / "link.csv").symlink_to(target)
    expected["link.csv"] = "rejected"
    return expected


# The true reason each rejection must give (words of it), where the case has one.
REASONS = {
    "cr_only.csv": "CR alone", "nul_line5.csv": "NUL byte (0x00) at line 5",
    "cut_in_a_character.csv": "truncated", "text_after_quote.csv": "line 4",
    "unknown_header.csv": "closest format", "empty.csv": "empty", "picture.csv": "binary",
    "long_field.csv": "40,000 characters", "two_sheets.xlsx": "7-12月",
    "formulas.xlsx": "formula cell", "xfd.xlsx": "XFD2", "giant_string.xlsx": "32,767",
    "estat_truncated.json": "truncated", "estat_bad_status.json": "STATUS is 'OK'",
    "link.csv": "outside the inbox", "zitensyatou_short.csv": "would remove 3,777",
}


def oracle(data: bytes) -> int | None:
    try:
        records = list(csv.reader(io.StringIO(data.decode("cp932"), newline=""), strict=True))
    except (UnicodeDecodeError, csv.Error):
        return None
    return len([r for r in records if any(c.strip() for c in r)]) - 1


def main() -> None:
    source = hokkaido_dir()
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings.from_env({"SAIHAN_HOME": str(Path(scratch) / "home")})
        settings.inbox.mkdir(parents=True)
        for path in sorted(source.glob("hokkaido_2018*.csv")):
            shutil.copy2(path, settings.inbox / path.name)
        assert run_pipeline(settings).status == "published"
        outside = Path(scratch) / "elsewhere"
        outside.mkdir()
        expected = cases(source, settings.inbox, outside)
        contents = {name: (settings.inbox / name).read_bytes() for name in expected
                    if not (settings.inbox / name).is_symlink()}
        report = run_pipeline(settings)
        results = {Path(r.file).name: r for r in report.files}
        handled = 0
        for name, outcome in expected.items():
            result = results.get(name)
            status = result.status if result else "missing"
            problems = [] if status == outcome else [f"expected {outcome}"]
            if result and status == "rejected":
                reason = (result.rejection or {}).get("reason", "")
                text = Path(result.report_as or f"{result.quarantined_as}.report.txt")
                if not text.is_file():
                    problems.append("no report")
                if any(word in reason for word in LIBRARY_WORDS):
                    problems.append("library words")
                if name == "link.csv" and (outside / "precious.csv").read_bytes() != PNG:
                    problems.append("link target touched")
            why_given = ((result.rejection or {}).get("reason", "") + "; ".join(
                (result.hold or {}).get("reasons", []))) if result else ""
            if name in REASONS and REASONS[name] not in why_given:
                problems.append(f"not the true reason ({REASONS[name]})")
            if result and status == "loaded" and result.rows != oracle(contents[name]):
                problems.append(f"{result.rows} rows of {oracle(contents[name])}")
            if result and status == "held" and not Path(f"{result.held_as}.held.txt").is_file():
                problems.append("no held report")
            if status == "ignored" and (settings.inbox / name).read_bytes() != contents[name]:
                problems.append("touched")
            handled += not problems
            shown = name.encode("unicode_escape").decode("ascii")
            why = ((result.rejection or {}).get("reason", "") if result and result.rejection
                   else "; ".join((result.hold or {}).get("reasons", [])) if result else "")
            print(f"{'ok ' if not problems else 'BAD'} {shown[:34]:<34} {status:<9} "
                  f"{'; '.join(problems) or why[:90]}")
        print(f"{len(expected)} hostile inputs tried, {handled} handled "
              f"(run {report.status}, {report.duration_seconds:.1f} s)")
        sys.exit(0 if handled == len(expected) else 1)


if __name__ == "__main__":
    main()
