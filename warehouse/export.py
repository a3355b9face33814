"""Tables as files people open: CSV in UTF-8 with BOM (Excel shows Japanese correctly) or CP932
and XLSX with a frozen header. Text a spreadsheet would run as a formula is neutralised.

Used by the dashboard's download buttons and by the prefecture extracts (``warehouse.extract``),
so both neutralise and encode the same way.
"""

from __future__ import annotations

import io

import polars as pl

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODINGS = ("utf-8", "cp932")
UTF8_BOM = b"\xef\xbb\xbf"
# What a character CP932 cannot encode becomes (下駄記号, the customary stand-in; CP932 0x81AC).
CP932_REPLACEMENT = "〓"
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
        pl.when(pl.col(c).str.starts_with(FORMULA_START[0])
                | pl.col(c).str.contains(r"^[+\-@\t\r]"))
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
