"""The per-100,000 toggle of the crime and progress pages: counts become rates where the area's
population is known (the 2020 census population of the prefecture), with its source and date
named; a police station's area has none, so counts narrowed to stations stay counts."""

from __future__ import annotations

import json
import re

from dashboard import rates
from tests.conftest import SAMPLE_CRIME_BY_PREFECTURE

HOKKAIDO = 5_224_614  # 令和2年国勢調査 (data/published/census_2020_population.csv)


def test_rates_are_per_100000_with_one_decimal_and_none_without_population() -> None:
    assert rates.per_100k(62, 248_000) == 25.0
    assert rates.per_100k(1, 251_000) == 0.4
    assert rates.per_100k(5, None) is None and rates.per_100k(5, 0) is None


def test_crime_page_per_100k_uses_the_census_population(app) -> None:
    at = app("views/crime.py", pref="01")
    at.toggle(key="per_100k").set_value(True).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    expected = round(SAMPLE_CRIME_BY_PREFECTURE["01"] * 100_000 / HOKKAIDO, 1)
    assert metrics["認知件数（人口10万人当たり）"] == f"{expected:,.1f}"
    captions = " ".join(c.value for c in at.caption)
    assert "人口：令和2年国勢調査 人口等基本集計（2020年10月1日現在）北海道 5,224,614人" in captions
    assert "警察署の管轄区域の人口が分からない" in captions  # station panels stay counts
    [trend] = [c for c in at.get("plotly_chart") if c.proto.id.endswith("-crime_trend")]
    spec = json.loads(trend.proto.spec)
    assert spec["layout"]["yaxis"]["title"]["text"] == "件（人口10万人当たり）"
    monthly = sum(sum(trace["y"]) for trace in spec["data"])
    assert monthly < SAMPLE_CRIME_BY_PREFECTURE["01"]  # rates, not counts

    stations = at.multiselect(key="url_station")
    stations.select(stations.options[0]).run()
    metrics = {m.label: m.value for m in at.metric}
    assert "認知件数" in metrics and "認知件数（人口10万人当たり）" not in metrics
    assert "管轄区域の人口が公表されていない" in " ".join(c.value for c in at.caption)


def test_progress_region_comparison_shows_crime_per_100k_when_asked(app) -> None:
    at = app("views/progress.py", pref="01", lang="en")
    [table] = [df.value for df in at.dataframe if "Prefecture" in df.value.columns
               and "Incidents in the police crime open data" in df.value.columns]
    assert "Incidents in the police crime open data per 100,000 residents" not in table.columns
    at.toggle(key="per_100k").set_value(True).run()
    [table] = [df.value for df in at.dataframe if "Prefecture" in df.value.columns
               and any("per 100,000" in c for c in df.value.columns)]
    assert "Incidents in the police crime open data" not in table.columns
    hokkaido = table[table["Prefecture"] == "Hokkaido"].iloc[0]
    # the latest data year's incidents per 100,000, with its rank in the region
    shown = hokkaido["Incidents in the police crime open data per 100,000 residents"]
    assert re.fullmatch(r"\d+(\.\d)? per 100,000 \(1/1\)", shown), shown
    assert "2020 Population Census" in " ".join(c.value for c in at.caption)
