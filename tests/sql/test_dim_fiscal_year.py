"""core.dim_fiscal_year: the Japanese fiscal year (April to March) and its labels."""

from __future__ import annotations

from datetime import date

import pytest

from tests.sql import given


@pytest.fixture(scope="module")
def con():
    con = given.build(given.warehouse())
    yield con
    con.close()


@pytest.mark.parametrize(("fiscal_year", "label_ja", "label_en", "starts_on", "ends_on"), [
    (1989, "平成元年度", "FY1989", date(1989, 4, 1), date(1990, 3, 31)),
    (2018, "平成30年度", "FY2018", date(2018, 4, 1), date(2019, 3, 31)),
    (2019, "令和元年度", "FY2019", date(2019, 4, 1), date(2020, 3, 31)),  # before 1 May 2019 too
    (2020, "令和2年度", "FY2020", date(2020, 4, 1), date(2021, 3, 31)),
    (2024, "令和6年度", "FY2024", date(2024, 4, 1), date(2025, 3, 31)),
])
def test_labels_and_days(con, fiscal_year, label_ja, label_en, starts_on, ends_on) -> None:
    rows = con.execute("select label_ja, label_en, starts_on, ends_on from core.dim_fiscal_year "
                       "where fiscal_year = ?", [fiscal_year]).fetchall()
    assert rows == [(label_ja, label_en, starts_on, ends_on)]


@pytest.mark.parametrize(("day", "fiscal_year"), [
    (date(2024, 3, 31), 2023), (date(2024, 4, 1), 2024), (date(2024, 6, 14), 2024),
    (date(2025, 3, 31), 2024),
])
def test_every_day_falls_in_one_fiscal_year(con, day, fiscal_year) -> None:
    rows = con.execute("select fiscal_year from core.dim_fiscal_year "
                       "where ? between starts_on and ends_on", [day]).fetchall()
    assert rows == [(fiscal_year,)]


def test_years_follow_each_other_without_gaps(con) -> None:
    gaps = con.execute(
        "select fiscal_year from core.dim_fiscal_year "
        "qualify lead(starts_on) over (order by fiscal_year) <> ends_on + 1").fetchall()
    assert gaps == []
