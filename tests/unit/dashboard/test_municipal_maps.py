"""Municipal and ward maps and the estimated police-station areas (推定管轄): the joins of
counts to areas, the station areas against mart.police_station_area, the figures (credit on
the map, delivered names inert, under 1 MB) and the pages, on the real boundary files and the
real Hokkaido police files (both read in place from ../shared/data)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from dashboard.i18n import t
from dashboard.maps import MapStyle
from dashboard.maps import municipal as areas
from tests.unit.dashboard.conftest import app_on
from warehouse import boundaries


@pytest.fixture(scope="module")
def found(geo_dir: Path, geo_cache: Path) -> boundaries.Boundaries:
    return boundaries.load(geo_dir, geo_cache)


def test_counts_go_to_their_ward_or_to_a_city_drawn_whole(found) -> None:
    shizuoka = boundaries.prefecture_features(found, "22", by_ward=True)
    # 静岡市 is drawn by ward; 浜松市 whole (its 2024 wards have no boundary in N03-2021).
    placed = areas.place({"221015": 2, "221384": 3, "221007": 4, None: 1}, shizuoka)
    assert placed.values == {"221015": 2, "221309": 3}
    assert placed.unplaced == 5  # 静岡市's own code (drawn by ward) and a blank code


def station_rows(home) -> list[dict]:
    with duckdb.connect(str(home.warehouse), read_only=True) as con:
        return [dict(zip(("police_station", "lg_code", "incidents", "is_main_station"), r,
                         strict=True))
                for r in con.execute(
                    "select police_station, lg_code, incidents, is_main_station "
                    "from mart.police_station_area where pref_code = '01'").fetchall()]


def test_station_areas_are_the_marts_main_stations_drawn_as_one_shape(
        found, hokkaido_sample_home) -> None:
    rows = station_rows(hokkaido_sample_home)
    features = boundaries.prefecture_features(found, "01", by_ward=True)
    estimated = areas.station_areas(rows, features)
    drawn = {f["id"] for f in features}
    # Every Hokkaido code is drawn as it is (Sapporo by ward), so the map's areas are exactly
    # the mart's is_main_station rows.
    from_mart = {}
    for row in rows:
        if row["is_main_station"] and row["lg_code"] in drawn:
            from_mart.setdefault(row["police_station"], []).append(row["lg_code"])
    assert {s: sorted(c) for s, c in estimated.areas.items()} == \
        {s: sorted(c) for s, c in from_mart.items()}
    assert estimated.areas["中央"] == ["011011"]  # 札幌市中央区
    assert len(estimated.features) == len(estimated.stations) == len(from_mart)
    assert estimated.undrawn == sorted({r["police_station"] for r in rows} - set(from_mart))


def test_a_prefecture_map_carries_the_credit_keeps_names_inert_and_stays_under_1_mb(
        found) -> None:
    features = boundaries.prefecture_features(found, "01", by_ward=True)
    values = {f["id"]: i for i, f in enumerate(features)}
    hover = {f["id"]: areas.hover_lines("<b onmouseover=x>署</b>", [("件数", "1")])
             for f in features}
    figure = areas.area_map(features, values, hover, style=MapStyle(value_label="件数"),
                            credit=t("municipal_credit", "ja"))
    sent = figure.to_json()
    assert len(sent.encode()) < 1_000_000
    credit = figure.layout.annotations[0].text
    # The whole credit line, in three lines (Plotly does not wrap; a narrow map would cut it).
    assert credit.startswith("出典：デジタル庁") and credit.endswith("を加工して作成")
    assert credit.count("<br>") == 2
    assert "<b onmouseover" not in sent and "&lt;b onmouseover=x&gt;" in sent
    # An empty Scattergeo first: plotly.js then draws offline (data/geo/SOURCE.md).
    assert figure.data[0].type == "scattergeo" and not figure.data[0].lon


def chart_keys(at) -> str:
    return " ".join(c.proto.id for c in at.get("plotly_chart"))


def test_crime_page_draws_wards_and_estimated_station_areas_with_the_method(
        hokkaido_sample_home, geo_dir, geo_cache, monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_GEO_DIR", str(geo_dir))
    monkeypatch.setenv("SAIHAN_SUPPRESS_BELOW", "crime_open_data=3")
    at = app_on(hokkaido_sample_home, monkeypatch)("views/crime.py", pref="01")
    keys = chart_keys(at)
    assert "crime_municipal_map" in keys and "station_map" in keys
    captions = [c.value for c in at.caption]
    assert t("station_method", "ja") in captions
    assert captions.count(t("municipal_credit", "ja")) == 2  # under each map
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
             if "station_map" in c.proto.id]
    hover = " ".join(" ".join(trace.get("hovertext") or []) for trace in specs[0]["data"])
    assert "中央（推定管轄）" in hover and "札幌市中央区" in hover
    # Small counts are hidden as in the extracts, on the maps and in the station table (its
    # share would give the count back).
    [stations] = [d.value for d in at.dataframe
                  if {"警察署", "推定管轄に含む"} <= set(d.value.columns)]
    counts = set(stations["件数"].astype(str))
    assert "X" in counts and not counts & {"1", "2"}
    hidden = stations[stations["件数"].astype(str) == "X"]
    assert hidden["署の件数に占める割合（%）"].isna().all()
    municipal = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "crime_municipal_map" in c.proto.id][0]
    shown = {text.rsplit(": ", 1)[-1] for trace in municipal["data"]
             for text in trace.get("hovertext") or []}
    assert "X" in shown and not shown & {"1", "2"}


def test_plans_page_maps_every_municipality_of_japan(sample_home, geo_dir, geo_cache,
                                                    monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_GEO_DIR", str(geo_dir))
    at = app_on(sample_home, monkeypatch)("views/plans.py")
    [spec] = [json.loads(c.proto.spec) for c in at.get("plotly_chart")
              if "plans_municipal_map" in c.proto.id]
    drawn = {f["id"] for trace in spec["data"][1:] for f in trace["geojson"]["features"]}
    assert len(drawn) == 1_747
    legend = {trace.get("name") for trace in spec["data"][1:] if trace.get("showlegend")}
    assert {"策定済", "未策定"} <= legend  # the statuses of the (sample) plan records
    assert not at.info


def test_without_boundary_files_the_page_says_why_and_keeps_its_prefecture_maps(
        sample_home, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SAIHAN_GEO_DIR", str(tmp_path / "no-boundaries"))
    at = app_on(sample_home, monkeypatch)("views/progress.py", pref="40")
    assert [i.value for i in at.info] == [t("municipal_missing", "ja")]
    assert str(tmp_path) not in at.info[0].value  # no server path on a page
    assert "progress_municipal_map" not in chart_keys(at)
