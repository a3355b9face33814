"""The white papers' national series (mart.national_series), their checks (`saihan check`'s series
rows, the data test published_fact_resolves) and the census population (mart.prefecture_population,
the data test census_population_adds_up), on given rows."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from tests.sql import given
from warehouse import db
from warehouse.reconcile import DIFFERS, MATCH, NO_DATA, reconcile, reconcile_series

URL = "https://www.moj.go.jp/hisho/saihanboushi4/r04/html/n1250000.html"


def plan(level: str, value: int, as_of: str, source: str) -> dict:
    return {"topic": "local_plans", "measure": "governments_with_plan", "level": level,
            "method": "all", "value": str(value), "unit": "governments", "as_of": as_of,
            "source": source, "quote": f"{value}団体", "source_url": URL}


def failing(con, test: str) -> list[tuple]:
    """The rows one data test returns (empty when its rule holds)."""
    query = (db.SQL_DIR / "tests" / f"{test}.sql").read_text(encoding="utf-8")
    return con.execute(query).fetchall()


def series_warehouse(wp2021_total: int = 188, wp2022_2020_total: int = 69):
    con = given.warehouse()
    given.add_published(con, 1, [
        plan("all_governments", 69, "2020-04-01", "令和2年版犯罪白書"),
        plan("prefecture", 31, "2020-04-01", "令和2年版犯罪白書"),
        plan("all_municipalities", 38, "2020-04-01", "令和2年版犯罪白書"),
    ])
    given.add_published(con, 2, [plan("all_governments", wp2021_total, "2021-04-01",
                                      "令和3年版再犯防止推進白書 第7章")])
    given.add_published(con, 3, [
        plan("all_governments", 188, "2021-04-01", "令和4年版再犯防止推進白書 第1章"),
        plan("all_governments", 371, "2022-04-01", "令和4年版再犯防止推進白書 第1章"),
        plan("prefecture", 47, "2022-04-01", "令和4年版再犯防止推進白書 第1章"),
        plan("designated_city", 18, "2022-04-01", "令和4年版再犯防止推進白書 第1章"),
        plan("municipality", 306, "2022-04-01", "令和4年版再犯防止推進白書 第1章"),
        {"topic": "councils", "measure": "member_governments", "level": "矯正施設所在自治体会議",
         "value": "98", "unit": "governments", "as_of": "2020-04-01",
         "source": "令和4年版再犯防止推進白書 第1章"},
    ])
    return given.build(con)


@pytest.fixture(scope="module")
def con():
    return series_warehouse()


def test_national_series_has_one_point_per_level_and_date_with_its_source(con) -> None:
    rows = con.execute(
        "select series_id, as_of_on, value, editions, editions_agree, source, source_url "
        "from mart.national_series where series_id = 'plans_all_governments' "
        "order by as_of_on").fetchall()
    assert [(r[1], r[2]) for r in rows] == [
        (date(2020, 4, 1), 69), (date(2021, 4, 1), 188), (date(2022, 4, 1), 371)]
    by_date = {r[1]: r for r in rows}
    # 188 is printed by two editions; the newest one's row is shown, and they agree.
    assert by_date[date(2021, 4, 1)][3:6] == (2, True, "令和4年版再犯防止推進白書 第1章")
    assert all(r[6] == URL for r in rows)
    members = con.execute("select value from mart.national_series "
                          "where series_id = 'correctional_host_members'").fetchall()
    assert members == [(98,)]


def test_saihan_check_adds_up_levels_and_compares_editions(con) -> None:
    found = {(c.what, c.as_of_on): c for c in reconcile_series(con)}
    totals = {c.as_of_on: c for (what, _), c in found.items() if "all governments" in what}
    assert totals[date(2020, 4, 1)].status == MATCH  # 31 + 38 = 69
    assert totals[date(2020, 4, 1)].warehouse == 69
    assert totals[date(2022, 4, 1)].status == MATCH  # 47 + 18 + 306 = 371
    assert totals[date(2021, 4, 1)].status == MATCH
    assert "2 editions print the same figure" in totals[date(2021, 4, 1)].explanation
    one = found[("series: local plans, designated cities", date(2022, 4, 1))]
    assert one.status == NO_DATA and "published once" in one.explanation
    assert not failing(con, "published_fact_resolves")


def test_editions_that_disagree_are_a_difference_to_look_at() -> None:
    con = series_warehouse(wp2021_total=189)
    found = [c for c in reconcile(con) if c.as_of_on == date(2021, 4, 1)]
    assert [c.status for c in found] == [DIFFERS]
    assert "2 editions print different figures" in found[0].explanation


def test_levels_that_do_not_add_up_to_the_total_fail_the_data_test() -> None:
    con = given.warehouse()
    given.add_published(con, 1, [
        plan("all_governments", 70, "2020-04-01", "令和2年版犯罪白書"),
        plan("prefecture", 31, "2020-04-01", "令和2年版犯罪白書"),
        plan("all_municipalities", 38, "2020-04-01", "令和2年版犯罪白書"),
    ])
    given.build(con)
    rows = failing(con, "published_fact_resolves")
    assert rows == [("令和2年版犯罪白書 2020-04-01",
                     "plans: all governments 70.0 but the levels add up to 69.0")]
    assert [c.status for c in reconcile_series(con)
            if "all governments" in c.what] == [DIFFERS]


def census(con, file_id: int, values: dict[str, int], national: int) -> None:
    source = "令和2年国勢調査 人口等基本集計"
    facts = [{"topic": "population", "measure": "population", "pref_name": name,
              "value": str(value), "unit": "persons", "as_of": "2020-10-01", "source": source}
             for name, value in values.items()]
    facts.append({"topic": "population", "measure": "population", "value": str(national),
                  "unit": "persons", "as_of": "2020-10-01", "source": source})
    given.add_published(con, file_id, facts)


def prefecture_names(con) -> list[str]:
    return [r[0] for r in con.execute(
        "select name_ja from ref.prefecture order by pref_code").fetchall()]


def test_census_population_of_47_prefectures_adds_up_to_the_national_figure() -> None:
    con = given.warehouse()
    names = prefecture_names(con)
    values = {name: 2_683_959 for name in names}  # 47 x 2,683,959 = 126,146,073
    values[names[0]] += 26  # ... + 26 = 126,146,099
    census(con, 1, values, 126_146_099)
    given.build(con)
    assert not failing(con, "census_population_adds_up")
    rows = con.execute("select count(*), sum(population), min(census_year), min(source) "
                       "from mart.prefecture_population").fetchall()
    assert rows == [(47, 126_146_099, 2020, "令和2年国勢調査 人口等基本集計")]


def facts_only(values: dict[str, int], national: int):
    """A bare connection holding only core.fact_published, the one input of the data test."""
    con = duckdb.connect()
    con.execute("create schema core")
    con.execute("create table core.fact_published (topic varchar, measure varchar, "
                "source varchar, as_of_on date, pref_code varchar, value double)")
    rows = [(code, value) for code, value in values.items()] + [(None, national)]
    con.executemany("insert into core.fact_published values ('population', 'population', "
                    "'令和2年国勢調査 人口等基本集計', date '2020-10-01', ?, ?)", rows)
    return con


@pytest.mark.parametrize(("change", "says"), [
    ("one_wrong", "prefectures add up to 126146098.0, national 126146099.0"),
    ("one_missing", "46 prefectures in 46 rows"),
    ("national_wrong", "the 2020 census published 126,146,099, not 126146000.0"),
])
def test_census_population_that_does_not_add_up_fails_the_data_test(change: str,
                                                                    says: str) -> None:
    values = {f"{code:02d}": 2_683_959 for code in range(1, 48)}
    values["01"] += 26
    national = 126_146_099
    assert not failing(facts_only(values, national), "census_population_adds_up")
    if change == "one_wrong":
        values["06"] -= 1
    elif change == "one_missing":
        national -= values.pop("47")
    else:
        values["01"] -= 99
        national = 126_146_000
    problems = [r[2] for r in failing(facts_only(values, national), "census_population_adds_up")]
    assert says in problems
