"""Reading the cells people type into Japanese spreadsheets: one table per kind of value."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from warehouse.ingest.values import (
    Period,
    ValueProblem,
    parse_date,
    parse_fiscal_year,
    parse_flag,
    parse_lg_code,
    parse_number,
    parse_period,
    parse_prefecture,
    parse_yen,
    special_value_meaning,
)


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-04-01", date(2024, 4, 1)),
    ("2024/4/1", date(2024, 4, 1)),
    ("2024.4.1", date(2024, 4, 1)),
    ("20240401", date(2024, 4, 1)),
    ("2024年4月1日", date(2024, 4, 1)),
    ("２０２４年４月１日", date(2024, 4, 1)),  # full-width digits
    ("令和6年4月1日", date(2024, 4, 1)),
    ("令和６年４月１日現在", date(2024, 4, 1)),
    ("R6.4.1", date(2024, 4, 1)),
    ("r06.04.01", date(2024, 4, 1)),
    ("Ｒ６．４．１", date(2024, 4, 1)),  # full-width era letter and dots
    ("R6/4/1", date(2024, 4, 1)),
    ("令和元年5月1日", date(2019, 5, 1)),
    ("平成31年4月1日", date(2019, 4, 1)),
    ("H31.4.30", date(2019, 4, 30)),
    ("昭和64年1月7日", date(1989, 1, 7)),
    ("2024-04-01 00:00:00", date(2024, 4, 1)),  # a date cell exported as text
    (datetime(2024, 4, 1, 0, 0), date(2024, 4, 1)),  # an Excel date cell
    ("", None),
    ("  ", None),
])
def test_dates(text, expected) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("平成31年5月1日", "outside the 平成 era"),  # 令和元年5月1日
    ("令和0年4月1日", "does not exist"),
    ("2024/2/30", "not a real date"),
    ("4月1日", "not a date"),
    ("来年度", "not a date"),
])
def test_bad_dates_say_what_is_wrong(text, says) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_date(text)
    assert says in problem.value.what
    assert problem.value.todo


@pytest.mark.parametrize(("text", "expected"), [
    ("2024", 2024), ("2024年度", 2024), ("FY2024", 2024), ("fy 2024", 2024), ("令和6年度", 2024),
    ("R6", 2024), ("Ｒ６年度", 2024), ("令和元年度", 2019), ("H30年度", 2018), ("2024.0", 2024),
    ("", None),
])
def test_fiscal_years(text, expected) -> None:
    assert parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["平成40年度", "今年度", "24"])
def test_bad_fiscal_years(text) -> None:
    with pytest.raises(ValueProblem):
        parse_fiscal_year(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("2022", Period("year", 2022)),
    ("2022年", Period("year", 2022)),
    ("令和4年", Period("year", 2022)),
    ("2022年出所者", Period("year", 2022)),
    ("２０２２年", Period("year", 2022)),
    ("2022年度", Period("fiscal_year", 2022)),
    ("令和4年度", Period("fiscal_year", 2022)),
    ("FY2022", Period("fiscal_year", 2022)),
    ("", None),
])
def test_periods(text, expected) -> None:
    assert parse_period(text) == expected


def test_period_labels() -> None:
    assert Period("year", 2022).label == "2022"
    assert Period("fiscal_year", 2022).label == "FY2022"


@pytest.mark.parametrize(("text", "national", "expected"), [
    ("東京都", False, "13"), ("東京", False, "13"), ("13", False, "13"), ("１３", False, "13"),
    ("1", False, "01"), ("01", False, "01"), ("北海道", False, "01"), ("Tokyo", False, "13"),
    ("13000", False, "13"), ("130001", False, "13"), ("大阪府", False, "27"), ("京都", False, "26"),
    (" 沖縄県 ", False, "47"), ("全国", True, "00"), ("00", True, "00"), ("", False, None),
])
def test_prefectures(text, national, expected) -> None:
    assert parse_prefecture(text, allow_national=national) == expected


@pytest.mark.parametrize(("text", "national"), [("全国", False), ("東京府", False), ("48", False),
                                                ("Edo", True)])
def test_unknown_prefectures(text, national) -> None:
    with pytest.raises(ValueProblem):
        parse_prefecture(text, allow_national=national)


@pytest.mark.parametrize(("text", "name", "expected"), [
    ("011002", None, "011002"),  # 札幌市, 6 digits with check digit
    ("11002", None, "011002"),  # the leading zero lost in Excel
    ("11002.0", None, "011002"),  # ... and typed as a number
    ("01100", None, "011002"),  # 5 digits without check digit
    ("1100", None, "011002"),  # 5 digits that lost the leading zero
    ("13101", None, "131016"),  # 千代田区 without check digit
    ("１３１０１６", None, "131016"),  # full-width
    ("131016", "千代田区", "131016"),
    ("", None, None),
])
def test_local_government_codes(text, name, expected) -> None:
    assert parse_lg_code(text, name) == expected


@pytest.mark.parametrize(("text", "says"), [
    ("131017", "check digit"),
    ("99999", "no local government"),
    ("札幌", "not a local-government code"),
    ("123", "not a local-government code"),
])
def test_bad_local_government_codes(text, says) -> None:
    with pytest.raises(ValueProblem) as problem:
        parse_lg_code(text)
    assert says in problem.value.what


@pytest.mark.parametrize(("text", "expected"), [
    ("1,500,000", 1_500_000), ("1500000円", 1_500_000), ("¥1,200,000", 1_200_000),
    ("１５０万円", 1_500_000), ("150万", 1_500_000), ("3000千", 3_000_000),
    (3_000_000.0, 3_000_000),
    ("△1,000", -1000), ("", None),
])
def test_yen(text, expected) -> None:
    assert parse_yen(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("23.4", 23.4), ("２３．４", 23.4), ("23.4%", 23.4), ("1,234", 1234.0), ("12人", 12.0),
    ("", None),
])
def test_numbers(text, expected) -> None:
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", ["約20", "twenty", "1.2.3"])
def test_bad_numbers(text) -> None:
    with pytest.raises(ValueProblem):
        parse_number(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("○", True), ("〇", True), ("有", True), ("はい", True), ("実施", True), ("TRUE", True),
    ("1", True), ("1.0", True), ("yes", True), (True, True),
    ("×", False), ("無", False), ("いいえ", False), ("未実施", False), ("0", False), ("no", False),
    ("", None),
])
def test_flags(text, expected) -> None:
    assert parse_flag(text) == expected


def test_special_cells() -> None:
    assert special_value_meaning("X").startswith("秘匿")
    assert special_value_meaning("-").startswith("該当数値なし")
    assert special_value_meaning("…") is not None
    assert special_value_meaning("***") is not None
    assert special_value_meaning("12.3") is None
