"""Text and workbook to cells: a crime file's header and a frame of text cells ``c0..cN`` with
the ``line_number`` of every row.

A plain file (no '"', every line as wide as the header: the common case) is read once and
checked with whole-text counts; any other is checked line by line with polars string
expressions, which give the exact rejections. Only a file with a quoted field spanning lines
goes through the slower ``csv``-module path, which tracks physical line numbers exactly.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from warehouse.errors import reject
from warehouse.ingest.crime.format import BLANKS, is_crime_file
from warehouse.ingest.text import normalise_header, sniff_delimiter, xlsx_value

# A row with this many filled cells on another sheet is an incident (the format has 17
# columns, 10 of them required), not a note.
INCIDENT_MIN_CELLS = 8

TextCells = tuple[list[str], pl.DataFrame, str, bool]


def read_text(path: Path, data: bytes, pieces: list[str]) -> TextCells:
    """Header cells, a frame of text cells c0..cN plus ``line_number``, the delimiter, and
    whether every cell is already trimmed (no blank at either end, no empty string).

    ``data`` is the text as UTF-8 and ``pieces`` the text itself, in pieces that end at line
    ends (joined only when the file is not plain). A plain file is read in one pass; any other
    goes through :func:`read_text_checked`, which gives the same cells."""
    delimiter, first_line = _delimiter(path, data)
    if b'"' not in data:
        plain = _read_plain(data, pieces, delimiter)
        if plain is not None:
            return plain
    return _read_checked(path, data, pieces, delimiter, first_line)


def read_text_checked(path: Path, data: bytes, pieces: list[str]) -> TextCells:
    """As :func:`read_text`, every line checked on its own (the path for any file that is not
    plain)."""
    delimiter, first_line = _delimiter(path, data)
    return _read_checked(path, data, pieces, delimiter, first_line)


def _delimiter(path: Path, data: bytes) -> tuple[str, str]:
    """The delimiter and the first line; rejects a first line that is no table header."""
    end = data.find(b"\n")
    if end < 0 and b"\r" in data.rstrip(b"\r"):
        raise reject(
            path, "cr_line_ends",
            line=1,
        )
    first_line = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    delimiter = sniff_delimiter(first_line)
    if first_line.count(delimiter) == 0:
        raise reject(path, "no_header_delimiter", line=1)
    return delimiter, first_line


def _lines_as_text(data: bytes, delimiter: str, *, cut_long_lines: bool) -> pl.DataFrame:
    """Every line of ``data`` as text columns (no header, no types); a line with more fields
    than the table is wide is cut (``cut_long_lines``) or raises."""
    return pl.read_csv(data, has_header=False, separator=delimiter, quote_char='"',
                       infer_schema=False, raise_if_empty=False,
                       truncate_ragged_lines=cut_long_lines)


def _read_checked(
    path: Path, data: bytes, pieces: list[str], delimiter: str, first_line: str
) -> TextCells:
    ends_with_newline = data.endswith(b"\n")
    text = "".join(pieces)
    lines = _physical_lines(data)
    has_quotes = '"' in first_line or '"' in text
    if has_quotes and (lines.str.count_matches('"', literal=True) % 2 == 1).any():
        # a quoted field spans lines (or a quote is unterminated): exact but slower path
        return (*_read_text_slow(path, text, delimiter), delimiter, False)

    # Every physical line is one record now. Parse them all as text; a line with too many fields
    # is cut by polars here but caught by the field count below.
    try:
        table = _lines_as_text(data, delimiter, cut_long_lines=True)
    except pl.exceptions.PolarsError:  # e.g. text after a closing quote: said exactly below
        return (*_read_text_slow(path, text, delimiter), delimiter, False)
    if table.height != lines.len():  # should not happen; be exact anyway
        return (*_read_text_slow(path, text, delimiter), delimiter, False)
    table = table.rename({c: f"c{i}" for i, c in enumerate(table.columns)})
    expected = table.width

    # fields per line = delimiters outside quoted values + 1
    counts = lines.str.count_matches(delimiter, literal=True) + 1
    if has_quotes:
        inside = table.select(
            pl.sum_horizontal(
                pl.col(c).str.count_matches(delimiter, literal=True).fill_null(0)
                for c in table.columns
            )
        ).to_series()
        counts = counts - inside
    ragged = counts != expected
    if ragged.any():
        ragged = ragged & (lines.str.strip_chars() != "")
    if ragged.any():
        idx = int(ragged.arg_true()[0])
        _reject_ragged(
            path,
            idx + 1,
            int(counts[idx]),
            expected,
            last=idx == lines.len() - 1 and not ends_with_newline,
        )

    header = ["" if v is None else v for v in table.row(0)]
    body = table.slice(1).with_columns(
        pl.int_range(2, table.height + 1, dtype=pl.Int64).alias("line_number")
    )
    # Without quotes, a cell is the text between two delimiters and an empty cell is null, so
    # no data line with a blank next to a delimiter or a line end means no cell to strip.
    trimmed = not has_quotes and _no_blank_edges(lines, delimiter)
    return header, body, delimiter, trimmed


def _physical_lines(data: bytes) -> pl.Series:
    """Physical lines as one text column ('\x1f' cannot occur: control characters are
    rejected), without their line end."""
    return pl.read_csv(
        data,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        infer_schema=False,
        empty_string_is_null=False,
        new_columns=["l"],
    )["l"].str.strip_suffix("\r")


def _no_blank_edges(lines: pl.Series, delimiter: str) -> bool:
    """Whether no data line has a blank next to a delimiter or a line end."""
    return not lines.slice(1).str.contains(
        f"(?:^|{delimiter})[{BLANKS}]|[{BLANKS}](?:{delimiter}|$)"
    ).any()


def _read_plain(
    data: bytes, pieces: list[str], delimiter: str
) -> tuple[list[str], pl.DataFrame, str, bool] | None:
    """The common case in one read: a file without any '"' whose every line has the header's
    number of fields. ``data`` is the file as UTF-8 (without BOM), ``pieces`` its text in
    pieces that end at line ends (see :func:`~warehouse.ingest.text.decode_pieces`). Returns what
    :func:`read_text` returns, or None when the file is not plainly that (a blank, short or
    long line, a stray line break ...): the general path then reads it and gives the exact
    findings or rejection.

    Without quotes the fields of a line are its delimiters + 1. polars raises on a line with more
    fields than the table is wide, so when it does not, and the file holds exactly
    (width - 1) delimiters per line, every line has exactly ``width`` fields. Lines, fields and
    blanks are counted in the text piece by piece (twice as fast as in the UTF-8 bytes, and
    other threads get the GIL between pieces).
    """
    try:
        table = _lines_as_text(data, delimiter, cut_long_lines=False)
    except Exception:  # noqa: BLE001 - anything unusual goes the general way
        return None
    ends_with_newline = data.endswith(b"\n")
    n_lines = sum(p.count("\n") for p in pieces) + (0 if ends_with_newline else 1)
    if (
        table.width < 2
        or table.height < 2
        or table.height != n_lines
        or sum(p.count(delimiter) for p in pieces) != (table.width - 1) * n_lines
    ):
        return None
    table = table.rename({c: f"c{i}" for i, c in enumerate(table.columns)})
    header = ["" if v is None else v for v in table.row(0)]
    body = table.slice(1).with_columns(
        pl.int_range(2, table.height + 1, dtype=pl.Int64).alias("line_number")
    )
    # Trimmed (as the general path tells it): surely so when the data lines hold no space, tab
    # or U+3000 at all and every '\r' ends a line (as '\r\n'); else asked as it asks.
    # (a piece ends at a line end: the first holds the header line, no "\r\n" spans two)
    data_lines = [pieces[0][pieces[0].find("\n") + 1 :], *pieces[1:]]
    trimmed = delimiter == "," and not any(b in p for p in data_lines for b in " \t\u3000")
    if trimmed:
        cr = sum(p.count("\r") for p in data_lines)
        trimmed = cr == 0 or cr == sum(p.count("\r\n") for p in data_lines)
    if not trimmed:
        lines = _physical_lines(data)
        if lines.len() != n_lines:
            return None
        trimmed = _no_blank_edges(lines, delimiter)
    return header, body, delimiter, trimmed


def _reject_ragged(path: Path, line: int, found: int, expected: int, *, last: bool) -> None:
    if last and found < expected:
        raise reject(path, "truncated_last_line", found=found, expected=expected, line=line)
    raise reject(path, "field_count", found=found, expected=expected, line=line)


def _read_text_slow(path: Path, text: str, delimiter: str) -> tuple[list[str], pl.DataFrame]:
    """csv-module parse that knows the physical start line of every record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    starts: list[int] = []
    expected: int | None = None
    header: list[str] = []
    previous = 0
    n_lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    while True:
        start = previous + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise reject(path, "unclosed_quote", line=start) from exc
            line = reader.line_num
            lines = text.splitlines()
            field, found = _bad_quote(lines[line - 1] if line <= len(lines) else "", delimiter)
            column = header[field] if field is not None and field < len(header) else None
            raise reject(
                path, "text_after_quote", found=repr(found),
                where_ja=f"の「{column}」列" if column else "",
                where_en=f", column {column}" if column else "",
                line=line,
                column=column,
            ) from None
        previous = reader.line_num
        if expected is None:
            header, expected = row, len(row)
            continue
        if not row or all(not v.strip() for v in row):
            continue  # blank line
        if len(row) != expected:
            _reject_ragged(
                path,
                start,
                len(row),
                expected,
                last=previous >= n_lines and not text.endswith("\n"),
            )
        rows.append(row)
        starts.append(start)
    names = [f"c{i}" for i in range(expected or 0)]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    body = pl.DataFrame(
        {n: pl.Series(n, col, dtype=pl.String) for n, col in zip(names, columns, strict=True)}
    ).with_columns(pl.Series("line_number", starts, dtype=pl.Int64))
    return header, body


