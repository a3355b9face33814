"""Tables as files people open: CSV in UTF-8 with BOM (Excel shows Japanese correctly) or CP932,
XLSX with typed cells and a frozen header, and Parquet written the same way every time. Text a
spreadsheet would run as a formula is neutralised.

Used by the dashboard's download buttons and by the prefecture extracts
(``warehouse.export.extract``), so both neutralise and encode the same way.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# The same signs in full width (＝＋－＠), small form (﹦﹢﹣﹫) and the minus sign (−): a
# spreadsheet with Japanese input, or one that folds widths, reads them as the ASCII sign.
FORMULA_LOOKALIKES = ("\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63",
                      "\ufe6b", "\u2212")
FORMULA_PATTERN = r"^[=+\-@\t\r" + "".join(FORMULA_LOOKALIKES) + "]"
CSV_ENCODINGS = ("utf-8", "cp932")
UTF8_BOM = b"\xef\xbb\xbf"
# What a character CP932 cannot encode becomes (下駄記号, the customary stand-in; CP932 0x81AC).
CP932_REPLACEMENT = "〓"
# Parquet: fixed writer options so equal frames give equal bytes (polars' row groups follow the
# frame's chunks, so frames are rechunked first).
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 3,
                                   "statistics": True, "row_group_size": 1_000_000}
# Number formats of XLSX cells by column kind (see warehouse.export.tables.KIND_DTYPES).
XLSX_FORMATS: dict[str, str] = {"count": "#,##0", "yen": "#,##0", "date": "yyyy-mm-dd",
                                "month": "yyyy-mm"}
# Characters that Unicode text often uses where CP932 has the same-looking character under
# another code point (Python's cp932 maps 0x8160 to U+FF5E, not U+301C, and so on).
CP932_LOOKALIKES = str.maketrans({
    "\u301c": "\uff5e",  # 〜 WAVE DASH -> ～
    "\u2016": "\u2225",  # ‖ -> ∥
    "\u2212": "\uff0d",  # − MINUS SIGN -> －
    "\u2014": "\u2015",  # — EM DASH -> ―
    "\u00a2": "\uffe0",  # ¢ -> ￠
    "\u00a3": "\uffe1",  # £ -> ￡
    "\u00ac": "\uffe2",  # ¬ -> ￢
    "\u00a6": "\uffe4",  # ¦ -> ￤
})


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would treat as a formula with an apostrophe."""
    text_columns = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_columns
    )


def csv_text(frame: pl.DataFrame) -> str:
    """The frame as CSV text with CRLF line ends, formula-looking text neutralised."""
    return neutralise(frame).write_csv(line_terminator="\r\n")


def encode_cp932(text: str) -> tuple[bytes, dict[str, int]]:
    """CP932 bytes of ``text``: look-alikes mapped, any other character CP932 lacks becomes 〓.

    Returns the bytes and how often each replaced character occurred (empty when none was).
    """
    text = text.translate(CP932_LOOKALIKES)
    try:
        return text.encode("cp932"), {}
    except UnicodeEncodeError:
        pass
    missing = {}
    for char in set(text):
        try:
            char.encode("cp932")
        except UnicodeEncodeError:
            missing[char] = text.count(char)
    text = text.translate(str.maketrans({c: CP932_REPLACEMENT for c in missing}))
    return text.encode("cp932"), dict(sorted(missing.items()))


def encode_text(text: str, encoding: str = "utf-8") -> tuple[bytes, dict[str, int]]:
    """Text as UTF-8 with BOM or as CP932 (see :func:`encode_cp932`), with any replacements."""
    if encoding == "utf-8":
        return UTF8_BOM + text.encode("utf-8"), {}
    if encoding == "cp932":
        return encode_cp932(text)
    raise ValueError(f"unknown CSV encoding {encoding!r}; use one of {', '.join(CSV_ENCODINGS)}")


