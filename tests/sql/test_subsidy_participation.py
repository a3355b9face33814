"""mart.subsidy_participation_by_fiscal_year on given rows, and every reader of it agreeing:
mart.region_progress, mart.extract_subsidy, the dashboard, `saihan check` and the data test."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from dashboard import queries
from tests.sql import given
from warehouse import db
from warehouse.reconcile import DIFFERS, MATCH, reconcile_subsidy

LIST_DATE = "2024-06-14"


def record(pref_code: str, fiscal_year: int, is_participating: bool, cost: int | None = None):
    """One subsidy record: participation, the two required menus when taking part, amounts."""
    return {"fiscal_year": fiscal_year, "pref_code": pref_code,
            "is_participating": is_participating, "coordination_meetings": is_participating,
            "staff_training": is_participating, "employment_housing_support": is_participating,
            "specialised_support": False, "consultation_support": False,
            "project_cost_yen": cost, "national_share_yen": cost // 2 if cost else None}


@pytest.fixture(scope="module")
def con():
    con = given.warehouse()
    # The white paper's list for FY2024: 北海道, 青森県, 岩手県 took part, 3 in all.
    given.add_published(con, 1, [
        *({"topic": "subsidy_participation", "measure": "participating", "pref_name": name,
           "value": "1", "unit": "flag", "as_of": LIST_DATE, "source": "白書",
           "section": "第7章"} for name in ("北海道", "青森県", "岩手県")),
        {"topic": "subsidy_participation", "measure": "participating_prefectures",
         "value": "3", "unit": "prefectures", "as_of": LIST_DATE, "source": "白書"},
    ])
    # Real records: FY2023 (no list) and FY2024, where 秋田県 says it took part and 青森県 not.
    given.add_file(con, 2, "subsidy_records", "subsidy/real", row_count=5)
    given.insert(con, "raw.subsidy_record", [
        {"file_id": 2, "line_number": i, **r} for i, r in enumerate([
            record("01", 2023, True, 2_000_000), record("02", 2023, False),
            record("01", 2024, True, 3_000_000), record("05", 2024, True, 1_000_000),
            record("02", 2024, False),
        ], start=1)])
    # A sample record for FY2023.
    given.add_file(con, 3, "subsidy_records", "subsidy/sample", is_sample=True, row_count=1)
    given.insert(con, "raw.subsidy_record",
                 [{"file_id": 3, "line_number": 1, **record("03", 2023, True, 1_000_000)}])
    given.build(con)
    yield con
    con.close()


EXPECTED = [
    {"fiscal_year": 2023, "fiscal_year_ja": "令和5年度", "fiscal_year_en": "FY2023",
     "participating_prefectures": 2, "participation_source": "record",
     "published_as_of_on": None, "project_cost_yen": 3_000_000,
     "national_share_yen": 1_500_000, "prefectures_with_record": 3,
     "record_participating_prefectures": 2, "are_records_sample": False,
     "record_only_pref_codes": None, "list_only_pref_codes": None,
     "is_participation_sample": True, "is_sample": True},
    {"fiscal_year": 2024, "fiscal_year_ja": "令和6年度", "fiscal_year_en": "FY2024",
     "participating_prefectures": 3, "participation_source": "published",
     "published_as_of_on": date(2024, 6, 14), "project_cost_yen": 4_000_000,
     "national_share_yen": 2_000_000, "prefectures_with_record": 3,
     "record_participating_prefectures": 2, "are_records_sample": False,
     "record_only_pref_codes": ["05"], "list_only_pref_codes": ["02"],
     "is_participation_sample": False, "is_sample": False},
]


def test_one_row_per_fiscal_year(con) -> None:
    frame = con.sql("select * from mart.subsidy_participation_by_fiscal_year").pl()
    assert frame.to_dicts() == EXPECTED


def test_every_reader_shows_the_same_national_count(con) -> None:
    progress = con.execute("select pref_code, subsidy_fiscal_year, "
                           "national_participating_prefectures from mart.region_progress "
                           "where pref_code in ('01', '05') order by 1").fetchall()
    assert progress == [("01", 2024, 3), ("05", 2024, 3)]
    extract = con.execute("select fiscal_year, fiscal_year_ja, national_participating "
                          "from mart.extract_subsidy where pref_code = '01' "
                          "order by row_order").fetchall()
    assert extract == [(2023, "令和5年度", 2), (2024, "令和6年度", 3)]
    dashboard = queries.subsidy_by_year(con)
    assert dashboard["participating"].to_list() == [2, 3]
    assert dashboard["project_cost_yen"].to_list() == [3_000_000, 4_000_000]


def test_saihan_check_compares_the_list_and_the_records(con) -> None:
    mart, records = reconcile_subsidy(con)
    assert (mart.status, mart.warehouse, mart.published) == (MATCH, 3, 3)
    assert (records.status, records.warehouse) == (DIFFERS, 2)
    assert "the records say 秋田県 took part" in records.explanation
    assert "the list names 青森県" in records.explanation


def test_the_data_test_holds(con) -> None:
    path = Path(db.SQL_DIR / "tests" / "subsidy_uptake_matches_published.sql")
    assert con.execute(path.read_text(encoding="utf-8")).fetchall() == []


def test_the_data_test_fails_when_the_list_and_its_total_disagree(con) -> None:
    cur = con.cursor()
    cur.execute("update mart.subsidy_participation_by_fiscal_year "
                "set participating_prefectures = 2 where fiscal_year = 2024")
    try:
        path = Path(db.SQL_DIR / "tests" / "subsidy_uptake_matches_published.sql")
        rows = cur.execute(path.read_text(encoding="utf-8")).fetchall()
    finally:
        cur.execute("update mart.subsidy_participation_by_fiscal_year "
                    "set participating_prefectures = 3 where fiscal_year = 2024")
    assert rows == [(None, 2024, "published 3 participating, mart has 2")]
