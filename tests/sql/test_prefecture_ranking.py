"""mart.prefecture_ranking on given rows: every measure lists all 47 prefectures, ranks the ones
with a value (largest first) among the nation and their region, and carries the national value
of its kind (the nation's own for ratios and indicators, the mean of prefectures elsewhere)."""

from __future__ import annotations

import pytest

from tests.sql import given


def record(pref_code: str, fiscal_year: int, cost: int | None, menus: bool) -> dict:
    """One subsidy record: taking part, with one direct-support menu or none."""
    return {"fiscal_year": fiscal_year, "pref_code": pref_code, "is_participating": True,
            "coordination_meetings": True, "staff_training": True,
            "employment_housing_support": menus, "specialised_support": False,
            "consultation_support": False, "project_cost_yen": cost,
            "national_share_yen": cost // 2 if cost else None}


def indicator(line: int, pref_code: str, period: str, value: float) -> dict:
    return {"file_id": 4, "line_number": line, "edition": 2, "indicator_number": "3",
            "indicator_name": "出所受刑者の2年以内再入率", "indicator_key": "3",
            "pref_code": pref_code, "period": period, "period_kind": "year",
            "period_year": int(period), "value": value, "unit": "%", "source": "テスト"}


@pytest.fixture(scope="module")
def con():
    con = given.warehouse()
    # crime: 北海道 three incidents in 2022 and one in 2021, 青森県 one in 2022
    on = {"police_station": "札幌中央", "lg_code": "011002", "lg_code_status": "ok"}
    given.add_crime(con, 1, "01", "ひったくり", 2022, [{**on, "occurred_on": "2022-05-01"}] * 3)
    given.add_crime(con, 2, "01", "ひったくり", 2021, [{**on, "occurred_on": "2021-05-01"}])
    given.add_crime(con, 3, "02", "ひったくり", 2022,
                    [{"police_station": "青森", "occurred_on": "2022-01-01", "lg_code": "022012",
                      "lg_code_status": "ok"}])
    # indicators: the nation and two prefectures; 秋田県's latest period is 2021
    given.add_file(con, 4, "indicators", "indicators/test", row_count=5, is_sample=True)
    given.insert(con, "raw.indicator_value", [
        indicator(1, "00", "2022", 15.0), indicator(2, "00", "2021", 16.0),
        indicator(3, "03", "2022", 12.0), indicator(4, "05", "2021", 20.0),
        indicator(5, "13", "2022", 18.0),
    ])
    # subsidy records: FY2023 (older, not ranked) and FY2024
    given.add_file(con, 5, "subsidy_records", "subsidy/test", row_count=3)
    given.insert(con, "raw.subsidy_record", [
        {"file_id": 5, "line_number": i, **r} for i, r in enumerate([
            record("01", 2023, 9_000_000, True),
            record("01", 2024, 3_000_000, True), record("13", 2024, 1_000_000, False),
        ], start=1)])
    # the census population of 北海道 and 青森県 (not of the others)
    given.add_published(con, 6, [
        {"topic": "population", "measure": "population", "pref_name": name, "value": value,
         "unit": "persons", "as_of": "2020-10-01", "source": "令和2年国勢調査 人口等基本集計"}
        for name, value in (("北海道", "5224614"), ("青森県", "1237984"))])
    given.build(con)
    yield con
    con.close()


def ranking(con, measure_key: str) -> list[tuple]:
    return con.execute(
        "select pref_code, value, rank, national_value, national_basis, period "
        "from mart.prefecture_ranking where measure_key = ? and value is not null "
        "order by rank, pref_code", [measure_key]).fetchall()


def test_every_measure_lists_the_47_prefectures(con) -> None:
    counts = dict(con.execute("select measure_key, count(distinct pref_code) "
                              "from mart.prefecture_ranking group by 1").fetchall())
    assert set(counts) >= {"municipal_plan_coverage", "subsidy_direct_support_menus",
                           "subsidy_project_cost_yen", "subsidy_national_share_yen",
                           "indicator|template|2|3|%", "crime_incidents"}
    assert set(counts.values()) == {47}


def test_crime_ranks_the_latest_data_year_against_the_mean(con) -> None:
    assert ranking(con, "crime_incidents") == [
        ("01", 3.0, 1, 2.0, "mean", "2022"),  # 2021's incident is not counted
        ("02", 1.0, 2, 2.0, "mean", "2022"),
    ]
    [(rank, national)] = con.execute(
        "select rank, national_value from mart.prefecture_ranking "
        "where measure_key = 'crime_incidents' and pref_code = '13'").fetchall()
    assert rank is None and national == 2.0  # no data: listed, unranked, the mean beside it


def test_crime_per_100k_ranks_the_prefectures_whose_population_is_known(con) -> None:
    rows = ranking(con, "crime_incidents_per_100k")
    assert [(r[0], round(r[1], 4), r[2], r[4], r[5]) for r in rows] == [
        ("02", round(100000 / 1237984, 4), 1, "mean", "2022"),  # 0.0808 per 100,000
        ("01", round(300000 / 5224614, 4), 2, "mean", "2022"),  # 0.0574
    ]
    [(unit, value)] = con.execute(
        "select unit, value from mart.prefecture_ranking "
        "where measure_key = 'crime_incidents_per_100k' and pref_code = '13'").fetchall()
    assert unit == "per_100k" and value is None  # no crime data there


def test_indicators_rank_latest_values_beside_the_nation_of_the_same_period(con) -> None:
    assert ranking(con, "indicator|template|2|3|%") == [
        ("05", 20.0, 1, 16.0, "national", "2021"),
        ("13", 18.0, 2, 15.0, "national", "2022"),
        ("03", 12.0, 3, 15.0, "national", "2022"),
    ]


def test_subsidy_ranks_the_latest_fiscal_year(con) -> None:
    assert ranking(con, "subsidy_project_cost_yen") == [
        ("01", 3_000_000.0, 1, 2_000_000.0, "mean", "2024"),
        ("13", 1_000_000.0, 2, 2_000_000.0, "mean", "2024"),
    ]


def test_region_rank_counts_only_the_prefectures_of_the_region(con) -> None:
    rows = con.execute(
        "select pref_code, region_ja, rank, region_rank, region_prefectures_ranked "
        "from mart.prefecture_ranking where measure_key = 'indicator|template|2|3|%' "
        "and value is not null order by pref_code").fetchall()
    assert rows == [("03", "東北", 3, 2, 2), ("05", "東北", 1, 1, 2), ("13", "関東", 2, 1, 1)]
