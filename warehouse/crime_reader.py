"""Reader for the National Police Agency crime open data (犯罪オープンデータ) as really published.

One file = one prefecture, one year, one modus (手口); one row per recorded incident. The files
come in CP932 or UTF-8 (with or without BOM), comma or tab separated, CRLF or LF, sometimes as
XLSX, sometimes with unnamed index columns or with the whole table repeated side by side.

:func:`read_crime_file` turns one such file into a :class:`CrimeFile`: a polars frame with one
row per incident under English column names, the file's identity (prefecture, modus, data year)
and the findings worth showing. A file that cannot be read whole raises
:class:`~warehouse.errors.RejectedFile`; nothing of it is returned.

Parsing is vectorised: the bytes are decoded strictly in Python, parsed with ``polars.read_csv``
(all columns as text) and normalised with polars expressions. A plain file (no '"', every line
as wide as the header: the common case) is read once and checked with whole-text counts; any
other is checked line by line with polars string expressions, which give the exact findings and
rejections. Only a file with a quoted field spanning lines goes through the slower
``csv``-module path, which tracks physical line numbers exactly.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from warehouse.errors import Finding, RejectedFile

__all__ = [
    "MODI",
    "PREFECTURES",
    "CrimeFile",
    "FRAME_SCHEMA",
    "is_crime_file",
    "lg_code_check_digit",
    "read_crime_file",
]

# ----------------------------------------------------------------------------- reference data

#: The seven modus of the standard format, with the romanised names the NPA files use.
MODI: dict[str, str] = {
    "ひったくり": "hittakuri",
    "車上ねらい": "syazyounerai",
    "部品ねらい": "buhinnerai",
    "自動販売機ねらい": "zidouhanbaikinerai",
    "自動車盗": "zidousyatou",
    "オートバイ盗": "ootobaitou",
    "自転車盗": "zitensyatou",
}

#: JIS X 0401 prefecture codes and names (the order is fixed by the standard).
PREFECTURES: dict[str, str] = {
    f"{i:02d}": name
    for i, name in enumerate(
        [
            "北海道",
            "青森県",
            "岩手県",
            "宮城県",
            "秋田県",
            "山形県",
            "福島県",
            "茨城県",
            "栃木県",
            "群馬県",
            "埼玉県",
            "千葉県",
            "東京都",
            "神奈川県",
            "新潟県",
            "富山県",
            "石川県",
            "福井県",
            "山梨県",
            "長野県",
            "岐阜県",
            "静岡県",
            "愛知県",
            "三重県",
            "滋賀県",
            "京都府",
            "大阪府",
            "兵庫県",
            "奈良県",
            "和歌山県",
            "鳥取県",
            "島根県",
            "岡山県",
            "広島県",
            "山口県",
            "徳島県",
            "香川県",
            "愛媛県",
            "高知県",
            "福岡県",
            "佐賀県",
            "長崎県",
            "熊本県",
            "大分県",
            "宮崎県",
            "鹿児島県",
            "沖縄県",
        ],
        start=1,
    )
}


def _key(text: str) -> str:
    """Matching key for a header or label: NFKC, no whitespace (values themselves stay intact)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_PREF_BY_NAME: dict[str, str] = {}
for _code, _name in PREFECTURES.items():
    _PREF_BY_NAME[_key(_name)] = _code
    _short = _name if _name == "北海道" else _name[:-1]  # 東京都 -> 東京, also accepted
    _PREF_BY_NAME[_key(_short)] = _code

_MODUS_BY_KEY = {_key(m): m for m in MODI}

# Header (as published) -> frame column. Matching uses _key(), so half-width parentheses,
# half-width katakana and stray spaces in the header are accepted.
REQUIRED_COLUMNS: dict[str, str] = {
    "罪名": "crime_type",
    "手口": "modus",
    "管轄警察署（発生地）": "police_station",
    "管轄交番・駐在所（発生地）": "koban",
    "市区町村コード（発生地）": "lg_code_raw",
    "都道府県（発生地）": "prefecture_name",
    "市区町村（発生地）": "municipality_name",
    "町丁目（発生地）": "town",
    "発生年月日（始期）": "occurred_on_raw",
    "発生時（始期）": "occurred_hour_raw",
}
OPTIONAL_COLUMNS: dict[str, str] = {
    "発生場所": "place_type",  # newer files
    "発生場所の属性": "place_type",  # older files
    "発生場所の詳細": "place_detail",
    "被害者の性別": "victim_sex",
    "被害者の年齢": "victim_age",
    "被害者の職業": "victim_occupation",
    "施錠関係": "locking",
    "現金被害の有無": "cash_damage",
    "盗難防止装置の有無": "anti_theft_device",
    "現金以外の主な被害品": "stolen_item",
}
#: Not part of the police format: a column ``データ区分`` saying ``サンプル`` on every row marks a
#: file of generated sample data (as in the programme templates); it is read, not loaded.
DATA_CLASS_COLUMN = "データ区分"
SAMPLE_MARK = "サンプル"
_SAMPLE_WORDS = {_key(w).lower() for w in (SAMPLE_MARK, "sample")}
_REAL_WORDS = {_key(w).lower() for w in ("実データ", "real")}
_HEADER_TO_FIELD = {_key(k): v for k, v in {**REQUIRED_COLUMNS, **OPTIONAL_COLUMNS,
                                           DATA_CLASS_COLUMN: "data_class"}.items()}
