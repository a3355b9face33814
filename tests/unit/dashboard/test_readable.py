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
    # a data table no wider than its column (its grid scrolls inside): tests/browser measures it
    assert "[data-testid='stDataFrame']{max-width:100% !important;}" in theme.TABLE_SCROLL_CSS
    # the figure's own title is hidden on the page only (the export draws a copy elsewhere)
    assert theme.CHART_TITLE_CSS.startswith("<style>[data-testid='stPlotlyChart'] ")


def test_a_long_bar_label_is_set_in_lines_not_cut() -> None:
    label = "Other housing (apartments of 3 storeys or fewer, etc.)"
    [bars] = charts.simple_bars([label, "Car or bicycle park"], [64, 309], "en").data
    assert list(bars.y) == ["Other housing<br>(apartments of 3<br>storeys or fewer,<br>etc.)",
                            "Car or bicycle park"]
    [japanese] = charts.simple_bars(["その他の住宅（3階建て以下共同住宅等）と<b>"], [1], "ja").data
    assert list(japanese.y) == ["その他の住宅（3階建て以下共同住宅等）と<br>&lt;b&gt;"]  # escaped


def test_long_english_legend_names_and_axis_titles_are_set_in_lines_for_a_phone() -> None:
    councils = pl.DataFrame({
        "series_id": ["municipal_council_members", "correctional_host_members"],
        "as_of_on": [date(2024, 4, 1), date(2024, 4, 1)], "value": [306.0, 101.0],
        "source": ["令和6年版再犯防止推進白書 第7章"] * 2})
    names = [trace.name for trace in charts.national_series(councils, "en").data]
    assert names == ["Members of the municipalities'<br>council for recidivism prevention",
                     "Members of the council of<br>municipalities hosting correctional"
                     "<br>facilities"]
    assert [trace.name for trace in charts.national_series(councils, "ja").data] == [
        "市町村再犯防止等推進会議の構成員（市区町村）",  # short enough for one line
        "矯正施設所在自治体会議の参加団体"]
    ranking = charts.ranking_bars(["Tottori"], [57.9], ["Chugoku"], 43.5, "Japan",
                                  "Municipal plan coverage (excl. designated cities) (%)")
    assert ranking.layout.xaxis.title.text == ("Municipal plan coverage (excl.<br>"
                                               "designated cities) (%)")
    assert ranking.layout.xaxis.automargin is True


def test_a_long_source_line_under_an_exported_chart_s_title_is_set_in_lines() -> None:
    note = ("出典：令和2年版犯罪白書、令和4年版再犯防止推進白書 第1章、"
            "令和6年版再犯防止推進白書 第7章（2024年4月1日現在） ・ サンプル<b>")
    figure = charts.with_provenance(charts.crime_trend(MONTHLY, "ja"), "推移", note)
    lines = figure.layout.title.subtitle.text.split("<br>")
    assert len(lines) == 3 and max(len(line) for line in lines) <= charts.NOTE_WIDTH // 2
    assert "".join(lines) == note.replace("<b>", "&lt;b&gt;")  # all of it, escaped
    assert figure.layout.margin.t == 50 + 15 * 3  # room above the plot for every line
    english = ("Source: White Paper on Crime 2020, White Paper on Recidivism Prevention 2022, "
               "chapter 1, White Paper on Recidivism Prevention 2024, chapter 7 (as of 2024-04-01)")
    lines = charts.wrapped_note(english).split("<br>")
    assert len(lines) == 3 and max(len(line) for line in lines) <= charts.NOTE_WIDTH
    assert charts.wrapped_note("Source: a short one") == "Source: a short one"


def test_on_a_phone_legends_and_the_heatmap_scale_lie_under_the_chart_not_beside_it() -> None:
    # beside the plot they took half of a 390 px chart (its month ticks set on end)
    trend = charts.crime_trend(MONTHLY, "en").layout.legend
    stations = charts.stacked_bars(MONTHLY.with_columns(pl.lit("札幌").alias("station")),
                                   "station", "ja").layout.legend
    for legend in (trend, stations):
        assert legend.orientation == "h" and legend.y < 0 and legend.yanchor == "top"
    heat = pl.DataFrame({"weekday": [1], "hour": [3], "incidents": [5]})
    scale = charts.hour_weekday_heatmap(heat, "en").data[0].colorbar
    assert scale.orientation == "h" and scale.y < 0 and scale.title.text == "Incidents (number)"


def test_bars_are_as_tall_as_their_longest_label_needs_and_counts_stay_level() -> None:
    places = ["Car or bicycle park", "Other", "On the road", "Housing", "Detached house",
              "Apartment building (4 storeys or more)",
              "Other housing (apartments of 3 storeys or fewer, etc.)"]  # 4 lines
    tall = charts.simple_bars(places, [1007, 479, 309, 300, 114, 74, 64], "en", height=320)
    assert tall.layout.height == 130 + 7 * (10 + 14 * 4)  # no two labels' lines overlap
    assert tall.data[0].textangle == 0  # a count is never set on end in a thin bar
    short = charts.simple_bars(["路上", "住宅"], [3, 2], "ja", height=320)
    assert short.layout.height == 320
    plans = charts.plan_counts_bar(PLANS, GOVERNMENTS, "ja")
    assert {bar.textangle for bar in plans.data} == {0}
    assert plans.layout.uniformtext.mode == "hide"  # too narrow a segment: in the table only
