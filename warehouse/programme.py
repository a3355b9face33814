"""Loaders for prefecture indicators, subsidy records and local-plan status, as people send them.

These sources have no public format: saihan defines one template per kind
(:mod:`warehouse.templates`) and reads what people really send in its place — Japanese or English
headers, a title row above the header, full-width digits, era dates (令和6年4月1日, R6.4.1),
prefecture names or codes, codes that lost their leading zero in Excel, CSV in UTF-8 or CP932,
or XLSX.

Each file is checked row by row. Every problem is collected with its line, column, what was
found and what to write instead; a file with any problem is rejected whole (nothing of it is
loaded) and quarantined with that list. What does not block a load (identical duplicate rows, a
missing required menu, ignored columns) becomes a :class:`~warehouse.errors.Finding`.
Conflicts with earlier deliveries are resolved downstream (real data over sample data, then the
later delivery) and reported by :func:`context_findings` when the file loads.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse.errors import Finding, RejectedFile
from warehouse.normalise import (
    NATIONAL,
    ValueProblem,
    is_blank,
    local_governments,
    nfkc,
    parse_date,
    parse_fiscal_year,
    parse_flag,
    parse_lg_code,
    parse_number,
    parse_period,
    parse_prefecture,
    parse_yen,
    prefecture_names,
    special_value_meaning,
)
from warehouse.sources import XLSX_MAGIC, Parsed, decode_strict
from warehouse.templates import (
    DATA_CLASS_REAL,
    DATA_CLASS_SAMPLE,
    INDICATORS,
    LOCAL_PLANS,
    SUBSIDY,
    TemplateSpec,
    canon,
    match_header,
    recognises,
)

# The programme's rule (white paper, COLUMN８): the state pays half the cost, at most 1.5 million.
NATIONAL_SHARE_CAP_YEN = 1_500_000
MAX_PROBLEMS_LISTED = 200
HEADER_SEARCH_ROWS = 10

# ----------------------------------------------------------------------------- reading a table


@dataclass
class Table:
    """A delivered table: its header as written and its rows with their line numbers."""

    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]
    encoding: str | None
    delimiter: str | None
    sheet: str | None = None


def _xlsx_cell(value: object) -> str:
    """An Excel cell as text: whole numbers without '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.12g}"
    if isinstance(value, datetime):
        midnight = value.time() == datetime.min.time()
        return value.date().isoformat() if midnight else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _find_header(spec: TemplateSpec, rows: list[tuple[int, list[str]]]) -> int | None:
    """Index (into rows) of the header: the first of the first rows that carries the spec's
    identifying columns (a title row or a blank row above it is tolerated)."""
    for index, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if recognises(spec, cells):
            return index
    return None