_REQUIRED_KEYS = {_key(k): k for k in REQUIRED_COLUMNS}

#: Columns and types of :attr:`CrimeFile.frame`, in order.
FRAME_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int64(),
    "crime_type": pl.String(),
    "modus": pl.String(),
    "police_station": pl.String(),
    "koban": pl.String(),
    "lg_code_raw": pl.String(),
    "lg_code": pl.String(),
    "lg_code_status": pl.String(),
    "prefecture_name": pl.String(),
    "municipality_name": pl.String(),
    "town": pl.String(),
    "occurred_on_raw": pl.String(),
    "occurred_on": pl.Date(),
    "occurred_hour_raw": pl.String(),
    "occurred_hour": pl.Int8(),
    "place_type": pl.String(),
    "place_detail": pl.String(),
    "victim_sex": pl.String(),
    "victim_age": pl.String(),
    "victim_occupation": pl.String(),
    "locking": pl.String(),
    "cash_damage": pl.String(),
    "anti_theft_device": pl.String(),
    "stolen_item": pl.String(),
}

UNKNOWN = "不明"
# Columns computed from others in _normalise (equal sources give equal values).
_DERIVED = frozenset({"lg_code", "lg_code_status", "occurred_on", "occurred_hour"})
_FULLWIDTH = [chr(0xFF10 + i) for i in range(10)] + ["／", "－", "ー", "：", "　"]
_HALFWIDTH = [str(i) for i in range(10)] + ["/", "-", "-", ":", " "]
_INDEX_HEADER = re.compile(r"^(?:|Unnamed:\s*\d+|unnamed_?\d*|__index_level_\d+__)$", re.I)
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d{2})(?!\d)")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Python's cp932 codec decodes the unassigned single bytes 0x80, 0xA0, 0xFD-0xFF without error
# (to U+0080 and private-use U+F8F0-U+F8F3); in a crime file they are always damage.
_CP932_UNASSIGNED = re.compile("[\x80\uf8f0-\uf8f3]")
_CP932_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uf8f0-\uf8f3]")

# What is stripped from both ends of every value (besides '\n', which cannot be inside a line).
_BLANKS = " \t\r\u3000"

RESAVE = "Re-save as CP932 or UTF-8 CSV and put the file in the inbox again"


@dataclass
class CrimeFile:
    """One crime open-data file, read whole."""

    frame: pl.DataFrame  # one row per incident, columns as FRAME_SCHEMA
    findings: list[Finding]
    encoding: str  # 'cp932' | 'utf-8-sig' | 'utf-8' | 'xlsx'
    delimiter: str | None  # ',' or '\t'; None for xlsx
    pref_code: str  # '01'..'47'
    modus: str  # one of MODI
    data_year: int
    row_count: int
    path: Path | None = None
    source_columns: list[str] = field(default_factory=list)  # header cells as found
    is_sample: bool = False  # データ区分 = サンプル: generated sample data, not police data

    @property
    def pref_name(self) -> str:
        return PREFECTURES[self.pref_code]


# ----------------------------------------------------------------------------- public helpers


def is_crime_file(header_cells: list[str] | tuple[str, ...]) -> bool:
    """True when a header row looks like the NPA crime open-data format.

    It needs 手口 and at least 6 of the 10 common columns (so that a crime file missing one
    column is still routed here and rejected with a precise reason).
    """
    keys = {_key(str(c)) for c in header_cells if c is not None}
    keys |= {k.lstrip("\ufeff") for k in keys}
    return _key("手口") in keys and len(keys & set(_REQUIRED_KEYS)) >= 6


def lg_code_check_digit(first5: str) -> int:
    """JIS X 0402 check digit of a local-government code's first five digits."""
    s = sum(w * int(d) for w, d in zip((6, 5, 4, 3, 2), first5, strict=True))
    return (11 - s % 11) % 10


# ----------------------------------------------------------------------------- entry point


