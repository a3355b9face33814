"""Writing one parsed file into the build: its ``raw.file`` row, its rows, its findings.

A later delivery of the same dataset identity (``raw.file``'s source_kind, pref_code, modus,
data_year, scope and is_sample) supersedes the earlier one. Rows go to DuckDB
through the Arrow stream interface, crime rows in whole row groups (:class:`RowGroupAppender`).
Findings that need what is already loaded (new police stations, unknown codes, rows that differ
from an earlier delivery) are worked out here, beside the parser's own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse import store
from warehouse.ingest.contract import Parsed
from warehouse.load_findings import context_findings

# Deliveries of one dataset: the same typed identity (a fixed SQL text, values bound).
SAME_DATASET = (
    "source_kind = ? and pref_code is not distinct from ? and modus is not distinct from ? "
    "and data_year is not distinct from ? and scope is not distinct from ? and is_sample = ?"
)

# Raw tables a parser may write to; the name in Parsed.raw_table must be one of these.
RAW_TABLES = frozenset({"published_fact", "crime_incident", "indicator_value", "estat_value",
                        "subsidy_record", "local_plan"})


def load_parsed(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    sha: str,
    parsed: Parsed,
    run_id: str,
    appender: RowGroupAppender | None = None,
) -> tuple[int, list[int]]:
    """Load one parsed file; supersede earlier deliveries of its dataset.

    Runs inside the run's load transaction (see :func:`open_run`; crime rows, in the crime
    store, in a transaction of the appender's connection beside it): every file of a run is
    written at once, so that DuckDB writes whole row groups straight to the build file instead
    of logging small files to the WAL and compressing them again at the checkpoint. A failure
    here fails the run, whose build file is then discarded: nothing is published. Rows for
    ``appender``'s table go through it (nothing in the load reads them back before the run's
    loads end)."""
    if parsed.raw_table not in RAW_TABLES:
        raise ValueError(f"unknown raw table {parsed.raw_table!r}")
    file_id = con.execute("select coalesce(max(file_id), 0) + 1 from raw.file").fetchone()[0]
    identity = parsed.identity
    this_dataset = same_dataset(parsed, is_sample=identity.is_sample)
    superseded = [
        row[0]
        for row in con.execute(
            f"select file_id from raw.file where {SAME_DATASET} and status = 'loaded'",
            this_dataset,
        ).fetchall()
    ]
    con.execute(
        "update raw.file set status = 'superseded', superseded_by = ? "
        f"where {SAME_DATASET} and status = 'loaded'",
        [file_id, *this_dataset],
    )
    superseded += _supersede_sample_twin(con, parsed, file_id)
    con.execute(
        "insert into raw.file (file_id, file_name, source_path, sha256, size_bytes, "
        "source_kind, dataset_key, encoding, delimiter, row_count, is_sample, status, "
        "loaded_at, run_id, pref_code, modus, data_year, scope) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, ?, ?)",
        [file_id, path.name, str(path), sha, path.stat().st_size, identity.kind,
         identity.key, parsed.encoding, parsed.delimiter, parsed.frame.height,
         identity.is_sample, datetime.now(UTC), run_id, identity.pref_code, identity.modus,
         identity.data_year, identity.scope],
    )
    if parsed.is_sample and parsed.source_kind == "crime_open_data":
        _supersede_by_real(con, parsed, file_id)
    frame = parsed.frame.with_columns(file_id=file_id)
    columns = [row[0] for row in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = ? order by ordinal_position",
        [parsed.raw_table],
    ).fetchall()]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"parser for {parsed.source_kind} did not produce columns {missing}")
    if appender is not None and appender.table == parsed.raw_table:
        appender.add(frame.select(columns))
    elif parsed.raw_table == "crime_incident":  # the build's transaction cannot write the store
        raise ValueError("crime rows go to the crime store through a RowGroupAppender on a "
                         "transaction of its own (see warehouse.run)")
    else:
        insert_frame(con, parsed.raw_table, frame.select(columns))
    if parsed.raw_table == "crime_incident":  # the store's record of its files (warehouse.store)
        appender.con.execute(f"insert or replace into {store.FILES} values (?, ?)",
                             [file_id, frame.height])
    # Findings that need what is already loaded join the parser's (and the run report).
    parsed.findings.extend(context_findings(con, parsed, file_id))
    for finding in parsed.findings:
        con.execute(
            "insert into raw.file_finding values (?, ?, ?, ?, ?, ?, ?)",
            [file_id, finding.code, finding.severity, finding.message, finding.line,
             finding.column, finding.count],
        )
    return file_id, superseded


def same_dataset(parsed: Parsed, *, is_sample: bool) -> list:
    """The values bound to SAME_DATASET for the parsed delivery's dataset, real or sample."""
    identity = parsed.identity
    return [identity.kind, identity.pref_code, identity.modus, identity.data_year,
            identity.scope, is_sample]


