"""Recognise what a delivered file is and parse it into rows for its raw table.

Each source kind declares the header it is recognised by and a parser that returns a
:class:`Parsed` (rows plus lineage facts) or raises :class:`RejectedFile`. Routing is by the
file's header, never by its name: names in the wild are misspelled.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from warehouse.errors import Finding, RejectedFile

XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Parsed:
    """A file that parsed completely: its rows for one raw table and what identifies it."""

    source_kind: str
    raw_table: str  # a table in the raw schema (fixed by the source kind, never from input)
    dataset_key: str  # a later file with the same key supersedes this one
    frame: pl.DataFrame
    encoding: str | None = None
    delimiter: str | None = None
    is_sample: bool = False
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class SourceKind:
    """A kind of input file: how to recognise it and how to parse it."""

    name: str
    description: str
    matches: Callable[[list[str]], bool]
    parse: Callable[[Path, bytes], Parsed]
    # Whether the header may sit below a title row (searched in the first HEADER_SEARCH_ROWS).
    finds_header: bool = False


def normalise_header(cell: str) -> str:
    """Header cell as matched: NFKC (full-width to half-width), trimmed, no BOM."""
    return unicodedata.normalize("NFKC", cell).replace("\ufeff", "").strip()


def decode_strict(path: Path, content: bytes) -> tuple[str, str]:
    """(text, encoding) of a file in UTF-8 (BOM optional) or CP932, or RejectedFile at its
    first bad byte. One decoder for every source: the crime reader's, the strictest."""
    from warehouse.crime_reader import decode_text

    encoding, text = decode_text(path, content)
    return text, encoding


def is_binary(content: bytes) -> bool:
    """Whether bytes look like a binary file rather than text (NUL bytes near the start)."""
    return b"\x00" in content[:8192]


def sniff_header(path: Path, content: bytes) -> list[str]:
    """The first row's cells, normalised, for routing; rejects what is not a table at all."""
    if content.startswith(XLSX_MAGIC):
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        try:
            first = next(workbook.worksheets[0].iter_rows(max_row=1, values_only=True), ())
        finally:
            workbook.close()
        return [normalise_header(str(c)) if c is not None else "" for c in first]
    if not content.strip():
        raise RejectedFile(
            path,
            reason="the file is empty",
            action="Deliver the file again with its header and rows",
        )
    if is_binary(content):
        raise RejectedFile(
            path,
            reason="the file is binary, not a CSV/TSV table or an XLSX workbook",
            action="Deliver the data as CSV (UTF-8 or CP932) or XLSX",
            line=1,
        )
    head = content[:65536]
    cut = head.rfind(b"\n")
    first_line = (head[:cut] if cut > 0 else head).split(b"\n", 1)[0]
    text, _ = decode_strict(path, first_line.rstrip(b"\r"))
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    return [normalise_header(c.strip('"')) for c in text.split(delimiter)]


# --- published facts (white paper and later editions) ---------------------------------------

PUBLISHED_FACT_COLUMNS = (
    "fact_id",
    "topic",
    "measure",
    "level",
    "method",
    "pref_name",
    "value",
    "unit",
    "as_of",
    "source",
    "section",
    "quote",
)


def _is_published_facts(header: list[str]) -> bool:
    return tuple(header[: len(PUBLISHED_FACT_COLUMNS)]) == PUBLISHED_FACT_COLUMNS


def parse_published_facts(path: Path, content: bytes) -> Parsed:
    """Parse a published-facts CSV (one cited figure per row) strictly."""
    text, encoding = decode_strict(path, content)
    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    frame = frame.rename({c: normalise_header(c) for c in frame.columns})
    frame = frame.select(PUBLISHED_FACT_COLUMNS).with_row_index("line_number", offset=2)
    problems = []
    for row in frame.iter_rows(named=True):
        line = row["line_number"]
        for column in ("fact_id", "topic", "measure", "value", "unit", "source"):
            if not row[column]:
                problems.append((line, column, "is empty"))
        value = (row["value"] or "").replace(",", "")
        try:
            float(value)
        except ValueError:
            problems.append((line, "value", f"{row['value']!r} is not a number"))
        try:
            if row["as_of"]:
                pl.Series([row["as_of"]]).str.to_date("%Y-%m-%d", strict=True)
        except Exception:
            problems.append((line, "as_of", f"{row['as_of']!r} is not a date like 2024-04-01"))
    duplicated = frame.filter(pl.col("fact_id").is_duplicated())
    for row in duplicated.iter_rows(named=True):
        problems.append((row["line_number"], "fact_id", f"{row['fact_id']!r} appears twice"))
    if problems:
        line, column, what = problems[0]
        raise RejectedFile(
            path,
            reason=f"{column} {what}",
            line=line,
            column=column,
            action="Correct the cell (every fact needs an id, a number, a unit and its source; "
            "as_of, when given, is an ISO date) and deliver the file again",
            details=[f"line {ln}, column {col}: {w}" for ln, col, w in problems[:50]],
        )
    sources = frame["source"].unique().to_list()
    if len(sources) != 1:
        raise RejectedFile(
            path,
            reason=f"the file mixes publications {sources}",
            action="Deliver one file per publication",
            column="source",
        )
    return Parsed(
        source_kind="published_facts",
        raw_table="published_fact",
        dataset_key=f"published_facts/{sources[0]}",
        frame=frame.with_columns(pl.col("line_number").cast(pl.Int32)),
        encoding=encoding,
        delimiter=",",
    )


