"""True reasons on the whole real file, not only on trimmed ones (issue 12, point 4): the
first look at a file (routing) must not stand in for the reader's precise reason when the
damage lies past its first 8 or 64 KB."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse.errors import RejectedFile
from warehouse.ingest.route import parse_file

BICYCLE = "hokkaido_2018zitensyatou.csv"


def nul_at_line(data: bytes, line: int) -> bytes:
    lines = data.split(b"\r\n")
    lines[line - 1] = lines[line - 1][:10] + b"\x00" + lines[line - 1][10:]
    return b"\r\n".join(lines)


@pytest.mark.parametrize(("damage", "says", "line"), [
    # CR-only: the 64 KB head holds no LF and is cut inside a character; before, "truncated"
    (lambda d: d.replace(b"\r\n", b"\r"), "the lines end with a CR alone", 1),
    # a NUL within the first 8 KB; before, "binary" on line 1
    (lambda d: nul_at_line(d, 5), "a NUL byte (0x00) at line 5", 5),
    (lambda d: nul_at_line(d, 3000), "a NUL byte (0x00) at line 3000", 3000),
])
def test_damage_in_a_whole_real_file_gets_its_true_reason(hokkaido_dir: Path, tmp_path: Path,
                                                         damage, says: str, line: int) -> None:
    path = tmp_path / BICYCLE
    path.write_bytes(damage((hokkaido_dir / BICYCLE).read_bytes()))
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    assert says in rejected.value.reason and rejected.value.line == line
    assert "binary, not a CSV" not in rejected.value.reason
    assert "truncated" not in rejected.value.reason


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,  # an image
    "罪名,手口\r\n窃盗,自転車盗\r\n".encode("utf-16"),  # UTF-16 text
    b"\x00\x00\x00\x18ftypmp42",  # a video, NUL in the first line
])
def test_binary_files_are_still_called_binary(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "delivery.csv"
    path.write_bytes(content)
    with pytest.raises(RejectedFile, match="binary"):
        parse_file(path)


def test_a_nul_in_a_template_csv_is_named_with_its_line(tmp_path: Path) -> None:
    text = ("計画,指標番号,指標名,都道府県,期間,値,単位\r\n"
            "第二次,1-1,刑法犯検挙者中の再犯者率,北海道,2021年,56.9,%\r\n"
            "第二次,1-1,刑法犯検挙者中の再犯者率,北海\x00道,2022年,56.3,%\r\n")
    path = tmp_path / "indicators.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    with pytest.raises(RejectedFile) as rejected:
        parse_file(path)
    assert rejected.value.line == 3 and "NUL byte" in rejected.value.reason
