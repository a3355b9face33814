"""Readable charts (issue 13, point 5): every value axis and colour scale says its unit, a colour
scale also the national value, and a tile map keeps its size on a phone. Built from frames, no
Streamlit."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboard import charts, maps, theme

MONTHLY = pl.DataFrame({"year_month": [date(2022, 1, 1), date(2022, 2, 1)],
                        "modus": ["ひったくり", "ひったくり"], "incidents": [3, 4]})
PLANS = pl.DataFrame({"level": ["prefecture"], "method": ["all"], "value": [47.0]})
GOVERNMENTS = {"prefecture": 47, "designated_city": 20, "municipality": 1_721}


@pytest.mark.parametrize(("figure", "axis", "title"), [
    (lambda: charts.crime_trend(MONTHLY, "ja"), "yaxis", "認知件数（件）"),
    (lambda: charts.crime_trend(MONTHLY, "en"), "yaxis", "Incidents (number)"),
    (lambda: charts.simple_bars(["路上"], [3], "ja"), "xaxis", "認知件数（件）"),
    (lambda: charts.stacked_bars(MONTHLY.with_columns(pl.lit("札幌").alias("station")),
                                 "station", "ja"), "xaxis", "認知件数（件）"),
    (lambda: charts.plan_counts_bar(PLANS, GOVERNMENTS, "ja"), "xaxis", "団体数に占める割合（%）"),
    (lambda: charts.indicator_trend(
        pl.DataFrame({"pref_code": ["00"], "period": ["2022年"], "period_year": [2022],
                      "value": [12.0]}), {"00": "全国"}, "ja", "%"), "yaxis", "値（%）"),
    (lambda: charts.indicator_trend(
        pl.DataFrame({"pref_code": ["00"], "period": ["2022年"], "period_year": [2022],
                      "value": [12.0]}), {"00": "Japan"}, "en", "persons"), "yaxis",
     "Value (persons)"),
])
def test_value_axes_say_their_unit(figure, axis, title) -> None:
    assert figure().layout[axis].title.text == title


def test_the_heatmap_scale_says_its_unit() -> None:
    heat = pl.DataFrame({"weekday": [1], "hour": [3], "incidents": [5]})
    assert charts.hour_weekday_heatmap(heat, "ja").data[0].colorbar.title.text == "認知件数（件）"


def _coverage() -> pl.DataFrame:
    codes = [f"{i:02d}" for i in range(1, 48)]
    return pl.DataFrame({"pref_code": codes, "value": [float(i) for i in range(47)]})


def test_a_tile_map_scale_has_its_unit_and_the_national_value_under_the_map() -> None:
    figure = maps.tile_grid(_coverage(), "value", value_label="市区町村の計画策定率",
                            scale_title=("%", "全国 43.5%"), zrange=(0, 100))
    [heat] = [trace for trace in figure.data if trace.type == "heatmap"]
    assert heat.colorbar.title.text == "%<br>全国 43.5%"
    # across, under the tiles: on a phone it does not take the map's width
    assert heat.colorbar.orientation == "h" and figure.layout.margin.r == 0
    assert heat.name == "市区町村の計画策定率"  # the hover still names the measure


def test_a_choropleth_scale_has_the_same_title_lines_escaped() -> None:
    figure = maps.choropleth(_coverage(), "value", scale_title=("<b>%</b>", "Japan 43.5%"))
    assert figure.layout.coloraxis.colorbar.title.text == "&lt;b&gt;%&lt;/b&gt;<br>Japan 43.5%"


def test_page_styles_keep_tile_maps_wide_and_tables_inside_the_page() -> None:
    assert "min-width:560px" in theme.WIDE_CHART_CSS and "overflow-x:auto" in theme.WIDE_CHART_CSS
    assert "[data-testid='stTable']{overflow-x:auto" in theme.TABLE_SCROLL_CSS
    # the figure's own title is hidden on the page only (the export draws a copy elsewhere)
    assert theme.CHART_TITLE_CSS.startswith("<style>[data-testid='stPlotlyChart'] ")


def test_a_long_bar_label_is_set_in_lines_not_cut() -> None:
    label = "Other housing (apartments of 3 storeys or fewer, etc.)"
    [bars] = charts.simple_bars([label, "Car or bicycle park"], [64, 309], "en").data
    assert list(bars.y) == ["Other housing<br>(apartments of 3<br>storeys or fewer,<br>etc.)",
                            "Car or bicycle park"]
    [japanese] = charts.simple_bars(["その他の住宅（3階建て以下共同住宅等）と<b>"], [1], "ja").data
    assert list(japanese.y) == ["その他の住宅（3階建て以下共同住宅等）と<br>&lt;b&gt;"]  # escaped
