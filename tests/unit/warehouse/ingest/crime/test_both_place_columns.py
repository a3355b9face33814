"""Both 発生場所 and 発生場所の属性 in one crime file (issue 12, point 3): both are kept, with a
finding, from the reader through raw, stg and core to mart.crime_by_place_type."""

from __future__ import annotations

from pathlib import Path

import pytest

from warehouse import db
from warehouse.ingest.crime.read import read_crime_file
from warehouse.run import run_pipeline
from warehouse.settings import Settings


def both_columns(base: Path, target: Path, *, attribute_first: bool) -> Path:
    """The real file with a second place column: 発生場所 (from the file's 発生場所の属性) and
    発生場所の属性 holding 路上 on every line."""
    lines = base.read_bytes().decode("cp932").split("\r\n")
    header = lines[0].replace("発生場所の属性", "発生場所")
    if attribute_first:
        lines = ["発生場所の属性," + header] + ["路上," + line for line in lines[1:] if line]
    else:
        lines = [header + ",発生場所の属性"] + [line + ",路上" for line in lines[1:] if line]
    target.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return target


@pytest.mark.parametrize("attribute_first", [False, True])
def test_both_place_columns_are_kept(base: Path, tmp_path: Path, attribute_first: bool) -> None:
    plain = read_crime_file(base)
    path = both_columns(base, tmp_path / base.name, attribute_first=attribute_first)
    result = read_crime_file(path)
    assert result.frame["place_type"].to_list() == plain.frame["place_type"].to_list()
    assert result.frame["place_attribute"].to_list() == ["路上"] * plain.row_count
    [finding] = [f for f in result.findings if f.code == "place_type_twice"]
    assert finding.column == "発生場所の属性"
    assert "kept beside it" in finding.message
    assert plain.frame["place_attribute"].null_count() == plain.row_count  # one column: null


def test_both_place_columns_reach_the_mart(settings: Settings, base: Path) -> None:
    settings.inbox.mkdir(parents=True)
    both_columns(base, settings.inbox / base.name, attribute_first=False)
    assert run_pipeline(settings).status == "published"
    con = db.open_published(settings.warehouse, settings.crime_store)
    try:
        rows = con.execute("select place_attribute, sum(incidents) from "
                           "mart.crime_by_place_type group by all").fetchall()
        raw = con.execute("select count(*) from raw.crime_incident where place_attribute = '路上' "
                          "and place_type is not null").fetchall()
    finally:
        con.close()
    assert rows == [("路上", read_crime_file(base).row_count)]
    assert raw[0][0] > 0
