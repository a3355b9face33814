"""Bytes to text, and the first look at a table: decoding, delimiter and header sniffing.

One strict decoder for every text source (UTF-8 with or without BOM, or CP932): the whole file
decodes in one encoding or it is rejected at its first bad byte, with the line and byte. Large
files are decoded in pieces that end at line ends (:func:`decode_pieces`), so other threads get
the GIL between them. :func:`sniff_delimiter` tells comma from tab; :func:`sniff_header` and
:func:`sniff_rows` give the first row(s) of a CSV/TSV or XLSX file for routing;
:func:`xlsx_cell` and :func:`xlsx_value` turn a workbook cell into the text a CSV would hold (as
the template readers and the crime reader take it).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import date, datetime, time
from pathlib import Path

from warehouse.errors import RejectedFile, reject
from warehouse.reasons import Said

XLSX_MAGIC = b"PK\x03\x04"
HEADER_SEARCH_ROWS = 10
# The most characters one cell may hold, in a workbook (Excel's own limit) and a CSV field.
MAX_CELL_CHARS = 32_767


def long_cell(path: Path, line: int | None, column: str | None, length: int | str) -> RejectedFile:
    """The rejection of a cell longer than MAX_CELL_CHARS (``length``: its characters, or
    words such as 'more than 131,072')."""
    length = f"{length:,}" if isinstance(length, int) else length
    return reject(
        path, "long_cell", length=length, limit=f"{MAX_CELL_CHARS:,}",
        line=line,
        column=column,
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Python's cp932 codec decodes the unassigned single bytes 0x80, 0xA0, 0xFD-0xFF without error
# (to U+0080 and private-use U+F8F0-U+F8F3); in a text table they are always damage.
_CP932_UNASSIGNED = re.compile("[\x80\uf8f0-\uf8f3]")
_CP932_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uf8f0-\uf8f3]")


# ----------------------------------------------------------------------------- bytes -> text


def byte_position(content: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, byte column) of a byte offset."""
    line = content.count(b"\n", 0, offset) + 1
    col = offset - (content.rfind(b"\n", 0, offset) + 1) + 1
    return line, col


# C0 controls but tab, LF and CR, and DEL: bytes that are never part of a multi-byte character
# in CP932 (trail bytes are 0x40-0x7E, 0x80-0xFC) nor in UTF-8.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# What else _CP932_SUSPECT can find in text decoded from CP932: Python's cp932 codec yields
# C1 controls and U+F8F0-U+F8F3 only for the single bytes 0x80, 0xA0 and 0xFD-0xFF.
_CP932_SUSPECT_CHARS = "\x80\uf8f0\uf8f1\uf8f2\uf8f3"


def _surely_no_suspect(content: bytes, ranges: list[tuple[int, int]], pieces: list[str],
                       encoding: str) -> bool:
    """True only when the suspect-character search would find nothing (memchr-speed scans,
    piece by piece, instead of one regex pass); False means: search."""
    for a, b in ranges:
        if len(content[a:b].translate(None, _CONTROL_BYTES)) != b - a:
            return False
    if encoding == "cp932":
        return not any(c in piece for piece in pieces for c in _CP932_SUSPECT_CHARS)
    return b"\xc2" not in content  # UTF-8 C1 controls are C2 80 - C2 9F


def _utf8_head_error(content: bytes) -> UnicodeDecodeError | None:
    """The error decoding all of ``content`` as UTF-8 gives, when its first 64 KiB show it.

    A CP932 file fails UTF-8 within its first bytes; this tells so without decoding (and
    copying into the error) all of it. UTF-8 is decoded in order, so an error inside the head
    is the whole decode's first error; one at the head's cut end ('unexpected end of data') is
    not, and then None (decode it all)."""
    try:
        content[: 1 << 16].decode("utf-8")
    except UnicodeDecodeError as exc:
        return None if exc.reason == "unexpected end of data" else exc
    return None


#: Bytes decoded per codec call. A call holds the GIL throughout (0.18 s for a 70 MB CP932
#: file); in pieces, the thread loading the warehouse and the other parsers get it between.
PIECE_BYTES = 1 << 20


