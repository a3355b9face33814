"""Shipped map data (data/geo) and the Plotly map builders of the dashboard/maps package."""

from __future__ import annotations

import json
import math

import plotly.graph_objects as go
import polars as pl
import pytest

from dashboard import maps, theme
from dashboard.maps import geo
from dashboard.maps.tile_grid import latin_label, tile_fill
from warehouse import resources

CODES = [f"{i:02d}" for i in range(1, 48)]
MAX_GEOJSON_BYTES = 400_000


def _signed_area(ring: list[list[float]]) -> float:
    """Shoelace area; negative for clockwise rings (lon/lat plane)."""
    return 0.5 * sum(
        x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring[:-1], ring[1:], strict=True)
    )


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    """Polygon rings of a Polygon or MultiPolygon geometry."""
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    assert geometry["type"] == "MultiPolygon"
    return geometry["coordinates"]


def _frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "pref_code": CODES,
            "value": [float(i) * 1.5 for i in range(47)],
            "joined": [i % 3 != 0 for i in range(47)],
            "count": list(range(100, 147)),
        }
    )


# --- data files --------------------------------------------------------------------------


def test_geojson_has_47_prefectures_with_codes() -> None:
    gj = maps.load_prefecture_geojson()
    assert gj["type"] == "FeatureCollection"
    codes = [f["properties"]["pref_code"] for f in gj["features"]]
    assert codes == CODES
    assert all(f["properties"]["name_ja"] and f["properties"]["name_en"] for f in gj["features"])


def test_geojson_geometries_are_valid_polygons() -> None:
    shapely = pytest.importorskip("shapely.geometry")
    for feature in maps.load_prefecture_geojson()["features"]:
        geom = shapely.shape(feature["geometry"])
        assert geom.geom_type in ("Polygon", "MultiPolygon")
        assert geom.is_valid, feature["properties"]["pref_code"]
        assert geom.area > 0
        # Japan: lon 122-154, lat 20-46
        minx, miny, maxx, maxy = geom.bounds
        assert 122 < minx < maxx < 154
        assert 20 < miny < maxy < 46


def test_geojson_rings_closed_and_wound_for_plotly() -> None:
    # plotly.js (d3-geo) wants clockwise exterior rings; the other way round a
    # polygon is read as "the whole globe minus this shape".
    for feature in maps.load_prefecture_geojson()["features"]:
        for rings in _polygons(feature["geometry"]):
            for i, ring in enumerate(rings):
                assert len(ring) >= 4 and ring[0] == ring[-1]
                area = _signed_area(ring)
                assert (area < 0) if i == 0 else (area > 0)


def test_geojson_centroids_in_the_right_place() -> None:
    shapely = pytest.importorskip("shapely.geometry")
    feats = {f["properties"]["pref_code"]: f for f in maps.load_prefecture_geojson()["features"]}
    # a point inside the prefecture's main island (its capital, roughly)
    capitals = {
        "01": (141.35, 43.06),
        "13": (139.69, 35.69),
        "27": (135.52, 34.69),
        "40": (130.42, 33.61),
        "47": (127.68, 26.21),
    }
    for code, (lon, lat) in capitals.items():
        assert shapely.shape(feats[code]["geometry"]).contains(shapely.Point(lon, lat)), code


def test_geojson_file_size_limit() -> None:
    assert geo.geojson_path().stat().st_size < MAX_GEOJSON_BYTES


def test_tile_grid_unique_codes_and_cells() -> None:
    tiles = maps.load_tile_grid()
    assert [t.pref_code for t in tiles] == CODES
    cells = [(t.row, t.col) for t in tiles]
    assert len(set(cells)) == 47
    assert all(t.row >= 1 and t.col >= 1 and t.label_ja and t.label_en for t in tiles)