def to_csv_bytes(frame: pl.DataFrame, encoding: str = "utf-8") -> bytes:
    """CSV in UTF-8 with BOM (or CP932 without BOM), CRLF line ends."""
    return encode_text(csv_text(frame), encoding)[0]


def local_times(frame: pl.DataFrame) -> pl.DataFrame:
    """Time-zone-aware timestamps as Japan time without a zone (spreadsheets have none)."""
    return frame.with_columns(
        pl.col(c).dt.convert_time_zone("Asia/Tokyo").dt.replace_time_zone(None)
        for c, dtype in frame.schema.items()
        if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None
    )


def to_xlsx_bytes(frame: pl.DataFrame, sheet: str) -> bytes:
    """One-sheet XLSX with typed columns and a frozen header row."""
    buffer = io.BytesIO()
    neutralise(local_times(frame)).write_excel(buffer, worksheet=sheet[:31], autofit=True,
                                  freeze_panes=(1, 0))
    return buffer.getvalue()


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """The frame as Parquet with the fixed writer options (equal frames give equal bytes)."""
    buffer = io.BytesIO()
    frame.rechunk().write_parquet(buffer, **PARQUET_OPTIONS)
    return buffer.getvalue()


def _display_width(value: object) -> int:
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class Sheet:
    """A worksheet to write: name, frame of display values, column kinds, marked columns.

    ``marked`` columns show ``mark`` on rows whose ``is_suppressed`` is true.
    """

    name: str
    frame: pl.DataFrame
    headers: list[str]
    kinds: list[str]
    marked: tuple[str, ...] = ()
    mark: str = ""
    wrap: bool = False
    widths: list[int] = field(default_factory=list)


def write_xlsx(path: Path, sheets: Sequence[Sheet], created: datetime,
               title: str = "") -> None:
    """A workbook of typed cells, bold frozen header and filters; marked cells as their mark."""
    workbook = xlsxwriter.Workbook(str(path), {
        "constant_memory": True, "tmpdir": str(path.parent), "strings_to_formulas": False,
        "strings_to_numbers": False, "strings_to_urls": False,
    })
    workbook.set_properties({"title": title, "author": "saihan", "created": created})
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                  "text_wrap": True, "valign": "top"})
    formats = {kind: workbook.add_format({"num_format": fmt}) for kind, fmt in XLSX_FORMATS.items()}
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    mark = workbook.add_format({"align": "right"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.name[:31])
        columns = sheet.frame.columns
        sample = sheet.frame.head(2000)
        for i, name in enumerate(columns):
            if sheet.widths:
                width = sheet.widths[i]
            else:
                longest = max([_display_width(v) for v in sample[name].to_list()] or [0])
                width = min(max(longest, _display_width(sheet.headers[i]), 6) + 2, 60)
            ws.set_column(i, i, width, wrap if sheet.wrap else formats.get(sheet.kinds[i]))
        ws.freeze_panes(1, 0)
        for i, text in enumerate(sheet.headers):
            ws.write_string(0, i, text, header)
        marked = [i for i, name in enumerate(columns) if name in sheet.marked]
        flag = columns.index("is_suppressed") if marked else -1
        for r, row in enumerate(sheet.frame.iter_rows(), start=1):
            suppressed = flag >= 0 and row[flag]
            for i, value in enumerate(row):
                if suppressed and i in marked:
                    ws.write_string(r, i, sheet.mark, mark)
                elif value is None:
                    continue
                elif isinstance(value, bool):
                    ws.write_boolean(r, i, value)
                elif isinstance(value, int | float):
                    ws.write_number(r, i, value, formats.get(sheet.kinds[i]))
                elif isinstance(value, datetime | date):
                    ws.write_datetime(r, i, value, formats.get(sheet.kinds[i], formats["date"]))
                else:
                    ws.write_string(r, i, str(value), wrap if sheet.wrap else None)
        ws.autofilter(0, 0, max(sheet.frame.height, 1), max(len(columns) - 1, 0))
    workbook.close()
