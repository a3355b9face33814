"""The ranking view: the page (AppTest on the sample warehouse), the regional comparison on
地域別進捗, and the plain logic of dashboard.ranking on given frames."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
import streamlit as st

from dashboard import ranking
from dashboard.i18n import t
from tests.unit.dashboard.conftest import app_on
from tests.unit.dashboard.test_pages import texts
from warehouse import db

RANKING = "views/ranking.py"


def open_with(app, page: str, **params: str):
    """A page opened as a shared link with ``params`` would open it."""
    at = app(**params)
    at.switch_page(page)
    for key, value in params.items():  # switch_page clears the query; a link carries it
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_ranking_orders_the_47_prefectures_on_plan_coverage(app) -> None:
    at = open_with(app, RANKING)
    metrics = {m.label: m.value for m in at.metric}
    # 748 / 1,721 municipalities, designated cities excluded, as every page counts it
    assert metrics["全国値"] == "43.5%"
    assert metrics["値のある都道府県"] == "47 / 47"
    table = at.dataframe[0].value
    assert len(table) == 47
    values = table["値（%）"].to_list()
    assert values == sorted(values, reverse=True)
    assert table["順位"].to_list()[0] == 1
    assert set(table["地方"]) == {"北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州"}
    assert "サンプルデータ（実データではありません）" in texts(at)
    assert len(at.get("plotly_chart")) == 1


def test_ranking_on_crime_ranks_only_prefectures_with_data(app) -> None:
    at = open_with(app, RANKING, measure="crime_incidents")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["値のある都道府県"] == "2 / 47"
    assert metrics["都道府県平均（値のある都道府県）"] == "1,226 件"  # (1,432 + 1,020) / 2
    table = at.dataframe[0].value
    assert table["都道府県"].to_list()[:2] == ["北海道", "福岡県"]  # the sample's 2022
    assert table["値（件）"].to_list()[:2] == [1432, 1020]
    page = texts(at)
    assert "北海道（1,432 件）" in page and "福岡県（1,020 件）" in page
    assert "値のない都道府県（45）は表の最後にあります。" in page
    assert "出典：都道府県警察 犯罪オープンデータ" in page


def test_ranking_smallest_first_in_english(app) -> None:
    at = open_with(app, RANKING, measure="subsidy_project_cost_yen", order="asc", lang="en")
    table = at.dataframe[0].value
    ranked = table.dropna(subset=["Value (yen)"])
    assert len(ranked) == 39  # the FY2024 participants' records
    values = ranked["Value (yen)"].to_list()
    assert values == sorted(values)
    assert "Hokkaido" in set(table["Prefecture"]) and "Kyushu" in set(table["Region"])
    assert {m.label for m in at.metric} == {"Mean of the prefectures with a value",
                                            "Prefectures with a value"}


def test_ranking_choice_goes_into_the_url(app) -> None:
    at = open_with(app, RANKING)
    at.selectbox(key="url_measure").set_value("subsidy_direct_support_menus").run()
    assert at.query_params["measure"] in ("subsidy_direct_support_menus",
                                          ["subsidy_direct_support_menus"])
    assert "メニュー" in at.dataframe[0].value.columns[3]


def test_progress_compares_with_the_prefectures_of_the_same_region(app) -> None:
    at = open_with(app, "views/progress.py", pref="40")
    page = texts(at)
    assert "同じ地方の都道府県との比較（九州）" in page
    compare = next(df.value for df in at.dataframe if "地方平均" in set(df.value.iloc[:, 0]))
    kyushu = ["福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県"]
    assert compare.iloc[:, 0].to_list() == [*kyushu, "地方平均", "全国"]
    coverage = compare[t("measure_municipal_coverage", "ja")].to_list()
    # one figure, one definition: the same coverage as the scorecard's row for 福岡県
    scorecard = at.dataframe[0].value
    coverage_col = t("measure_municipal_coverage", "ja")
    fukuoka = scorecard[scorecard["都道府県"] == "福岡県"][coverage_col].iloc[0]
    assert coverage[0].startswith(f"{fukuoka:.1f}%")
    assert coverage[-1] == "43.5%"  # 748 / 1,721 (designated cities excluded)
    assert all(c.endswith("/8)") for c in coverage[:8])  # every 九州 prefecture is ranked


def test_the_progress_page_reads_each_mart_once(app, monkeypatch) -> None:
    """A first visit of 地域別進捗 after the overview runs eight queries (scorecard with the
    names, subsidy history, the regional comparison with its measure names, indicator history,
    the government list, when the warehouse was published for the downloads, the prefecture's
    census population for the per-100,000 comparison, which prefectures' indicator values are
    real): no second query for prefecture names or measure labels (ten with those before)."""
    at = app()  # the overview, as a visitor arrives
    st.cache_data.clear()
    at.run()  # the overview's queries cached again; from here on count what the page adds
    ran: list[str] = []
    cursor = db.cursor
    monkeypatch.setattr(db, "cursor", lambda con: ran.append("query") or cursor(con))
    at.switch_page("views/progress.py").run()
    assert not at.exception
    assert len(ran) == 8, ran


def test_a_warehouse_published_before_the_ranking_mart_says_to_run_again(sample_copy,
                                                                       monkeypatch) -> None:
    con = duckdb.connect(str(sample_copy.warehouse))
    con.execute("drop table mart.prefecture_ranking")  # as published before the ranking view
    con.close()
    open_page = app_on(sample_copy, monkeypatch)
    for page in (RANKING, "views/progress.py"):
        at = open_page(page)  # no exception: the page stops with a message
        assert [w.value for w in at.warning] == [t("mart_missing", "ja")], page
        assert "Catalog" not in texts(at)


def test_one_english_count_reads_in_the_singular() -> None:
    assert t("ranking_unranked", "en", n=1) == (
        "The one prefecture without a value is at the end of the table.")
    assert t("ranking_unranked", "en", n=45).startswith("The 45 prefectures")
    assert t("report_subsidy_line", "en", fy="FY2024", status="Participating", menus="1",
             share="¥750,000") == ("FY2024: Participating (direct-support menus: 1; "
                                   "national share ¥750,000)")


# --- plain logic ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "unit", "lang", "text"), [
    (0.4251, "ratio", "ja", "42.5%"),
    (12.26, "%", "en", "12.3%"),
    (1_148_500.0, "yen", "ja", "1,148,500円"),
    (1_148_500.0, "yen", "en", "¥1,148,500"),
    (3.0, "menus", "ja", "3 メニュー"),
    (1.0, "menus", "en", "1 menu"),  # not "1 menus"
    (2.0, "menus", "en", "2 menus"),
    (1.0, "incidents", "en", "1 incident"),
    (1432.0, "incidents", "en", "1,432 incidents"),
    (None, "yen", "ja", "-"),
])
def test_values_are_written_with_their_unit(value, unit, lang, text) -> None:
    assert ranking.value_text(value, unit, lang) == text


FRAME = pl.DataFrame({
    "pref_code": ["01", "02", "03", "04"],
    "value": [2.0, None, 5.0, 1.0],
    "national_value": [3.0] * 4,
    "national_basis": ["national"] * 4,
})
NAMES = {"01": "北海道", "02": "青森県", "03": "岩手県", "04": "宮城県"}


@pytest.mark.parametrize(("ascending", "codes"), [
    (False, ["03", "01", "04", "02"]),
    (True, ["04", "01", "03", "02"]),  # the prefecture without a value stays last
])
def test_ordered_keeps_missing_values_last(ascending, codes) -> None:
    assert ranking.ordered(FRAME, ascending)["pref_code"].to_list() == codes


def test_summary_names_the_largest_the_smallest_and_the_nation() -> None:
    assert ranking.summary(FRAME, NAMES, "指標", "%", "ja") == (
        "指標：値のある 3 都道府県のうち最も大きいのは岩手県（5.0%）、"
        "最も小さいのは宮城県（1.0%）。全国値は3.0%。")
    empty = FRAME.with_columns(pl.lit(None, pl.Float64).alias("value"))
    assert ranking.summary(empty, NAMES, "指標", "%", "en") == (
        "指標: no prefecture has a value yet.")