def _line_ranges(content: bytes, start: int) -> list[tuple[int, int]]:
    """Byte ranges of about PIECE_BYTES from ``start``, each ending after a line feed or at the
    end. A line feed byte is never part of a multi-byte character in CP932 (trail bytes are
    0x40-0x7E, 0x80-0xFC) or UTF-8, so the pieces decode exactly as the whole does."""
    ranges = []
    n = len(content)
    while start < n:
        end = content.find(b"\n", start + PIECE_BYTES)
        end = n if end < 0 else end + 1
        ranges.append((start, end))
        start = end
    return ranges


def decode_pieces(path: Path, content: bytes) -> tuple[str, list[str]]:
    """(encoding, the text in pieces that end at line ends), strictly: the whole file decodes
    in one encoding, or it is rejected."""
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = [("utf-8-sig", 3)]
    else:
        candidates = [("utf-8", 0), ("cp932", 0)]
    errors: list[tuple[int, str, UnicodeDecodeError]] = []
    view = memoryview(content)
    for encoding, skip in candidates:
        head_error = _utf8_head_error(content) if encoding == "utf-8" else None
        if head_error is not None:
            errors.append((head_error.start, encoding, head_error))
            continue
        codec = "utf-8" if encoding == "utf-8-sig" else encoding
        ranges = _line_ranges(content, skip)
        pieces: list[str] = []
        try:
            for a, b in ranges:
                pieces.append(str(view[a:b], codec))
        except UnicodeDecodeError as exc:
            errors.append((a + exc.start, encoding, exc))
            continue
        if pieces:
            pieces[-1] = pieces[-1].rstrip("\x1a")  # DOS end-of-file mark
        # one pass over the text finds control characters and (CP932) unassigned bytes; it is
        # skipped when a few fast byte and character scans show there is none
        bad = None
        if not _surely_no_suspect(content, ranges, pieces, encoding):
            text = "".join(pieces)
            bad = (_CP932_SUSPECT if encoding == "cp932" else _CONTROL).search(text)
        if bad and encoding == "cp932" and _CP932_UNASSIGNED.match(bad.group()):
            offset = len(text[: bad.start()].encode("cp932"))
            exc = UnicodeDecodeError("cp932", content, offset, offset + 1, "unassigned byte")
            errors.append((offset, encoding, exc))
            continue
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise reject(path, "control_character", char=f"{ord(bad.group()):04X}",
                         line=line)
        return encoding, pieces
    # Which encoding was meant? Non-ASCII text that decoded as UTF-8 before the bad byte says
    # UTF-8 (CP932 text practically never contains valid UTF-8 sequences); otherwise CP932.
    offset, encoding, exc = errors[0]
    if encoding == "utf-8" and content[:offset].isascii() and len(errors) > 1:
        offset, encoding, exc = errors[1]
    line, col = byte_position(content, offset)
    bad_bytes = content[offset : offset + 4].hex(" ")
    if len(content) - offset < 4 and b"\n" not in content[offset:]:
        raise reject(path, "truncated_character", byte=col, bytes=bad_bytes, line=line,
                     column=f"byte {col}")
    names = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "cp932": "CP932 (Shift_JIS)"}
    raise reject(
        path, "bad_encoding", byte=col, bytes=bad_bytes, encoding=names[encoding],
        line=line,
        column=f"byte {col}",
        details=[f"{names[e]}: {x.reason} at byte offset {o}" for o, e, x in errors],
    )


def decode_text(path: Path, content: bytes) -> tuple[str, str]:
    """(encoding, text), strictly: the whole file decodes in one encoding, or it is rejected."""
    encoding, pieces = decode_pieces(path, content)
    return encoding, "".join(pieces)


def utf8_of(content: bytes, encoding: str, pieces: list[str]) -> bytes:
    """The file's text as UTF-8 without BOM (re-encoded piece by piece from CP932)."""
    if encoding == "cp932":
        # (a join would hold every encoded piece and the joined copy at once: twice the memory)
        buffer = io.BytesIO()
        for piece in pieces:
            buffer.write(piece.encode("utf-8"))
        return buffer.getvalue()
    data = content[3:] if encoding == "utf-8-sig" else content
    return data.rstrip(b"\x1a")



