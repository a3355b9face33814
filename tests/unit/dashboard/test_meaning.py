"""What the dashboard's figures mean, checked with Streamlit's AppTest on the sample warehouse
(issue 13): every panel follows the filters of its page, one measure has one figure on every
page, sample marks where sample data is shown and nowhere else."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable

import openpyxl
import polars as pl
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard import queries, theme
from dashboard.i18n import LANGUAGES, t
from tests.conftest import SAMPLE_CRIME_BY_PREFECTURE, SAMPLE_CRIME_INCIDENTS
from tests.helpers import published_prefecture_files
from tests.unit.dashboard.test_pages import texts
from warehouse.ingest.crime.format import KNOWN_HEADERS, UNKNOWN
from warehouse.settings import Settings


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], bytes]]:
    """File name -> what the download button gives when clicked (the page registers each file
    as a callable that runs on the click; this records the callables of the last run)."""
    made: dict[str, Callable[[], bytes]] = {}
    original = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made[file_name] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return made


def csv_download(made: dict[str, Callable[[], bytes]], name: str) -> pl.DataFrame:
    """A CSV download read back as a spreadsheet would (UTF-8 with BOM)."""
    data = made[name]()
    assert data.startswith(b"\xef\xbb\xbf"), name
    return pl.read_csv(io.BytesIO(data[3:]), infer_schema=False)


def xlsx_about(made: dict[str, Callable[[], bytes]], name: str) -> tuple[list[str], dict]:
    """An XLSX download's sheet names and its 説明 sheet as item -> value."""
    book = openpyxl.load_workbook(io.BytesIO(made[name]()), read_only=True)
    about = {row[0]: row[1] for row in book[book.sheetnames[0]].iter_rows(min_row=2,
                                                                          values_only=True)}
    return book.sheetnames, about


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


def test_crime_municipality_csv_follows_the_station_filter(app, downloads) -> None:
    at = app("views/crime.py")
    assert csv_download(downloads, "crime_by_municipality_01.csv")["件数"].cast(int).sum() == (
        2_347)
    at.multiselect(key="url_station").set_value(["小樽"]).run()
    rows = csv_download(downloads, "crime_by_municipality_01.csv")
    assert rows["件数"].cast(int).sum() == 51
    assert set(rows["絞り込み条件"]) == {"北海道 / 2021・2022 / " + "・".join(
        at.multiselect(key="url_modus").options) + " / 小樽"}


# Panels that show everything whatever a filter of their page says, and the filters they name.
IGNORED_FILTERS = [
    ("views/subsidy.py", ["filter_fiscal_year"], 1),  # participation per fiscal year
    ("views/indicators.py", ["filter_compare"], 2),  # the map and the table of every prefecture
    ("views/plans.py", ["filter_prefecture", "filter_level", "filter_status"], 3),  # national
    ("views/progress.py", ["choose_prefecture"], 1),  # the scorecard of the 47
]


@pytest.mark.parametrize(("page", "filters", "panels"), IGNORED_FILTERS)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_panel_that_ignores_a_filter_says_which(shown, page: str, filters: list[str],
                                                   panels: int, lang: str) -> None:
    at = shown(page, lang=lang)
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

def test_overview_crime_chart_spans_the_data_year_as_the_crime_page_does(real_shown) -> None:
    """The real Hokkaido 2018 files hold a few incidents that occurred years earlier (2011-...):
    both monthly charts start in January 2018 and say how many occurred before."""
    for page in (None, "views/crime.py"):
        at = real_shown(page)
        key = "overview_crime" if page is None else "crime_trend"
        months = sorted(x for trace in chart(at, key)["data"] for x in trace["x"])
        assert months[0] >= "2018-01-01" and months[-1] < "2019-01-01", (page, months[0])
        notes = [c.value for c in at.caption if "2018-01" in c.value and "より前" in c.value]
        assert len(notes) == 1, page


def marks_after(captions: list[str], source: str, lang: str = "ja") -> bool:
    """Whether the panel whose footer starts with ``source`` carries the sample mark."""
    i = next(i for i, c in enumerate(captions) if c.startswith(source))
    return i + 1 < len(captions) and t("sample_mark", lang) in captions[i + 1]


