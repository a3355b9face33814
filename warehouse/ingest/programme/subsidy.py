"""Subsidy records (template 地域再犯防止推進事業 実施状況): one row per prefecture and fiscal
year, with the menus run and the amounts."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import polars as pl

from warehouse.errors import Finding
from warehouse.ingest.contract import Parsed
from warehouse.ingest.programme.rules import MENU_COLUMNS, ROW_RULES
from warehouse.ingest.programme.table import (
    Problems,
    dataset_identity,
    duplicates,
    merge_findings,
    read_rows,
    read_table,
    sample_flag,
    scope,
    to_frame,
)
from warehouse.ingest.programme.templates import SUBSIDY, recognises
from warehouse.ingest.values import (
    ValueProblem,
    is_blank,
    nfkc,
    parse_fiscal_year,
    parse_flag,
    parse_prefecture,
    parse_yen,
)
from warehouse.reference import ALL_PREFECTURES, menu_keys

# The programme's rule (white paper, COLUMN８): the state pays half the cost, at most 1.5 million.
NATIONAL_SHARE_CAP_YEN = 1_500_000
REQUIRED_MENUS = menu_keys("required")
DIRECT_SUPPORT_MENUS = menu_keys("direct_support")
_MENU_WORDS = (("会議", "coordination_meetings"), ("研修", "staff_training"),
               ("就労", "employment_housing_support"), ("住居", "employment_housing_support"),
               ("専門", "specialised_support"), ("相談", "consultation_support"),
               ("meeting", "coordination_meetings"), ("training", "staff_training"),
               ("employment", "employment_housing_support"),
               ("housing", "employment_housing_support"),
               ("speciali", "specialised_support"), ("consult", "consultation_support"))

SUBSIDY_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int32, "fiscal_year_raw": pl.String, "fiscal_year": pl.Int32,
    "pref_raw": pl.String, "pref_code": pl.String, "participating_raw": pl.String,
    "is_participating": pl.Boolean, **{m: pl.Boolean for m in MENU_COLUMNS},
    "project_cost_raw": pl.String, "project_cost_yen": pl.Int64, "national_share_raw": pl.String,
    "national_share_yen": pl.Int64, "notes": pl.String,
}


def parse_menu_list(text: object) -> set[str]:
    """Menus listed in one cell (就労・住居支援、相談支援) -> menu column keys."""
    value = nfkc(text)
    menus: set[str] = set()
    for token in re.split(r"[、,;/\n]+", value):
        token = token.strip()
        if not token:
            continue
        keys = {key for word, key in _MENU_WORDS if word in token.lower()}
        if not keys:
            raise ValueProblem("not_a_menu", value=repr(token))
        menus |= keys
    return menus


def _yen_parser(header: str | None) -> Callable[[str], int | None]:
    """Yen amounts; a header in 千円 or 万円 multiplies the numbers typed under it."""
    factor = 1000 if header and "千円" in nfkc(header) else 10000 if header and "万円" in nfkc(
        header) else 1

    def parse(text: str) -> int | None:
        amount = parse_yen(text)
        return None if amount is None else amount * factor
    return parse


def _subsidy_record(line: int, cells: dict[str, str], headers: dict[str, str],
                    problems: Problems, findings: list[Finding]) -> dict:
    read = problems.read
    fiscal_year = read(line, "fiscal_year", parse_fiscal_year, cells)
    if fiscal_year is None and is_blank(cells.get("fiscal_year")):
        problems.add(line, "fiscal_year", "fiscal_year_empty")
    elif fiscal_year is not None and fiscal_year < 2023:
        findings.append(Finding("before_programme", f"fiscal year {fiscal_year} is before the "
                                "programme began (FY2023)", line=line,
                                column=headers.get("fiscal_year")))
    pref_code = read(line, "prefecture", parse_prefecture, cells)
    if pref_code is None and is_blank(cells.get("prefecture")):
        problems.add(line, "prefecture", "prefecture_cell_empty")
    participating = read(line, "participating", parse_flag, cells)
    if participating is None and is_blank(cells.get("participating")):
        problems.add(line, "participating", "participation_empty")
    menus = {m: read(line, m, parse_flag, cells) for m in MENU_COLUMNS}
    listed = read(line, "menus", parse_menu_list, cells) or set()
    menus = {m: bool(menus[m]) or m in listed for m in MENU_COLUMNS}
    cost = read(line, "project_cost_yen", _yen_parser(headers.get("project_cost_yen")), cells)
    share = read(line, "national_share_yen", _yen_parser(headers.get("national_share_yen")), cells)
    for key, amount in (("project_cost_yen", cost), ("national_share_yen", share)):
        if amount is not None and amount < 0:
            problems.add(line, key, "amount_negative", value=repr(cells.get(key)),
                         amount=f"{amount:,}")
    if participating is False and (any(menus.values()) or cost or share):
        problems.add(line, "participating", "not_participating_but_filled")
    if share is not None and share > NATIONAL_SHARE_CAP_YEN:
        problems.add(line, "national_share_yen", "share_above_cap", share=f"{share:,}",
                     cap=f"{NATIONAL_SHARE_CAP_YEN:,}")
    if share is not None and cost is None and share > 0:
        problems.add(line, "project_cost_yen", "share_without_cost")
    if share is not None and cost is not None and share * 2 > cost:
        problems.add(line, "national_share_yen", "share_over_half", share=f"{share:,}",
                     cost=f"{cost:,}", half=f"{cost // 2:,}")
    if participating:
        gaps = [m for m in REQUIRED_MENUS if not menus[m]]
        if not any(menus[m] for m in DIRECT_SUPPORT_MENUS):
            gaps.append("a direct-support menu")
        if gaps:
            findings.append(Finding(
                "menus_incomplete", f"participating but without {', '.join(gaps)} (the "
                "programme requires the meetings, the training and one direct-support menu)",
                line=line))
        if cost is None and share is None:
            findings.append(Finding("amounts_missing", "participating but no amounts given",
                                    line=line, column=headers.get("project_cost_yen"),
                                    severity="info"))
    return {
        "line_number": line, "fiscal_year_raw": nfkc(cells.get("fiscal_year")) or None,
        "fiscal_year": fiscal_year, "pref_raw": nfkc(cells.get("prefecture")) or None,
        "pref_code": pref_code, "participating_raw": nfkc(cells.get("participating")) or None,
        "is_participating": participating, **menus,
        "project_cost_raw": nfkc(cells.get("project_cost_yen")) or None,
        "project_cost_yen": cost,
        "national_share_raw": nfkc(cells.get("national_share_yen")) or None,
        "national_share_yen": share, "notes": nfkc(cells.get("notes")) or None,
    }



def parse_subsidy(path: Path, content: bytes) -> Parsed:
    """Parse a subsidy-record file (template 地域再犯防止推進事業 実施状況)."""
    table = read_table(path, content, SUBSIDY)
    rows = read_rows(path, table, SUBSIDY)
    problems = Problems(path, rows.headers)
    is_sample = sample_flag(rows, problems)
    row_findings: list[Finding] = []
    records = [_subsidy_record(line, cells, rows.headers, problems, row_findings)
               for line, cells in rows.records]
    findings = list(rows.findings)
    findings += duplicates(records, *ROW_RULES["subsidy_record"][:2], problems,
                            lambda r: f"{r['pref_raw']}, {r['fiscal_year_raw']}")
    problems.raise_if_any()
    for code in ("menus_incomplete", "amounts_missing", "before_programme"):
        row_findings = merge_findings(row_findings, code)
    findings += row_findings
    frame = to_frame(records, SUBSIDY_SCHEMA)
    prefectures = scope([r["pref_code"] for r in records], ALL_PREFECTURES)
    identity = dataset_identity("subsidy_records", [
        scope([str(r["fiscal_year"]) for r in records]), prefectures], prefectures, is_sample)
    return Parsed(identity, "subsidy_record", frame, table.encoding, table.delimiter, findings)



def is_subsidy_file(header: list[str]) -> bool:
    """Header of a subsidy-record file."""
    return recognises(SUBSIDY, header)
