"""The overview's national series: the white papers' real figures over the years (local plans
by level, the two councils' members), drawn without a sample mark and with every point's
source, quote and page in the table; the headline figures stay those of the latest date."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from dashboard import charts


def figure(at, key: str) -> dict:
    [found] = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    return json.loads(found.proto.spec)


def points(spec: dict) -> dict[str, list[tuple[str, float]]]:
    return {trace["name"]: [(x[:10], y) for x, y in zip(trace["x"], trace["y"], strict=True)]
            for trace in spec["data"]}


def test_overview_draws_the_published_series_as_real_data(app) -> None:
    at = app()
    plans = points(figure(at, "overview_series_plans"))
    assert plans["地方公共団体の合計"] == [("2020-04-01", 69), ("2021-04-01", 188),
                                    ("2022-04-01", 371)]
    assert plans["都道府県"] == [("2020-04-01", 31), ("2022-04-01", 47), ("2024-04-01", 47)]
    assert plans["市区町村（指定都市を除く）"] == [("2022-04-01", 306), ("2024-04-01", 748)]
    councils = points(figure(at, "overview_series_councils"))
    assert councils["矯正施設所在自治体会議の参加団体"] == [
        ("2019-06-01", 90), ("2020-04-01", 98), ("2024-04-01", 101)]
    note = figure(at, "overview_series_plans")["layout"]["title"]["subtitle"]["text"]
    assert "令和2年版犯罪白書" in note and "令和4年版再犯防止推進白書" in note
    assert "サンプル" not in note
    captions = [c.value for c in at.caption]
    footer = next(c for c in captions if c.startswith("出典：令和2年版犯罪白書"))
    assert "サンプル" not in captions[captions.index(footer) + 1]
    table = next(df.value for df in at.dataframe if "引用" in df.value.columns)
    row = table[table["系列"] == "地方公共団体の合計"].iloc[0]
    assert row["掲載ページ"] == "https://hakusyo1.moj.go.jp/jp/67/nfm/n67_2_5_1_3_0.html"
    assert "69の地方公共団体" in row["引用"]
    # The headline stays the latest date's count, not an earlier edition's.
    assert {m.label: m.value for m in at.metric}["地方計画 策定済み都道府県"] == "47"


def test_series_chart_in_english_names_levels_and_sources() -> None:
    frame = pl.DataFrame({
        "series_id": ["plans_all_governments", "plans_all_governments"],
        "as_of_on": [date(2020, 4, 1), date(2021, 4, 1)],
        "value": [69.0, 188.0],
        "source": ["令和2年版犯罪白書", "令和3年版再犯防止推進白書 第7章"],
    })
    spec = charts.national_series(frame, "en")
    [trace] = spec.data
    assert trace.name == "All local governments"
    assert list(trace.customdata) == ["White Paper on Crime 2020",
                                      "White Paper on Recidivism Prevention 2021, chapter 7"]


def test_progress_says_for_how_many_prefectures_an_indicator_is_real(app) -> None:
    at = app("views/progress.py", pref="46")
    captions = [c.value for c in at.caption]
    # The prefectures that published their own series (data/published/), in code order.
    assert ("この指標の実データがある都道府県：6（"
            "神奈川県・滋賀県・広島県・福岡県・鹿児島県・沖縄県）。"
            "ほかの都道府県の値はサンプルです。") in captions
    assert "この指標の実データがある都道府県：0。都道府県の値はすべてサンプルです。" in captions
    [chart] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-progress_indicator_0")]
    kagoshima = next(tr for tr in json.loads(chart.proto.spec)["data"] if tr["name"] == "鹿児島県")
    assert kagoshima["y"][:2] == [46.7, 49.2]  # 2014 and 2015 as the prefecture published them
