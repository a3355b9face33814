"""e-Stat (政府統計の総合窓口) statistics: a saved getStatsData JSON response, parsed.

A getStatsData response (API 3.0, JSON) carries the table's description in TABLE_INF, its
dimensions in CLASS_INF (one CLASS_OBJ per dimension: tab, cat01..cat15, area, time, each with
its CLASS items) and the values in DATA_INF.VALUE, each naming its item of every dimension by
code (``@tab``, ``@cat01``, ``@area``, ``@time``) and holding the value as text in ``$``. The
JSON is converted from XML, so any list with one element arrives as a single object (CLASS_OBJ,
CLASS, VALUE, NOTE): the loader accepts both. Special cells (``X`` suppressed, ``-`` none,
``…``, ``***``) are kept as rows with no value and the meaning DATA_INF.NOTE gives them (else
the one in :data:`warehouse.reference.SPECIAL_VALUES`). Area
codes are 5 digits: ``00000`` is national, ``PP000`` is prefecture PP, other codes are
municipalities.

Fetching a response from the API is :mod:`warehouse.estat_api`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from warehouse.errors import Finding, reject
from warehouse.ingest.contract import DatasetIdentity, Parsed
from warehouse.ingest.text import json_document
from warehouse.ingest.values import ValueProblem, nfkc, parse_period
from warehouse.reasons import Said
from warehouse.reference import ESTAT_SPECIAL_MEANINGS, NATIONAL

GENERIC_NAMES = {"総数", "計", "合計", "総計", "全体", "全国", "観測値", "人員", "件数"}
STATUS_NO_DATA = 1
STATUS_ERROR_FROM = 100
ESTAT_SCHEMA: dict[str, pl.DataType] = {
    "line_number": pl.Int32, "stats_data_id": pl.String, "stat_name": pl.String,
    "gov_org": pl.String, "table_title": pl.String, "survey_date": pl.String,
    "open_date": pl.String, "tab_code": pl.String, "tab_name": pl.String,
    "category_codes": pl.String, "category_names": pl.String, "indicator_name": pl.String,
    "area_code": pl.String, "area_name": pl.String, "area_level": pl.String,
    "pref_code": pl.String, "time_code": pl.String, "time_name": pl.String, "period": pl.String,
    "period_kind": pl.String, "period_year": pl.Int32, "unit": pl.String, "value_raw": pl.String,
    "value": pl.Float64, "special_char": pl.String, "special_meaning": pl.String,
    "annotation": pl.String,
}


def as_list(node: object) -> list:
    """A JSON node that is a list, a single object (a one-element list in the XML) or absent."""
    if node is None:
        return []
    return node if isinstance(node, list) else [node]


def text_of(node: object) -> str | None:
    """The text of a node that is a string, a number or an object with '$'."""
    if node is None:
        return None
    if isinstance(node, dict):
        value = node.get("$")
        return None if value is None else str(value)
    return str(node)


def is_estat_response(document: object) -> bool:
    """Whether a JSON document is a getStatsData response."""
    return isinstance(document, dict) and "GET_STATS_DATA" in document


def area_of(code: str | None) -> tuple[str, str | None]:
    """(area level, pref_code) of an e-Stat 5-digit area code; ('none', '00') with no area."""
    if code is None:
        return "none", NATIONAL
    if code == "00000":
        return "national", NATIONAL
    if len(code) == 5 and code.isdigit() and 1 <= int(code[:2]) <= 47:
        return ("prefecture" if code.endswith("000") else "municipality"), code[:2]
    return "other", None


def _period(time_code: str | None, time_name: str | None) -> tuple[str | None, str, int | None]:
    """(period label, kind, year) of a time item: its name (2022年, 2022年度) first, then the
    10-digit code (YYYY000000 calendar year, YYYY100000 fiscal year)."""
    if time_code is None and time_name is None:
        return None, "other", None
    try:
        period = parse_period(time_name)
        if period is not None:
            return period.label, period.kind, period.year
    except ValueProblem:
        pass
    code = time_code or ""
    if len(code) == 10 and code.isdigit():
        year = int(code[:4])
        if code[4:] == "000000":
            return str(year), "year", year
        if code[4:] == "100000":
            return f"FY{year}", "fiscal_year", year
        return time_name or code, "other", year
    return time_name or code, "other", None


def parse_estat(path: Path, content: bytes) -> Parsed:
    """Parse a saved getStatsData JSON response into one row per value."""
    document = json_document(path, content, Said("action_resave_estat_json"))
    root = document.get("GET_STATS_DATA") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise reject(path, "estat_not_stats_data")
    result = root.get("RESULT")
    result = result if isinstance(result, dict) else {}
    raw_status = result.get("STATUS", 0)
    try:
        status = int(raw_status)
    except (TypeError, ValueError):
        raise reject(path, "estat_bad_status", value=repr(str(raw_status)[:40]),
                     column="RESULT.STATUS") from None
    if status >= STATUS_ERROR_FROM or status == STATUS_NO_DATA:
        raise reject(path, "estat_error", status=status,
                     message=str(result.get("ERROR_MSG", "")))
    statistical = root.get("STATISTICAL_DATA") or {}
    table = statistical.get("TABLE_INF") or {}
    parameter = root.get("PARAMETER") or {}
    stats_data_id = table.get("@id") or parameter.get("STATS_DATA_ID")
    if not stats_data_id:
        raise reject(path, "estat_no_table")
    title_spec = table.get("TITLE_SPEC") or {}
    title = text_of(title_spec.get("TABLE_NAME")) or text_of(table.get("TITLE"))
    stat_name = text_of(table.get("STAT_NAME"))
    gov_org = text_of(table.get("GOV_ORG"))

    dimensions: dict[str, dict] = {}
    for obj in as_list((statistical.get("CLASS_INF") or {}).get("CLASS_OBJ")):
        items = {}
        for item in as_list(obj.get("CLASS")):
            items[str(item.get("@code"))] = item
        dimensions[obj.get("@id")] = {"name": obj.get("@name"), "items": items}
    data = statistical.get("DATA_INF") or {}
    notes = {str(n.get("@char")): text_of(n) for n in as_list(data.get("NOTE"))}
    values = as_list(data.get("VALUE"))
    if not values:
        raise reject(path, "estat_no_values")

    problems: list[str] = []
    findings: list[Finding] = []
    categories = sorted(k for k in dimensions if k.startswith("cat"))
    tab_items = dimensions.get("tab", {}).get("items", {})
    records = []
    seen: dict[tuple, tuple[int, str]] = {}
    for position, value in enumerate(values, start=1):
        if not isinstance(value, dict):
            problems.append(f"VALUE #{position}: is not an object")
            continue

        def item(dimension: str, value: dict = value, position: int = position) -> dict | None:
            code = value.get(f"@{dimension}")
            if code is None:
                return None
            found = dimensions.get(dimension, {}).get("items", {}).get(str(code))
            if found is None:
                problems.append(f"VALUE #{position}: @{dimension} {code!r} is not in CLASS_INF")
            return found

        tab = item("tab")
        cats = {c: item(c) for c in categories}
        area = item("area")
        time = item("time")
        raw = text_of(value)
        raw = "" if raw is None else raw
        number: float | None = None
        special = None
        stripped = raw.strip()
        if stripped in notes or stripped in ESTAT_SPECIAL_MEANINGS:
            special = stripped
        elif nfkc(raw) in notes or nfkc(raw) in ESTAT_SPECIAL_MEANINGS:
            special = nfkc(raw)
        else:
            try:
                number = float(nfkc(raw).replace(",", ""))
            except ValueError:
                problems.append(f"VALUE #{position}: {raw!r} is neither a number nor a special "
                                "character listed in DATA_INF.NOTE")
        area_code = value.get("@area")
        level, pref_code = area_of(None if "area" not in dimensions else area_code)
        time_code = value.get("@time")
        time_name = time.get("@name") if time else None
        period, kind, year = _period(time_code, time_name)
        names = []
        if tab and (len(tab_items) > 1 or not categories):
            names.append(tab.get("@name"))
        names += [cats[c].get("@name") for c in categories if cats[c]]
        category_names = " / ".join(n for n in names if n) or None
        # A name that is only totals (総数) says nothing without the table's title.
        if title and (category_names is None or set(names) <= GENERIC_NAMES):
            indicator_name = " / ".join(n for n in (title, category_names) if n)
        else:
            indicator_name = category_names
        unit = value.get("@unit") or (tab or {}).get("@unit") or next(
            (cats[c].get("@unit") for c in categories if cats[c] and cats[c].get("@unit")), None)
        unit = nfkc(unit) or None
        dims_key = tuple(value.get(f"@{d}") for d in sorted(dimensions))
        if dims_key in seen and seen[dims_key][1] != raw:
            problems.append(f"VALUE #{position}: the same cell as VALUE #{seen[dims_key][0]} "
                            f"with a different value ({seen[dims_key][1]!r}, {raw!r})")
        seen.setdefault(dims_key, (position, raw))
        records.append({
            "line_number": position, "stats_data_id": str(stats_data_id),
            "stat_name": stat_name, "gov_org": gov_org, "table_title": title,
            "survey_date": text_of(table.get("SURVEY_DATE")),
            "open_date": text_of(table.get("OPEN_DATE")),
            "tab_code": value.get("@tab"), "tab_name": tab.get("@name") if tab else None,
            "category_codes": json.dumps({c: value.get(f"@{c}") for c in categories},
                                         ensure_ascii=False),
            "category_names": category_names,
            "indicator_name": indicator_name,
            "area_code": area_code, "area_name": area.get("@name") if area else None,
            "area_level": level, "pref_code": pref_code, "time_code": time_code,
            "time_name": time_name, "period": period, "period_kind": kind, "period_year": year,
            "unit": unit, "value_raw": raw, "value": number, "special_char": special,
            "special_meaning": (notes.get(special) or ESTAT_SPECIAL_MEANINGS.get(special or ""))
            if special is not None else None,
            "annotation": value.get("@annotation"),
        })
    if problems:
        raise reject(
            path, "estat_bad_values", count=len(problems), first=problems[0],
            line=int(problems[0].split("#")[1].split(":")[0]) if "#" in problems[0] else None,
            column="DATA_INF.VALUE", details=problems[:200])
    if "area" not in dimensions:
        findings.append(Finding("no_area_dimension", "the table has no area dimension: its "
                                "values are read as national figures", severity="info"))
    municipal = sum(1 for r in records if r["area_level"] == "municipality")
    other = sum(1 for r in records if r["area_level"] == "other")
    if municipal or other:
        findings.append(Finding(
            "values_below_prefecture", f"{municipal + other} value(s) for municipalities or "
            "other areas are kept in raw.estat_value but not in mart.indicator_value",
            count=municipal + other, severity="info"))
    specials = sum(1 for r in records if r["special_char"] is not None)
    if specials:
        findings.append(Finding("special_cells", f"{specials} cell(s) hold a special character "
                                "(kept as rows without a value, with the NOTE's meaning)",
                                count=specials, severity="info"))
    next_key = (statistical.get("RESULT_INF") or {}).get("NEXT_KEY")
    if next_key:
        findings.append(Finding("partial_response", "the response is one page of a larger table "
                                f"(NEXT_KEY {next_key}); fetch it with `saihan estat fetch` to "
                                "get every page"))
    narrowing = parameter.get("NARROWING_COND")
    scope_key = hashlib.sha1(json.dumps(narrowing, sort_keys=True, ensure_ascii=False)
                             .encode()).hexdigest()[:8] if narrowing else "full"
    frame = pl.DataFrame(records, schema=ESTAT_SCHEMA, orient="row")
    identity = DatasetIdentity("estat", scope=f"{stats_data_id}/{scope_key}")
    return Parsed(identity, "estat_value", frame, encoding="utf-8", delimiter=None,
                  findings=findings)
