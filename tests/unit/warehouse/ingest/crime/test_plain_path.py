"""The crime reader's plain-file fast path gives exactly what the general path gives.

``_read_plain`` reads a well-formed file (no '"', every line the header's width) in one pass
and leaves anything else to the general path. Every input here is read both ways: the same
frame, findings and identity, or the same rejection. The fast way also decodes the file in
pieces of a few lines (as a big file is decoded), the general way whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from tests.helpers import CRIME_FIXTURE_NAMES, HOKKAIDO_NAMES
from warehouse.errors import RejectedFile
from warehouse.ingest import text as ingest_text
from warehouse.ingest.crime import cells
from warehouse.ingest.crime import read as crime_read
from warehouse.ingest.crime.read import read_crime_file

from .test_read import REJECTIONS

_SURELY_NO_SUSPECT = ingest_text._surely_no_suspect
_UTF8_HEAD_ERROR = ingest_text._utf8_head_error


def _outcome(path: Path, content: bytes | None, *, fast: bool, monkeypatch):
    monkeypatch.setattr(
        crime_read, "read_text", cells.read_text if fast else cells.read_text_checked
    )
    # the general path also searches every decoded text for suspect characters
    monkeypatch.setattr(
        ingest_text,
        "_surely_no_suspect",
        _SURELY_NO_SUSPECT if fast else (lambda content, ranges, pieces, encoding: False),
    )
    # ... and decodes every file whole, where the fast one decodes it in pieces of a few lines
    monkeypatch.setattr(
        ingest_text, "_utf8_head_error", _UTF8_HEAD_ERROR if fast else (lambda content: None)
    )
    monkeypatch.setattr(ingest_text, "PIECE_BYTES", 300 if fast else 1 << 40)
    try:
        return read_crime_file(path, content=content)
    except RejectedFile as error:
        return error


def assert_same(path: Path, monkeypatch, content: bytes | None = None) -> None:
    fast = _outcome(path, content, fast=True, monkeypatch=monkeypatch)
    general = _outcome(path, content, fast=False, monkeypatch=monkeypatch)
    assert type(fast) is type(general)
    if isinstance(general, RejectedFile):
        assert fast.to_dict() == general.to_dict()
        return
    assert_frame_equal(fast.frame, general.frame)
    assert [f.to_dict() for f in fast.findings] == [f.to_dict() for f in general.findings]
    for name in (
        "encoding",
        "delimiter",
        "pref_code",
        "modus",
        "data_year",
        "row_count",
        "source_columns",
    ):
        assert getattr(fast, name) == getattr(general, name), name


@pytest.mark.parametrize("name", CRIME_FIXTURE_NAMES)
def test_fixtures(crime_fixtures, name, monkeypatch):
    assert_same(crime_fixtures / name, monkeypatch)


@pytest.mark.parametrize("name", HOKKAIDO_NAMES)
def test_real_files(hokkaido_dir, name, monkeypatch):
    assert_same(hokkaido_dir / name, monkeypatch)


def _lines(text: str) -> list[str]:
    return text.split("\r\n")


def _edit(line: int, old: str, new: str):
    def make(text: str) -> str:
        lines = _lines(text)
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        return "\r\n".join(lines)

    return make


VARIANTS = {
    "as_is": lambda t: t,
    "lf": lambda t: t.replace("\r\n", "\n"),
    "no_final_newline": lambda t: t.rstrip("\r\n"),
    "blank_line_inside": lambda t: t.replace("\r\n", "\r\n\r\n", 3),
    "blank_line_at_end": lambda t: t + "\r\n",
    "only_delimiters_line": lambda t: t + "," * 13 + "\r\n",
    "space_in_value": _edit(3, "中央", "中 央"),
    "trailing_space": _edit(3, "中央", "中央 "),
    "leading_space": _edit(3, "中央", " 中央"),
    "fullwidth_space_edge": _edit(3, "中央", "中央\u3000"),
    "fullwidth_space_inside": _edit(3, "中央", "中\u3000央"),
    "tab_in_value": _edit(3, "中央", "中央\t"),
    "stray_cr_inside": _edit(3, "中央", "中\r央"),
    "stray_cr_at_edge": _edit(3, "中央", "中央\r"),
    "double_cr_line_end": lambda t: t.replace("\r\n", "\r\r\n", 2),
    "ragged_long": _edit(4, "中央", "中央,x"),
    "ragged_short": _edit(4, "中央,", "中央"),
    "long_and_short": lambda t: _edit(5, "中央,", "中央")(_edit(4, "中央", "中央,x")(t)),
    "trailing_delimiter": lambda t: t.replace("\r\n", ",\r\n"),
    "trailing_delimiter_header_only": _edit(1, "施錠関係", "施錠関係,"),
    "index_column": lambda t: "\r\n".join(
        ("" if i == 0 else str(i)) + "," + line if line else line
        for i, line in enumerate(_lines(t))
    ),
    "header_only": lambda t: _lines(t)[0] + "\r\n",
    "one_row": lambda t: "\r\n".join(_lines(t)[:2]) + "\r\n",
    "eof_mark": lambda t: t + "\x1a",
    "quoted": lambda t: t.replace("中央", '"中央"'),
    "duplicated_layout": lambda t: "\r\n".join(
        line + "," + line if line else line for line in _lines(t)
    ),
    "tab": lambda t: t.replace(",", "\t"),
    "tab_empty_cells": lambda t: t.replace(",", "\t").replace("\t\t", "\t \t"),
    "degree_sign": _edit(3, "中央", "中央°"),  # U+00B0: C2 B0 in UTF-8, not a control
    "c1_control": _edit(3, "中央", "中\x85央"),
    "bell": _edit(3, "中央", "中\x07央"),
    "unit_separator": _edit(3, "中央", "中\x1f央"),
    "delete": _edit(3, "中央", "中\x7f央"),
}


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig"])
@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_variants(base, tmp_path, monkeypatch, name, encoding):
    text = base.read_bytes().decode("cp932")
    path = tmp_path / base.name
    try:
        content = VARIANTS[name](text).encode(encoding)
    except UnicodeEncodeError:
        pytest.skip(f"not encodable in {encoding}")
    path.write_bytes(content)
    assert_same(path, monkeypatch)


@pytest.mark.parametrize(
    "raw",
    [b"\x80", b"\xa0", b"\xfd", b"\xfe", b"\xff", b"\x82\xa0", b"\x81\x80", b"\x1a", b"\x1b"],
    ids=lambda b: b.hex(),
)
def test_cp932_suspect_bytes(base, tmp_path, monkeypatch, raw):
    content = base.read_bytes().replace("中央".encode("cp932"), raw, 1)
    path = tmp_path / base.name
    path.write_bytes(content)
    assert_same(path, monkeypatch)
    path.write_bytes(content + b"\x1a")  # DOS end-of-file mark
    assert_same(path, monkeypatch)


@pytest.mark.parametrize("make", [r[1] for r in REJECTIONS], ids=[r[0] for r in REJECTIONS])
def test_rejections(base, tmp_path, monkeypatch, make):
    path = tmp_path / base.name
    path.write_bytes(make(base.read_bytes().decode("cp932")))
    assert_same(path, monkeypatch)


def test_plain_path_takes_the_common_case(base):
    """The fast path is really taken for a well-formed file, and proves it trimmed."""
    content = base.read_bytes()
    encoding, pieces = ingest_text.decode_pieces(base, content)
    plain = cells._read_plain(ingest_text.utf8_of(content, encoding, pieces), pieces, ",")
    assert plain is not None
    assert plain[3] is True


def _big_text(base: Path) -> str:
    """The base fixture with its rows repeated past the 64 KiB head decode_text looks at first."""
    lines = _lines(base.read_bytes().decode("cp932"))
    header, rows = lines[0], [line for line in lines[1:] if line]
    return "\r\n".join([header] + rows * 300) + "\r\n"


@pytest.mark.parametrize("where", [100, 65534, 65535, 65536, 65537, 200_000])
def test_decode_head_check_gives_the_full_decode_errors(base, tmp_path, monkeypatch, where):
    text = _big_text(base)
    assert len(text.encode("utf-8")) > 200_010
    path = tmp_path / base.name
    for content in (text.encode("utf-8"), text.encode("cp932")):
        # a UTF-8 lead byte at `where` followed by a byte that continues no sequence
        bad = content[:where] + b"\xe3\x81" + b"\xff" + content[where + 3 :]
        path.write_bytes(bad)
        assert_same(path, monkeypatch)
    # a valid character across the head's end still decodes as UTF-8 (real lines repeated up
    # to near the head's end, then one cell padded: no cell over the 32,767-character cap)
    lines = _lines(text)
    at = lines[1].index("中央") + 2
    head = [lines[0]]
    while len(("\r\n".join([*head, lines[2]]) + "\r\n").encode("utf-8")) < (1 << 16) - 4096:
        head.append(lines[2])
    before = len(("\r\n".join(head) + "\r\n" + lines[1][:at]).encode("utf-8"))
    for k in (1, 2):  # '央' (3 bytes) starts 1 or 2 bytes before the cut
        padded = lines[1][:at] + "x" * ((1 << 16) - k - before) + "央" + lines[1][at:]
        edited = [*head, padded, *lines[1:]]
        content = "\r\n".join(edited).encode("utf-8")
        assert content[(1 << 16) - k : (1 << 16) - k + 3] == "央".encode()
        path.write_bytes(content)
        assert read_crime_file(path).encoding == "utf-8"
        assert_same(path, monkeypatch)