def _supersede_sample_twin(con: duckdb.DuckDBPyConnection, parsed: Parsed,
                           file_id: int) -> list[int]:
    """Real crime data wins over the generated sample of the same prefecture, modus and year:
    a real delivery supersedes the current sample one; return the superseded files."""
    if parsed.source_kind != "crime_open_data" or parsed.is_sample:
        return []
    twin = same_dataset(parsed, is_sample=True)
    rows = con.execute(f"select file_id from raw.file where {SAME_DATASET} "
                       "and status = 'loaded'", twin).fetchall()
    con.execute("update raw.file set status = 'superseded', superseded_by = ? "
                f"where {SAME_DATASET} and status = 'loaded'", [file_id, *twin])
    return [row[0] for row in rows]


def _supersede_by_real(con: duckdb.DuckDBPyConnection, parsed: Parsed, file_id: int) -> None:
    """A sample crime delivery is superseded at once when real data of its identity is loaded."""
    real = con.execute(
        f"select max(file_id) from raw.file where {SAME_DATASET} and status = 'loaded'",
        same_dataset(parsed, is_sample=False),
    ).fetchone()[0]
    if real is not None:
        con.execute("update raw.file set status = 'superseded', superseded_by = ? "
                    "where file_id = ?", [real, file_id])


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert a frame whose columns are the raw table's, in order."""
    if table not in RAW_TABLES:
        raise ValueError(f"unknown raw table {table!r}")
    # Handed over through the Arrow C stream interface: no copy, and no pyarrow.
    con.register("incoming", _ArrowStream(frame))
    try:
        con.execute(f"insert into {store.rows_table(table)} select * from incoming")
    finally:
        con.unregister("incoming")


# DuckDB's row group size: rows stored (and compressed) together.
ROW_GROUP_ROWS = 122_880


# Crime rows a load transaction takes before it is committed and another begun: DuckDB holds
# a transaction's new rows in memory until the commit (seen: 5M rows in 35 files peaked at
# 3.9 GB in one transaction, 2.7 GB committing every 8 row groups, 2.5 GB one per file).
LOAD_COMMIT_ROWS = 8 * ROW_GROUP_ROWS


class RowGroupAppender:
    """Inserts the frames of several files into one raw table in whole row groups.

    In one transaction, each INSERT writes its rows straight to the database file, but its last,
    partly filled row group is merged and compressed again at the checkpoint (seen: 0.2 s of
    every 1M crime rows in 7 files, and a third larger file). Holding back the remainder for
    the next insert leaves only the transaction's last row group partial."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.con = con
        self.table = table
        self.pending: list[pl.DataFrame] = []
        self.rows = 0  # queued, not yet inserted
        self.added = 0  # rows added since the transaction began

    def add(self, frame: pl.DataFrame) -> None:
        """Queue a frame; insert every whole row group queued so far."""
        self.pending.append(frame)
        self.rows += frame.height
        self.added += frame.height
        whole = self.rows - self.rows % ROW_GROUP_ROWS
        if whole:
            queued = pl.concat(self.pending, rechunk=False)
            insert_frame(self.con, self.table, queued.slice(0, whole))
            # a copy of the remainder, so that it does not keep the whole file's frame alive
            rest = queued.slice(whole).rechunk()
            self.pending = [rest] if rest.height else []
            self.rows = rest.height

    def flush(self) -> None:
        """Insert what is still queued."""
        if self.pending:
            insert_frame(self.con, self.table, pl.concat(self.pending, rechunk=False))
        self.pending, self.rows = [], 0


class _ArrowStream:
    """A polars frame seen by DuckDB only through the Arrow PyCapsule stream interface (no
    pyarrow, hence no numpy, in the load path)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)
