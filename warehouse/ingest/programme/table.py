"""Reading a programme file: the table, its rows as template columns, the problems that reject
it, and the identity of the dataset it delivers.

These sources have no public format: saihan defines one template per kind
(:mod:`warehouse.ingest.programme.templates`) and reads what people really send in its place —
Japanese or English headers, a title row above the header, CSV in UTF-8 or CP932, or XLSX.
Each file is checked row by row. Every problem is collected with its line, column, what was
found and what to write instead; a file with any problem is rejected whole (nothing of it is
loaded) and quarantined with that list.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from warehouse.errors import Finding, reject
from warehouse.ingest.contract import DatasetIdentity
from warehouse.ingest.programme.templates import (
    DATA_CLASS_REAL,
    DATA_CLASS_SAMPLE,
    TemplateSpec,
    match_header,
    recognises,
)
from warehouse.ingest.text import (
    HEADER_SEARCH_ROWS,
    MAX_CELL_CHARS,
    XLSX_MAGIC,
    byte_position,
    decode_strict,
    long_cell,
    sniff_delimiter,
    xlsx_cell,
)
from warehouse.ingest.values import ValueProblem, is_blank, nfkc
from warehouse.reasons import Said
from warehouse.reference import ALL_PREFECTURES

MAX_PROBLEMS_LISTED = 200

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
            raise reject(path, "workbook_unopenable") from exc
        found: Table | None = None
        others: list[str] = []
        try:
            for sheet in workbook.worksheets:
                if found is not None:  # a later sheet with the same header would be left out
                    head = [(n, [xlsx_cell(v) for v in values]) for n, values in enumerate(
                        sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True), start=1)]
                    if _find_header(spec, head) is not None:
                        others.append(sheet.title)
                    continue
                rows = [
                    (number, [xlsx_cell(v) for v in values])
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                ]
                index = _find_header(spec, rows)
                if index is not None:
                    header_line, header = rows[index]
                    found = Table(header, header_line, rows[index + 1:], "xlsx", None, sheet.title)
        finally:
            workbook.close()
        if others:
            raise reject(
                path, "rows_on_several_sheets", title=spec.title_ja, sheet=found.sheet,
                ignored=", ".join(others),
                details=[f"sheet left out: {name}" for name in others],
            )
        if found is not None:
            return found
        raise reject(path, "template_no_header_sheet", identifying=_identifying(spec),
                     title=spec.title_ja)
    nul = content.find(b"\x00")
    if nul >= 0:
        line, byte = byte_position(content, nul)
        raise reject(path, "nul_byte_template", byte=byte, line=line, column=f"byte {byte}")
    text, encoding = decode_strict(path, content)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = sniff_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    line = 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise long_cell(path, line, None,
                            f"more than {csv.field_size_limit():,}") from None
        raise reject(path, "csv_quote_broken", line=line) from None
    for number, cells in rows:
        for position, value in enumerate(cells):
            if len(value) > MAX_CELL_CHARS:
                column = rows[0][1][position] if position < len(rows[0][1]) else None
                raise long_cell(path, number, column or f"column {position + 1}", len(value))
    index = _find_header(spec, rows)
    if index is None:
        raise reject(path, "template_no_header", identifying=_identifying(spec),
                     title=spec.title_ja, line=1)
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
    items: list[tuple[int | None, str | None, Said]] = field(default_factory=list)

    def add(self, line: int | None, key: str | None, code: str, **params: object) -> None:
        """Record a problem (a reason code of warehouse.reasons and its parameters) on a line
        and column (column key or None)."""
        self.said(line, key, Said(code, params))

    def said(self, line: int | None, key: str | None, problem: Said) -> None:
        """Record a problem already put as a :class:`Said` (a cell's ValueProblem)."""
        self.items.append((line, key, problem))

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
            self.said(line, key, problem.said)
            return None

    def raise_if_any(self) -> None:
        """Reject the file with every problem listed (line, column, what, what to do)."""
        if not self.items:
            return
        line, key, first = self.items[0]
        details = []
        for ln, k, problem in self.items[:MAX_PROBLEMS_LISTED]:
            japanese, english = problem.text("ja"), problem.text("en")
            label = self.column_label(k)
            details.append((f"line {ln}" if ln is not None else "file")
                           + (f", column {label}" if k else "")
                           + f": {english.found} -> {english.todo} / "
                           + (f"{ln}行目" if ln is not None else "ファイル")
                           + (f"「{label}」列" if k else "")
                           + f": {japanese.found} {japanese.todo}")
        if len(self.items) > MAX_PROBLEMS_LISTED:
            details.append(f"... and {len(self.items) - MAX_PROBLEMS_LISTED} more / ほか "
                           f"{len(self.items) - MAX_PROBLEMS_LISTED} 件")
        count = len(self.items)
        label = self.column_label(key)
        where_ja = "このファイル" if line is None else f"{line}行目"
        where_ja += f"の「{label}」列" if label else ""
        raise reject(self.path, "cell_problems", count=count, plural="s" if count > 1 else "",
                     first=first, where_ja=where_ja, line=line, column=label, details=details)


# ----------------------------------------------------------------------------- shared steps


@dataclass
class Rows:
    """A table's data rows as {column key: text}, with the lineage facts of the file."""

    table: Table
    columns: dict[int, str]
    headers: dict[str, str]
    records: list[tuple[int, dict[str, str]]]
    findings: list[Finding]


def read_rows(path: Path, table: Table, spec: TemplateSpec) -> Rows:
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
        raise reject(path, "template_missing_columns", columns="、".join(missing),
                     line=table.header_line)
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
        raise reject(path, "template_ragged_rows", count=len(ragged),
                     lines=", ".join(map(str, ragged[:10])), line=ragged[0])
    return Rows(table, columns, headers, records, findings)


_SAMPLE_WORDS = {"サンプル", "sample", "標本", "試験", "テスト", "test", "dummy", "ダミー", "1",
                 "true", "yes", "はい", "○"}
_REAL_WORDS = {"", DATA_CLASS_REAL, "real", "実績", "実データ", "本番", "0", "false", "no",
               "いいえ", "×"}


def sample_flag(rows: Rows, problems: Problems) -> bool:
    """Whether the file is sample data (データ区分 = サンプル); a file may not mix the two."""
    seen: dict[bool, int] = {}
    for line, record in rows.records:
        value = nfkc(record.get("data_class", "")).lower()
        if value in {w.lower() for w in _SAMPLE_WORDS}:
            seen.setdefault(True, line)
        elif value in {w.lower() for w in _REAL_WORDS}:
            seen.setdefault(False, line)
        else:
            problems.add(line, "data_class", "data_class_unknown", value=repr(value),
                         real=DATA_CLASS_REAL, sample=DATA_CLASS_SAMPLE)
    if len(seen) > 1:
        problems.add(max(seen.values()), "data_class", "data_class_mixed")
    return seen.get(True) is not None and len(seen) == 1


def scope(values: list[str], everything: set[str] | frozenset[str] | None = None) -> str:
    """A short, stable name for a set of values in a dataset's scope: the value when there is one,
    'all' when it is everything, else the count and a hash."""
    distinct = sorted(set(values))
    if len(distinct) == 1:
        return distinct[0]
    if everything is not None and everything <= set(distinct):
        return "all"
    digest = hashlib.sha1("|".join(distinct).encode()).hexdigest()[:8]
    return f"{len(distinct)}-{digest}"


def duplicates(records: list[dict], key: tuple[str, ...], compared: tuple[str, ...],
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
                record["line_number"], _display_key(column), "duplicate_conflict",
                earlier=earlier["line_number"], row=describe(record), column=column,
                there=repr(earlier[column]), here=repr(record[column]), per=" / ".join(key))
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


def to_frame(records: list[dict], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(records, schema=schema, orient="row") if records else pl.DataFrame(
        schema=schema)


def merge_findings(findings: list[Finding], code: str) -> list[Finding]:
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



def dataset_identity(kind: str, parts: list[str], pref_scope: str,
                     is_sample: bool) -> DatasetIdentity:
    """The identity of a programme delivery: ``parts`` name what it covers (editions,
    prefectures, periods, indicators; fiscal years; the as-of date), one :func:`scope` each, the
    prefecture part (``pref_scope``) among them. A file of one prefecture also names it as
    ``pref_code``. Sample deliveries are datasets of their own, so a sample file never
    supersedes a real one (nor the reverse); where they overlap, real data wins downstream."""
    return DatasetIdentity(kind, pref_code=pref_scope if pref_scope in ALL_PREFECTURES else None,
                           scope="/".join(parts), is_sample=is_sample)