def test_tile_grid_neighbours_roughly_adjacent() -> None:
    pos = {t.pref_code: (t.row, t.col) for t in maps.load_tile_grid()}

    def dist(a: str, b: str) -> int:
        return max(abs(pos[a][0] - pos[b][0]), abs(pos[a][1] - pos[b][1]))

    for a, b in [
        ("02", "03"),
        ("13", "11"),
        ("13", "14"),
        ("27", "28"),
        ("40", "41"),
        ("37", "38"),
        ("23", "22"),
        ("26", "25"),
    ]:
        assert dist(a, b) == 1, (a, b)
    # Okinawa: lower left, near Kyushu
    assert pos["47"][0] == max(r for r, _ in pos.values())
    assert pos["47"][1] == min(c for _, c in pos.values())
    assert dist("47", "46") <= 2


# --- figures -----------------------------------------------------------------------------


def _choropleth_values(fig: go.Figure) -> dict[str, float]:
    """pref_code -> z over the data (non-missing) Choropleth traces."""
    out: dict[str, float] = {}
    for tr in fig.data:
        if isinstance(tr, go.Choropleth) and tr.name != "–":
            for code, z in zip(tr.locations, tr.z, strict=True):
                assert code not in out
                out[code] = z
    return out


def test_choropleth_continuous_has_47_locations_and_values() -> None:
    frame = _frame()
    fig = maps.choropleth(frame, "value", title="t", hover_cols={"count": "件数"})
    got = _choropleth_values(fig)
    assert sorted(got) == CODES
    expected = dict(zip(frame["pref_code"], frame["value"], strict=True))
    assert all(math.isclose(got[c], expected[c]) for c in CODES)
    assert fig.layout.geo.fitbounds == "locations" and fig.layout.geo.visible is False
    assert fig.layout.coloraxis.colorscale  # Cividis by default
    assert fig.layout.geo2.fitbounds == "locations"  # Okinawa inset
    okinawa = [tr for tr in fig.data if isinstance(tr, go.Choropleth) and tr.geo == "geo2"]
    assert [list(tr.locations) for tr in okinawa] == [["47"]]
    hover = next(
        tr.hovertext for tr in fig.data if isinstance(tr, go.Choropleth) and "13" in tr.locations
    )
    assert any("東京都" in h and "件数" in h for h in hover)
    # the first trace of each geo keeps plotly.js from fetching topojson (offline-safe)
    firsts = {}
    for tr in fig.data:
        firsts.setdefault(tr.geo or "geo", tr)
    assert all(isinstance(tr, go.Scattergeo) for tr in firsts.values())


def test_choropleth_pandas_and_int_codes() -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"pref_code": list(range(1, 48)), "v": list(range(47))})
    got = _choropleth_values(maps.choropleth(frame, "v", okinawa_inset=False, lang="en"))
    assert got == {c: float(i) for i, c in enumerate(CODES)}


def test_choropleth_categorical_okabe_ito_and_missing() -> None:
    frame = _frame().filter(pl.col("pref_code") != "13")
    fig = maps.choropleth(
        frame,
        "joined",
        categorical=True,
        category_labels={True: "yes", False: "no"},
        missing_label="–",
    )
    legend = [tr for tr in fig.data if isinstance(tr, go.Choropleth) and tr.showlegend]
    assert [tr.name for tr in legend] == ["yes", "no"]
    assert [tr.colorscale[0][1] for tr in legend] == ["#0072B2", "#E69F00"]
    by_cat = {c: tr.name for tr in fig.data if isinstance(tr, go.Choropleth) for c in tr.locations}
    assert sorted(by_cat) == CODES
    assert by_cat["13"] == "–"
    for row in frame.iter_rows(named=True):
        assert by_cat[row["pref_code"]] == ("yes" if row["joined"] else "no")


def test_choropleth_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        maps.choropleth(pl.DataFrame({"pref_code": ["01", "01"], "v": [1, 2]}), "v")
    with pytest.raises(ValueError):
        maps.choropleth(pl.DataFrame({"pref_code": ["48"], "v": [1]}), "v")
    with pytest.raises(KeyError):
        maps.choropleth(pl.DataFrame({"pref_code": ["01"]}), "v")