def test_the_sample_mark_is_on_sample_panels_only(shown, app) -> None:
    overview = [c.value for c in shown().caption]
    # The white paper's participation, plan counts and programme figures are real; only the
    # generated crime data is sample.
    assert sum(t("sample_mark", "ja") in c for c in overview) == 1
    assert marks_after(overview, t("source_line_no_date", "ja", source=t("crime_source_all")))
    assert not marks_after(overview, "出典：令和6年版再犯防止推進白書")

    subsidy = app("views/subsidy.py")
    published = t("participation_from_published", "ja")
    assert not marks_after([c.value for c in subsidy.caption], f"出典：{published}")
    # participation per fiscal year: FY2024 published, FY2023 from the sample records
    assert marks_after([c.value for c in subsidy.caption],
                       f"出典：{t('participation_from_both', 'ja')}")
    subsidy.selectbox(key="url_fy").set_value(2023).run()  # participation from sample records
    assert marks_after([c.value for c in subsidy.caption],
                       f"出典：{t('participation_from_records', 'ja')}")


# --- downloads carry their provenance -----------------------------------------------------------

# Every table download of the sample warehouse: page, file name (without extension), whether
# its rows are sample data.
DOWNLOADS = [
    ("views/progress.py", "scorecard", True),
    ("views/progress.py", "plan_status_01", True),
    ("views/subsidy.py", "subsidy_2024", True),
    ("views/plans.py", "plan_status", True),
    ("views/indicators.py", "indicator_values", True),
    ("views/crime.py", "crime_by_municipality_01", True),
    ("views/data.py", "loaded_files", False),
]


@pytest.mark.parametrize(("page", "name", "is_sample"), DOWNLOADS)
def test_every_table_download_carries_source_as_of_and_sample_mark(
        app, downloads, page: str, name: str, is_sample: bool) -> None:
    at = app(page)
    assert {f"{name}.csv", f"{name}.xlsx"} <= set(downloads), sorted(downloads)
    rows = csv_download(downloads, f"{name}.csv")
    for column in ("出典", "時点", "公開日時", "データ区分"):
        assert column in rows.columns, (name, rows.columns)
        assert rows[column].null_count() == 0
    kind = "サンプル（実データではありません）" if is_sample else "実データ"
    if name == "indicator_values":
        # each row says its own kind: the nation's values are the white paper's, real
        national = rows.filter(pl.col("都道府県") == "全国")
        assert national.height and set(national["データ区分"]) == {"実データ"}
        # prefectures that published their own values in this unit (data/published/, e.g.
        # 鹿児島県's rates; 長崎県's count is another series)
        publishers = {own["都道府県"] for published in published_prefecture_files().values()
                      for own in published if own["単位"] in set(rows["単位"])}
        assert "鹿児島県" in publishers
        for own in publishers:
            assert "実データ" in set(rows.filter(pl.col("都道府県") == own)["データ区分"]), own
        assert set(rows.filter(~pl.col("都道府県").is_in(["全国", *publishers]))["データ区分"]) \
            == {kind}
    else:
        assert set(rows["データ区分"]) == {kind}
    assert rows["公開日時"][0].startswith("20")  # 2026年12月1日 20:54, Japan time
    sheets, about = xlsx_about(downloads, f"{name}.xlsx")
    assert sheets == ["説明", name]
    assert about["データ区分"] == kind
    assert rows["出典"][0] in about["出典"] and about["時点"] == rows["時点"][0]
    headings = [h.value for h in [*at.subheader, *at.header, *at.title]]
    assert any(about["表題"].startswith(h) for h in headings), about["表題"]  # the panel's title


def test_the_subsidy_download_says_the_white_paper_date(app, downloads) -> None:
    app("views/subsidy.py")
    sheets, about = xlsx_about(downloads, "subsidy_2024.xlsx")
    assert about["時点"] == "2024年6月14日"
    assert about["表題"] == "都道府県別の実施状況（令和6年度）"


def test_downloads_in_english_say_it_in_english(app, downloads) -> None:
    at = app("views/plans.py", lang="en")
    at.query_params["lang"] = "en"
    at.run()
    rows = csv_download(downloads, "plan_status.csv")
    assert {"Source", "As of", "Published", "Data"} <= set(rows.columns)
    assert set(rows["Data"]) == {"Sample (not real data)"}
    assert rows["As of"][0] == "2024-04-01"
    sheets, _ = xlsx_about(downloads, "plan_status.xlsx")
    assert sheets == ["About", "plan_status"]


CHART_PAGES = [None, "views/progress.py", "views/subsidy.py", "views/plans.py",
               "views/indicators.py", "views/crime.py", "views/report.py", "views/ranking.py"]


