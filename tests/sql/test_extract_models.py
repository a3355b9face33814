"""The mart.extract_* models on given rows: one row set for all prefectures, filtered by
pref_code and ordered by row_order; and each extract table declares the marts it reads."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.sql import given
from warehouse import db
from warehouse.export.tables import TABLES


def incident(station: str | None, on: str | None, lg_code: str = "011002") -> dict:
    return {"police_station": station, "occurred_on": on, "lg_code": lg_code,
            "lg_code_status": "ok", "municipality_name": "札幌市"}


@pytest.fixture(scope="module")
def con():
    con = given.warehouse()
    given.add_published(con, 1, [{"topic": "councils", "measure": "blocks", "value": "6"}])
    given.add_crime(con, 10, "01", "ひったくり", 2018, [
        incident("札幌中央", "2018-07-02"), incident("札幌中央", "2018-07-30"),
        incident("札幌中央", None), incident("旭川中央", "2018-01-05", "012041"),
    ], file_name="hokkaido_2018hittakuri.csv")
    given.add_crime(con, 11, "01", "自転車盗", 2018, [incident("札幌中央", "2018-07-03")],
                    file_name="hokkaido_2018zitensyatou.csv")
    given.add_crime(con, 20, "02", "ひったくり", 2018, [incident("青森", "2018-02-01", "022012")],
                    file_name="aomori_2018_old.csv", status="superseded", superseded_by=21)
    given.add_crime(con, 21, "02", "ひったくり", 2018, [incident("青森", "2018-02-01", "022012"),
                                                   incident("弘前", "2018-03-01", "022021")],
                    file_name="aomori_2018.csv")
    # indicator files: one of 鹿児島県's own values, one of the nation's
    given.add_file(con, 30, "indicators", "indicators/46", file_name="kagoshima.csv", row_count=1)
    given.add_file(con, 31, "indicators", "indicators/00", file_name="national.csv", row_count=1)
    given.insert(con, "raw.indicator_value", [
        {"file_id": file_id, "line_number": 1, "edition": 2, "indicator_number": "1-1",
         "indicator_name": "刑法犯検挙者中の再犯者率", "indicator_key": "1-1", "pref_code": pref,
         "period": "2018", "period_kind": "year", "period_year": 2018, "value": 48.0,
         "unit": "%", "source": "テスト"} for file_id, pref in ((30, "46"), (31, "00"))])
    given.build(con)
    yield con
    con.close()


def test_crime_by_station_and_month_for_one_prefecture_in_file_order(con) -> None:
    rows = con.execute(
        "select * exclude (row_order) from mart.extract_crime_station_month "
        "where pref_code = '01' order by row_order").fetchall()
    assert rows == [
        ("01", "北海道", "旭川中央", "ひったくり", date(2018, 1, 1), 2018, 1),
        ("01", "北海道", "札幌中央", "ひったくり", date(2018, 7, 1), 2018, 2),
        ("01", "北海道", "札幌中央", "ひったくり", None, 2018, 1),  # unknown date last
        ("01", "北海道", "札幌中央", "自転車盗", date(2018, 7, 1), 2018, 1),
    ]
    orders = con.execute("select pref_code, list(row_order order by row_order) "
                         "from mart.extract_crime_station_month group by 1 order by 1").fetchall()
    assert orders == [("01", [1, 2, 3, 4]), ("02", [1, 2])]  # counted per prefecture


@pytest.mark.parametrize(("pref_code", "files"), [
    ("01", [("hokkaido_2018hittakuri.csv", "crime_open_data"),
            ("hokkaido_2018zitensyatou.csv", "crime_open_data"),
            ("national.csv", "indicators"),  # not 鹿児島県's own file
            ("file_1.csv", "published_facts")]),
    ("02", [("aomori_2018.csv", "crime_open_data"),  # not the superseded delivery
            ("national.csv", "indicators"),
            ("file_1.csv", "published_facts")]),
    ("13", [("national.csv", "indicators"),  # no crime data: national sources only
            ("file_1.csv", "published_facts")]),
    ("46", [("kagoshima.csv", "indicators"), ("national.csv", "indicators"),
            ("file_1.csv", "published_facts")]),
])
def test_source_files_are_the_national_ones_and_the_prefectures_crime_files(
        con, pref_code, files) -> None:
    rows = con.execute("select file_name, source_kind from mart.extract_source_file "
                       "where pref_code = ? order by row_order", [pref_code]).fetchall()
    assert rows == files


def test_every_prefecture_has_the_national_files(con) -> None:
    [(prefectures,)] = con.execute("select count(distinct pref_code) from mart.extract_source_file "
                                   "where source_kind = 'published_facts'").fetchall()
    assert prefectures == 47


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_each_table_declares_its_mart_and_the_marts_it_reads(table) -> None:
    text = (db.SQL_DIR / "mart" / f"{table.model}.sql").read_text(encoding="utf-8")
    reads = set(re.findall(r"\bmart\.([a-z_][a-z0-9_]*)\b", text)) - {table.model}
    assert table.model in table.requires
    assert reads <= set(table.requires), reads - set(table.requires)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_each_mart_has_the_declared_columns_and_a_row_order(con, table) -> None:
    columns = [r[0] for r in con.execute(
        "select column_name from information_schema.columns where table_schema = 'mart' "
        "and table_name = ? order by ordinal_position", [table.model]).fetchall()]
    assert columns == [*(c.name for c in table.columns), "row_order"]
