"""Local-plan status (template 地方再犯防止推進計画 策定状況): one row per local government at an
as-of date."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polars as pl

from warehouse.errors import Finding
from warehouse.ingest.contract import Parsed
from warehouse.ingest.programme.rules import ROW_RULES
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
from warehouse.ingest.programme.templates import LOCAL_PLANS, canon, recognises
from warehouse.ingest.values import (
    ValueProblem,
    is_blank,
    nfkc,
    parse_date,
    parse_fiscal_year,
    parse_lg_code,
    parse_prefecture,
)
from warehouse.reference import ALL_PREFECTURES, local_governments, name_matches, prefecture_names

_STATUS = {
    "adopted": {"策定済", "策定済み", "済", "策定", "策定あり", "有", "有り", "あり", "○", "〇",
                "はい", "yes", "adopted", "true", "1"},
    "in_preparation": {"策定中", "検討中", "策定予定", "予定", "△", "inpreparation", "preparing",
                       "planned"},
    "none": {"未策定", "無", "無し", "なし", "×", "いいえ", "no", "none", "false", "0", "-"},
}
_METHOD = {
    "standalone": {"単独", "単独で策定", "単独策定", "単独計画", "standalone"},
    "included_in_other": {"包含", "他計画に包含", "他の計画に包含", "他の関連計画に包含",
                          "他の関連計画に包含して策定", "一体", "一体的に策定", "included",
                          "includedinother", "includedinanotherplan"},
}
_FORM = {"plan": {"計画", "plan"}, "ordinance": {"条例", "ordinance"},
         "policy": {"実施方針", "方針", "policy"}}


def _choice(options: dict[str, set[str]], code: str) -> Callable[[str], str | None]:
    table = {canon(word): key for key, words in options.items() for word in words}

    def parse(text: str) -> str | None:
        value = canon(text)
        if not value:
            return None
        if value in table:
            return table[value]
        raise ValueProblem(code, value=repr(nfkc(text)))
    return parse


parse_status = _choice(_STATUS, "not_a_plan_status")
parse_method = _choice(_METHOD, "not_a_plan_method")
parse_form = _choice(_FORM, "not_a_plan_form")


def _period_bound(end: bool) -> Callable[[str], date | None]:
    """A plan period bound: a date, or a fiscal year (start 4/1, end 3/31 of the next year)."""
    def parse(text: str) -> date | None:
        if is_blank(text):
            return None
        try:
            return parse_date(text)
        except ValueProblem as date_problem:
            try:
                year = parse_fiscal_year(text)
            except ValueProblem:
                if date_problem.said.code == "not_a_date":
                    raise ValueProblem("not_a_date_or_fiscal_year",
                                       value=date_problem.said.params["value"]) from None
                raise ValueProblem("period_bound_problem", problem=date_problem.said) from None
            return date(year + 1, 3, 31) if end else date(year, 4, 1)
    return parse


def _split_period(text: str) -> tuple[str, str]:
    parts = re.split(r"\s*[~〜～]\s*|\s+-\s+|\s*から\s*", nfkc(text).replace("〜", "~"))
    if len(parts) != 2:
        raise ValueProblem("not_a_period_range", value=repr(nfkc(text)))
    return parts[0], parts[1].removesuffix("まで")


LOCAL_PLAN_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int32, "as_of_raw": pl.String, "as_of_on": pl.Date,
    "lg_code_raw": pl.String, "lg_code": pl.String, "name_raw": pl.String, "pref_raw": pl.String,
    "pref_code": pl.String, "status_raw": pl.String, "status": pl.String,
    "method_raw": pl.String, "method": pl.String, "included_in": pl.String,
    "plan_form": pl.String, "plan_name": pl.String, "adopted_on_raw": pl.String,
    "adopted_on": pl.Date, "period_start_raw": pl.String, "period_start_on": pl.Date,
    "period_end_raw": pl.String, "period_end_on": pl.Date, "notes": pl.String,
}


def _local_plan_record(line: int, cells: dict[str, str], problems: Problems,
                       findings: list[Finding]) -> dict:
    read = problems.read
    as_of = read(line, "as_of", parse_date, cells)
    if as_of is None and is_blank(cells.get("as_of")):
        problems.add(line, "as_of", "as_of_empty")
    name = nfkc(cells.get("name"))
    lg_code = read(line, "lg_code", lambda t: parse_lg_code(t, name or None), cells)
    if lg_code is None and is_blank(cells.get("lg_code")):
        problems.add(line, "lg_code", "lg_code_empty")
    government = local_governments().get(lg_code) if lg_code else None
    pref_code = government.pref_code if government else None
    if government is not None:
        if government.kind == "ward":
            parent = next((g for g in local_governments().values()
                           if g.kind == "designated_city" and g.pref_code == government.pref_code
                           and government.full_name_ja.startswith(g.name_ja)), None)
            problems.add(line, "lg_code", "lg_ward", lg_code=lg_code,
                         name=government.full_name_ja,
                         parent=f" ({parent.lg_code} {parent.name_ja})" if parent else "")
        elif government.is_northern_territories:
            problems.add(line, "lg_code", "lg_northern_territories", lg_code=lg_code,
                         name=government.name_ja)
        if name and not name_matches(name, government):
            problems.add(line, "name", "lg_name_mismatch", lg_code=lg_code,
                         full_name=government.full_name_ja, name=repr(name))
        written_pref = read(line, "prefecture", parse_prefecture, cells)
        if written_pref is not None and written_pref != government.pref_code:
            problems.add(line, "prefecture", "lg_prefecture_mismatch", lg_code=lg_code,
                         full_name=government.full_name_ja,
                         prefecture=prefecture_names()[government.pref_code],
                         written=repr(nfkc(cells.get("prefecture"))))
    status = read(line, "status", parse_status, cells)
    if status is None and is_blank(cells.get("status")):
        problems.add(line, "status", "plan_status_empty")
    method = read(line, "method", parse_method, cells)
    included_in = nfkc(cells.get("included_in")) or None
    if method is None and included_in and status == "adopted":
        method = "included_in_other"
    if status == "adopted" and method is None and is_blank(cells.get("method")):
        problems.add(line, "method", "plan_method_empty")
    if status == "none" and (method or included_in or nfkc(cells.get("plan_name"))):
        problems.add(line, "status", "plan_none_described")
    if method == "standalone" and included_in:
        findings.append(Finding("standalone_with_included_in",
                                "standalone plan with a 包含先の計画; the 包含先 is kept as a note",
                                line=line))
    form = read(line, "plan_form", parse_form, cells)
    if status == "adopted" and form is None:
        form = "plan"
    adopted_on = read(line, "adopted_on", parse_date, cells)
    start_text, end_text = cells.get("period_start", ""), cells.get("period_end", "")
    if not is_blank(cells.get("plan_period")) and is_blank(start_text) and is_blank(end_text):
        try:
            start_text, end_text = _split_period(cells["plan_period"])
        except ValueProblem as problem:
            problems.said(line, "plan_period", problem.said)
    start = read(line, "period_start", _period_bound(False), {"period_start": start_text})
    end = read(line, "period_end", _period_bound(True), {"period_end": end_text})
    if start and end and start > end:
        problems.add(line, "period_end", "plan_period_reversed", start=start, end=end)
    if adopted_on and as_of and adopted_on > as_of:
        findings.append(Finding("adopted_after_as_of", "adoption date after the as-of date",
                                line=line, column="adopted_on"))
    return {
        "line_number": line, "as_of_raw": nfkc(cells.get("as_of")) or None, "as_of_on": as_of,
        "lg_code_raw": nfkc(cells.get("lg_code")) or None, "lg_code": lg_code,
        "name_raw": name or None, "pref_raw": nfkc(cells.get("prefecture")) or None,
        "pref_code": pref_code, "status_raw": nfkc(cells.get("status")) or None,
        "status": status, "method_raw": nfkc(cells.get("method")) or None,
        "method": method if status == "adopted" else None, "included_in": included_in,
        "plan_form": form, "plan_name": nfkc(cells.get("plan_name")) or None,
        "adopted_on_raw": nfkc(cells.get("adopted_on")) or None, "adopted_on": adopted_on,
        "period_start_raw": nfkc(start_text) or None, "period_start_on": start,
        "period_end_raw": nfkc(end_text) or None, "period_end_on": end,
        "notes": nfkc(cells.get("notes")) or None,
    }


def parse_local_plans(path: Path, content: bytes) -> Parsed:
    """Parse a local-plan status file (template 地方再犯防止推進計画 策定状況)."""
    table = read_table(path, content, LOCAL_PLANS)
    rows = read_rows(path, table, LOCAL_PLANS)
    problems = Problems(path, rows.headers)
    is_sample = sample_flag(rows, problems)
    row_findings: list[Finding] = []
    records = [_local_plan_record(line, cells, problems, row_findings)
               for line, cells in rows.records]
    findings = list(rows.findings)
    findings += duplicates(records, *ROW_RULES["local_plan"][:2], problems,
                            lambda r: f"{r['lg_code']} {r['name_raw'] or ''}".strip())
    problems.raise_if_any()
    for code in ("standalone_with_included_in", "adopted_after_as_of"):
        row_findings = merge_findings(row_findings, code)
    findings += row_findings
    frame = to_frame(records, LOCAL_PLAN_SCHEMA)
    prefectures = scope([r["pref_code"] for r in records], ALL_PREFECTURES)
    identity = dataset_identity("local_plans", [
        scope([r["as_of_on"].isoformat() for r in records]), prefectures], prefectures, is_sample)
    return Parsed(identity, "local_plan", frame, table.encoding, table.delimiter, findings)



def is_local_plan_file(header: list[str]) -> bool:
    """Header of a local-plan status file."""
    return recognises(LOCAL_PLANS, header)