@pytest.mark.parametrize("page", CHART_PAGES)
def test_every_chart_image_carries_title_source_and_sample_mark(shown, page) -> None:
    """What Plotly's camera button exports is the figure: its title and its note say what the
    page's heading and footer say."""
    at = shown(page)
    charts = at.get("plotly_chart")
    assert charts, page
    captions = [c.value for c in at.caption]
    after = 0  # footers come in the charts' order, each after its chart
    for element in charts:
        figure = json.loads(element.proto.spec)
        title = figure["layout"]["title"]
        note = title["subtitle"]["text"].replace("<br>", "")  # in lines that fit the image
        assert title["text"], element.proto.id
        assert note.startswith("出典："), note
        source = note.removeprefix("出典：").split("（")[0].split(" ・ ")[0]
        after = next(i for i in range(after, len(captions))
                     if captions[i].startswith(f"出典：{source}"))
        is_sample = t("sample_mark", "ja") in note
        assert is_sample == marks_after(captions[after:], captions[after]), (element.proto.id,
                                                                          note)
        after += 1
        config = json.loads(element.proto.config) if element.proto.config else {}
        key = element.proto.id.rsplit("-", 1)[-1]
        assert config["toImageButtonOptions"]["filename"] == key
        # on screen the figure's title is hidden (theme.CHART_TITLE_CSS): the page says it
        assert title["text"].split("（")[0] in texts(at), title["text"]
    assert theme.CHART_TITLE_CSS in "".join(h.proto.body for h in at.get("html"))
    # each chart's text alternative: its data in a table under it (and a summary above it)
    views = [e for e in at.expander if e.label == t("table_view", "ja")]
    assert len(views) == len(charts), page
    for view in views:
        [data] = view.dataframe
        assert len(data.value) > 0
    # a missing number is an empty cell, not "None", in every table of the page
    assert {d.proto.placeholder for d in at.dataframe} == {""}


def test_chart_notes_mark_sample_panels_only(shown) -> None:
    notes = {c.proto.id.rsplit("-", 1)[-1]: json.loads(c.proto.spec)["layout"]["title"]
             for c in shown().get("plotly_chart")}
    assert notes["overview_map"]["subtitle"]["text"] == (
        "出典：令和6年版再犯防止推進白書 第7章（2024年6月14日現在）")  # one line: it fits
    assert notes["overview_crime"]["subtitle"]["text"].endswith(t("sample_mark", "ja"))


# --- links keep everything ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ja", "en"])
def test_sidebar_links_keep_the_language_and_the_map_kind(shown, lang: str) -> None:
    at = shown(lang=lang, map="geo")
    links = at.sidebar.get("page_link")
    assert [link.proto.label for link in links] == [
        t(f"page_{name}", lang) for name in ("overview", "progress", "ranking", "report", "crime",
                                             "subsidy", "plans", "indicators", "extracts", "data")]
    for link in links:
        assert link.proto.query_string == f"lang={lang}&map=geo", link.proto.label
    assert at.get("segmented_control")[0].value == "geo"  # the overview's map, as linked


def test_choosing_the_map_kind_goes_into_the_url(app) -> None:
    at = app()
    at.get("segmented_control")[0].set_value("geo").run()
    assert at.query_params["map"] in ("geo", ["geo"])
    assert all(link.proto.query_string == "lang=ja&map=geo"
               for link in at.sidebar.get("page_link"))


def test_an_indicator_link_names_plan_edition_number_and_unit(app) -> None:
    at = app("views/indicators.py")
    at.selectbox(key="url_indicator").set_value("template|2|1-1|人").run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in at.query_params.items()}
    assert params == {"plan": "2", "indicator": "1-1", "unit": "人"}
    shared = app()  # the link opened by someone else: a new session on that page
    shared.switch_page("views/indicators.py")
    for key, value in params.items():
        shared.query_params[key] = value
    shared.run()
    assert shared.selectbox(key="url_indicator").value == "template|2|1-1|人"
    assert "刑法犯検挙者中の刑法犯再犯者数" in shared.selectbox(key="url_indicator").format_func(
        shared.selectbox(key="url_indicator").value)


