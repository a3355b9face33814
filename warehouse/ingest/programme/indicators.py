"""Prefecture indicators (template 都道府県別 再犯防止指標): one value per indicator, prefecture
and period."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from warehouse.errors import Finding
from warehouse.ingest.contract import Parsed
from warehouse.ingest.programme.rules import ROW_RULES
from warehouse.ingest.programme.table import (
    Problems,
    dataset_identity,
    duplicates,
    read_rows,
    read_table,
    sample_flag,
    scope,
    to_frame,
)
from warehouse.ingest.programme.templates import INDICATORS, recognises
from warehouse.ingest.values import (
    ValueProblem,
    is_blank,
    nfkc,
    parse_number,
    parse_period,
    parse_prefecture,
    special_value_meaning,
)
from warehouse.reference import ALL_PREFECTURES

_KANJI_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                  "十": 10}


def parse_edition(text: object) -> int | None:
    """The plan edition: 第二次, 第2次, 2, 二, 第二次再犯防止推進計画 -> 2; None when blank."""
    value = nfkc(text)
    if not value:
        return None
    match = re.match(r"^(?:第)?([0-9]+|[一二三四五六七八九十])(?:次|期)?", value)
    if match is None:
        raise ValueProblem("not_a_plan_edition", value=repr(value))
    number = match[1]
    return int(number) if number.isdigit() else _KANJI_NUMBERS[number]


def parse_indicator_number(text: object) -> str | None:
    """An indicator number as text (3, 1-1, 3-2-1): 'No.3', '指標番号3', '３－２' are read."""
    value = nfkc(text)
    if not value:
        return None
    value = re.sub(r"^(?:指標番号|no\.?|#)\s*", "", value, flags=re.IGNORECASE)
    if value.endswith(".0") and value[:-2].isdigit():
        value = value[:-2]
    if not re.fullmatch(r"\d+(?:-\d+)*", value):
        raise ValueProblem("not_an_indicator_number", value=repr(nfkc(text)))
    return value


def normalise_unit(text: object) -> str:
    """A unit as compared: NFKC; percent in any spelling is '%'."""
    value = nfkc(text)
    return "%" if value.lower() in {"%", "percent", "パーセント", "割合(%)", "率(%)"} else value


def _decimals(text: str) -> int | None:
    match = re.search(r"\.(\d+)$", nfkc(text).replace(",", "").rstrip("%"))
    return len(match[1]) if match else 0


INDICATOR_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int32, "edition_raw": pl.String, "edition": pl.Int32,
    "indicator_number": pl.String, "indicator_name": pl.String, "indicator_key": pl.String,
    "pref_raw": pl.String, "pref_code": pl.String, "period_raw": pl.String, "period": pl.String,
    "period_kind": pl.String, "period_year": pl.Int32, "value_raw": pl.String,
    "value": pl.Float64, "value_note": pl.String, "unit": pl.String, "numerator": pl.Float64,
    "denominator": pl.Float64, "source": pl.String, "notes": pl.String,
}


def _indicator_record(line: int, cells: dict[str, str], problems: Problems,
                      default_source: str) -> dict:
    read = problems.read
    edition = read(line, "plan_edition", parse_edition, cells)
    number = read(line, "indicator_number", parse_indicator_number, cells)
    name = nfkc(cells.get("indicator_name"))
    if not name:
        problems.add(line, "indicator_name", "indicator_name_empty")
    pref_code = read(line, "prefecture",
                     lambda t: parse_prefecture(t, allow_national=True), cells)
    if pref_code is None and is_blank(cells.get("prefecture")):
        problems.add(line, "prefecture", "indicator_prefecture_empty")
    period = read(line, "period", parse_period, cells)
    if period is None and is_blank(cells.get("period")):
        problems.add(line, "period", "period_empty")
    unit = normalise_unit(cells.get("unit"))
    if not unit:
        problems.add(line, "unit", "unit_empty")
    value_raw = nfkc(cells.get("value"))
    note = special_value_meaning(value_raw)
    value = None
    if note is None:
        if not value_raw:
            problems.add(line, "value", "value_empty")
        else:
            value = read(line, "value", parse_number, cells)
    numerator = read(line, "numerator", parse_number, cells)
    denominator = read(line, "denominator", parse_number, cells)
    if unit == "%":
        _check_rate(line, value, value_raw, numerator, denominator, problems)
    return {
        "line_number": line, "edition_raw": nfkc(cells.get("plan_edition")) or None,
        "edition": edition, "indicator_number": number, "indicator_name": name or None,
        "indicator_key": number if number is not None else name or None,
        "pref_raw": nfkc(cells.get("prefecture")) or None, "pref_code": pref_code,
        "period_raw": nfkc(cells.get("period")) or None,
        "period": period.label if period else None,
        "period_kind": period.kind if period else None,
        "period_year": period.year if period else None,
        "value_raw": value_raw or None, "value": value, "value_note": note,
        "unit": unit or None, "numerator": numerator, "denominator": denominator,
        "source": nfkc(cells.get("source")) or default_source,
        "notes": nfkc(cells.get("notes")) or None,
    }


def _check_rate(line: int, value: float | None, value_raw: str, numerator: float | None,
                denominator: float | None, problems: Problems) -> None:
    """A rate in percent lies in 0-100 and agrees with its numerator and denominator."""
    if value is not None and not 0 <= value <= 100:
        problems.add(line, "value", "rate_out_of_range", value=value_raw)
        return
    if (numerator is None) != (denominator is None):
        given = "numerator" if numerator is not None else "denominator"
        problems.add(line, given, f"rate_{given}_only")
        return
    if numerator is None or denominator is None:
        return
    if denominator <= 0 or numerator < 0:
        problems.add(line, "denominator", "rate_not_a_rate", numerator=f"{numerator:g}",
                     denominator=f"{denominator:g}")
        return
    if numerator > denominator:
        problems.add(line, "numerator", "rate_numerator_larger", numerator=f"{numerator:g}",
                     denominator=f"{denominator:g}")
        return
    if value is None:
        return
    computed = 100 * numerator / denominator
    decimals = _decimals(value_raw)
    tolerance = 0.5 * 10 ** -(decimals if decimals is not None and decimals <= 6 else 1) + 1e-9
    if abs(computed - value) > tolerance:
        problems.add(line, "value", "rate_mismatch", value=value_raw,
                     numerator=f"{numerator:g}", denominator=f"{denominator:g}",
                     computed=f"{computed:.2f}")


def parse_indicators(path: Path, content: bytes) -> Parsed:
    """Parse a prefecture-indicator file (template 都道府県別 再犯防止指標)."""
    table = read_table(path, content, INDICATORS)
    rows = read_rows(path, table, INDICATORS)
    problems = Problems(path, rows.headers)
    is_sample = sample_flag(rows, problems)
    records = [_indicator_record(line, cells, problems, f"template: {path.name}")
               for line, cells in rows.records]
    findings = list(rows.findings)
    findings += duplicates(
        records, *ROW_RULES["indicator_value"][:2], problems,
        lambda r: f"{r['indicator_name']}, {r['pref_raw']}, {r['period_raw']}")
    problems.raise_if_any()
    if any(r["edition"] is None for r in records):
        findings.append(Finding("edition_missing", "rows without a plan edition are keyed by "
                                "name only", column=rows.headers.get("plan_edition")))
    frame = to_frame(records, INDICATOR_SCHEMA)
    prefectures = scope([r["pref_code"] for r in records], ALL_PREFECTURES)
    identity = dataset_identity("indicators", [
        scope([str(r["edition"]) for r in records]),
        prefectures,
        scope([r["period"] for r in records]),
        scope([str(r["indicator_key"]) for r in records]),
    ], prefectures, is_sample)
    return Parsed(identity, "indicator_value", frame, table.encoding, table.delimiter, findings)



def is_indicator_file(header: list[str]) -> bool:
    """Header of a prefecture-indicator file."""
    return recognises(INDICATORS, header)
