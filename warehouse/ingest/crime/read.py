"""Reader for the National Police Agency crime open data (犯罪オープンデータ) as really published.

The files come in CP932 or UTF-8 (with or without BOM), comma or tab separated, CRLF or LF,
sometimes as XLSX, sometimes with unnamed index columns or with the whole table repeated side by
side. :func:`read_crime_file` turns one such file into a :class:`CrimeFile`: a polars frame with
one row per incident under English column names, the file's identity (prefecture, modus, data
year) and the findings worth showing; :func:`parse_crime` hands it on as a
:class:`~warehouse.ingest.contract.Parsed`. A file that cannot be read whole raises
:class:`~warehouse.errors.RejectedFile`; nothing of it is returned.

The steps, one module each: bytes -> text (:mod:`warehouse.ingest.text`), text -> cells
(:mod:`.cells`), cells -> frame (:mod:`.frame`), normalisation and identity (:mod:`.normalise`),
findings (:mod:`.findings`); the format itself is :mod:`.format`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from warehouse.errors import Finding, reject
from warehouse.ingest.contract import DatasetIdentity, Parsed
from warehouse.ingest.crime.cells import read_text, read_xlsx
from warehouse.ingest.crime.format import (
    DATA_CLASS_COLUMN,
    REAL_WORDS,
    SAMPLE_MARK,
    SAMPLE_WORDS,
    CrimeFile,
    match_key,
)
from warehouse.ingest.crime.frame import to_frame
from warehouse.ingest.crime.normalise import normalise
from warehouse.ingest.text import (
    MAX_CELL_CHARS,
    byte_position,
    decode_pieces,
    long_cell,
    utf8_of,
)

SOURCE_KIND = "crime_open_data"


def read_crime_file(path: Path, *, content: bytes | None = None) -> CrimeFile:
    """Read one crime open-data file (CSV/TSV in CP932 or UTF-8, or XLSX).

    ``content`` is the file's bytes when already in memory; ``path`` then only names the file
    (its name gives the data year when it carries one, e.g. ``hokkaido_2018zitensyatou.csv``).
    Raises :class:`RejectedFile` when the file cannot be loaded whole.
    """
    path = Path(path)
    if content is None:
        content = path.read_bytes()

    kind = _sniff(path, content)
    trimmed = False  # True when no value has blanks to strip (the text fast path proves it)
    if kind == "xlsx":
        header, body = read_xlsx(path, content)
        encoding, delimiter = "xlsx", None
    else:
        encoding, pieces = decode_pieces(path, content)
        header, body, delimiter, trimmed = read_text(path, utf8_of(content, encoding, pieces),
                                                      pieces)
    return crime_file_of(path, encoding, header, body, delimiter, trimmed)


def crime_file_of(path: Path, encoding: str, header: list[str], body: pl.DataFrame,
                  delimiter: str | None, trimmed: bool) -> CrimeFile:
    """The crime file from its cells (what :func:`read_text` or :func:`read_xlsx` gives):
    cell lengths checked, the frame mapped, normalised and its findings counted."""
    findings: list[Finding] = []
    _check_cell_lengths(path, header, body)
    frame, columns = to_frame(path, header, body, findings, trimmed=trimmed)
    frame, is_sample = _sample_mark(path, frame)
    frame, pref_code, modus, data_year = normalise(path, frame, findings)
    return CrimeFile(
        frame=frame,
        findings=findings,
        encoding=encoding,
        delimiter=delimiter,
        pref_code=pref_code,
        modus=modus,
        data_year=data_year,
        row_count=frame.height,
        path=path,
        source_columns=columns,
        is_sample=is_sample,
    )


def _check_cell_lengths(path: Path, header: list[str], body: pl.DataFrame) -> None:
    """Reject a cell longer than MAX_CELL_CHARS, with its line and column."""
    cells = [c for c in body.columns if c != "line_number"]
    if not cells or body.height == 0:
        return
    # Bytes first (read from the column's offsets): a cell has no more characters than bytes.
    widest = body.select(pl.col(c).str.len_bytes().max() for c in cells).row(0)
    for name, size in zip(cells, widest, strict=True):
        if size is None or size <= MAX_CELL_CHARS:
            continue
        length = body[name].str.len_chars().max()
        if length > MAX_CELL_CHARS:
            at = body.filter(pl.col(name).str.len_chars() > MAX_CELL_CHARS)["line_number"][0]
            index = int(name[1:])
            column = header[index] if index < len(header) else f"column {index + 1}"
            raise long_cell(path, int(at), column, int(length))


def _sample_mark(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """The frame without its ``データ区分`` column, and whether that column marks sample data.

    Blank or 実データ is real data, サンプル is sample data; a file may not mix the two."""
    if "data_class" not in frame.columns:
        return frame, False
    raw = frame["data_class"].fill_null("")
    kinds = {v: ("sample" if match_key(v).lower() in SAMPLE_WORDS else
                 "real" if v == "" or match_key(v).lower() in REAL_WORDS else "bad")
             for v in raw.unique().to_list()}
    kind = raw.replace_strict(kinds, return_dtype=pl.String)
    first = kind[0] if kind[0] != "bad" else "real"
    bad = frame.filter((kind == "bad") | (kind != first))
    if bad.height:
        line, value = int(bad["line_number"][0]), bad["data_class"][0]
        raise reject(
            path, "sample_mixed", value=repr(value), mark=SAMPLE_MARK,
            line=line,
            column=DATA_CLASS_COLUMN,
        )
    return frame.drop("data_class"), first == "sample"
# ----------------------------------------------------------------------------- bytes -> text


def _sniff(path: Path, content: bytes) -> str:
    """'xlsx' or 'text'; rejects empty and binary files."""
    if not content or content.isspace():
        raise reject(
            path, "empty_crime_file",
        )
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise reject(
            path, "xlsx_named_not_workbook",
        )
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise reject(
            path, "xls_workbook",
        )
    nul = content.find(b"\x00")
    if nul >= 0:
        line, col = byte_position(content, nul)
        column = _column_at(content, nul) or f"byte {col}"
        raise reject(
            path, "nul_byte", byte=col,
            line=line,
            column=column,
        )
    return "text"


def _column_at(content: bytes, offset: int) -> str | None:
    """The header name of the column a byte offset falls in (the header read loosely), or
    None when the header does not tell it."""
    line_start = content.rfind(b"\n", 0, offset) + 1
    if line_start == 0:
        return None
    header_bytes = content[: content.find(b"\n")].rstrip(b"\r")
    for encoding in ("utf-8-sig", "cp932"):
        try:
            header_line = header_bytes.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return None
    delimiter = "\t" if header_line.count("\t") > header_line.count(",") else ","
    header = [c.strip().strip('"') for c in header_line.split(delimiter)]
    field = content[line_start:offset].count(delimiter.encode())
    return header[field] if field < len(header) else None


def parse_crime(path: Path, content: bytes) -> Parsed:
    """Parse one police crime open-data file (犯罪オープンデータ)."""
    return parsed_of(read_crime_file(path, content=content))


def parsed_of(crime: CrimeFile) -> Parsed:
    """A read crime file as the load takes it."""
    return Parsed(
        identity=DatasetIdentity(SOURCE_KIND, pref_code=crime.pref_code, modus=crime.modus,
                                 data_year=crime.data_year, is_sample=crime.is_sample),
        raw_table="crime_incident",
        frame=crime.frame,
        encoding=crime.encoding,
        delimiter=crime.delimiter,
        findings=crime.findings,
    )
