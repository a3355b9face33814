"""mart.police_station_area on given rows: each station's municipalities with their share of
its incidents, and each municipality in the estimated area (推定管轄) of the station that
recorded most of its incidents."""

from __future__ import annotations

import pytest

from tests.sql import given
from warehouse import db


def incident(station: str, lg_code: str | None, status: str = "ok") -> dict:
    return {"police_station": station, "occurred_on": "2018-07-02", "lg_code": lg_code,
            "lg_code_status": status, "municipality_name": "札幌市中央区"}


@pytest.fixture(scope="module")
def con():
    con = given.warehouse()
    # 札幌中央: 3 in 中央区 (011011), 1 in 南区 (011061); 札幌南: 2 in 南区, 1 without a code.
    given.add_crime(con, 10, "01", "ひったくり", 2018, [
        incident("札幌中央", "011011"), incident("札幌中央", "011011"),
        incident("札幌中央", "011061"), incident("札幌南", "011061"),
        incident("札幌南", "011061"), incident("札幌南", None, "blank"),
    ])
    given.add_crime(con, 11, "01", "自転車盗", 2019, [incident("札幌中央", "011011")])
    given.build(con)
    yield con
    con.close()


def test_each_station_has_its_municipalities_and_their_share_of_its_incidents(con) -> None:
    rows = con.execute(
        "select police_station, lg_code, incidents, station_incidents, "
        "round(share_of_station, 4), is_main_station, first_data_year, last_data_year "
        "from mart.police_station_area order by police_station, lg_code nulls last").fetchall()
    assert rows == [
        ("札幌中央", "011011", 3, 4, 0.75, True, 2018, 2019),
        ("札幌中央", "011061", 1, 4, 0.25, False, 2018, 2018),
        ("札幌南", "011061", 2, 3, 0.6667, True, 2018, 2018),  # most of 南区's incidents
        ("札幌南", None, 1, 3, 0.3333, False, 2018, 2018),  # no code: in no area
    ]


def test_the_shares_data_test_holds_and_catches_a_municipality_in_two_areas(con) -> None:
    assert [f for f in db.run_data_tests(con) if f.name == "police_station_area_shares"] == []
    con.execute("create or replace temp table broken as select * from mart.police_station_area")
    con.execute("update broken set is_main_station = true")
    rule = (db.SQL_DIR / "tests" / "police_station_area_shares.sql").read_text(encoding="utf-8")
    failing = con.execute(rule.replace("mart.police_station_area", "broken")).fetchall()
    assert failing == [("01", None, "011061", "not exactly one main station")]
