"""統計ダッシュボード (e-Stat's Statistics Dashboard, no key needed): a saved getData JSON
response, parsed into the same rows as a getStatsData table (``raw.estat_value``).

A getData response (API 1.0, JSON) carries its dimensions in
``GET_STATS.STATISTICAL_DATA.CLASS_INF.CLASS_OBJ`` (``indicator``, ``unit``, ``stat``,
``regionCode``, ``time``, ``cycle``, ``regionalRank``, ``isSeasonal``, ``isProvisional``, each
with its CLASS items) and its values in ``DATA_INF.DATA_OBJ``, one ``VALUE`` each naming its
items by code (``@indicator``, ``@regionCode``, ``@time``, ...) with the value as text in ``$``.
``RESULT.status`` is 0 (ok), 1 (no data) or an error code. Region codes are 5 digits as in
getStatsData (``00000`` Japan, ``PP000`` a prefecture); time codes are ``YYYYCY00`` (a calendar
year) and ``YYYYFY00`` (a fiscal year). A series reads as the indicator
``dashboard:<IndicatorCode>`` of ``mart.indicator_value``.

Fetching a response is :func:`warehouse.estat_api.fetch_dashboard`.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl

from warehouse.errors import Finding, reject
from warehouse.ingest.contract import DatasetIdentity, Parsed
from warehouse.ingest.estat import ESTAT_SCHEMA, area_of, as_list, text_of
from warehouse.ingest.text import json_document
from warehouse.ingest.values import nfkc
from warehouse.reasons import Said
from warehouse.reference import ESTAT_SPECIAL_MEANINGS

STATUS_OK, STATUS_NO_DATA = 0, 1


def is_dashboard_response(document: object) -> bool:
    """Whether a JSON document is a 統計ダッシュボード getData response."""
    return isinstance(document, dict) and "GET_STATS" in document


def dashboard_period(code: str | None) -> tuple[str | None, str, int | None]:
    """(period label, kind, year) of a dashboard time code: 2020CY00 is the year 2020,
    2020FY00 the fiscal year 2020; anything else keeps its code and its year."""
    if not code:
        return None, "other", None
    year = int(code[:4]) if code[:4].isdigit() else None
    if year is not None and code[4:] == "CY00":
        return str(year), "year", year
    if year is not None and code[4:] == "FY00":
        return f"FY{year}", "fiscal_year", year
    return code, "other", year


def parse_dashboard(path: Path, content: bytes) -> Parsed:
    """Parse a saved getData response into one row per value (as ``raw.estat_value``)."""
    document = json_document(path, content, Said("action_resave_estat_json"))
    root = document.get("GET_STATS") if isinstance(document, dict) else None
    if not isinstance(root, dict):
        raise reject(path, "estat_not_stats_data")
    result = root.get("RESULT") if isinstance(root.get("RESULT"), dict) else {}
    try:
        status = int(result.get("status", 0))
    except (TypeError, ValueError):
        raise reject(path, "estat_bad_status", value=repr(str(result.get("status"))[:40]),
                     column="RESULT.status") from None
    if status != STATUS_OK:
        raise reject(path, "estat_error", status=status, message=str(result.get("errorMsg", "")))
    statistical = root.get("STATISTICAL_DATA") or {}
    dimensions: dict[str, dict[str, dict]] = {}
    for obj in as_list((statistical.get("CLASS_INF") or {}).get("CLASS_OBJ")):
        dimensions[str(obj.get("@id"))] = {str(c.get("@code")): c
                                           for c in as_list(obj.get("CLASS"))}
    values = [obj.get("VALUE") for obj in as_list((statistical.get("DATA_INF") or {})
                                                   .get("DATA_OBJ")) if isinstance(obj, dict)]
    if not values:
        raise reject(path, "estat_no_values")

    def name_of(dimension: str, code: object) -> str | None:
        item = dimensions.get(dimension, {}).get(str(code))
        return None if item is None else (item.get("@name") or text_of(item))

    problems, records = [], []
    for position, value in enumerate(values, start=1):
        if not isinstance(value, dict) or not value.get("@indicator"):
            problems.append(f"DATA_OBJ #{position}: has no VALUE with an @indicator")
            continue
        raw = text_of(value) or ""
        stripped = nfkc(raw).strip()
        number, special = None, None
        if stripped in ESTAT_SPECIAL_MEANINGS:
            special = stripped
        else:
            try:
                number = float(stripped.replace(",", ""))
            except ValueError:
                problems.append(f"DATA_OBJ #{position}: {raw!r} is not a number")
        indicator = str(value["@indicator"])
        region = value.get("@regionCode")
        level, pref_code = area_of(region)
        period, kind, year = dashboard_period(value.get("@time"))
        stat = value.get("@stat")
        records.append({
            "line_number": position, "stats_data_id": f"dashboard:{indicator}",
            "stat_name": name_of("stat", stat) or stat, "gov_org": None,
            "table_title": name_of("indicator", indicator), "survey_date": None,
            "open_date": None, "tab_code": None, "tab_name": None,
            "category_codes": json.dumps({"indicator": indicator}),
            "category_names": name_of("indicator", indicator),
            "indicator_name": name_of("indicator", indicator) or indicator,
            "area_code": region, "area_name": name_of("regionCode", region),
            "area_level": level, "pref_code": pref_code, "time_code": value.get("@time"),
            "time_name": name_of("time", value.get("@time")), "period": period,
            "period_kind": kind, "period_year": year,
            "unit": nfkc(name_of("unit", value.get("@unit")) or value.get("@unit")) or None,
            "value_raw": raw, "value": number, "special_char": special,
            "special_meaning": ESTAT_SPECIAL_MEANINGS.get(special or "") if special else None,
            "annotation": None,
        })
    if problems:
        raise reject(path, "estat_bad_values", count=len(problems), first=problems[0],
                     line=int(problems[0].split("#")[1].split(":")[0]),
                     column="DATA_INF.DATA_OBJ", details=problems[:200])
    findings = []
    specials = sum(1 for r in records if r["special_char"] is not None)
    if specials:
        findings.append(Finding("special_cells", f"{specials} cell(s) hold a special character "
                                "(kept as rows without a value)", count=specials,
                                severity="info"))
    indicators = sorted({r["stats_data_id"] for r in records})
    request = json.dumps(root.get("PARAMETER") or {}, sort_keys=True, ensure_ascii=False)
    scope = f"{'+'.join(indicators)}/{hashlib.sha1(request.encode()).hexdigest()[:8]}"
    frame = pl.DataFrame(records, schema=ESTAT_SCHEMA, orient="row")
    return Parsed(DatasetIdentity("estat", scope=scope), "estat_value", frame, encoding="utf-8",
                  delimiter=None, findings=findings)