def read_crime_file(path: Path, *, content: bytes | None = None) -> CrimeFile:
    """Read one crime open-data file (CSV/TSV in CP932 or UTF-8, or XLSX).

    ``content`` is the file's bytes when already in memory; ``path`` then only names the file
    (its name gives the data year when it carries one, e.g. ``hokkaido_2018zitensyatou.csv``).
    Raises :class:`RejectedFile` when the file cannot be loaded whole.
    """
    path = Path(path)
    if content is None:
        content = path.read_bytes()
    findings: list[Finding] = []

    kind = _sniff(path, content)
    trimmed = False  # True when no value has blanks to strip (the text fast path proves it)
    if kind == "xlsx":
        header, body = _read_xlsx(path, content)
        encoding, delimiter = "xlsx", None
    else:
        encoding, pieces = decode_pieces(path, content)
        header, body, delimiter, trimmed = _read_text(path, utf8_of(content, encoding, pieces),
                                                      pieces)

    frame, columns = _to_frame(path, header, body, findings, trimmed=trimmed)
    frame, is_sample = _sample_mark(path, frame)
    frame, pref_code, modus, data_year = _normalise(path, frame, findings)
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


def _sample_mark(path: Path, frame: pl.DataFrame) -> tuple[pl.DataFrame, bool]:
    """The frame without its ``データ区分`` column, and whether that column marks sample data.

    Blank or 実データ is real data, サンプル is sample data; a file may not mix the two."""
    if "data_class" not in frame.columns:
        return frame, False
    raw = frame["data_class"].fill_null("")
    kinds = {v: ("sample" if _key(v).lower() in _SAMPLE_WORDS else
                 "real" if v == "" or _key(v).lower() in _REAL_WORDS else "bad")
             for v in raw.unique().to_list()}
    kind = raw.replace_strict(kinds, return_dtype=pl.String)
    first = kind[0] if kind[0] != "bad" else "real"
    bad = frame.filter((kind == "bad") | (kind != first))
    if bad.height:
        line, value = int(bad["line_number"][0]), bad["data_class"][0]
        raise RejectedFile(
            path,
            f"line {line}: {DATA_CLASS_COLUMN} is {value!r} but {SAMPLE_MARK!r} marks sample data "
            "on every line of a sample file, and real data leaves it blank or writes 実データ",
            "Deliver sample data and real data in separate files, with データ区分 サンプル on "
            "every line of the sample, and put the file in the inbox again",
            line=line,
            column=DATA_CLASS_COLUMN,
        )
    return frame.drop("data_class"), first == "sample"


# ----------------------------------------------------------------------------- bytes -> text


def _sniff(path: Path, content: bytes) -> str:
    """'xlsx' or 'text'; rejects empty and binary files."""
    if not content or content.isspace():
        raise RejectedFile(
            path,
            "the file is empty: no incidents",
            "Check that the download completed and put the full file in the inbox again",
        )
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise RejectedFile(
            path,
            "the file is named .xlsx but is not an Excel workbook",
            "Open it in Excel and save it again as .xlsx, or as CP932 or UTF-8 CSV",
        )
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise RejectedFile(
            path,
            "the file is an old Excel 97-2003 (.xls) workbook, which is not read",
            "Open it in Excel and save it as .xlsx or as CP932 or UTF-8 CSV",
        )
    nul = content.find(b"\x00")
    if nul >= 0:
        line, col = _byte_position(content, nul)
        raise RejectedFile(
            path,
            f"the file is binary, not a text table (NUL byte at line {line}, byte {col})",
            "Check that this is the CSV you meant, or " + RESAVE[0].lower() + RESAVE[1:],
            line=line,
            column=f"byte {col}",
        )
    return "text"


def _byte_position(content: bytes, offset: int) -> tuple[int, int]:
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
            raise RejectedFile(
                path,
                f"control character U+{ord(bad.group()):04X} at line {line}: "
                "this is not a text table",
                "Check that this is the CSV you meant, or " + RESAVE[0].lower() + RESAVE[1:],
                line=line,
            )
        return encoding, pieces
    # Which encoding was meant? Non-ASCII text that decoded as UTF-8 before the bad byte says
    # UTF-8 (CP932 text practically never contains valid UTF-8 sequences); otherwise CP932.
    offset, encoding, exc = errors[0]
    if encoding == "utf-8" and content[:offset].isascii() and len(errors) > 1:
        offset, encoding, exc = errors[1]
    line, col = _byte_position(content, offset)
    bad_bytes = content[offset : offset + 4].hex(" ")
    names = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (with BOM)", "cp932": "CP932 (Shift_JIS)"}
    raise RejectedFile(
        path,
        f"the file does not decode cleanly: byte {col} of line {line} (bytes {bad_bytes}) "
        f"is not valid {names[encoding]}",
        RESAVE + "; a partly garbled file is not loaded",
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


# ----------------------------------------------------------------------------- text -> cells


def _read_text(
    path: Path, data: bytes, pieces: list[str]
) -> tuple[list[str], pl.DataFrame, str, bool]:
    """Header cells, a frame of text cells c0..cN plus ``line_number``, the delimiter, and
    whether every cell is already trimmed (no blank at either end, no empty string).

    ``data`` is the text as UTF-8 and ``pieces`` the text itself, in pieces that end at line
    ends (joined only when the file is not plain)."""
    end = data.find(b"\n")
    first_line = (data if end < 0 else data[:end]).decode("utf-8").rstrip("\r")
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    if first_line.count(delimiter) == 0:
        raise RejectedFile(
            path,
            "line 1 is not a table header (no comma or tab between columns)",
            "Check that this is a crime open-data CSV with its header on line 1",
            line=1,
        )

    ends_with_newline = data.endswith(b"\n")
    if _PLAIN_FAST_PATH and b'"' not in data:
        plain = _read_plain(data, pieces, delimiter)
        if plain is not None:
            return plain
    text = "".join(pieces)
    lines = _physical_lines(data)
    has_quotes = '"' in first_line or '"' in text
    if has_quotes and (lines.str.count_matches('"', literal=True) % 2 == 1).any():
        # a quoted field spans lines (or a quote is unterminated): exact but slower path
        return (*_read_text_slow(path, text, delimiter), delimiter, False)

    # Every physical line is one record now. Parse them all as text; a line with too many fields
    # is cut by polars here but caught by the field count below.
    table = pl.read_csv(
        data,
        has_header=False,
        separator=delimiter,
        quote_char='"',
        infer_schema=False,
        raise_if_empty=False,
        truncate_ragged_lines=True,
    )
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
        f"(?:^|{delimiter})[{_BLANKS}]|[{_BLANKS}](?:{delimiter}|$)"
    ).any()