def _tile_values(fig: go.Figure) -> dict[str, float]:
    """pref_code -> z of the value heatmap (missing layer excluded)."""
    out: dict[str, float] = {}
    for tr in fig.data:
        if isinstance(tr, go.Heatmap) and tr.name != "–":
            for zrow, crow in zip(tr.z, tr.customdata, strict=True):
                for z, code in zip(zrow, crow, strict=True):
                    if z is not None:
                        out[code] = z
    return out


def test_tile_grid_has_47_tiles_and_values() -> None:
    frame = _frame()
    fig = maps.tile_grid(frame, "value", title="t")
    got = _tile_values(fig)
    expected = dict(zip(frame["pref_code"], frame["value"], strict=True))
    assert sorted(got) == CODES
    assert all(math.isclose(got[c], expected[c]) for c in CODES)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.xaxis.visible is False
    labels = next(tr for tr in fig.data if isinstance(tr, go.Scatter) and tr.mode == "text")
    assert {"北海道", "東京", "沖縄"} <= set(labels.text)
    assert len(labels.text) == 47


def test_tile_grid_categorical_and_missing() -> None:
    frame = _frame().filter(~pl.col("pref_code").is_in(["27", "47"]))
    fig = maps.tile_grid(
        frame, "joined", categorical=True, lang="en", category_labels={True: "yes", False: "no"}
    )
    got = _tile_values(fig)
    assert len(got) == 45 and "27" not in got
    missing = next(tr for tr in fig.data if isinstance(tr, go.Heatmap) and tr.name == "–")
    missing_codes = {
        c
        for zrow, crow in zip(missing.z, missing.customdata, strict=True)
        for z, c in zip(zrow, crow, strict=True)
        if z is not None
    }
    assert missing_codes == {"27", "47"}
    legend = [tr.name for tr in fig.data if isinstance(tr, go.Scatter)]
    assert legend == ["yes", "no"]
    texts = {t for tr in fig.data if isinstance(tr, go.Heatmap) for row in tr.text for t in row}
    assert "Hokkai-<br>do" in texts  # broken in two to fit its tile


def test_figures_serialise() -> None:
    for fig in (maps.choropleth(_frame(), "value"), maps.tile_grid(_frame(), "value")):
        json.loads(fig.to_json())


def test_a_style_object_draws_what_the_same_options_draw() -> None:
    style = maps.MapStyle(categorical=True, category_labels={True: "yes", False: "no"}, lang="en")
    for draw in (maps.choropleth, maps.tile_grid):
        by_object = draw(_frame(), "joined", style=style)
        by_options = draw(_frame(), "joined", categorical=True,
                          category_labels={True: "yes", False: "no"}, lang="en")
        assert by_object.to_json() == by_options.to_json()
        overridden = draw(_frame(), "joined", style=style, category_labels={True: "Y", False: "N"})
        assert {tr.name for tr in overridden.data if tr.showlegend} == {"Y", "N"}


def test_an_unknown_map_option_is_refused() -> None:
    with pytest.raises(TypeError):
        maps.tile_grid(_frame(), "value", colour_scale="Viridis")


def test_map_data_is_found_through_the_resources_module() -> None:
    assert geo.geojson_path().parent == resources.geo_dir()
    assert geo.tile_grid_path().parent == resources.geo_dir()


@pytest.mark.parametrize(("fill", "label", "ratio"), [
    ("#FFFFFF", "#000000", 21.0),
    ("#000000", "#FFFFFF", 21.0),
    ("#777777", "#000000", 4.69),  # white on #777 is the well-known 4.48:1
    ("rgb(125, 124, 118)", "#000000", 5.02),  # Cividis' middle: white would be 4.19:1
    ("#0072B2", "#FFFFFF", 5.19),  # Okabe-Ito blue
    ("#E69F00", "#000000", 9.32),  # Okabe-Ito orange: not white (2.25:1)
])
def test_label_colour_is_the_one_with_the_higher_wcag_contrast(fill, label, ratio) -> None:
    assert theme.label_colour(fill) == label
    assert theme.contrast_ratio(label, fill) == pytest.approx(ratio, abs=0.01)


