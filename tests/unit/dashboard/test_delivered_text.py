"""Delivered text stays text, and time runs left to right.

Names of places, plans, stations and indicators come from the files people deliver. A warehouse
whose marts hold hostile values (an HTML link, a styled overlay, a Markdown image) must render
them as the same characters: never a live link in a Plotly chart, never an image the browser
fetches. Indicator years are numbers on a linear axis, sorted, whatever order rows come in.
"""

from __future__ import annotations

import json
import re
from datetime import date

import duckdb
import polars as pl
import pytest

from dashboard import charts, maps
from dashboard.safe import markdown_text, plotly_text
from tests.conftest import private_copy
from tests.unit.dashboard.conftest import app_on
from warehouse.settings import Settings

LINK = '<a href="https://evil.example/">駅前</a>'
OVERLAY = '<b style="position:fixed;inset:0;font-size:99px">偽の見出し</b>'
IMAGE = "![x](https://evil.example/pixel.png)"

# an unescaped tag, or a Markdown image / link not preceded by a backslash
LIVE_TAG = re.compile(r"<(a|b|img|span|br)\b", re.IGNORECASE)
LIVE_MARKDOWN = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\)<[a-z]", re.IGNORECASE)


# --- pure pieces ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (LINK, '&lt;a href="https://evil.example/"&gt;駅前&lt;/a&gt;'),
    ("A & B", "A &amp; B"),
    (None, ""),
    ("駐車場", "駐車場"),
])
def test_plotly_text_escapes_html(value, expected) -> None:
    assert plotly_text(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (IMAGE, r"\!\[x\](https\://evil.example/pixel.png)"),
    ("<b>x</b>", r"\<b\>x\</b\>"),
    ("# 見出し", r"\# 見出し"),
    ("1. 計画", r"1\. 計画"),
    ("第2次再犯防止推進計画（2023年度）", "第2次再犯防止推進計画（2023年度）"),
    ("a\nb", "a b"),
    (None, ""),
])
def test_markdown_text_leaves_no_markup(value, expected) -> None:
    assert markdown_text(value) == expected


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for v in node.values() for s in _strings(v)]
    if isinstance(node, list | tuple):
        return [s for v in node for s in _strings(v)]
    return []


def test_charts_escape_delivered_labels() -> None:
    crime = pl.DataFrame({"place_type": [LINK, "道路上"], "modus": ["ひったくり"] * 2,
                          "incidents": [3, 2]})
    figures = [
        charts.stacked_bars(crime, "place_type", "ja"),
        charts.simple_bars([OVERLAY], [1.0], "ja"),
        maps.tile_grid(pl.DataFrame({"pref_code": ["13"], "value": [1.0], "label": [LINK]}),
                       "value", text_col="label", value_label=OVERLAY),
        charts.ranking_bars([LINK], [1.0], [OVERLAY], 1.0, OVERLAY, LINK),
    ]
    for figure in figures:
        texts = _strings(figure.to_plotly_json()["data"])
        assert not [s for s in texts if LIVE_TAG.search(s.replace("<b>", "").replace("<br>", ""))]
        assert any("&lt;" in s for s in texts)


def _indicator_rows(periods: list[tuple[str, int]]) -> pl.DataFrame:
    return pl.DataFrame({
        "pref_code": ["00"] * len(periods) + ["13"] * len(periods),
        "period": [p for p, _ in periods] * 2,
        "period_year": [y for _, y in periods] * 2,
        "value": [float(i) for i in range(2 * len(periods))],
    })


@pytest.mark.parametrize("periods", [
    [("2022", 2022), ("2023", 2023), ("2021", 2021)],
    [("FY2019", 2019), ("FY2022", 2022), ("FY2020", 2020), ("FY2021", 2021)],
])
def test_indicator_years_run_left_to_right_on_a_linear_axis(periods) -> None:
    figure = charts.indicator_trend(_indicator_rows(periods), {"00": "全国", "13": "東京都"},
                                    "ja", "%")
    assert figure.layout.xaxis.type == "linear"
    for trace in figure.data:
        assert list(trace.x) == sorted(y for _, y in periods)
        assert list(trace.customdata) == [p for p, _ in sorted(periods, key=lambda p: p[1])]


def test_crime_months_run_left_to_right_on_a_date_axis() -> None:
    frame = pl.DataFrame({"year_month": [date(2022, 3, 1), date(2021, 1, 1), date(2022, 1, 1)],
                          "modus": ["ひったくり"] * 3, "incidents": [1, 2, 3]})
    figure = charts.crime_trend(frame, "ja")
    assert figure.layout.xaxis.type == "date"
    assert list(figure.data[0].x) == sorted(frame["year_month"].to_list())


# --- the pages, on a warehouse holding hostile values --------------------------------------------

@pytest.fixture(scope="module")
def hostile_home(sample_home: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A copy of the sample warehouse whose delivered names are markup (one for the module:
    the pages only read it)."""
    home = private_copy(sample_home, tmp_path_factory.mktemp("hostile"))
    con = duckdb.connect(str(home.warehouse))
    con.execute("update mart.crime_by_place_type set place_type = ? where place_type = "
                "(select min(place_type) from mart.crime_by_place_type)", [LINK])
    con.execute("update mart.crime_by_station_month set police_station = ? where police_station "
                "= (select min(police_station) from mart.crime_by_station_month)", [OVERLAY])
    con.execute("update mart.region_progress set plan_name = ? where pref_code = '13'", [IMAGE])
    con.execute("update mart.indicator_value set indicator_name = ?, source = ?, unit = ?",
                [IMAGE, IMAGE, OVERLAY])
    con.close()
    return home


@pytest.fixture
def hostile_app(hostile_home: Settings, monkeypatch: pytest.MonkeyPatch):
    """The app on the warehouse whose delivered names are markup."""
    return app_on(hostile_home, monkeypatch)


def _page_markdown(at) -> list[str]:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [h.value for h in at.title] + [h.value for h in at.subheader]
    parts += [h.value for h in at.header]
    return [str(p) for p in parts]


def _chart_strings(at) -> list[str]:
    return [s for chart in at.get("plotly_chart")
            for s in _strings(json.loads(chart.proto.spec).get("data", []))]


@pytest.mark.parametrize(("page", "params"), [
    ("views/crime.py", {}),
    ("views/progress.py", {"pref": "13"}),
    ("views/indicators.py", {"pref": "13"}),
])
def test_hostile_names_render_as_text(hostile_app, page, params) -> None:
    at = hostile_app(page)
    for key, value in params.items():
        at.query_params[key] = value  # switch_page clears the query parameters
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    live = [s for s in _page_markdown(at) if LIVE_MARKDOWN.search(s)]
    assert not live
    charts_text = _chart_strings(at)
    assert not [s for s in charts_text
                if LIVE_TAG.search(s.replace("<b>", "").replace("<br>", ""))]
    if page == "views/crime.py":
        # escaped, whether or not a long label is set in lines (a line break may fall after <a)
        assert any("&lt;a" in s and "href" in s for s in charts_text)
    else:
        assert any(r"\!\[x\]" in s for s in _page_markdown(at))
