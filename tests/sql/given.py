"""Given rows for model tests: an in-memory warehouse with the migrations applied, a few raw
rows inserted by the helpers below, then every model built (``build``).

Each helper inserts what a reader would have loaded, by column name, so a test states only the
values it is about.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from warehouse import db, store

# The typed identity of a delivery that raw.file gains in a parallel change; filled when the
# table has the columns, so these helpers work before and after it.
IDENTITY_COLUMNS = ("pref_code", "modus", "data_year", "scope")


def warehouse() -> duckdb.DuckDBPyConnection:
    """An empty in-memory warehouse: migrations applied, reference lists loaded."""
    con = db.connect()
    db.migrate(con)
    db.load_reference(con)
    return con


def build(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Build every model from the given raw rows."""
    db.build_models(con)
    return con


def insert(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows (column -> value) into a raw table; columns not given stay null."""
    for row in rows:
        columns = ", ".join(row)  # names from the test's own literals
        marks = ", ".join("?" for _ in row)
        con.execute(f"insert into {table} ({columns}) values ({marks})", list(row.values()))


def add_file(con: duckdb.DuckDBPyConnection, file_id: int, source_kind: str, dataset_key: str,
             *, file_name: str | None = None, is_sample: bool = False, status: str = "loaded",
             superseded_by: int | None = None, row_count: int = 0,
             identity: Mapping[str, Any] | None = None) -> None:
    """One accepted file in raw.file."""
    has = {r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = 'file'").fetchall()}
    row = {
        "file_id": file_id, "file_name": file_name or f"file_{file_id}.csv",
        "source_path": f"/inbox/file_{file_id}", "sha256": f"{file_id:064d}", "size_bytes": 1,
        "source_kind": source_kind, "dataset_key": dataset_key, "row_count": row_count,
        "is_sample": is_sample, "status": status, "superseded_by": superseded_by,
        "loaded_at": "2024-05-01 09:00:00+09", "run_id": "run-1",
    }
    row |= {k: v for k, v in (identity or {}).items() if k in IDENTITY_COLUMNS and k in has}
    insert(con, "raw.file", [row])


def add_crime(con: duckdb.DuckDBPyConnection, file_id: int, pref_code: str, modus: str,
              data_year: int, incidents: Sequence[Mapping[str, Any]], **file: Any) -> None:
    """A crime open data file of one prefecture, modus and year with its incidents."""
    add_file(con, file_id, "crime_open_data", f"crime/{pref_code}/{modus}/{data_year}",
             row_count=len(incidents),
             identity={"pref_code": pref_code, "modus": modus, "data_year": data_year}, **file)
    # Incidents live in the crime store (warehouse.store), with its record of the file.
    insert(con, store.INCIDENTS, [
        {"file_id": file_id, "line_number": i, "modus": modus, **incident}
        for i, incident in enumerate(incidents, start=1)
    ])
    insert(con, store.FILES, [{"file_id": file_id, "row_count": len(incidents)}])


def add_published(con: duckdb.DuckDBPyConnection, file_id: int,
                  facts: Sequence[Mapping[str, Any]]) -> None:
    """A published-facts file (the white paper's figures as typed in) with its facts."""
    add_file(con, file_id, "published_facts", f"published/{file_id}", row_count=len(facts))
    insert(con, "raw.published_fact", [
        {"file_id": file_id, "line_number": i, "fact_id": f"fact_{i}", **fact}
        for i, fact in enumerate(facts, start=1)
    ])