#: Whether :func:`_read_plain` is tried first (off only to compare it with the general path).
_PLAIN_FAST_PATH = True


def _read_plain(
    data: bytes, pieces: list[str], delimiter: str
) -> tuple[list[str], pl.DataFrame, str, bool] | None:
    """The common case in one read: a file without any '"' whose every line has the header's
    number of fields. ``data`` is the file as UTF-8 (without BOM), ``pieces`` its text in
    pieces that end at line ends (see :func:`decode_pieces`). Returns what
    :func:`_read_text` returns, or None when the file is not plainly that (a blank, short or
    long line, a stray line break ...): the general path then reads it and gives the exact
    findings or rejection.

    Without quotes the fields of a line are its delimiters + 1. polars raises on a line with more
    fields than the table is wide, so when it does not, and the file holds exactly
    (width - 1) delimiters per line, every line has exactly ``width`` fields. Lines, fields and
    blanks are counted in the text piece by piece (twice as fast as in the UTF-8 bytes, and
    other threads get the GIL between pieces).
    """
    try:
        table = pl.read_csv(
            data,
            has_header=False,
            separator=delimiter,
            quote_char='"',
            infer_schema=False,
            raise_if_empty=False,
            truncate_ragged_lines=False,
        )
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
        raise RejectedFile(
            path,
            f"the file is truncated: its last line {line} stops after {found} of {expected} fields",
            "Download the file again in full and put it in the inbox again",
            line=line,
        )
    raise RejectedFile(
        path,
        f"line {line} has {found} fields where the header has {expected}",
        "Fix that line (a stray or missing comma/tab, or an unquoted comma inside a value) "
        "and put the file in the inbox again",
        line=line,
    )


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
                raise RejectedFile(
                    path,
                    f"the file is truncated: a quoted value opened on line {start} is never closed",
                    "Download the file again in full (or close the quote) and put it in the "
                    "inbox again",
                    line=start,
                ) from exc
            raise RejectedFile(
                path,
                f"line {reader.line_num}: badly quoted value ({exc})",
                "Fix the quoting on that line and put the file in the inbox again",
                line=reader.line_num,
            ) from exc
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


def _read_xlsx(path: Path, content: bytes) -> tuple[list[str], pl.DataFrame]:
    """First sheet of a workbook; line_number is the sheet row."""
    import datetime as dt

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure means: not a readable workbook
        raise RejectedFile(
            path,
            f"the file is not a readable Excel workbook ({type(exc).__name__})",
            "Open it in Excel and save it again as .xlsx, or as CP932 or UTF-8 CSV",
        ) from exc

    def cell(v: object) -> str | None:
        if v is None:
            return None
        if isinstance(v, str):
            return v
        if isinstance(v, bool):
            return str(v)
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, dt.datetime):
            return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, dt.time):
            return str(v.hour) if (v.minute, v.second) == (0, 0) else v.isoformat()
        return str(v)

    try:
        sheet = workbook.worksheets[0]
        header: list[str] | None = None
        rows: list[list[str | None]] = []
        starts: list[int] = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            cells = [cell(v) for v in values]
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
                raise RejectedFile(
                    path,
                    f"sheet row {number} has {found} filled cells where the header has {width}",
                    "Remove the cells beyond the header's columns and save again",
                    line=number,
                )
            cells = (cells + [None] * width)[:width]
            rows.append(cells)
            starts.append(number)
    finally:
        workbook.close()
    if header is None:
        raise RejectedFile(
            path,
            "the first sheet is empty: no incidents",
            "Put the crime table on the first sheet and save again",
        )
    names = [f"c{i}" for i in range(len(header))]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    body = pl.DataFrame(
        {n: pl.Series(n, col, dtype=pl.String) for n, col in zip(names, columns, strict=True)}
    ).with_columns(pl.Series("line_number", starts, dtype=pl.Int64))
    return header, body