# --- complete English ---------------------------------------------------------------------------

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]+")  # kana, kanji, full width
ALL_PAGES = [None, "views/progress.py", "views/crime.py", "views/subsidy.py", "views/plans.py",
             "views/indicators.py", "views/extracts.py", "views/data.py"]


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def everything_shown(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of every text on the page: headings, Markdown, captions, notes, metrics,
    widget labels and options, table headers and cells, chart texts."""
    shown = [(kind, str(e.value)) for kind in ("title", "header", "subheader", "markdown",
                                               "caption", "info", "warning", "success")
             for e in at.get(kind)]
    shown += [("metric", f"{m.label} {m.value} {m.help or ''}") for m in at.metric]
    for widget in [*at.selectbox, *at.multiselect]:
        shown += [("widget", widget.label), *(("option", str(o)) for o in widget.options)]
    shown += [("expander", e.label) for e in at.expander]
    for table in at.dataframe:
        frame = table.value
        shown += [("column", str(c)) for c in frame.columns]
        for column in frame.columns:
            # raw identifiers, for operators (behind an expander)
            if column not in ("dataset_key", t("sys_dataset_key", "en")):
                shown += [(f"cell {column}", v) for v in frame[column].dropna().unique()
                          if isinstance(v, str)]
    for chart_element in at.get("plotly_chart"):
        shown += [("chart", s) for s in _strings(json.loads(chart_element.proto.spec))]
    return shown


@pytest.fixture(scope="module")
def proper_names(sample_home: Settings) -> set[str]:
    """Japanese words an English page may show: names of governments, police stations, plans
    and indicators as the data have them, and the police format's column names and 不明 that
    findings quote."""
    con = queries.open_warehouse(sample_home.warehouse)
    try:
        names = [r[0] for sql in (
            "select full_name_ja from mart.local_government",
            "select police_station from mart.police_station",
            "select municipality_name from mart.crime_by_municipality",
            "select plan_name from mart.plan_status where plan_name is not null",
            "select included_in from mart.plan_status where included_in is not null",
            # an indicator's name as delivered, which a finding quotes
            "select distinct indicator_name from mart.indicator_value",
        ) for r in con.sql(sql).fetchall()]
    finally:
        con.close()
    names += [*KNOWN_HEADERS, *(re.sub(r"（.*）$", "", h) for h in KNOWN_HEADERS), UNKNOWN,
              LANGUAGES["ja"]]
    return {word for name in names for word in JAPANESE.findall(name)}


@pytest.mark.parametrize("page", ALL_PAGES)
def test_english_pages_have_no_japanese_but_proper_names(shown, proper_names, page) -> None:
    at = shown(page, lang="en")
    left = sorted({(where, word) for where, text in everything_shown(at)
                   for word in JAPANESE.findall(text) if word not in proper_names})
    assert not left, left[:20]


def test_the_scan_finds_japanese_left_in_english(shown, proper_names) -> None:
    """The check above fails on a Japanese string: the same page in Japanese has many."""
    at = shown("views/plans.py")
    left = {word for _, text in everything_shown(at) for word in JAPANESE.findall(text)
            if word not in proper_names}
    assert {"計画策定", "策定済"} <= left


def test_the_real_crime_page_in_english_has_no_japanese_but_proper_names(real_shown,
                                                                         proper_names) -> None:
    """The real Hokkaido 2018 files: their place types (発生場所 and 発生場所の属性 layouts) and
    every modus in English; station and municipality names as published."""
    at = real_shown("views/crime.py", lang="en")
    stations = {w for o in at.multiselect(key="url_station").options for w in JAPANESE.findall(o)}
    municipalities = {w for v in at.dataframe[-1].value.iloc[:, 1].dropna()
                      for w in JAPANESE.findall(str(v))}
    allowed = proper_names | stations | municipalities
    left = sorted({(where, word) for where, text in everything_shown(at)
                   for word in JAPANESE.findall(text) if word not in allowed})
    assert not left, left[:20]
    places = chart(at, "crime_places")["data"][0]["y"]
    assert "Car or bicycle park" in places and "On the road" in places
    assert len(places) == len(set(places))  # the two layouts' names for it are one bar


def test_the_prefecture_month_crime_figures_are_the_station_months_added_up(
        sample_home: Settings) -> None:
    """The overview, the crime page's prefectures and the report read the small
    mart.crime_by_prefecture_month; its figures are the police stations' months added up,
    unknown months and sample marks included."""
    con = queries.open_warehouse(sample_home.warehouse)
    try:
        by_station = con.sql(
            "select pref_code, data_year, modus, sum(incidents)::bigint as incidents, "
            "bool_or(is_sample) as is_sample from mart.crime_by_station_month group by all "
            "order by all").pl()
        summary = queries.crime_summary(con).select(
            "pref_code", "data_year", "modus", "incidents", "is_sample").sort(
            "pref_code", "data_year", "modus")
        monthly = con.sql(
            "select year_month, modus, sum(incidents)::bigint as incidents "
            "from mart.crime_by_station_month where year_month is not null "
            "group by all order by year_month, modus").pl()
        prefectures = queries.crime_prefectures(con)
        by_month = queries.crime_by_month(con)
    finally:
        con.close()
    assert summary.equals(by_station)
    assert by_station["incidents"].sum() == SAMPLE_CRIME_INCIDENTS
    assert by_month.equals(monthly)
    assert dict(zip(prefectures["pref_code"], prefectures["incidents"], strict=True)) == (
        SAMPLE_CRIME_BY_PREFECTURE)
