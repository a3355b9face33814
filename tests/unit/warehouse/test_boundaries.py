"""The public municipal and ward boundaries (read in place from ../shared/data/geo) checked
against the bundled local-government list: what can be drawn, each difference and how it is
handled, a broken file named with its line and column, the prepared copy, and
``saihan geo check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import invoke
from warehouse import boundaries
from warehouse.boundary_text import GeoFileError


@pytest.fixture(scope="module")
def found(geo_dir: Path, geo_cache: Path) -> boundaries.Boundaries:
    return boundaries.load(geo_dir, geo_cache)


def test_every_municipality_of_the_reference_list_can_be_drawn(found) -> None:
    # 1,741 municipalities and the six villages of the Northern Territories (both lists have
    # them); Sapporo drawn by its 10 wards, Hamamatsu (wards reorganised in 2024) whole.
    assert len(found.municipalities) == 1_747
    assert found.municipalities["131016"]["properties"]["name"] == "千代田区"
    sapporo = [c for c in found.wards if boundaries.city_of(c) == "011002"]
    assert len(sapporo) == 10 and "011002" in found.cities_by_ward
    assert "221309" not in found.cities_by_ward and len(found.cities_by_ward) == 19


def test_each_difference_from_the_reference_list_says_how_it_is_handled(found) -> None:
    differences = {(d.source, d.lg_code): (d.kind, d.handling) for d in found.differences}
    # N03-2021 still has Hamamatsu's seven old wards; the reference list (2024-01-01) has its
    # three new ones.
    assert differences[("wards", "221317")] == ("not_in_reference", "dropped")
    assert differences[("wards", "221384")] == ("not_in_file", "city_whole")
    assert differences[("municipal", "394050")] == ("name_differs", "drawn_by_code")  # 檮原町
    assert len(differences) == 11


def test_a_prefecture_is_light_enough_to_send_and_drawn_clockwise(found) -> None:
    hokkaido = boundaries.prefecture_features(found, "01", by_ward=True)
    assert len(hokkaido) == 179 - 1 + 10 + 6  # 179 municipalities (Sapporo as 10 wards), 6 NT
    assert len(json.dumps(hokkaido, ensure_ascii=False).encode()) < 1_000_000
    ring = hokkaido[0]["geometry"]["coordinates"][0]
    ring = ring[0] if hokkaido[0]["geometry"]["type"] == "MultiPolygon" else ring
    # Shoelace: negative area = clockwise, what plotly.js fills inside (not the whole globe).
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False))
    assert area < 0


def test_all_of_japan_is_simplified_under_one_megabyte(found) -> None:
    japan = boundaries.japan_features(found)
    assert len(japan) == 1_747
    assert len(json.dumps(japan, ensure_ascii=False).encode()) < 1_000_000


def test_the_prepared_copy_is_read_back_and_belongs_to_the_files_contents(
        found, geo_dir: Path, geo_cache: Path, tmp_path: Path) -> None:
    [prepared] = geo_cache.glob("boundaries-*.json")
    again = boundaries._from_cache(found.files, prepared)
    assert again == found
    # Other contents under the same names get another prepared copy, never this one.
    copy = tmp_path / "geo"
    copy.mkdir()
    data = (geo_dir / "digital-agency-2025" / boundaries.MUNICIPAL_FILE).read_bytes()
    (copy / boundaries.MUNICIPAL_FILE).write_bytes(data + b"\n")
    assert boundaries._digest(boundaries.find_files(copy)) not in prepared.name


def test_a_cut_off_download_is_named_with_its_line_and_column(geo_dir: Path,
                                                              tmp_path: Path) -> None:
    data = (geo_dir / "digital-agency-2025" / boundaries.MUNICIPAL_FILE).read_bytes()
    (tmp_path / boundaries.MUNICIPAL_FILE).write_bytes(data[:5000])
    with pytest.raises(GeoFileError) as raised:
        boundaries.load(tmp_path)
    ja, en = raised.value.text("ja"), raised.value.text("en")
    assert str(tmp_path / boundaries.MUNICIPAL_FILE) in ja
    assert "1 行 5001 列目" in ja and "取得し直して" in ja
    assert "line 1, column 5001" in en and "Download it again" in en


def test_geo_check_reports_the_differences_and_exits_1_without_files(
        geo_dir: Path, geo_cache: Path, tmp_path: Path) -> None:
    result = invoke(tmp_path / "home", "geo", "check", SAIHAN_GEO_DIR=str(geo_dir))
    assert result.exit_code == 0, result.output
    assert "浜松市中区: 参照リストにない → 描画しない" in result.output
    assert "浜松市中央区: not in the boundary file → its designated city is drawn whole" \
        in result.output
    as_json = json.loads(invoke(tmp_path / "home", "geo", "check", "--json",
                                SAIHAN_GEO_DIR=str(geo_dir)).output)
    assert (as_json["municipalities"], len(as_json["differences"])) == (1_747, 11)
    empty = invoke(tmp_path / "home", "geo", "check", SAIHAN_GEO_DIR=str(tmp_path / "none"))
    assert empty.exit_code == 1
    assert "ja_municipality_area.json が見つかりません" in empty.output
    assert "not found (maps stay at prefecture level)" in empty.output