# --- police crime open data ------------------------------------------------------------------


# The end of a sample crime delivery's dataset key: crime/01/自転車盗/2022/sample.
CRIME_SAMPLE_SUFFIX = "/sample"


def _is_crime(header: list[str]) -> bool:
    from warehouse.crime_reader import is_crime_file

    return is_crime_file(header)


def parse_crime(path: Path, content: bytes) -> Parsed:
    """Parse one police crime open-data file (犯罪オープンデータ)."""
    from warehouse.crime_reader import read_crime_file

    crime = read_crime_file(path, content=content)
    key = f"crime/{crime.pref_code}/{crime.modus}/{crime.data_year}"
    return Parsed(
        source_kind="crime_open_data",
        raw_table="crime_incident",
        # A sample's key of its own (so it never supersedes real data); the load lets real data
        # of the same prefecture, modus and year supersede it.
        dataset_key=key + CRIME_SAMPLE_SUFFIX if crime.is_sample else key,
        frame=crime.frame,
        encoding=crime.encoding,
        delimiter=crime.delimiter,
        is_sample=crime.is_sample,
        findings=crime.findings,
    )


# --- programme templates: indicators, subsidy records, local plans (warehouse.programme) -----


def _is_indicators(header: list[str]) -> bool:
    from warehouse.programme import is_indicator_file

    return is_indicator_file(header)


def _parse_indicators(path: Path, content: bytes) -> Parsed:
    from warehouse.programme import parse_indicators

    return parse_indicators(path, content)


def _is_subsidy(header: list[str]) -> bool:
    from warehouse.programme import is_subsidy_file

    return is_subsidy_file(header)


def _parse_subsidy(path: Path, content: bytes) -> Parsed:
    from warehouse.programme import parse_subsidy

    return parse_subsidy(path, content)


def _is_local_plans(header: list[str]) -> bool:
    from warehouse.programme import is_local_plan_file

    return is_local_plan_file(header)


def _parse_local_plans(path: Path, content: bytes) -> Parsed:
    from warehouse.programme import parse_local_plans

    return parse_local_plans(path, content)


SOURCE_KINDS: tuple[SourceKind, ...] = (
    SourceKind(
        "published_facts",
        "published facts (fact_id, topic, measure, ... quote)",
        _is_published_facts,
        parse_published_facts,
    ),
    SourceKind(
        "crime_open_data",
        "police crime open data (罪名, 手口, 管轄警察署（発生地）, ...)",
        _is_crime,
        parse_crime,
    ),
    SourceKind(
        "indicators",
        "prefecture indicators (計画, 指標番号, 指標名, 都道府県, 期間, 値, 単位)",
        _is_indicators,
        _parse_indicators,
        finds_header=True,
    ),
    SourceKind(
        "subsidy_records",
        "subsidy records (年度, 都道府県, 事業実施, ..., 国庫補助額)",
        _is_subsidy,
        _parse_subsidy,
        finds_header=True,
    ),
    SourceKind(
        "local_plans",
        "local-plan status (基準日, 団体コード, 策定状況, 策定方法, ...)",
        _is_local_plans,
        _parse_local_plans,
        finds_header=True,
    ),
)


# --- JSON documents (routed by content before any header is sniffed) -------------------------


@dataclass(frozen=True)
class JsonKind:
    """A kind of JSON input: how to recognise the parsed document and how to parse the file."""

    name: str
    description: str
    matches: Callable[[object], bool]
    parse: Callable[[Path, bytes], Parsed]