def decode_strict(path: Path, content: bytes) -> tuple[str, str]:
    """(text, encoding) of a file in UTF-8 (BOM optional) or CP932, or RejectedFile at its
    first bad byte."""
    encoding, text = decode_text(path, content)
    return text, encoding


def is_binary(content: bytes) -> bool:
    """Whether bytes look like a binary file rather than text: a NUL byte in the first line,
    or NULs making more than 1% of the first 8 KB (images, UTF-16, archives). A text table
    with a stray NUL further down is text: its reader names the NUL's line and column."""
    head = content[:8192]
    first_line = head.split(b"\n", 1)[0]
    return b"\x00" in first_line or head.count(b"\x00") * 100 > len(head)


# ----------------------------------------------------------------------------- first look


def sniff_delimiter(line: str) -> str:
    """The delimiter of a table from one of its lines (the header): tab when the line holds
    more tabs than commas, else comma."""
    return "\t" if line.count("\t") > line.count(",") else ","


def normalise_header(cell: str) -> str:
    """Header cell as matched: NFKC (full-width to half-width), trimmed, no BOM."""
    return unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip()


def sniff_header(path: Path, content: bytes) -> list[str]:
    """The first row's cells, normalised, for routing; rejects what is not a table at all."""
    if content.startswith(XLSX_MAGIC):
        import openpyxl  # (a slow import, needed only for workbooks)

        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        try:
            first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            workbook.close()
        return [normalise_header(str(c)) if c is not None else "" for c in first]
    if not content or content.isspace():  # (no stripped copy of a large file)
        raise reject(path, "empty_file")
    if is_binary(content):
        raise reject(path, "binary_file", line=1)
    head = content[:65536]
    # The first line ends at LF, CRLF or a CR alone (old Mac line ends, which the reader then
    # names), never at the head's cut, which may fall inside a character.
    ends = [i for i in (head.find(b"\n"), head.find(b"\r")) if i >= 0]
    first_line = head[:min(ends)] if ends else head
    text, _ = decode_strict(path, first_line)
    return [normalise_header(c.strip('"')) for c in text.split(sniff_delimiter(text))]


def sniff_rows(path: Path, content: bytes, rows: int = HEADER_SEARCH_ROWS) -> list[list[str]]:
    """The first rows' cells, normalised, for kinds whose header may sit below a title (in a
    workbook: the first rows of every sheet, a cover sheet being common)."""
    if content.startswith(XLSX_MAGIC):
        import openpyxl  # (a slow import, needed only for workbooks)

        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        try:
            found = [
                row
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(max_row=rows, values_only=True)
            ]
        finally:
            workbook.close()
        return [[normalise_header(str(c)) if c is not None else "" for c in row] for row in found]
    text, _ = decode_strict(
        path, content[:65536].rsplit(b"\n", 1)[0] if len(content) > 65536 else content
    )
    first = next((line for line in text.splitlines() if line.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(first))
    found = []
    for row in reader:
        found.append([normalise_header(c) for c in row])
        if len(found) >= rows:
            break
    return found


def xlsx_cell(value: object) -> str:
    """An Excel cell as a template reader takes it: text, '' when blank, whole numbers without
    '.0' and others to 12 significant digits, booleans as TRUE/FALSE, dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.12g}"
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def xlsx_value(value: object) -> str | None:
    """An Excel cell as the crime reader takes it: None when blank (so blank rows and cells are
    told apart from text), whole numbers without '.0', dates as ISO dates, a time of day on the
    hour as its hour (発生時 saved as a time cell)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return str(value.hour) if (value.minute, value.second) == (0, 0) else value.isoformat()
    return str(value)


def json_document(path: Path, content: bytes, action: Said) -> object:
    """A delivered JSON file's document; rejects text that is not UTF-8 JSON with its line
    and character and in words of the format (not the json module's)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise reject(path, "json_not_utf8", action=action, line=line) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string"):
            code = "json_truncated"
        else:
            code = "json_malformed"
        raise reject(path, code, action=action, character=exc.colno, line=exc.lineno,
                     column=f"character {exc.colno}") from None
