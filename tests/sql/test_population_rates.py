"""Municipal population from the 2020 census as `saihan estat fetch --stats-data-id 0003445078`
saves it (a recorded-format fixture, tests/fixtures/estat/census_2020_population_0003445078.json)
in mart.municipality_population, and the prefecture extract's incidents per 100,000 residents
where the population is known."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.sql import given
from warehouse.export.suppression import suppress_small_counts
from warehouse.export.tables import TABLES_BY_KEY
from warehouse.ingest.estat import parse_estat
from warehouse.load import insert_frame

FIXTURE = (Path(__file__).parents[1] / "fixtures" / "estat"
           / "census_2020_population_0003445078.json")


def incident(lg_code: str, name: str) -> dict:
    return {"police_station": "中央", "occurred_on": "2018-07-03", "lg_code": lg_code,
            "lg_code_status": "ok", "municipality_name": name}


@pytest.fixture(scope="module")
def con():
    con = given.warehouse()
    parsed = parse_estat(FIXTURE, FIXTURE.read_bytes())
    given.add_file(con, 1, "estat", "estat/0003445078/full", row_count=parsed.frame.height)
    insert_frame(con, "estat_value", parsed.frame.with_columns(file_id=1).select(
        [r[0] for r in con.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' "
            "and table_name = 'estat_value' order by ordinal_position").fetchall()]))
    given.add_crime(con, 10, "01", "自転車盗", 2018, [
        *[incident("011011", "札幌市中央区")] * 62, incident("012025", "函館市"),
        incident("013030", "当別町")])
    return given.build(con)


def test_municipal_population_is_the_census_total_of_each_government(con) -> None:
    rows = dict(con.execute(
        "select lg_code, population from mart.municipality_population").fetchall())
    # 札幌市 (01100) and its ward 中央区 (01101) both; 石狩振興局 (01300) is no government,
    # 北海道 and 全国 are not municipalities; 大牟田市's 男 is a special cell but its total is not.
    assert rows == {"011002": 1_970_000, "011011": 248_000, "012025": 251_000,
                    "401307": 1_612_000, "402028": 111_000}
    source, year = con.execute("select distinct source, census_year "
                               "from mart.municipality_population").fetchall()[0]
    assert (source, year) == ("国勢調査 2020年（e-Stat 0003445078）", 2020)


def test_extract_gives_incidents_per_100k_where_the_population_is_known(con) -> None:
    rows = {r[0]: r[1:] for r in con.execute(
        "select lg_code, incidents, population, population_source, incidents_per_100k "
        "from mart.extract_crime_municipality where pref_code = '01'").fetchall()}
    assert rows["011011"] == (62, 248_000, "国勢調査 2020年（e-Stat 0003445078）", 25.0)
    assert rows["012025"] == (1, 251_000, "国勢調査 2020年（e-Stat 0003445078）", 0.4)
    assert rows["013030"] == (1, None, None, None)  # 当別町: no population, no rate


def test_a_suppressed_count_takes_its_rate_with_it(con) -> None:
    table = TABLES_BY_KEY["crime_municipality"]
    frame = con.sql("select * from mart.extract_crime_municipality where pref_code = '01'").pl()
    hidden = suppress_small_counts(frame, table.counts, 3, dependents=table.dependents)
    hakodate = hidden.filter(hidden["lg_code"] == "012025").row(0, named=True)
    assert hakodate["is_suppressed"] and hakodate["incidents_per_100k"] is None
    assert hakodate["population"] == 251_000  # the population itself is published