def _bad_quote(line: str, delimiter: str) -> tuple[int | None, str]:
    """The field index and text of the first badly quoted value of one line (text after a
    closing quote), or (None, the line's start) when the line alone does not show it."""
    field, i, n = 0, 0, len(line)
    while i < n:
        start = i
        if line[i] == '"':
            i += 1
            while i < n:
                if line[i] == '"':
                    if i + 1 < n and line[i + 1] == '"':
                        i += 2
                        continue
                    break
                i += 1
            i += 1  # past the closing quote
            if i < n and line[i] != delimiter:
                end = line.find(delimiter, i)
                return field, line[start : end if end >= 0 else n][:40]
        else:
            while i < n and line[i] != delimiter:
                i += 1
        i += 1  # past the delimiter
        field += 1
    return None, line[:40]


def _holds_incidents(sheet: object, rows: int = 10) -> bool:
    """Whether a sheet beside the first holds crime data: the format's header in its first
    rows, or a row as wide as an incident (a table continued without its header)."""
    for values in sheet.iter_rows(max_row=rows, values_only=True):
        cells = [xlsx_value(v) for v in values]
        filled = [c for c in cells if c is not None and str(c).strip()]
        if is_crime_file([normalise_header(str(c)) for c in filled]) \
                or len(filled) >= INCIDENT_MIN_CELLS:
            return True
    return False


