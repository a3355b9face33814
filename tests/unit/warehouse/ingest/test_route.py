"""Routing a delivered file by its first row: what is no table at all is rejected first."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.errors import RejectedFile
from warehouse.ingest.route import parse_file


@pytest.mark.parametrize("content", [b"", b" ", b"\r\n\r\n", b"\t \r\n\x0b\x0c\n"],
                         ids=["empty", "a space", "blank lines", "only blanks"])
def test_a_file_of_nothing_but_blanks_is_rejected_as_empty(tmp_path: Path,
                                                           content: bytes) -> None:
    path = tmp_path / "hokkaido_2018hittakuri.csv"
    path.write_bytes(content)
    with pytest.raises(RejectedFile) as info:
        parse_file(path)
    assert info.value.code == "empty_file"
    assert info.value.path == path


def test_a_file_with_one_character_after_blanks_is_not_empty(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(b"\r\n  x\r\n")
    with pytest.raises(RejectedFile) as info:
        parse_file(path)
    assert info.value.code == "unknown_header"  # read as a table whose header is blank
