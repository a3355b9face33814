"""The crime store: the police incidents of every loaded crime file, in a DuckDB file of their own.

Why apart: the incidents are nearly all of the warehouse (173 of its 210 MB at 10 million), and
a run builds in a copy of the published warehouse (``warehouse.publish``). With the incidents
here, a run copies only the rest, and adds its new files' incidents to the store in place:
the cost of an arrival follows the delivery, not the warehouse.

Why it stays consistent:

- The store is only added to, by runs, under the writer lock; nothing else opens it for
  writing, and the dashboard and the extracts never open it (they read ``mart.*``).
- ``raw.crime_incident`` in the warehouse is a view of the store's rows *whose file is in that
  warehouse's* ``raw.file`` (migration 0012). So the published warehouse and every snapshot see
  exactly the incidents of their own files: once published, a file's ``raw.file`` row is never
  deleted (superseded files are marked so), so an older snapshot's files are a subset of the
  published one's, and a run that takes a file out of its build (a hold after the audit) only
  deletes the file's ``raw.file`` row.
- A run that dies after adding to the store, or a rollback, leaves rows of files the published
  warehouse does not hold. File ids are given out again after them, so the next run deletes
  those rows first (:func:`clear_orphans`), before it loads anything; and it refuses to build
  on a store that lacks files the warehouse lists (:func:`check_whole`: a store restored from
  another backup than the warehouse), which would silently drop their incidents from the marts.

One transaction writes to one DuckDB file: a run adds incidents on a cursor of its build
connection in a transaction of their own, committed just before the build's (an orphan is all a
failure between the two can leave).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

ALIAS = "crime_store"
INCIDENTS = f"{ALIAS}.crime_incident"
FILES = f"{ALIAS}.crime_file"  # one row per file in the store: its id and its incidents
# Migration 0012 makes raw.crime_incident a view of the store; its rows are moved there first.
MIGRATION = 12


class MissingStore(RuntimeError):
    """The crime store the published warehouse keeps its incidents in is not there, or lacks
    incidents of files the warehouse lists (a store restored from another backup)."""


def attach(con: duckdb.DuckDBPyConnection, path: Path | str, *, read_only: bool = False) -> None:
    """Attach the crime store (created if missing, unless ``read_only``) as ``crime_store``."""
    mode = " (read_only)" if read_only else ""
    con.execute(f"attach if not exists ? as {ALIAS}{mode}", [str(path)])


def attach_for_build(con: duckdb.DuckDBPyConnection, path: Path, schema_version: int) -> None:
    """Attach the store a build adds to; refuse to start a new one under a warehouse that
    already keeps its incidents in one (they would silently be gone)."""
    if schema_version >= MIGRATION and not path.exists():
        raise MissingStore(
            f"{path} is missing: the published warehouse keeps its police incidents there. "
            "Restore it beside warehouse.duckdb from the backup taken with it, or start a "
            "new SAIHAN_HOME and deliver the files again.")
    attach(con, path)


def _is_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "select count(*) from information_schema.tables where table_catalog = current_database() "
        "and table_schema = 'raw' and table_name = 'crime_incident' "
        "and table_type = 'BASE TABLE'").fetchall()[0][0])


def move_rows_into_store(con: duckdb.DuckDBPyConnection) -> None:
    """Before migration 0012: make the store hold exactly the warehouse's incidents (its own
    transaction; rows of another state of the store, e.g. before a rollback to a warehouse
    from before the store, are replaced)."""
    if not _is_table(con):
        return
    con.execute("begin transaction")
    try:
        con.execute(f"drop table if exists {INCIDENTS}")
        con.execute(f"drop table if exists {FILES}")
        con.execute(f"create table {INCIDENTS} as from raw.crime_incident")
        con.execute(f"create table {FILES} (file_id integer primary key, row_count bigint "
                    "not null)")
        con.execute(f"insert into {FILES} select file_id, count(*) from {INCIDENTS} "
                    "group by file_id")
        con.execute(f"insert into {FILES} select file_id, 0 from raw.file "  # files of no rows
                    f"where source_kind = 'crime_open_data' and file_id not in "
                    f"(select file_id from {FILES})")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def clear_orphans(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Delete the store's rows of files the warehouse on ``con`` does not hold (a run that
    died after adding them, a rollback); return their file ids. Call before loading."""
    orphans = [row[0] for row in con.execute(
        f"select file_id from {FILES} where file_id not in (select file_id from raw.file) "
        "order by file_id").fetchall()]
    if orphans:
        marks = ", ".join("?" for _ in orphans)
        con.execute("begin transaction")
        try:
            con.execute(f"delete from {INCIDENTS} where file_id in ({marks})", orphans)
            con.execute(f"delete from {FILES} where file_id in ({marks})", orphans)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
    return orphans


def check_whole(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse to build on a store that lacks the incidents of crime files the warehouse on
    ``con`` lists, or holds another number of them (a store restored from an older or a newer
    backup than the warehouse): the marts would silently lose them. Reads the store's record
    of its files only."""
    lacking = con.execute(
        "select f.file_name from raw.file as f "
        f"left join {FILES} as s using (file_id) "
        "where f.source_kind = 'crime_open_data' "
        "and s.row_count is distinct from f.row_count order by f.file_id").fetchall()
    if lacking:
        names = ", ".join(name for (name,) in lacking[:5])
        more = f" and {len(lacking) - 5} more" if len(lacking) > 5 else ""
        raise MissingStore(
            f"{path} does not hold the incidents of {len(lacking)} crime file(s) the published "
            f"warehouse lists ({names}{more}): it is not the store published with this "
            "warehouse. Restore the two from the same backup, or start a new SAIHAN_HOME and "
            "deliver the files again.")


def ready_for_loads(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """After the migrations, before a run loads: the rows of files no warehouse holds are gone,
    and the store holds every file the warehouse lists."""
    clear_orphans(con)
    check_whole(con, path)


def rows_table(table: str) -> str:
    """Where the rows of a raw table are written: the store for crime incidents."""
    return INCIDENTS if table == "crime_incident" else f"raw.{table}"
