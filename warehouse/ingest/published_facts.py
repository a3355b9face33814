"""Published facts (the white paper and later editions): one cited figure per row, checked
strictly; a file is one publication."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from warehouse.errors import reject
from warehouse.ingest.contract import DatasetIdentity, Parsed
from warehouse.ingest.text import decode_strict, normalise_header
from warehouse.reasons import Said

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
# Optional columns after the twelve: the address of the page that prints the quote.
OPTIONAL_COLUMNS = ("source_url",)


def is_published_facts(header: list[str]) -> bool:
    """Header of a published-facts file."""
    return tuple(header[: len(PUBLISHED_FACT_COLUMNS)]) == PUBLISHED_FACT_COLUMNS


def parse_published_facts(path: Path, content: bytes) -> Parsed:
    """Parse a published-facts CSV (one cited figure per row) strictly."""
    text, encoding = decode_strict(path, content)
    frame = pl.read_csv(io.StringIO(text), infer_schema=False)
    frame = frame.rename({c: normalise_header(c) for c in frame.columns})
    frame = frame.with_columns(
        pl.lit(None, pl.String).alias(c) for c in OPTIONAL_COLUMNS if c not in frame.columns)
    frame = frame.select(*PUBLISHED_FACT_COLUMNS, *OPTIONAL_COLUMNS).with_row_index(
        "line_number", offset=2)
    problems = []
    for row in frame.iter_rows(named=True):
        line = row["line_number"]
        for column in ("fact_id", "topic", "measure", "value", "unit", "source"):
            if not row[column]:
                problems.append((line, column, Said("fact_empty")))
        value = (row["value"] or "").replace(",", "")
        try:
            float(value)
        except ValueError:
            problems.append((line, "value", Said("fact_not_number", {"value": repr(row["value"])})))
        url = row["source_url"]
        if url and not url.startswith(("https://", "http://")):
            problems.append((line, "source_url", Said("fact_not_url", {"value": repr(url)})))
        try:
            if row["as_of"]:
                pl.Series([row["as_of"]]).str.to_date("%Y-%m-%d", strict=True)
        except Exception:
            problems.append((line, "as_of", Said("fact_not_date", {"value": repr(row["as_of"])})))
    duplicated = frame.filter(pl.col("fact_id").is_duplicated())
    for row in duplicated.iter_rows(named=True):
        problems.append((row["line_number"], "fact_id",
                         Said("fact_duplicate", {"value": repr(row["fact_id"])})))
    if problems:
        line, column, first = problems[0]
        raise reject(path, "fact_problem", problem=first, line=line, column=column,
                     details=[f"line {ln}, column {col}: {w.text('en').found}"
                              for ln, col, w in problems[:50]])
    sources = frame["source"].unique().to_list()
    if len(sources) != 1:
        raise reject(path, "facts_mixed_sources", sources=sources, column="source")
    return Parsed(
        identity=DatasetIdentity("published_facts", scope=sources[0]),
        raw_table="published_fact",
        frame=frame.with_columns(pl.col("line_number").cast(pl.Int32)),
        encoding=encoding,
        delimiter=",",
    )
