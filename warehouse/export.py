"""Tables as files people open: CSV in UTF-8 with BOM (Excel shows Japanese correctly) and
XLSX with a frozen header. Text a spreadsheet would run as a formula is neutralised."""

from __future__ import annotations

import io

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would treat as a formula with an apostrophe."""
    text_columns = [c for c, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.starts_with(FORMULA_START[0])
                | pl.col(c).str.contains(r"^[+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text_columns
    )


def to_csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV in UTF-8 with BOM, CRLF line ends."""
    return b"\xef\xbb\xbf" + neutralise(frame).write_csv(line_terminator="\r\n").encode("utf-8")


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