# ----------------------------------------------------------------------------- cells -> frame


def _to_frame(
    path: Path,
    header: list[str],
    body: pl.DataFrame,
    findings: list[Finding],
    *,
    trimmed: bool = False,
) -> tuple[pl.DataFrame, list[str]]:
    """Drop index columns, collapse a side-by-side duplicate, map headers to frame columns."""
    original = list(header)
    header = [h.lstrip("\ufeff").strip() for h in header]
    keys = [_key(h) for h in header]
    cols = [f"c{i}" for i in range(len(header))]

    # strip values; empty -> null; drop lines that are blank or only delimiters
    if not trimmed:  # (stripping every cell is the costly part of this step)
        body = body.with_columns(
            pl.col(c).str.strip_chars(" \t\r\n\u3000").replace("", None) for c in cols
        )
    blank = body.select(pl.all_horizontal(pl.col(c).is_null() for c in cols)).to_series()
    if blank.any():
        blank_rows = body.filter(blank)
        body = body.filter(~blank)
        findings.append(
            Finding(
                "blank_rows",
                f"{blank_rows.height} empty line(s) skipped",
                line=int(blank_rows["line_number"][0]),
                count=blank_rows.height,
                severity="info",
            )
        )

    # unnamed index columns ('' or 'Unnamed: 0' headers)
    index_cols = [i for i, k in enumerate(keys) if _INDEX_HEADER.match(k)]
    if index_cols:
        findings.append(
            Finding(
                "index_column_dropped",
                f"{len(index_cols)} column(s) without a header (an index or trailing delimiter) "
                f"dropped: position(s) {', '.join(str(i + 1) for i in index_cols)}",
                count=len(index_cols),
                severity="info",
            )
        )
        keep = [i for i in range(len(keys)) if i not in index_cols]
        header = [header[i] for i in keep]
        keys = [keys[i] for i in keep]
        cols = [cols[i] for i in keep]

    # the whole table repeated side by side
    half = len(keys) // 2
    if len(keys) % 2 == 0 and half and keys[:half] == keys[half:]:
        pairs = list(zip(cols[:half], cols[half:], strict=True))
        conflict = pl.any_horizontal(
            pl.col(a).is_not_null() & pl.col(b).is_not_null() & (pl.col(a) != pl.col(b))
            for a, b in pairs
        )
        bad = body.filter(conflict)
        if bad.height:
            line = int(bad["line_number"][0])
            raise RejectedFile(
                path,
                f"the header repeats its {half} columns side by side, but on line {line} the "
                "two halves hold different values, so it is not clear which is right",
                "Keep one copy of the columns (check that line against the source) and put the "
                "file in the inbox again",
                line=line,
                details=[f"{bad.height} line(s) with conflicting halves"],
            )
        # Halves that differ only by a blank cell on one side are merged (the value is kept):
        # the real Hokkaido 2018 自動車盗 file has two such lines.
        one_sided = body.filter(
            pl.any_horizontal(pl.col(a).is_null() != pl.col(b).is_null() for a, b in pairs)
        )
        findings.append(
            Finding(
                "duplicated_layout",
                f"every row and the header are repeated side by side ({2 * half} columns = "
                f"{half} twice); one copy was kept",
                count=body.height,
            )
        )
        if one_sided.height:
            findings.append(
                Finding(
                    "duplicated_layout_blank_half",
                    f"{one_sided.height} line(s) of the repeated layout have a value in one copy "
                    "and a blank in the other; the value was kept",
                    line=int(one_sided["line_number"][0]),
                    count=one_sided.height,
                )
            )
        body = body.with_columns(pl.coalesce(pl.col(a), pl.col(b)).alias(a) for a, b in pairs)
        header, keys, cols = header[:half], keys[:half], cols[:half]

    # header -> field
    mapping: dict[str, str] = {}
    unused: list[str] = []
    seen: dict[str, str] = {}
    for h, k, c in zip(header, keys, cols, strict=True):
        if k in seen:
            raise RejectedFile(
                path,
                f"column {h!r} appears twice in the header",
                "Keep one of the two columns and put the file in the inbox again",
                column=h,
            )
        seen[k] = c
        name = _HEADER_TO_FIELD.get(k)
        if name is None or name in mapping.values():
            unused.append(h)
        else:
            mapping[c] = name
    missing = [orig for k, orig in _REQUIRED_KEYS.items() if k not in seen]
    if missing:
        raise RejectedFile(
            path,
            f"required column {missing[0]} is missing"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            "Use the header of the NPA crime open-data format (罪名, 手口, … 発生時（始期）) "
            "and put the file in the inbox again",
            line=1,
            column=missing[0],
            details=[f"missing: {m}" for m in missing],
        )
    if unused:
        findings.append(
            Finding(
                "unknown_columns",
                f"column(s) not part of the format, not loaded: {', '.join(unused)}",
                count=len(unused),
                severity="info",
            )
        )
    if body.height == 0:
        raise RejectedFile(
            path,
            "the file has a header but no incidents",
            "Check that the download completed; an empty file is not loaded",
        )
    frame = body.select(pl.col("line_number"), *(pl.col(c).alias(n) for c, n in mapping.items()))
    return frame, original


