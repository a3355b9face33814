"""A file that parses but breaks a data test is held, so that unrelated files still publish.

When the audit of a build fails, :func:`hold_failing_files` asks, in transactions that are
rolled back, whether the build passes without any file of this run (if not, the files are not
the cause and the run fails as before), then, for each file the run loaded, whether the build
with that file alone of the run's files fails. Each file that does is taken out of the build
(its rows, findings and record removed, what it superseded current again) and kept under
``held/`` with a report naming the data tests it breaks; the caller audits the build again.
A file a person accepted (`saihan accept`) is never held this way. Plain Python over the build
connection; the decision to retry the audit is taken in :mod:`warehouse.run`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse import db
from warehouse.hold import Shrink, keep_held
from warehouse.report import FileResult, RunReport
from warehouse.settings import Settings


def _tables_with_file_id(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(raw table, its file column) of every raw table holding rows of a delivered file."""
    return [(table, column) for table, column in con.execute(
        "select c.table_name, c.column_name from information_schema.columns as c "
        "join information_schema.tables as t using (table_catalog, table_schema, table_name) "
        "where c.table_catalog = current_database() and c.table_schema = 'raw' "
        "and c.column_name in ('file_id', 'first_file_id') and c.table_name <> 'file' "
        "and t.table_type = 'BASE TABLE' order by all").fetchall()]


def _undo(con: duckdb.DuckDBPyConnection, file_ids: list[int]) -> None:
    """Take loaded files out of the build: their rows and record, and make the deliveries
    they superseded current again (inside the caller's transaction). Their crime incidents,
    in the crime store, leave the build with their raw.file row (warehouse.store)."""
    if not file_ids:
        return
    marks = ", ".join("?" for _ in file_ids)
    for table, column in _tables_with_file_id(con):  # names from the catalog, not from data
        con.execute(f"delete from raw.{table} where {column} in ({marks})", file_ids)
    con.execute(f"update raw.file set status = 'loaded', superseded_by = null "
                f"where superseded_by in ({marks})", file_ids)
    con.execute(f"delete from raw.file where file_id in ({marks})", file_ids)


def _failures_without(con: duckdb.DuckDBPyConnection, sql_dir: Path,
                      file_ids: list[int]) -> list[db.DataTestFailure]:
    """The data tests that fail when ``file_ids`` are taken out (tried, then rolled back)."""
    con.execute("begin transaction")
    try:
        _undo(con, file_ids)
        db.build_models(con, sql_dir, own_transaction=False)
        return db.run_data_tests(con, sql_dir)
    finally:
        con.execute("rollback")


def hold_failing_files(con: duckdb.DuckDBPyConnection, settings: Settings, sql_dir: Path,
                       report: RunReport, accepted: set[str]) -> bool:
    """Hold the files of this run that break a data test on their own; return whether any
    was held (the build then has to be audited again)."""
    this_run = dict(con.execute("select file_id, sha256 from raw.file where run_id = ?",
                                [report.run_id]).fetchall())
    loaded = {r.sha256: r for r in report.files
              if r.status == "loaded" and r.sha256 not in accepted}
    candidates = {fid: loaded[sha] for fid, sha in this_run.items() if sha in loaded}
    if not candidates or _failures_without(con, sql_dir, list(this_run)):
        return False
    failing = {}
    for file_id, result in candidates.items():
        others = [other for other in this_run if other != file_id]
        failures = _failures_without(con, sql_dir, others)
        if failures:
            failing[file_id] = (result, failures)
    if not failing:
        return False  # only files together break the tests: nobody can be named
    con.execute("begin transaction")
    for file_id, (result, failures) in failing.items():
        _hold(con, settings, file_id, result, failures, report.run_id)
    _undo(con, list(failing))
    con.execute("delete from meta.run where run_id = ?", [report.run_id])
    con.execute("commit")
    return True


def _hold(con: duckdb.DuckDBPyConnection, settings: Settings, file_id: int,
          result: FileResult, failures: list[db.DataTestFailure], run_id: str) -> None:
    """Keep one file under held/ (moved from the inbox, copied from elsewhere) with the data
    tests it breaks, and record it."""
    before = con.execute("select coalesce(sum(row_count), 0) from raw.file "
                         "where superseded_by = ?", [file_id]).fetchall()[0][0]
    reasons = [f"breaks the data test {f.name}: {f.rule} ({f.failing_rows} failing rows, "
               f"e.g. {f.sample[:2]}) / データテスト {f.name} に合いません" for f in failures]
    path = Path(result.file)
    shrink = Shrink(result.dataset_key or "", result.source_kind or "", int(before),
                    result.rows, reasons, action=(
                        "ask the sender to correct the file (the rows the data tests show) and "
                        "drop the corrected file into the inbox; the other files of the run "
                        "were published / 送付元に修正を依頼し、修正版を受信フォルダに置いて"
                        "ください"))
    move = settings.inbox.resolve() in path.resolve().parents
    target = keep_held(settings, path, shrink, move=move)
    result.status = "held"
    result.held_as = str(target)
    result.hold = {"reasons": reasons, "rows_before": int(before), "rows_after": result.rows,
                   "data_tests": [f.name for f in failures]}
    result.superseded_file_ids = []
    con.execute("delete from meta.file_seen where source_path = ?", [str(path)])
    con.execute(
        "insert into raw.held_file (sha256, file_name, source_path, held_path, held_at, run_id, "
        "source_kind, dataset_key, rows_before, rows_after, reason) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [result.sha256, path.name, str(path), str(target), datetime.now(UTC), run_id,
         result.source_kind, result.dataset_key, int(before), result.rows, "; ".join(reasons)],
    )
