"""mart.plan_coverage_reconciliation on given rows: the white paper's local-plan counts beside
the warehouse's, classified once for `saihan check`, the plans page and the data test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard import queries
from tests.sql import given
from warehouse import db
from warehouse.reconcile import reconcile_plans

APRIL_2024, APRIL_2025 = date(2024, 4, 1), date(2025, 4, 1)


def fact(fact_id: str, level: str, method: str, value: int, as_of: date) -> dict:
    return {"fact_id": fact_id, "topic": "local_plans", "measure": "governments_with_plan",
            "level": level, "method": method, "value": str(value), "unit": "governments",
            "as_of": as_of.isoformat()}


def plans(con, file_id: int, as_of: date, where: str, status: str = "adopted",
          method: str | None = "standalone") -> None:
    """Plan records for the governments of the reference list that ``where`` picks."""
    con.execute(
        "insert into raw.local_plan (file_id, line_number, as_of_on, lg_code, pref_code, status, "
        "method) select ?, row_number() over (order by lg_code), ?, lg_code, pref_code, ?, ? "
        f"from ref.local_government where {where}",  # where: the test's own literals
        [file_id, as_of, status, method])


@pytest.fixture(scope="module")
def con():
    con = given.warehouse()
    given.add_published(con, 1, [
        fact("p_all", "prefecture", "all", 47, APRIL_2024),
        fact("p_included", "prefecture", "included_in_other", 2, APRIL_2024),
        fact("p_standalone", "prefecture", "standalone", 45, APRIL_2024),
        fact("p_weird", "prefecture", "by_ordinance", 3, APRIL_2024),
        fact("dc_all", "designated_city", "all", 12, APRIL_2024),
        fact("m_all", "municipality", "all", 5, date(2023, 4, 1)),
        fact("q_all", "prefecture", "all", 47, APRIL_2025),
    ])
    # 2024-04-01, real: every prefecture (北海道 in another plan, 青森県 none), 10 of the 20
    # designated cities.
    given.add_file(con, 2, "local_plans", "plans/2024")
    plans(con, 2, APRIL_2024, "kind = 'prefecture' and lg_code not in ('010006', '020001')")
    plans(con, 2, APRIL_2024, "lg_code = '010006'", method="included_in_other")
    plans(con, 2, APRIL_2024, "lg_code = '020001'", status="none", method=None)
    plans(con, 2, APRIL_2024, "kind = 'designated_city' and lg_code < '230000'")
    # 2025-04-01: a sample delivery says every prefecture has a plan; a real one says 北海道 not.
    given.add_file(con, 3, "local_plans", "plans/2025/sample", is_sample=True)
    plans(con, 3, APRIL_2025, "kind = 'prefecture'")
    given.add_file(con, 4, "local_plans", "plans/2025/real")
    plans(con, 4, APRIL_2025, "lg_code = '010006'", status="none", method=None)
    given.build(con)
    yield con
    con.close()


EXPECTED = [  # fact_id, published, warehouse, status, is_complete, explanation
    ("dc_all", 12.0, 10, "explained", False,
     "10 of 20 governments not reported; the other 2 may be among them"),
    ("m_all", 5.0, None, "no_data", None,
     "no local-plan records as of 2023-04-01 (records on: 2024-04-01, 2025-04-01)"),
    ("p_all", 47.0, 46, "differs", True,
     "47 of 47 governments reported (real records); check the records against the white "
     "paper's count (資7-79-3 counts ordinances and implementation policies as plans)"),
    ("p_included", 2.0, 1, "differs", True,
     "47 of 47 governments reported (real records); check the records against the white "
     "paper's count (資7-79-3 counts ordinances and implementation policies as plans)"),
    ("p_standalone", 45.0, 45, "match", True, "real records"),
    ("p_weird", 3.0, None, None, True, None),
    ("q_all", 47.0, 46, "explained", False,
     "1 real records replace sample ones (the sample alone matches the white paper)"),
]


def test_each_published_count_beside_the_warehouse(con) -> None:
    rows = con.execute("select fact_id, published, warehouse, status, is_complete, explanation "
                       "from mart.plan_coverage_reconciliation").fetchall()
    assert rows == EXPECTED


def test_saihan_check_and_the_plans_page_read_the_same_rows(con) -> None:
    compared = [row for row in EXPECTED if row[3] is not None]
    check = [(c.fact_id, c.published, c.warehouse, c.status, c.explanation)
             for c in reconcile_plans(con)]
    assert check == [(f, p, w, s, e) for f, p, w, s, _, e in compared]
    page = queries.plan_coverage_reconciliation(con)
    assert page.select("fact_id", "status").rows() == [(f, s) for f, _, _, s, _, _ in compared]


def test_the_data_test_fails_on_complete_dates_only(con) -> None:
    path = Path(db.SQL_DIR / "tests" / "plan_coverage_reconciles.sql")
    rows = con.execute(path.read_text(encoding="utf-8")).fetchall()
    assert sorted(rows, key=str) == sorted([
        ("prefecture", "all", APRIL_2024, "published 47, warehouse 46"),
        ("prefecture", "included_in_other", APRIL_2024, "published 2, warehouse 1"),
        ("prefecture", "by_ordinance", APRIL_2024, None),  # a method the warehouse cannot count
    ], key=str)
