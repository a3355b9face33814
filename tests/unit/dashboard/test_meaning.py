"""What the dashboard's figures mean, checked with Streamlit's AppTest on the sample warehouse
(issue 13): every panel follows the filters of its page, one measure has one figure on every
page, sample marks where sample data is shown and nowhere else."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from tests.conftest import make_settings
from tests.unit.dashboard.test_pages import app_on, texts
from warehouse.run import run_pipeline
from warehouse.settings import Settings


@pytest.fixture
def app(sample_home: Settings, monkeypatch: pytest.MonkeyPatch):
    """The app pointed at the session's sample warehouse."""
    return app_on(sample_home, monkeypatch)


@pytest.fixture(scope="module")
def hokkaido_home(hokkaido_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A home with only the real Hokkaido 2018 police files (read from ../shared/data)."""
    settings = make_settings(tmp_path_factory.mktemp("hokkaido") / "home")
    assert run_pipeline(settings, [hokkaido_dir]).status == "published"
    return settings


@pytest.fixture
def real_app(hokkaido_home: Settings, monkeypatch: pytest.MonkeyPatch):
    """The app pointed at the warehouse of the real Hokkaido files."""
    return app_on(hokkaido_home, monkeypatch)


def chart(at: AppTest, key: str) -> dict:
    """The Plotly figure (as JSON) of the chart with ``key``."""
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(found.proto.spec)


def bar_totals(figure: dict) -> dict[str, float]:
    """Category -> summed bar length over every trace of a horizontal bar chart."""
    totals: dict[str, float] = {}
    for trace in figure["data"]:
        for label, value in zip(trace["y"], trace["x"], strict=True):
            totals[label] = totals.get(label, 0) + value
    return totals


def heat_total(figure: dict) -> int:
    """Every cell of a heatmap added up."""
    return sum(sum(row) for row in figure["data"][0]["z"])


# --- filters follow panels ----------------------------------------------------------------------

def test_crime_station_filter_changes_every_panel(app) -> None:
    at = app("views/crime.py")
    everything = {
        "kpi": {m.label: m.value for m in at.metric}["認知件数"],
        "places": bar_totals(chart(at, "crime_places")),
        "top": bar_totals(chart(at, "crime_top")),
        "heat": heat_total(chart(at, "crime_heatmap")),
        "municipalities": at.dataframe[-1].value,
    }
    assert len(everything["top"]) == 16  # the sample's 16 北海道 stations
    at.multiselect(key="url_station").set_value(["小樽"]).run()  # 51 incidents in the sample
    assert {m.label: m.value for m in at.metric}["認知件数"] == "51"
    places = bar_totals(chart(at, "crime_places"))
    assert sum(places.values()) == 51
    assert sum(everything["places"].values()) == 2_347
    assert bar_totals(chart(at, "crime_top")) == {"小樽": 51}
    heat = heat_total(chart(at, "crime_heatmap"))
    assert 0 < heat <= 51 < everything["heat"]  # unknown hours and weekdays are not drawn
    municipalities = at.dataframe[-1].value
    assert municipalities["件数"].sum() == 51
    assert len(municipalities) < len(everything["municipalities"])
    assert "小樽市" in set(municipalities["市区町村"])


# Panels that show everything whatever a filter of their page says, and the filters they name.
IGNORED_FILTERS = [
    ("views/subsidy.py", ["filter_fiscal_year"], 1),  # participation per fiscal year
    ("views/indicators.py", ["filter_compare"], 2),  # the map and the table of every prefecture
    ("views/plans.py", ["filter_prefecture", "filter_level", "filter_status"], 3),  # national
    ("views/progress.py", ["choose_prefecture"], 1),  # the scorecard of the 47
]


@pytest.mark.parametrize(("page", "filters", "panels"), IGNORED_FILTERS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_panel_that_ignores_a_filter_says_which(app, page: str, filters: list[str],
                                                   panels: int, lang: str) -> None:
    at = app(page, lang=lang)
    at.query_params["lang"] = lang  # switch_page clears the query parameters
    at.run()
    labels = [t(key, lang) for key in filters]
    joiner = "」「" if lang == "ja" else "”, “"
    note = t("ignores_filter", lang, filters=joiner.join(labels))
    assert [c.value for c in at.caption].count(note) == panels
    for label in labels:  # the filter it names is one the page has
        assert label in {w.label for w in [*at.selectbox, *at.multiselect]}


# --- one number, one definition -----------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ja", "en"])
def test_municipal_coverage_is_one_figure_on_every_page(app, lang: str) -> None:
    """福岡県: 16 of its 58 municipalities (designated cities excluded) have a plan in the sample,
    27.6%; 地域別進捗 once said 30.0% (designated cities counted) and 計画策定 27.6%."""
    name = t("measure_municipal_coverage", lang)
    definition = t("measure_municipal_coverage_help", lang)
    fukuoka = "福岡県" if lang == "ja" else "Fukuoka"

    progress = app("views/progress.py", lang=lang)
    progress.query_params["lang"] = lang  # switch_page clears the query parameters
    progress.run()
    scorecard = progress.dataframe[0].value
    row = scorecard[scorecard[t("col_prefecture", lang)] == fukuoka]
    assert list(row[name]) == [27.6]
    progress.selectbox(key="url_pref").set_value("40").run()
    metric = next(m for m in progress.metric if m.label == name)
    assert metric.value == "27.6%"
    assert definition in metric.help
    assert any(e.label == t("definitions_title", lang) for e in progress.expander)
    assert definition in texts(progress)

    plans = app("views/plans.py", lang=lang)
    plans.query_params["lang"] = lang
    plans.run()
    hover = [h for row in chart(plans, "plans_map")["data"][0]["hovertext"] for h in row if h]
    assert f"<b>{fukuoka}</b><br>{name}: 27.6%" in hover
    assert any(s.value.startswith(t("plans_map_title", lang, measure=name))
               for s in plans.subheader)
    assert definition in texts(plans)
    national = next(m for m in plans.metric if m.label == t("level_municipality", lang))
    assert national.help == definition
    assert f"{name} 43.5%" in [c.value for c in plans.caption]  # 748 / 1,721
    assert f"{name}" in texts(progress) and "43.5%" in metric.help


# --- the overview's crime chart, sample marks ----------------------------------------------------

def test_overview_crime_chart_spans_the_data_year_as_the_crime_page_does(real_app) -> None:
    """The real Hokkaido 2018 files hold a few incidents that occurred years earlier (2011-...):
    both monthly charts start in January 2018 and say how many occurred before."""
    for page in (None, "views/crime.py"):
        at = real_app(page)
        key = "overview_crime" if page is None else "crime_trend"
        months = sorted(x for trace in chart(at, key)["data"] for x in trace["x"])
        assert months[0] >= "2018-01-01" and months[-1] < "2019-01-01", (page, months[0])
        notes = [c.value for c in at.caption if "2018-01" in c.value and "より前" in c.value]
        assert len(notes) == 1, page


def marks_after(captions: list[str], source: str, lang: str = "ja") -> bool:
    """Whether the panel whose footer starts with ``source`` carries the sample mark."""
    i = next(i for i, c in enumerate(captions) if c.startswith(source))
    return i + 1 < len(captions) and t("sample_mark", lang) in captions[i + 1]


def test_the_sample_mark_is_on_sample_panels_only(app) -> None:
    overview = [c.value for c in app().caption]
    # The white paper's participation, plan counts and programme figures are real; only the
    # generated crime data is sample.
    assert sum(t("sample_mark", "ja") in c for c in overview) == 1
    assert marks_after(overview, t("source_line_no_date", "ja", source=t("crime_source_all")))
    assert not marks_after(overview, "出典：令和6年版再犯防止推進白書")

    subsidy = app("views/subsidy.py")
    published = t("participation_from_published", "ja")
    assert not marks_after([c.value for c in subsidy.caption], f"出典：{published}")
    subsidy.selectbox(key="url_fy").set_value(2023).run()  # participation from sample records
    assert marks_after([c.value for c in subsidy.caption],
                       f"出典：{t('participation_from_records', 'ja')}")
