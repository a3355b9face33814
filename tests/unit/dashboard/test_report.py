"""The one-page prefecture report through AppTest on the sample warehouse (its printing is in
tests/browser/test_report.py)."""

from __future__ import annotations

from dashboard.i18n import t
from tests.unit.dashboard.test_pages import texts
from tests.unit.dashboard.test_ranking import open_with

REPORT = "views/report.py"


def test_report_holds_plan_coverage_subsidy_indicators_and_crime(app) -> None:
    at = open_with(app, REPORT, pref="40")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == {"自らの計画": "策定済", "市区町村の計画策定率": "27.6%",
                       "補助事業の実績": "実施"}
    coverage = next(m for m in at.metric if m.label == "市区町村の計画策定率")
    # its one name and definition, as on 地域別進捗 and 計画策定
    assert coverage.help == (t("measure_municipal_coverage", "ja") + ": "
                             + t("measure_municipal_coverage_help", "ja"))
    page = texts(at)
    assert "福岡県の再犯防止の取組" in page
    assert "全国 43.5%（差 -15.9 pt）" in page
    assert "令和6年度：実施（直接支援メニュー 2、国庫補助額 1,500,000円）" in page
    assert "2022年1月〜2022年12月の認知件数 943 件" in page
    indicators = at.table[0].value
    assert indicators["全国値"].to_list() == ["47.0", "13.0"]
    assert "出典：サンプル（架空）の犯罪オープンデータ：福岡県（2022年）" in page
    assert page.count("サンプルデータ（実データではありません）") == 3  # under every panel


def test_report_of_a_prefecture_without_crime_data_says_so(app) -> None:
    at = open_with(app, REPORT, pref="13", lang="en")
    page = texts(at)
    assert "Recidivism prevention in Tokyo" in page
    assert "No police crime open data of this prefecture has been loaded yet." in page
    assert len(at.get("plotly_chart")) == 0


def test_the_report_s_crime_chart_has_its_table_view(app) -> None:
    at = open_with(app, REPORT, pref="40", lang="en")
    [chart] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-report_crime")]
    assert t("table_view", "en") in [e.label for e in at.expander]
    table = next(df.value for df in at.dataframe if "Month" in df.value.columns)
    assert list(table.columns) == ["Month", "All modus"]
    assert table["Month"].iloc[0] == "2022-01" and len(table) == 12
    assert int(table["All modus"].sum()) == 943  # the months the chart draws, every incident
    assert "943 incidents from 2022-01 to 2022-12" in texts(at)  # its one-line summary