# ----------------------------------------------------------------------------- normalisation


def _digits(expr: pl.Expr) -> pl.Expr:
    """Full-width digits and separators to ASCII (for parsing only)."""
    return expr.str.replace_many(_FULLWIDTH, _HALFWIDTH).str.strip_chars()


def _date_expr(raw: pl.Expr) -> pl.Expr:
    s = _digits(raw)
    time = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?"
    patterns = [
        rf"^(\d{{4}})[-/.](\d{{1,2}})[-/.](\d{{1,2}}){time}$",
        r"^(\d{4})(\d{2})(\d{2})$",
        r"^(\d{4})年(\d{1,2})月(\d{1,2})日$",
    ]
    parts = [
        pl.coalesce(s.str.extract(p, g) for p in patterns).str.zfill(2 if g > 1 else 4)
        for g in (1, 2, 3)
    ]
    return pl.concat_str(parts, separator="-").str.to_date("%Y-%m-%d", strict=False)


def _hour_expr(raw: pl.Expr) -> pl.Expr:
    return _digits(raw).str.strip_suffix("時").str.extract(r"^(\d{1,2})$", 1).cast(pl.Int16)


def _lg_code_exprs(raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    s = _digits(raw)
    is_digits = s.str.contains(r"^\d+$")
    candidate = (
        pl.when(is_digits & (s.str.len_chars() == 6))
        .then(s)
        .when(is_digits & (s.str.len_chars() == 5) & ~s.str.starts_with("0"))
        .then(pl.concat_str(pl.lit("0"), s))
    )
    digit = [candidate.str.slice(i, 1).cast(pl.Int32) for i in range(6)]
    weighted = sum(w * d for w, d in zip((6, 5, 4, 3, 2), digit[:5], strict=True))
    pref = candidate.str.slice(0, 2).cast(pl.Int32)
    valid = ((11 - weighted % 11) % 10 == digit[5]) & pref.is_between(1, 47)
    status = (
        pl.when(raw.is_null())
        .then(pl.lit("blank"))
        .when(valid & (s.str.len_chars() == 6))
        .then(pl.lit("ok"))
        .when(valid)
        .then(pl.lit("repaired"))
        .otherwise(pl.lit("invalid"))
    )
    code = pl.when(valid.fill_null(False)).then(candidate)
    return code, status


def _derive(frame: pl.DataFrame, source: str, **exprs: pl.Expr) -> pl.DataFrame:
    """Add columns computed from ``source`` on its distinct values only, joined back in order."""
    lookup = frame.select(pl.col(source).unique()).with_columns(**exprs)
    return frame.join(lookup, on=source, how="left", nulls_equal=True, maintain_order="left")


def _first_line(frame: pl.DataFrame, mask: pl.Expr) -> int | None:
    hit = frame.filter(mask)
    return int(hit["line_number"][0]) if hit.height else None


def _normalise(
    path: Path, frame: pl.DataFrame, findings: list[Finding]
) -> tuple[pl.DataFrame, str, str, int]:
    # Dates, hours and codes take few distinct values: parse each distinct value once.
    code, status = _lg_code_exprs(pl.col("lg_code_raw"))
    hour = _hour_expr(pl.col("occurred_hour_raw"))
    frame = _derive(frame, "lg_code_raw", lg_code=code, lg_code_status=status)
    frame = _derive(frame, "occurred_on_raw", occurred_on=_date_expr(pl.col("occurred_on_raw")))
    frame = _derive(
        frame,
        "occurred_hour_raw",
        occurred_hour=pl.when(hour.is_between(0, 23)).then(hour).cast(pl.Int8),
        _hour_int=hour,
    )
    frame = frame.with_columns(
        pl.lit(None, dtype=FRAME_SCHEMA[name]).alias(name)
        for name in FRAME_SCHEMA
        if name not in frame.columns
    )

    # identity: modus
    distinct = frame["modus"].drop_nulls().unique(maintain_order=True).to_list()
    canonical = {v: _MODUS_BY_KEY.get(_key(v)) for v in distinct}
    unknown = [v for v, m in canonical.items() if m is None]
    if not distinct:
        raise RejectedFile(
            path,
            "the 手口 column is empty on every line",
            "Fill 手口 (one modus per file) and put the file in the inbox again",
            column="手口",
        )
    if unknown:
        line = _first_line(frame, pl.col("modus") == unknown[0])
        raise RejectedFile(
            path,
            f"line {line}: 手口 {unknown[0]!r} is not one of the 7 modus of the format",
            "Use one of " + "、".join(MODI) + " and put the file in the inbox again",
            line=line,
            column="手口",
        )
    modi = list(dict.fromkeys(canonical[v] for v in distinct))
    if len(modi) > 1:
        other = [v for v in distinct if canonical[v] != modi[0]][0]
        line = _first_line(frame, pl.col("modus") == other)
        raise RejectedFile(
            path,
            f"line {line}: 手口 is {other!r} but earlier lines are {modi[0]!r}; a file holds "
            "one modus",
            "Split the file by 手口 (one modus per file) and put the files in the inbox again",
            line=line,
            column="手口",
            details=[f"modus found: {', '.join(modi)}"],
        )
    modus = modi[0]
    blank_modus = frame.filter(pl.col("modus").is_null()).height
    if blank_modus:
        findings.append(
            Finding(
                "blank_modus",
                f"{blank_modus} line(s) with an empty 手口",
                line=_first_line(frame, pl.col("modus").is_null()),
                column="手口",
                count=blank_modus,
            )
        )

    # identity: prefecture
    names = frame["prefecture_name"].drop_nulls().unique(maintain_order=True).to_list()
    pref_of = {n: _PREF_BY_NAME.get(_key(n)) for n in names}
    bad_names = [n for n, c in pref_of.items() if c is None]
    if bad_names:
        line = _first_line(frame, pl.col("prefecture_name") == bad_names[0])
        raise RejectedFile(
            path,
            f"line {line}: {bad_names[0]!r} is not a prefecture name",
            "Write the prefecture as in JIS X 0401 (e.g. 北海道, 東京都) and put the file in the "
            "inbox again",
            line=line,
            column="都道府県（発生地）",
        )
    codes = list(dict.fromkeys(pref_of[n] for n in names))
    if not codes:  # fall back to the local-government codes
        codes = frame["lg_code"].drop_nulls().str.slice(0, 2).unique(maintain_order=True).to_list()
        if len(codes) > 1:
            line = _first_line(frame, pl.col("lg_code").str.slice(0, 2) == codes[1])
            raise RejectedFile(
                path,
                f"line {line}: 市区町村コード of another prefecture ({codes[1]} after "
                f"{codes[0]}); a file holds one prefecture",
                "Split the file by prefecture and put the files in the inbox again",
                line=line,
                column="市区町村コード（発生地）",
            )
    if not codes:
        raise RejectedFile(
            path,
            "the prefecture cannot be told: 都道府県 and 市区町村コード are empty on every line",
            "Fill 都道府県（発生地） and put the file in the inbox again",
            column="都道府県（発生地）",
        )
    if len(codes) > 1:
        other = [n for n in names if pref_of[n] != codes[0]][0]
        line = _first_line(frame, pl.col("prefecture_name") == other)
        raise RejectedFile(
            path,
            f"line {line}: 都道府県 is {other!r} but earlier lines are "
            f"{PREFECTURES[codes[0]]!r}; a file holds one prefecture",
            "Split the file by prefecture and put the files in the inbox again",
            line=line,
            column="都道府県（発生地）",
        )
    pref_code = codes[0]
    foreign = frame.filter(pl.col("lg_code").str.slice(0, 2) != pref_code)
    if foreign.height:
        findings.append(
            Finding(
                "lg_code_other_prefecture",
                f"{foreign.height} line(s) with a 市区町村コード of another prefecture than "
                f"{PREFECTURES[pref_code]} (e.g. {foreign['lg_code_raw'][0]})",
                line=int(foreign["line_number"][0]),
                column="市区町村コード（発生地）",
                count=foreign.height,
            )
        )

    # identity: data year
    match = _YEAR_IN_NAME.search(path.name)
    years = frame["occurred_on"].dt.year().drop_nulls()
    if match:
        data_year = int(match.group(1))
    elif years.len():
        data_year = int(years.mode().sort()[-1])
        findings.append(
            Finding(
                "data_year_from_dates",
                f"the file name carries no year; data year {data_year} is the most common "
                "occurrence year",
                severity="info",
            )
        )
    else:
        raise RejectedFile(
            path,
            "the data year cannot be told: no year in the file name and no readable date",
            "Put the year in the file name (e.g. hokkaido_2018zitensyatou.csv) and put the file "
            "in the inbox again",
        )

    _count_findings(frame, findings, data_year)
    return frame.select(FRAME_SCHEMA.keys()).cast(FRAME_SCHEMA), pref_code, modus, data_year


def _count_findings(frame: pl.DataFrame, findings: list[Finding], data_year: int) -> None:
    # Every check is counted in one pass over the frame; rows are filtered only for a check
    # that has hits and shows examples.
    checks: list[tuple[str, pl.Expr, str, str | None, str, str | None]] = []

    def add(
        code: str,
        mask: pl.Expr,
        message: str,
        column: str | None,
        severity: str = "warning",
        example: str | None = None,
    ) -> None:
        checks.append((code, mask, message, column, severity, example))

    raw_date, raw_hour = pl.col("occurred_on_raw"), pl.col("occurred_hour_raw")
    add(
        "unparsed_date",
        raw_date.is_not_null() & (raw_date != UNKNOWN) & pl.col("occurred_on").is_null(),
        "{n} line(s) with an unreadable 発生年月日; left empty",
        "発生年月日（始期）",
        example="occurred_on_raw",
    )
    add(
        "unknown_date",
        raw_date == UNKNOWN,
        "{n} line(s) with 発生年月日 不明 (unknown)",
        "発生年月日（始期）",
        severity="info",
    )
    add(
        "date_after_data_year",
        pl.col("occurred_on").dt.year() > data_year,
        f"{{n}} line(s) with an occurrence date after the data year {data_year}",
        "発生年月日（始期）",
        example="occurred_on_raw",
    )
    add(
        "date_before_data_year",
        pl.col("occurred_on").dt.year() < data_year,
        f"{{n}} line(s) with an occurrence date before the data year {data_year} (normal: "
        "incidents are recorded when reported)",
        "発生年月日（始期）",
        severity="info",
    )
    add(
        "hour_out_of_range",
        pl.col("_hour_int").is_not_null() & ~pl.col("_hour_int").is_between(0, 23),
        "{n} line(s) with 発生時 outside 0-23; left empty",
        "発生時（始期）",
        example="occurred_hour_raw",
    )
    add(
        "unparsed_hour",
        raw_hour.is_not_null() & (raw_hour != UNKNOWN) & pl.col("_hour_int").is_null(),
        "{n} line(s) with an unreadable 発生時; left empty",
        "発生時（始期）",
        example="occurred_hour_raw",
    )
    add(
        "lg_code_repaired",
        pl.col("lg_code_status") == "repaired",
        "{n} line(s) with a 市区町村コード that lost its leading zero; repaired (the check "
        "digit confirms)",
        "市区町村コード（発生地）",
        severity="info",
        example="lg_code_raw",
    )
    add(
        "lg_code_invalid",
        pl.col("lg_code_status") == "invalid",
        "{n} line(s) with a 市区町村コード that is not a valid 6-digit code; kept as written",
        "市区町村コード（発生地）",
        example="lg_code_raw",
    )
    add(
        "lg_code_blank",
        pl.col("lg_code_status") == "blank",
        "{n} line(s) without 市区町村コード",
        "市区町村コード（発生地）",
        severity="info",
    )
    line = pl.col("line_number")
    stats = frame.select(
        *(mask.sum().alias(f"n{i}") for i, (_, mask, *_) in enumerate(checks)),
        *(line.filter(mask).first().alias(f"l{i}") for i, (_, mask, *_) in enumerate(checks)),
    ).row(0, named=True)
    for i, (code, mask, message, column, severity, example) in enumerate(checks):
        count = stats[f"n{i}"]
        if not count:
            continue
        text = message.format(n=count)
        if example:
            hit = frame.filter(mask)
            samples = hit[example].drop_nulls().unique(maintain_order=True).head(3).to_list()
            text += " (e.g. " + ", ".join(repr(v) for v in samples) + ")"
        findings.append(
            Finding(
                code,
                text,
                line=int(stats[f"l{i}"]),
                column=column,
                count=count,
                severity=severity,
            )
        )

    repeated = frame.height - _distinct_rows(frame)
    if repeated:
        findings.append(
            Finding(
                "identical_rows",
                f"{repeated} line(s) identical to an earlier one; kept (identical rows are "
                "distinct incidents)",
                count=repeated,
                severity="info",
            )
        )


def _distinct_rows(frame: pl.DataFrame) -> int:
    """Number of distinct incidents (all FRAME_SCHEMA columns but ``line_number``), exactly.

    Rows are grouped by a hash of the source columns (the derived columns are functions of
    them); when every row equals the first row of its hash group, the number of hashes is the
    answer, else (a hash collision) the rows are compared in full.
    """
    data_cols = [c for c in FRAME_SCHEMA if c != "line_number" and c in frame.columns]
    source = [c for c in data_cols if c not in _DERIVED]
    hashes = frame.select(source).hash_rows()
    first = hashes.is_first_distinct()
    distinct = int(first.sum())
    if distinct == frame.height:
        return distinct
    rows = frame.select(source).with_columns(hashes.alias("_hash"))
    paired = rows.join(rows.filter(first), on="_hash", how="left", suffix="_first")
    same = paired.select(
        pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_first")).all() for c in source)
    ).item()
    return distinct if same else frame.select(data_cols).n_unique()
