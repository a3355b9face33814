"""Each chart's text alternative (dashboard/alt_text.py): the one-line summary a reader gets
instead of the picture, and its table, on given frames (no Streamlit)."""

from __future__ import annotations

from datetime import date

import polars as pl

from dashboard import alt_text
from dashboard.i18n import t


def test_a_trend_says_where_each_line_starts_and_ends() -> None:
    frame = pl.DataFrame({
        "pref_code": ["00", "40", "00", "40", "00"],
        "period": ["2018年", "2018年", "2021年", "2021年", "2024年"],
        "period_year": [2018, 2018, 2021, 2021, 2024],
        "value": [69.0, 3.0, 400.0, None, 748.0],
    })
    names = {"00": "全国", "40": "福岡県"}
    summary, table = alt_text.series_change(frame, names, "ja")
    assert summary == "2018年から2024年に 69 → 748（全国）。2018年に 3（福岡県）。"
    assert table.columns == ["期間", "全国", "福岡県"]
    assert table["全国"].to_list() == [69.0, 400.0, 748.0]
    english, _ = alt_text.series_change(frame, {"00": "Japan", "40": "Fukuoka"}, "en")
    assert english.startswith("69 → 748 from 2018年 to 2024年 (Japan); ")


def test_a_trend_writes_its_values_to_one_precision() -> None:
    frame = pl.DataFrame({"pref_code": ["00", "00"], "period": ["2022", "2023"],
                          "period_year": [2022, 2023], "value": [47.9, 47.0]})
    summary, _ = alt_text.series_change(frame, {"00": "全国"}, "ja")
    assert summary == "2022から2023に 47.9 → 47.0（全国）。"


def test_a_monthly_chart_says_its_months_total_mean_and_busiest_month() -> None:
    frame = pl.DataFrame({
        "year_month": [date(2022, 1, 1), date(2022, 1, 1), date(2022, 2, 1)],
        "modus": ["ひったくり", "自転車盗", "自転車盗"],
        "incidents": [3, 1_200, 50],
    })
    summary, table = alt_text.monthly(frame, "ja")
    assert summary == ("2022年1月〜2022年2月の認知件数 1,253 件"
                       "（月平均 626.5 件、最多は2022年1月の 1,203 件）。")
    assert table.columns == ["発生月", "ひったくり", "自転車盗"]
    assert table.row(1) == ("2022年2月", 0, 50)  # a modus without incidents that month: 0


def test_bars_name_the_largest_and_the_smallest() -> None:
    summary, table = alt_text.bars(["路上", "駐車場"], [40, 2_500], "発生場所", "件数", "ja")
    assert summary == "件数が最も多いのは駐車場（2,500）、最も少ないのは路上（40）。合計 2,540。"
    assert table.schema["件数"] == pl.Float64  # typed: the table view sorts by value
    years, _ = alt_text.bars(["FY2023", "FY2024"], [32, 39], "Fiscal year",
                             "Participating prefectures", "en", total=False)
    assert years == ("Participating prefectures: the most in FY2024 (39), "
                     "the fewest in FY2023 (32).")


def test_the_hour_by_weekday_summary_finds_the_busiest_and_the_quietest_hour() -> None:
    frame = pl.DataFrame({"weekday": [5, 1], "hour": [18, 3], "incidents": [42, 1]})
    summary, table = alt_text.hour_weekday(frame, "ja")
    # every other hour has none, so the quietest is the first empty one (月曜 0時)
    assert summary == "最も多いのは金曜 18時台（42 件）、最も少ないのは月曜 0時台（0 件）。"
    assert table.shape == (7, 25) and table["曜日"].to_list()[0] == "月"
    assert table.filter(pl.col("曜日") == "金")["18時"].item() == 42


def test_a_map_of_categories_counts_the_prefectures_of_each() -> None:
    frame = pl.DataFrame({"pref_code": ["01", "02", "03"],
                          "status": ["実施", "未実施", "実施"]})
    summary, table = alt_text.categories(frame, {"01": "北海道", "02": "青森県", "03": "岩手県"},
                                         "status", "実施", ["実施", "未実施"], "ja")
    assert summary == "3 都道府県のうち 実施 2・未実施 1。"
    assert table["都道府県"].to_list() == ["北海道", "青森県", "岩手県"]


def test_a_map_of_values_names_the_highest_the_lowest_and_the_nation() -> None:
    frame = pl.DataFrame({"pref_code": ["13", "40"], "value": [0.5, 0.276]})
    summary, table = alt_text.prefecture_values(frame, {"13": "東京都", "40": "福岡県"},
                                                "市区町村の計画策定率", "ratio", 0.435, "ja")
    assert summary == ("市区町村の計画策定率：値のある 2 都道府県のうち"
                       "最も大きいのは東京都（50.0%）、最も小さいのは福岡県（27.6%）。全国値は43.5%。")
    assert table.columns == ["都道府県", "市区町村の計画策定率（%）"]
    assert table["市区町村の計画策定率（%）"].to_list() == [50.0, 27.6]


def test_plans_by_level_say_how_many_of_each_level_have_one() -> None:
    plans = pl.DataFrame({"level": ["prefecture", "designated_city", "municipality",
                                    "municipality"],
                          "method": ["all", "all", "all", "standalone"],
                          "value": [47.0, 20.0, 748.0, 500.0]})
    governments = {"prefecture": 47, "designated_city": 20, "municipality": 1_721}
    summary, table = alt_text.plan_levels(plans, governments, "en")
    assert summary == ("Prefectures: 47 of 47 have a plan; Designated cities: 20 of 20 have a "
                       "plan; Other municipalities: 748 of 1,721 have a plan.")
    assert table[t("method_standalone", "en")].to_list() == [0, 0, 500]


def test_no_data_is_said_not_left_blank() -> None:
    empty = pl.DataFrame(schema={"year_month": pl.Date, "modus": pl.String,
                                 "incidents": pl.Int64})
    assert alt_text.monthly(empty, "en")[0] == t("alt_no_data", "en")
    assert alt_text.bars([], [], "a", "b", "ja")[0] == t("alt_no_data", "ja")