def _is_estat(document: object) -> bool:
    from warehouse.estat import is_estat_response

    return is_estat_response(document)


def _parse_estat(path: Path, content: bytes) -> Parsed:
    from warehouse.estat import parse_estat

    return parse_estat(path, content)


JSON_KINDS: tuple[JsonKind, ...] = (
    JsonKind("estat", "e-Stat getStatsData response (GET_STATS_DATA)", _is_estat, _parse_estat),
)


def looks_like_json(path: Path, content: bytes) -> bool:
    """Whether a file is a JSON document (by its first character, or its .json name)."""
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"{", b"[")) or path.suffix.lower() == ".json"


def _route_json(path: Path, content: bytes) -> SourceKind:
    """The kind of a JSON file, by its content."""
    import json

    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise RejectedFile(
            path,
            reason=f"the file is not valid JSON ({exc})",
            action="Deliver the JSON as saved from the API (UTF-8)",
        ) from exc
    for kind in JSON_KINDS:
        if kind.matches(document):
            return SourceKind(kind.name, kind.description, lambda _header: True, kind.parse)
    keys = list(document)[:5] if isinstance(document, dict) else type(document).__name__
    raise RejectedFile(
        path,
        reason=f"the JSON document ({keys}) is not one saihan knows",
        action="Deliver " + "; ".join(k.description for k in JSON_KINDS) + "; see README, "
        "'Input formats'",
    )


HEADER_SEARCH_ROWS = 10


def sniff_rows(path: Path, content: bytes, rows: int = HEADER_SEARCH_ROWS) -> list[list[str]]:
    """The first rows' cells, normalised, for kinds whose header may sit below a title (in a
    workbook: the first rows of every sheet, a cover sheet being common)."""
    if content.startswith(XLSX_MAGIC):
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        try:
            found = [
                row
                for sheet in workbook.worksheets
                for row in sheet.iter_rows(max_row=rows, values_only=True)
            ]
        finally:
            workbook.close()
        return [[normalise_header(str(c)) if c is not None else "" for c in row] for row in found]
    import csv

    text, _ = decode_strict(
        path, content[:65536].rsplit(b"\n", 1)[0] if len(content) > 65536 else content
    )
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found = []
    for row in reader:
        found.append([normalise_header(c) for c in row])
        if len(found) >= rows:
            break
    return found


def _route(path: Path, content: bytes, header: list[str]) -> SourceKind | None:
    """The first kind whose header is the file's first row, else one whose header is among the
    first rows (below a title row)."""
    for kind in SOURCE_KINDS:
        if kind.matches(header):
            return kind
    searching = [kind for kind in SOURCE_KINDS if kind.finds_header]
    try:
        rows = sniff_rows(path, content)[1:]
    except RejectedFile:
        raise
    except Exception:
        return None
    for row in rows:
        for kind in searching:
            if kind.matches(row):
                return kind
    return None


def parse_file(path: Path, content: bytes | None = None) -> Parsed:
    """Recognise a file by its header and parse it, or raise RejectedFile saying why."""
    content = path.read_bytes() if content is None else content
    header: list[str] = []
    if looks_like_json(path, content):
        kind: SourceKind | None = _route_json(path, content)
    else:
        try:
            header = sniff_header(path, content)
            kind = _route(path, content, header)
        except RejectedFile:
            raise
        except Exception as exc:  # a workbook that does not open, and the like
            raise RejectedFile(
                path,
                reason=f"the file cannot be opened as a table ({exc})",
                action="Deliver it as CSV (UTF-8 or CP932) or XLSX",
            ) from exc
    if kind is not None:
        try:
            parsed = kind.parse(path, content)
        except RejectedFile:
            raise
        except Exception as exc:
            raise RejectedFile(
                path,
                reason=f"the file looks like {kind.description} but could not be "
                f"read: {type(exc).__name__}: {exc}",
                action="Check that every row has the header's columns and re-save the "
                "file; if it looks right, report it with this message",
            ) from exc
        if parsed.frame.height == 0:
            raise RejectedFile(
                path,
                reason="the file has a header but no rows",
                action="Deliver the file again with its rows",
                line=2,
            )
        return parsed
    expected = "; ".join(k.description for k in SOURCE_KINDS)
    raise RejectedFile(
        path,
        reason=f"the header {header[:6]} is not one saihan knows",
        action=f"Use one of the input formats ({expected}); see README, 'Input formats'",
        line=1,
    )