def _label_contrasts(fig: go.Figure) -> list[float]:
    """The contrast of every tile label against the fill it is drawn on."""
    out = []
    for tr in fig.data:
        if isinstance(tr, go.Scatter) and tr.mode == "text":  # labels of a numeric map
            value = next(h for h in fig.data if isinstance(h, go.Heatmap) and h.showscale
                         is not False)
            lo, hi = value.zmin, value.zmax
            z = {(r, c): v for r, row in enumerate(value.z, 1) for c, v in enumerate(row, 1)}
            for x, y, colour in zip(tr.x, tr.y, tr.textfont.color, strict=True):
                fill = tile_fill(z[(y, x)], lo, hi, value.colorscale)
                out.append(theme.contrast_ratio(colour, fill))
        elif isinstance(tr, go.Heatmap) and tr.textfont.color:  # a category's layer
            out.append(theme.contrast_ratio(tr.textfont.color, tr.colorscale[0][1]))
    return out


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_tile_label_reads_at_4_5_to_1(lang) -> None:
    numeric = maps.tile_grid(_frame(), "value", lang=lang)
    contrasts = _label_contrasts(numeric)
    assert len(contrasts) == 47 and min(contrasts) >= 4.5
    categorical = maps.tile_grid(_frame(), "joined", categorical=True, lang=lang,
                                 category_labels={True: "yes", False: "no"})
    contrasts = _label_contrasts(categorical)
    assert len(contrasts) == 2 and min(contrasts) >= 4.5


def test_english_tile_labels_are_set_smaller_than_japanese() -> None:
    sizes = {lang: next(tr for tr in maps.tile_grid(_frame(), "value", lang=lang).data
                        if isinstance(tr, go.Scatter)).textfont.size for lang in ("ja", "en")}
    assert sizes["en"] < sizes["ja"]


@pytest.mark.parametrize(("name", "label"), [
    ("Tokyo", "Tokyo"),
    ("Okinawa", "Okinawa"),  # seven letters fit
    ("Hokkaido", "Hokkai-<br>do"),  # not "lokkaid", and not inside "kai"
    ("Kagoshima", "Kago-<br>shima"),
    ("Shizuoka", "Shi-<br>zuoka"),
])
def test_long_english_tile_labels_break_after_a_syllable(name, label) -> None:
    assert latin_label(name) == label


def test_english_tiles_carry_the_broken_labels() -> None:
    labels = next(tr for tr in maps.tile_grid(_frame(), "value", lang="en").data
                  if isinstance(tr, go.Scatter)).text
    assert "Hokkai-<br>do" in labels
    assert max(len(line) for text in labels for line in text.split("<br>")) <= 7


def test_english_labels_given_by_the_page_are_broken_too_and_stay_escaped() -> None:
    frame = _frame().with_columns(label=pl.Series(["Kagoshima", "A<br>B"] + ["x"] * 45))
    # as the pages call it: English names in text_col, the style's language left alone
    fig = maps.tile_grid(frame, "joined", text_col="label", categorical=True,
                         category_labels={True: "yes", False: "no"})
    texts = {t for tr in fig.data if isinstance(tr, go.Heatmap) for row in tr.text for t in row}
    assert "Kago-<br>shima" in texts
    assert "A&lt;br&gt;B" in texts  # delivered text is never markup
    sizes = {tr.textfont.size for tr in fig.data if isinstance(tr, go.Heatmap)}
    assert sizes == {9}  # romanised labels are set smaller than kanji (11)
    japanese = maps.tile_grid(_frame(), "joined", categorical=True,
                              category_labels={True: "yes", False: "no"})
    assert {tr.textfont.size for tr in japanese.data if isinstance(tr, go.Heatmap)} == {11}