def read_table(path: Path, content: bytes, spec: TemplateSpec) -> Table:
    """Read a CSV/TSV (UTF-8 or CP932) or XLSX file into a :class:`Table` for ``spec``."""
    if content.startswith(XLSX_MAGIC):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:
            raise RejectedFile(path, reason=f"the workbook cannot be opened ({exc})",
                               action="Open it in Excel and save it again as .xlsx") from exc
        try:
            for sheet in workbook.worksheets:
                rows = [
                    (number, [_xlsx_cell(v) for v in values])
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                ]
                index = _find_header(spec, rows)
                if index is not None:
                    header_line, header = rows[index]
                    return Table(header, header_line, rows[index + 1:], "xlsx", None, sheet.title)
        finally:
            workbook.close()
        raise RejectedFile(
            path, reason=f"no sheet has a header row with {_identifying(spec)}",
            action=f"Put the header of the {spec.title_ja} template in the first rows of a sheet",
        )
    text, encoding = decode_strict(path, content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise RejectedFile(path, reason=f"the CSV cannot be read ({exc})", line=line,
                           action="Check the quotes on this line and save the file again") from exc
    index = _find_header(spec, rows)
    if index is None:
        raise RejectedFile(path, reason=f"no header row with {_identifying(spec)}", line=1,
                           action=f"Use the header of the {spec.title_ja} template")
    header_line, header = rows[index]
    return Table(header, header_line, rows[index + 1:], encoding, delimiter)


def _identifying(spec: TemplateSpec) -> str:
    return ", ".join(spec.column(k).ja for k in spec.identifying)


# ----------------------------------------------------------------------------- problems


@dataclass
class Problems:
    """Row-level problems of one file; any of them rejects the file."""

    path: Path
    headers: dict[str, str]  # column key -> header as written in the file
    items: list[tuple[int | None, str | None, str, str]] = field(default_factory=list)

    def add(self, line: int | None, key: str | None, what: str, todo: str) -> None:
        """Record a problem on a line and column (column key or None)."""
        self.items.append((line, key, what, todo))

    def column_label(self, key: str | None) -> str | None:
        """The column as the file names it."""
        if key is None:
            return None
        return self.headers.get(key, key)

    def read(self, line: int, key: str, parser: Callable[[str], object], cells: dict[str, str]):
        """Parse one cell; on failure record the problem and return None."""
        try:
            return parser(cells.get(key, ""))
        except ValueProblem as problem:
            self.add(line, key, problem.what, problem.todo)
            return None

    def raise_if_any(self) -> None:
        """Reject the file with every problem listed (line, column, what, what to do)."""
        if not self.items:
            return
        line, key, what, todo = self.items[0]
        details = [
            (f"line {ln}" if ln is not None else "file")
            + (f", column {self.column_label(k)}" if k else "") + f": {w} -> {t}"
            for ln, k, w, t in self.items[:MAX_PROBLEMS_LISTED]
        ]
        if len(self.items) > MAX_PROBLEMS_LISTED:
            details.append(f"... and {len(self.items) - MAX_PROBLEMS_LISTED} more")
        count = len(self.items)
        raise RejectedFile(
            self.path,
            reason=f"{count} problem{'s' if count > 1 else ''} in the file; the first: {what}",
            action=f"{todo}. Correct every line listed in the report and deliver the whole file "
            "again (nothing of it was loaded)",
            line=line, column=self.column_label(key), details=details,
        )


# ----------------------------------------------------------------------------- shared steps


@dataclass
class Rows:
    """A table's data rows as {column key: text}, with the lineage facts of the file."""

    table: Table
    columns: dict[int, str]
    headers: dict[str, str]
    records: list[tuple[int, dict[str, str]]]
    findings: list[Finding]


def _rows(path: Path, table: Table, spec: TemplateSpec) -> Rows:
    """Map a table's columns to the spec's keys; drop blank and note rows; flag ragged rows."""
    columns = match_header(spec, table.header)
    headers = {key: table.header[position].strip() for position, key in columns.items()}
    findings = []
    ignored = [h.strip() for i, h in enumerate(table.header) if i not in columns and h.strip()]
    if ignored:
        findings.append(Finding(
            "ignored_columns", f"columns not in the template were ignored: {', '.join(ignored)}",
            line=table.header_line, count=len(ignored), severity="info"))
    missing = [spec.column(c.key).ja for c in spec.columns if c.required and c.key not in headers]
    if missing:
        raise RejectedFile(
            path, reason=f"the header has no column {', '.join(missing)}",
            action="Add the missing columns (see the notes sheet of the template) and deliver the "
            "file again", line=table.header_line)
    records = []
    notes = 0
    ragged: list[int] = []
    width = len(table.header)
    for line, cells in table.rows:
        if all(is_blank(c) for c in cells):
            continue
        if len(cells) > width and any(not is_blank(c) for c in cells[width:]):
            ragged.append(line)
            continue
        record = {key: cells[position] if position < len(cells) else ""
                  for position, key in columns.items()}
        filled = [nfkc(c) for c in cells if not is_blank(c)]
        if all(is_blank(record.get(k)) for k in spec.identifying) and filled and \
                filled[0].startswith(("※", "注", "(注", "*", "出典", "備考")):
            notes += 1
            continue
        records.append((line, record))
    if notes:
        findings.append(Finding("note_rows", f"{notes} note row(s) below the table were skipped",
                                count=notes, severity="info"))
    if ragged:
        raise RejectedFile(
            path, reason=f"{len(ragged)} row(s) have more cells than the header "
            f"(lines {', '.join(map(str, ragged[:10]))})", line=ragged[0],
            action="Remove the extra cells or add a header for them, then deliver the file again")
    return Rows(table, columns, headers, records, findings)


_SAMPLE_WORDS = {"サンプル", "sample", "標本", "試験", "テスト", "test", "dummy", "ダミー", "1",
                 "true", "yes", "はい", "○"}
_REAL_WORDS = {"", DATA_CLASS_REAL, "real", "実績", "実データ", "本番", "0", "false", "no",
               "いいえ", "×"}


def _sample_flag(rows: Rows, problems: Problems) -> bool:
    """Whether the file is sample data (データ区分 = サンプル); a file may not mix the two."""
    seen: dict[bool, int] = {}
    for line, record in rows.records:
        value = nfkc(record.get("data_class", "")).lower()
        if value in {w.lower() for w in _SAMPLE_WORDS}:
            seen.setdefault(True, line)
        elif value in {w.lower() for w in _REAL_WORDS}:
            seen.setdefault(False, line)
        else:
            problems.add(line, "data_class", f"{value!r} is neither {DATA_CLASS_REAL} nor "
                         f"{DATA_CLASS_SAMPLE}", f"Write {DATA_CLASS_REAL} or {DATA_CLASS_SAMPLE}")
    if len(seen) > 1:
        problems.add(max(seen.values()), "data_class",
                     "the file mixes real rows and sample rows",
                     "Deliver sample data and real data in separate files")
    return seen.get(True) is not None and len(seen) == 1


def _sample_prefix(is_sample: bool) -> str:
    """Sample deliveries get dataset keys of their own, so a sample file never supersedes a
    real one (nor the reverse); where they overlap, real data wins downstream."""
    return "sample/" if is_sample else ""


def scope(values: list[str], everything: set[str] | None = None) -> str:
    """A short, stable name for a set of values in a dataset key: the value when there is one,
    'all' when it is everything, else the count and a hash."""
    distinct = sorted(set(values))
    if len(distinct) == 1:
        return distinct[0]
    if everything is not None and everything <= set(distinct):
        return "all"
    digest = hashlib.sha1("|".join(distinct).encode()).hexdigest()[:8]
    return f"{len(distinct)}-{digest}"


ALL_PREFECTURES = {f"{n:02d}" for n in range(1, 48)}


def _duplicates(records: list[dict], key: tuple[str, ...], compared: tuple[str, ...],
                problems: Problems, describe: Callable[[dict], str]) -> list[Finding]:
    """Reject conflicting duplicates (same key, different content); report identical ones."""
    first: dict[tuple, dict] = {}
    identical: list[int] = []
    for record in records:
        k = tuple(record[c] for c in key)
        if None in k:
            continue
        earlier = first.get(k)
        if earlier is None:
            first[k] = record
            continue
        differs = [c for c in compared if record[c] != earlier[c]]
        if differs:
            column = differs[0]
            problems.add(
                record["line_number"], _display_key(column),
                f"this row repeats line {earlier['line_number']} ({describe(record)}) with a "
                f"different {column} ({earlier[column]!r} there, {record[column]!r} here)",
                "Keep one row per " + " / ".join(key) + " and deliver the file again")
        else:
            identical.append(record["line_number"])
    if not identical:
        return []
    return [Finding("duplicate_rows",
                    f"{len(identical)} row(s) repeat an earlier row exactly (lines "
                    f"{', '.join(map(str, identical[:10]))}); counted once",
                    line=identical[0], count=len(identical))]


def _display_key(raw_column: str) -> str:
    """The template column a raw column comes from (for messages)."""
    return {
        "as_of_on": "as_of", "adopted_on": "adopted_on", "period_start_on": "period_start",
        "period_end_on": "period_end", "is_participating": "participating",
        "indicator_key": "indicator_number",
    }.get(raw_column, raw_column)


def _frame(records: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(
        schema=schema)


# ----------------------------------------------------------------------------- indicators

_KANJI_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
                  "十": 10}


def parse_edition(text: object) -> int | None:
    """The plan edition: 第二次, 第2次, 2, 二, 第二次再犯防止推進計画 -> 2; None when blank."""
    value = nfkc(text)
    if not value:
        return None
    match = re.match(r"^(?:第)?([0-9]+|[一二三四五六七八九十])(?:次|期)?", value)
    if match is None:
        raise ValueProblem(f"{value!r} is not a plan edition",
                           "Write the edition of the Recidivism Prevention Plan as 第二次 or 2")
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
        raise ValueProblem(f"{nfkc(text)!r} is not an indicator number",
                           "Write the number as in the plan (3, 1-1) or leave it blank")
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
        problems.add(line, "indicator_name", "the indicator's name is empty",
                     "Write the indicator's name")
    pref_code = read(line, "prefecture",
                     lambda t: parse_prefecture(t, allow_national=True), cells)
    if pref_code is None and is_blank(cells.get("prefecture")):
        problems.add(line, "prefecture", "the prefecture is empty",
                     "Write the prefecture (or 全国 for the national figure)")
    period = read(line, "period", parse_period, cells)
    if period is None and is_blank(cells.get("period")):
        problems.add(line, "period", "the period is empty", "Write the year or fiscal year")
    unit = normalise_unit(cells.get("unit"))
    if not unit:
        problems.add(line, "unit", "the unit is empty", "Write the unit (%, 人, 件, ...)")
    value_raw = nfkc(cells.get("value"))
    note = special_value_meaning(value_raw)
    value = None
    if note is None:
        if not value_raw:
            problems.add(line, "value", "the value is empty",
                         "Write the value, or X (suppressed), - (none) or … (not available)")
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
        problems.add(line, "value", f"the rate {value_raw} is outside 0-100",
                     "Write rates in percent between 0 and 100 (23.4, not 0.234 or 234)")
        return
    if (numerator is None) != (denominator is None):
        given = "numerator" if numerator is not None else "denominator"
        problems.add(line, given, f"only the {given} of the rate is given",
                     "Give both numerator and denominator, or neither")
        return
    if numerator is None or denominator is None:
        return
    if denominator <= 0 or numerator < 0:
        problems.add(line, "denominator",
                     f"numerator {numerator:g} / denominator {denominator:g} is not a rate",
                     "The denominator must be above 0 and the numerator 0 or more")
        return
    if numerator > denominator:
        problems.add(line, "numerator",
                     f"the numerator {numerator:g} is larger than the denominator {denominator:g}",
                     "Check which is which: the rate is numerator / denominator x 100")
        return
    if value is None:
        return
    computed = 100 * numerator / denominator
    decimals = _decimals(value_raw)
    tolerance = 0.5 * 10 ** -(decimals if decimals is not None and decimals <= 6 else 1) + 1e-9
    if abs(computed - value) > tolerance:
        problems.add(line, "value",
                     f"the rate {value_raw} does not match numerator / denominator = "
                     f"{numerator:g} / {denominator:g} = {computed:.2f}%",
                     "Correct the rate, the numerator or the denominator")


def parse_indicators(path: Path, content: bytes) -> Parsed:
    """Parse a prefecture-indicator file (template 都道府県別 再犯防止指標)."""
    table = read_table(path, content, INDICATORS)
    rows = _rows(path, table, INDICATORS)
    problems = Problems(path, rows.headers)
    is_sample = _sample_flag(rows, problems)
    records = [_indicator_record(line, cells, problems, f"template: {path.name}")
               for line, cells in rows.records]
    findings = list(rows.findings)
    findings += _duplicates(
        records, *ROW_RULES["indicator_value"][:2], problems,
        lambda r: f"{r['indicator_name']}, {r['pref_raw']}, {r['period_raw']}")
    problems.raise_if_any()
    if any(r["edition"] is None for r in records):
        findings.append(Finding("edition_missing", "rows without a plan edition are keyed by "
                                "name only", column=rows.headers.get("plan_edition")))
    frame = _frame(records, INDICATOR_SCHEMA)
    key = _sample_prefix(is_sample) + "/".join((
        "indicators",
        scope([str(r["edition"]) for r in records]),
        scope([r["pref_code"] for r in records], ALL_PREFECTURES),
        scope([r["period"] for r in records]),
        scope([str(r["indicator_key"]) for r in records]),
    ))
    return Parsed("indicators", "indicator_value", key, frame, table.encoding, table.delimiter,
                  is_sample, findings)


# ----------------------------------------------------------------------------- subsidy records

MENU_COLUMNS = ("coordination_meetings", "staff_training", "employment_housing_support",
                "specialised_support", "consultation_support")
REQUIRED_MENUS = ("coordination_meetings", "staff_training")
DIRECT_SUPPORT_MENUS = ("employment_housing_support", "specialised_support", "consultation_support")
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
            raise ValueProblem(f"{token!r} is not one of the programme's menus",
                               "Use 市町村間調整会議, 職員研修, 就労・住居支援, 専門的支援 "
                               "or 相談支援")
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
        problems.add(line, "fiscal_year", "the fiscal year is empty", "Write the fiscal year")
    elif fiscal_year is not None and fiscal_year < 2023:
        findings.append(Finding("before_programme", f"fiscal year {fiscal_year} is before the "
                                "programme began (FY2023)", line=line,
                                column=headers.get("fiscal_year")))
    pref_code = read(line, "prefecture", parse_prefecture, cells)
    if pref_code is None and is_blank(cells.get("prefecture")):
        problems.add(line, "prefecture", "the prefecture is empty", "Write the prefecture")
    participating = read(line, "participating", parse_flag, cells)
    if participating is None and is_blank(cells.get("participating")):
        problems.add(line, "participating", "participation is empty",
                     "Write ○ if the prefecture ran the programme that year, else ×")
    menus = {m: read(line, m, parse_flag, cells) for m in MENU_COLUMNS}
    listed = read(line, "menus", parse_menu_list, cells) or set()
    menus = {m: bool(menus[m]) or m in listed for m in MENU_COLUMNS}
    cost = read(line, "project_cost_yen", _yen_parser(headers.get("project_cost_yen")), cells)
    share = read(line, "national_share_yen", _yen_parser(headers.get("national_share_yen")), cells)
    for key, amount in (("project_cost_yen", cost), ("national_share_yen", share)):
        if amount is not None and amount < 0:
            problems.add(line, key, f"the amount {amount:,} yen is negative",
                         "Write the amount in yen, 0 or more")
    if participating is False and (any(menus.values()) or cost or share):
        problems.add(line, "participating",
                     "participation is × but menus or amounts are filled in",
                     "Set 事業実施 to ○, or clear the menus and amounts of this row")
    if share is not None and share > NATIONAL_SHARE_CAP_YEN:
        problems.add(line, "national_share_yen",
                     f"the national share {share:,} yen is above the cap of "
                     f"{NATIONAL_SHARE_CAP_YEN:,} yen",
                     "The state pays at most 1,500,000 yen: correct the national share")
    if share is not None and cost is None and share > 0:
        problems.add(line, "project_cost_yen", "the national share is given without the cost",
                     "Write the project cost so the 1/2 rule can be checked")
    if share is not None and cost is not None and share * 2 > cost:
        problems.add(line, "national_share_yen",
                     f"the national share {share:,} yen is more than half the cost {cost:,} yen",
                     f"The state pays at most half: correct the share (at most {cost // 2:,} "
                     "yen) or the cost")
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


def _merge_findings(findings: list[Finding], code: str) -> list[Finding]:
    """Fold per-line findings of one code into a single finding naming the lines."""
    same = [f for f in findings if f.code == code]
    if len(same) <= 1:
        return findings
    lines = ", ".join(str(f.line) for f in same[:10])
    merged = Finding(code, f"{same[0].message} (lines {lines}"
                     + (", ..." if len(same) > 10 else "") + ")",
                     line=same[0].line, column=same[0].column, count=len(same),
                     severity=same[0].severity)
    return [f for f in findings if f.code != code] + [merged]


def parse_subsidy(path: Path, content: bytes) -> Parsed:
    """Parse a subsidy-record file (template 地域再犯防止推進事業 実施状況)."""
    table = read_table(path, content, SUBSIDY)
    rows = _rows(path, table, SUBSIDY)
    problems = Problems(path, rows.headers)
    is_sample = _sample_flag(rows, problems)
    row_findings: list[Finding] = []
    records = [_subsidy_record(line, cells, rows.headers, problems, row_findings)
               for line, cells in rows.records]
    findings = list(rows.findings)
    findings += _duplicates(records, *ROW_RULES["subsidy_record"][:2], problems,
                            lambda r: f"{r['pref_raw']}, {r['fiscal_year_raw']}")
    problems.raise_if_any()
    for code in ("menus_incomplete", "amounts_missing", "before_programme"):
        row_findings = _merge_findings(row_findings, code)
    findings += row_findings
    frame = _frame(records, SUBSIDY_SCHEMA)
    key = _sample_prefix(is_sample) + "/".join((
        "subsidy", scope([str(r["fiscal_year"]) for r in records]),
        scope([r["pref_code"] for r in records], ALL_PREFECTURES)))
    return Parsed("subsidy_records", "subsidy_record", key, frame, table.encoding,
                  table.delimiter, is_sample, findings)


# ----------------------------------------------------------------------------- local plans

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


def _choice(options: dict[str, set[str]], label: str, todo: str) -> Callable[[str], str | None]:
    table = {canon(word): key for key, words in options.items() for word in words}

    def parse(text: str) -> str | None:
        value = canon(text)
        if not value:
            return None
        if value in table:
            return table[value]
        raise ValueProblem(f"{nfkc(text)!r} is not a {label}", todo)
    return parse


parse_status = _choice(_STATUS, "plan status", "Write 策定済, 策定中 or 未策定")
parse_method = _choice(_METHOD, "way of adopting the plan", "Write 単独 or 他計画に包含")
parse_form = _choice(_FORM, "plan form", "Write 計画, 条例 or 実施方針 (blank means 計画)")


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
                raise ValueProblem(
                    date_problem.what.replace("is not a date", "is not a date or fiscal year"),
                    "Write a date (2024-04-01) or a fiscal year (令和6年度)") from None
            return date(year + 1, 3, 31) if end else date(year, 4, 1)
    return parse


def _split_period(text: str) -> tuple[str, str]:
    parts = re.split(r"\s*[~〜～]\s*|\s+-\s+|\s*から\s*", nfkc(text).replace("〜", "~"))
    if len(parts) != 2:
        raise ValueProblem(f"{nfkc(text)!r} is not a period from ... to ...",
                           "Write the period as 令和6年度～令和10年度, or use the 計画期間（開始）"
                           "and 計画期間（終了） columns")
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
        problems.add(line, "as_of", "the as-of date is empty",
                     "Write the date the status refers to (e.g. 2024-04-01)")
    name = nfkc(cells.get("name"))
    lg_code = read(line, "lg_code", lambda t: parse_lg_code(t, name or None), cells)
    if lg_code is None and is_blank(cells.get("lg_code")):
        problems.add(line, "lg_code", "the local-government code is empty",
                     "Write the 6-digit 団体コード")
    government = local_governments().get(lg_code) if lg_code else None
    pref_code = government.pref_code if government else None
    if government is not None:
        if government.kind == "ward":
            parent = next((g for g in local_governments().values()
                           if g.kind == "designated_city" and g.pref_code == government.pref_code
                           and government.full_name_ja.startswith(g.name_ja)), None)
            problems.add(line, "lg_code",
                         f"{lg_code} is {government.full_name_ja}, a ward of a designated city; "
                         "wards do not adopt plans",
                         "Report the city instead"
                         + (f" ({parent.lg_code} {parent.name_ja})" if parent else ""))
        elif government.is_northern_territories:
            problems.add(line, "lg_code",
                         f"{lg_code} ({government.name_ja}) has a code but no functioning "
                         "government", "Remove this row")
        if name and not _same_name(name, government):
            problems.add(line, "name", f"{lg_code} is {government.full_name_ja}, but the name "
                         f"says {name!r}", "Correct the code or the name")
        written_pref = read(line, "prefecture", parse_prefecture, cells)
        if written_pref is not None and written_pref != government.pref_code:
            problems.add(line, "prefecture",
                         f"{lg_code} ({government.full_name_ja}) is in "
                         f"{prefecture_names()[government.pref_code]}, but the prefecture says "
                         f"{nfkc(cells.get('prefecture'))!r}", "Correct the code or the prefecture")
    status = read(line, "status", parse_status, cells)
    if status is None and is_blank(cells.get("status")):
        problems.add(line, "status", "the plan status is empty", "Write 策定済, 策定中 or 未策定")
    method = read(line, "method", parse_method, cells)
    included_in = nfkc(cells.get("included_in")) or None
    if method is None and included_in and status == "adopted":
        method = "included_in_other"
    if status == "adopted" and method is None and is_blank(cells.get("method")):
        problems.add(line, "method", "the plan is adopted but the way it was adopted is empty",
                     "Write 単独 or 他計画に包含")
    if status == "none" and (method or included_in or nfkc(cells.get("plan_name"))):
        problems.add(line, "status", "the status is 未策定 but a plan is described",
                     "Set the status to 策定済 (or 策定中), or clear the plan's details")
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
            problems.add(line, "plan_period", problem.what, problem.todo)
    start = read(line, "period_start", _period_bound(False), {"period_start": start_text})
    end = read(line, "period_end", _period_bound(True), {"period_end": end_text})
    if start and end and start > end:
        problems.add(line, "period_end", f"the plan period ends ({end}) before it starts ({start})",
                     "Correct the start or the end of the period")
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


def _same_name(name: str, government) -> bool:
    written = re.sub(r"\s+", "", name)
    prefecture = prefecture_names().get(government.pref_code, "")
    return any(written in (own, prefecture + own)
               for own in (government.name_ja, government.full_name_ja))


def parse_local_plans(path: Path, content: bytes) -> Parsed:
    """Parse a local-plan status file (template 地方再犯防止推進計画 策定状況)."""
    table = read_table(path, content, LOCAL_PLANS)
    rows = _rows(path, table, LOCAL_PLANS)
    problems = Problems(path, rows.headers)
    is_sample = _sample_flag(rows, problems)
    row_findings: list[Finding] = []
    records = [_local_plan_record(line, cells, problems, row_findings)
               for line, cells in rows.records]
    findings = list(rows.findings)
    findings += _duplicates(records, *ROW_RULES["local_plan"][:2], problems,
                            lambda r: f"{r['lg_code']} {r['name_raw'] or ''}".strip())
    problems.raise_if_any()
    for code in ("standalone_with_included_in", "adopted_after_as_of"):
        row_findings = _merge_findings(row_findings, code)
    findings += row_findings
    frame = _frame(records, LOCAL_PLAN_SCHEMA)
    key = _sample_prefix(is_sample) + "/".join((
        "local_plans", scope([r["as_of_on"].isoformat() for r in records]),
        scope([r["pref_code"] for r in records], ALL_PREFECTURES)))
    return Parsed("local_plans", "local_plan", key, frame, table.encoding, table.delimiter,
                  is_sample, findings)


# ----------------------------------------------------------------------------- across deliveries

# For each raw table: the natural key of a row, the columns two rows with that key must agree
# on (within one file a difference rejects the file; between deliveries it is a finding) and
# the column that names the row in messages. Identifiers come only from this fixed allowlist.
ROW_RULES: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "local_plan": (("lg_code", "as_of_on"),
                   ("status", "method", "plan_form", "plan_name", "adopted_on",
                    "period_start_on", "period_end_on"), "lg_code"),
    "subsidy_record": (("fiscal_year", "pref_code"),
                       ("is_participating", *MENU_COLUMNS, "project_cost_yen",
                        "national_share_yen"), "pref_code"),
    "indicator_value": (("edition", "indicator_key", "unit", "pref_code", "period"),
                        ("value", "value_note", "numerator", "denominator"), "indicator_name"),
}