def read_xlsx(path: Path, content: bytes) -> tuple[list[str], pl.DataFrame]:
    """First sheet of a workbook; line_number is the sheet row. Rejected when another sheet
    holds incidents too (they would be left out)."""
    from openpyxl import load_workbook  # (a slow import, needed only for workbooks)

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure means: not a readable workbook
        raise reject(path, "xlsx_not_workbook", error=type(exc).__name__) from exc

    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        starts: list[int] = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [xlsx_value(v) for v in values]
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            if header is None:
                while cells and cells[-1] is None:
                    cells.pop()
                header = ["" if c is None else c for c in cells]
                continue
            width = len(header)
            if len(cells) > width and any(c is not None and c.strip() for c in cells[width:]):
                found = max(i for i, c in enumerate(cells) if c is not None and c.strip()) + 1
                raise reject(path, "sheet_row_too_wide", found=found, width=width, line=number)
            cells = (cells + [None] * width)[:width]
            rows.append(cells)
            starts.append(number)
        ignored = [other.title for other in workbook.worksheets[1:] if _holds_incidents(other)]
    finally:
        workbook.close()
    if ignored and header is not None:
        raise reject(
            path, "incidents_on_several_sheets", sheet=sheet.title, ignored=", ".join(ignored),
            details=[f"sheet left out: {name}" for name in ignored],
        )
    if header is None:
        raise reject(
            path, "first_sheet_empty",
        )
    names = [f"c{i}" for i in range(len(header))]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    body = pl.DataFrame(
        {n: pl.Series(n, col, dtype=pl.String) for n, col in zip(names, columns, strict=True)}
    ).with_columns(pl.Series("line_number", starts, dtype=pl.Int64))
    return header, body
