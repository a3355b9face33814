"""Writing one parsed file into the build: its ``raw.file`` row, its rows, its findings.

A later delivery of the same dataset identity supersedes the earlier one. Rows go to DuckDB
through the Arrow stream interface, crime rows in whole row groups (:class:`RowGroupAppender`).
Findings that need what is already loaded (new police stations, unknown codes, rows that differ
from an earlier delivery) are worked out here, beside the parser's own.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse.errors import Finding
from warehouse.sources import CRIME_SAMPLE_SUFFIX, Parsed

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

    Runs inside the run's load transaction (see :func:`open_run`): every file of a run is
    written at once, so that DuckDB writes whole row groups straight to the build file instead
    of logging small files to the WAL and compressing them again at the checkpoint. A failure
    here fails the run, whose build file is then discarded: nothing is published. Rows for
    ``appender``'s table go through it (nothing in the load reads them back before the run's
    loads end)."""
    if parsed.raw_table not in RAW_TABLES:
        raise ValueError(f"unknown raw table {parsed.raw_table!r}")
    file_id = con.execute("select coalesce(max(file_id), 0) + 1 from raw.file").fetchone()[0]
    superseded = [
        row[0]
        for row in con.execute(
            "select file_id from raw.file where dataset_key = ? and status = 'loaded'",
            [parsed.dataset_key],
        ).fetchall()
    ]
    con.execute(
        "update raw.file set status = 'superseded', superseded_by = ? "
        "where dataset_key = ? and status = 'loaded'",
        [file_id, parsed.dataset_key],
    )
    superseded += _supersede_sample_twin(con, parsed, file_id)
    con.execute(
        "insert into raw.file (file_id, file_name, source_path, sha256, size_bytes, "
        "source_kind, dataset_key, encoding, delimiter, row_count, is_sample, status, "
        "loaded_at, run_id) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'loaded', ?, ?)",
        [file_id, path.name, str(path), sha, path.stat().st_size, parsed.source_kind,
         parsed.dataset_key, parsed.encoding, parsed.delimiter, parsed.frame.height,
         parsed.is_sample, datetime.now(UTC), run_id],
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
    else:
        insert_frame(con, parsed.raw_table, frame.select(columns))
    # Findings that need what is already loaded join the parser's (and the run report).
    parsed.findings.extend(_context_findings(con, parsed, file_id))
    for finding in parsed.findings:
        con.execute(
            "insert into raw.file_finding values (?, ?, ?, ?, ?, ?, ?)",
            [file_id, finding.code, finding.severity, finding.message, finding.line,
             finding.column, finding.count],
        )
    return file_id, superseded


def _supersede_sample_twin(con: duckdb.DuckDBPyConnection, parsed: Parsed,
                           file_id: int) -> list[int]:
    """Real crime data wins over the generated sample of the same prefecture, modus and year:
    a real delivery supersedes the current sample one; return the superseded files."""
    if parsed.source_kind != "crime_open_data" or parsed.is_sample:
        return []
    twin = parsed.dataset_key + CRIME_SAMPLE_SUFFIX
    rows = con.execute("select file_id from raw.file where dataset_key = ? and status = 'loaded'",
                       [twin]).fetchall()
    con.execute("update raw.file set status = 'superseded', superseded_by = ? "
                "where dataset_key = ? and status = 'loaded'", [file_id, twin])
    return [row[0] for row in rows]


def _supersede_by_real(con: duckdb.DuckDBPyConnection, parsed: Parsed, file_id: int) -> None:
    """A sample crime delivery is superseded at once when real data of its identity is loaded."""
    real = con.execute(
        "select max(file_id) from raw.file where dataset_key = ? and status = 'loaded'",
        [parsed.dataset_key.removesuffix(CRIME_SAMPLE_SUFFIX)],
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
        con.execute(f"insert into raw.{table} select * from incoming")
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


def _context_findings(
    con: duckdb.DuckDBPyConnection, parsed: Parsed, file_id: int
) -> list[Finding]:
    """Findings that need what is already loaded: new police stations, unknown codes, rows
    that differ from an earlier delivery of indicators, subsidy records or local plans."""
    if parsed.source_kind != "crime_open_data":
        from warehouse.programme import context_findings

        return context_findings(con, parsed, file_id)
    findings = []
    frame = parsed.frame
    pref_code = parsed.dataset_key.split("/")[1]
    stations = set(frame["police_station"].drop_nulls().unique().to_list())
    known = {row[0] for row in con.execute(
        "select police_station from raw.police_station_seen where pref_code = ?", [pref_code]
    ).fetchall()}
    new_stations = sorted(stations - known)
    if new_stations:
        con.executemany("insert into raw.police_station_seen values (?, ?, ?)",
                        [[pref_code, station, file_id] for station in new_stations])
    if new_stations and known:
        findings.append(Finding(
            "new_police_station",
            f"{len(new_stations)} police station(s) seen for the first time in this prefecture: "
            + ", ".join(new_stations[:10]),
            count=len(new_stations), severity="info", column="管轄警察署（発生地）",
        ))
    listed = pl.Series(
        [row[0] for row in con.execute("select lg_code from ref.local_government").fetchall()],
        dtype=pl.String,
    )
    unknown = (
        frame.filter(pl.col("lg_code_status").is_in(["ok", "repaired"])
                     & ~pl.col("lg_code").is_in(listed.implode()))
        .group_by("lg_code").agg(n=pl.len(), first_line=pl.col("line_number").min())
        .sort("first_line")
    )
    if unknown.height:
        total = int(unknown["n"].sum())
        findings.append(Finding(
            "unknown_lg_code",
            f"{total} line(s) with a 市区町村コード that is valid but not in the local-government "
            f"list (e.g. {', '.join(unknown['lg_code'].head(5).to_list())}); kept, counted "
            "under the name as written",
            line=int(unknown["first_line"][0]), column="市区町村コード（発生地）", count=total,
        ))
    return findings