def _shown(value: object) -> str:
    """A value as a message shows it: dates as 'YYYY-MM-DD', the rest as written in Python."""
    return repr(value.isoformat()) if isinstance(value, date) else repr(value)


def context_findings(con: duckdb.DuckDBPyConnection, parsed: Parsed, file_id: int) -> list[Finding]:
    """Rows of this delivery that overlap a current earlier delivery with different content:
    which delivery now wins (real over sample, then the later one) and what changed."""
    rule = ROW_RULES.get(parsed.raw_table)
    if rule is None:
        return []
    key, compared, label = rule
    table = parsed.raw_table  # from the allowlist above
    on = " and ".join(f"n.{c} is not distinct from o.{c}" for c in key)
    differs = " or ".join(f"n.{c} is distinct from o.{c}" for c in compared)
    rows = con.execute(
        f"select n.line_number, o.line_number, f.file_name, f.is_sample, n.{label}, "
        f"{', '.join(f'o.{c}, n.{c}' for c in compared)} "
        f"from raw.{table} as n join raw.{table} as o on {on} "
        "join raw.file as f on f.file_id = o.file_id "
        "where n.file_id = ? and o.file_id <> ? and (f.status = 'loaded' or f.superseded_by = ?) "
        f"and ({differs}) order by n.line_number",
        [file_id, file_id, file_id],
    ).fetchall()
    if not rows:
        return []
    earlier_files = sorted({r[2] for r in rows})
    wins = [r for r in rows if not (parsed.is_sample and not r[3])]
    loses = len(rows) - len(wins)
    first = rows[0]
    changes = []
    for position, column in enumerate(compared):
        old, new = first[5 + 2 * position], first[6 + 2 * position]
        if old != new:
            changes.append(f"{column} {_shown(old)} -> {_shown(new)}")
    message = (
        f"{len(rows)} row(s) differ from the earlier delivery {', '.join(earlier_files[:3])} "
        f"(e.g. line {first[0]}, {first[4]}: {'; '.join(changes)}). "
    )
    if wins:
        message += f"This delivery is used for {len(wins)} of them"
    if loses:
        message += ("; " if wins else "") + f"the earlier real data is kept for {loses} of them " \
            "(sample data never replaces real data)"
    return [Finding("conflicts_with_earlier_delivery", message + ".", line=first[0],
                    count=len(rows))]


def is_indicator_file(header: list[str]) -> bool:
    """Header of a prefecture-indicator file."""
    return recognises(INDICATORS, header)


def is_subsidy_file(header: list[str]) -> bool:
    """Header of a subsidy-record file."""
    return recognises(SUBSIDY, header)


def is_local_plan_file(header: list[str]) -> bool:
    """Header of a local-plan status file."""
    return recognises(LOCAL_PLANS, header)


__all__ = [
    "NATIONAL", "NATIONAL_SHARE_CAP_YEN", "context_findings", "is_indicator_file",
    "is_local_plan_file", "is_subsidy_file", "parse_indicators", "parse_local_plans",
    "parse_subsidy", "read_table", "scope",
]
