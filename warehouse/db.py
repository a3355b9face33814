"""The warehouse as SQL files: forward migrations, layered models and SQL data tests.

``sql/migrations`` holds the persistent layers (raw with lineage, meta) and is applied forward
once per version. Models are views in stg and tables in core and mart, unless the file says
otherwise in a line ``-- materialized: view``. ``sql/stg``, ``sql/core`` and ``sql/mart`` are
rebuilt on every build: a file's name is its object's name (``sql/mart/prefecture.sql`` ->
``mart.prefecture``). ``sql/tests`` holds data tests that must return no rows.
"""

from __future__ import annotations

import contextlib
import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from warehouse import resources, store

SQL_DIR = resources.root() / "sql"
REFERENCE_DIR = resources.root() / "data" / "reference"
MODEL_LAYERS: tuple[tuple[str, str], ...] = (("stg", "view"), ("core", "table"), ("mart", "table"))
# Reference seeds: bundled official lists, loaded into the ref schema on every build, as text
# (codes keep their leading zeros) but for the columns typed in SEED_TYPES.
REFERENCE_SEEDS: tuple[str, ...] = ("prefecture", "local_government", "subsidy_menu")
SEED_TYPES: dict[str, dict[str, str]] = {"subsidy_menu": {"sort_order": "integer"}}
# A crime dataset, as the incremental models group by it; its values come from raw.file.
PARTITION_COLUMNS: tuple[str, ...] = ("pref_code", "modus", "data_year")


@dataclass(frozen=True)
class Model:
    """One SQL model file."""

    layer: str
    name: str
    path: Path
    materialized: str
    # Columns of a crime dataset (PARTITION_COLUMNS) that every row of the model carries, when
    # the model can be refreshed one dataset at a time; empty: always rebuilt whole.
    incremental: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        """Schema-qualified object name."""
        return f"{self.layer}.{self.name}"


@dataclass(frozen=True)
class DataTestFailure:
    """A data test that returned rows: the rule it checks and a few offending rows."""

    name: str
    rule: str
    failing_rows: int
    sample: list[tuple]

    def __str__(self) -> str:
        return (
            f"{self.name}: {self.rule} ({self.failing_rows} failing rows, e.g. {self.sample[:3]})"
        )


class AuditFailed(Exception):
    """The built warehouse broke one or more data tests; it must not be published."""

    def __init__(self, failures: list[DataTestFailure]):
        self.failures = failures
        lines = "\n".join(f"  - {f}" for f in failures)
        super().__init__(f"{len(failures)} data test(s) failed, nothing was published:\n{lines}")


def connect(path: Path | str = ":memory:", *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB connection with the session settings the warehouse expects."""
    con = duckdb.connect(str(path), read_only=read_only)
    con.execute("set timezone = 'Asia/Tokyo'")
    return con


def open_published(path: Path | str,
                   crime_store: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse file as it is now; with the crime
    store (read-only too) when ``crime_store`` is given, for reading raw.crime_incident. The
    dashboard and the extracts read marts only, and never open the store a run writes.

    ``duckdb.connect(path)`` hands back the database this process already has open under that
    path, i.e. the file from before a publish while an older connection lives; attaching into a
    fresh in-memory database always opens the current file.
    """
    con = connect(":memory:")
    con.execute("attach ? as warehouse (read_only)", [str(path)])
    if crime_store is not None:
        store.attach(con, crime_store, read_only=True)
    con.execute("use warehouse")
    return con


def cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor (for another thread) that reads the same database as ``con``.

    Cursors start on the in-memory default catalog; one made from ``open_published`` is
    pointed back at the attached warehouse.
    """
    cur = con.cursor()
    attached = cur.execute(
        "select count(*) from duckdb_databases() where database_name = 'warehouse'"
    ).fetchall()[0][0]
    if attached:
        cur.execute("use warehouse")
    return cur


def _sql_files(sql_dir: Path, folder: str) -> list[Path]:
    """The .sql files of one folder of ``sql/``; a missing folder is a broken install."""
    where = sql_dir / folder
    if not where.is_dir():
        raise resources.MissingResource(
            f"{where} is missing: saihan cannot build its warehouse without it. Reinstall the "
            "package (or run from a complete checkout)."
        )
    return sorted(where.glob("*.sql"))


def migrations(sql_dir: Path = SQL_DIR) -> list[tuple[int, Path]]:
    """The migration files in version order."""
    found = []
    for path in _sql_files(sql_dir, "migrations"):
        match = re.match(r"(\d+)_", path.name)
        if not match:
            raise ValueError(f"{path}: migration files are named NNNN_description.sql")
        found.append((int(match.group(1)), path))
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest migration applied to this database (0 for a new one)."""
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'meta' and table_name = 'schema_version'"
    ).fetchone()[0]
    if not exists:
        return 0
    return con.execute("select coalesce(max(version), 0) from meta.schema_version").fetchone()[0]


def migrate(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR) -> list[int]:
    """Apply every migration newer than the database's version, each in its own transaction."""
    con.execute("create schema if not exists meta")
    con.execute(
        "create table if not exists meta.schema_version "
        "(version integer primary key, name varchar not null, applied_at timestamptz not null)"
    )
    current = schema_version(con)
    applied = []
    for version, path in migrations(sql_dir):
        if version <= current:
            continue
        if version == store.MIGRATION:
            _require_store(con)
            store.move_rows_into_store(con)  # a transaction of its own: one file each
        con.execute("begin transaction")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "insert into meta.schema_version values (?, ?, ?)",
                [version, path.stem, datetime.now(UTC)],
            )
            con.execute("commit")
        except Exception:
            rollback_quietly(con)
            raise
        applied.append(version)
    return applied


def _require_store(con: duckdb.DuckDBPyConnection) -> None:
    """The crime store must be attached to migrate; a warehouse in memory (tests) gets one in
    memory."""
    attached = con.execute("select count(*) from duckdb_databases() where database_name = ?",
                           [store.ALIAS]).fetchall()[0][0]
    if attached:
        return
    if con.execute("select current_database()").fetchall()[0][0] != "memory":
        raise ValueError("attach the crime store (warehouse.store.attach) before migrating")
    store.attach(con, ":memory:")


def discover_models(sql_dir: Path = SQL_DIR) -> list[Model]:
    """Every model file, in an order where each comes after the objects it reads. The files
    are read again only when one changed (a run asks three times; ``saihan serve`` lives on)."""
    files = [path for layer, _ in MODEL_LAYERS for path in _sql_files(sql_dir, layer)]
    return list(_discovered(sql_dir, tuple((str(p), *_stamp(p)) for p in files)))


def _stamp(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


@functools.lru_cache(maxsize=4)
def _discovered(sql_dir: Path, files: tuple) -> tuple[Model, ...]:
    """discover_models for one state of the model files (``files``: their paths and stamps)."""
    models = {}
    for layer, materialized in MODEL_LAYERS:
        for path in _sql_files(sql_dir, layer):
            text = path.read_text(encoding="utf-8")
            override = re.search(r"^-- materialized: (view|table)$", text, re.MULTILINE)
            model = Model(layer, path.stem, path, override.group(1) if override else materialized,
                          _incremental_columns(path, text))
            models[model.qualified] = model
    layer_rank = {layer: i for i, (layer, _) in enumerate(MODEL_LAYERS)}
    graph: dict[str, set[str]] = {}
    for name, model in models.items():
        text = model.path.read_text(encoding="utf-8")
        refs = set(re.findall(r"\b((?:stg|core|mart)\.[a-z_][a-z0-9_]*)\b", text)) - {name}
        unknown = {r for r in refs if r not in models}
        if unknown:
            raise ValueError(f"{model.path}: reads {sorted(unknown)}, which no model defines")
        later = {r for r in refs if layer_rank[models[r].layer] > layer_rank[model.layer]}
        if later:
            raise ValueError(f"{model.path}: reads {sorted(later)} from a later layer")
        graph[name] = refs
    order = TopologicalSorter(graph).static_order()
    return tuple(models[name] for name in order)


def _incremental_columns(path: Path, text: str) -> tuple[str, ...]:
    """The dataset columns of a ``-- incremental: ...`` line (empty without one)."""
    declared = re.search(r"^-- incremental: (.+)$", text, re.MULTILINE)
    if not declared:
        return ()
    columns = tuple(c.strip() for c in declared.group(1).split(","))
    if not columns or set(columns) - set(PARTITION_COLUMNS):
        raise ValueError(f"{path}: '-- incremental:' names columns of {PARTITION_COLUMNS}, "
                         f"not {columns}")
    return columns


def load_reference(con: duckdb.DuckDBPyConnection, reference_dir: Path = REFERENCE_DIR) -> None:
    """(Re)load the bundled reference lists into the ``ref`` schema (text columns, but for
    those typed in :data:`SEED_TYPES`)."""
    con.execute("create schema if not exists ref")
    for seed in REFERENCE_SEEDS:
        path = reference_dir / f"{seed}.csv"
        # Seed, column and type names come from REFERENCE_SEEDS and SEED_TYPES, never input.
        casts = ", ".join(f"cast({column} as {kind}) as {column}"
                          for column, kind in SEED_TYPES.get(seed, {}).items())
        con.execute(
            f"create or replace table ref.{seed} as "
            f"select * {f'replace ({casts}) ' if casts else ''}"
            "from read_csv(?, header = true, all_varchar = true, encoding = 'utf-8')",
            [str(path)],
        )


Partition = tuple  # one crime dataset's values of PARTITION_COLUMNS


def build_models(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, *,
                 own_transaction: bool = True, changed: list[Partition] | None = None,
                 reference: bool = True, keep: set[str] = frozenset()) -> list[str]:
    """Rebuild reference seeds and every stg/core/mart model in one transaction (the caller's,
    when ``own_transaction`` is false: a trial build that is rolled back).

    With ``changed`` (the crime datasets whose current files changed since the models were
    built), an incremental model that exists keeps the rows of every other dataset and has only
    those of ``changed`` recomputed; every other model is rebuilt whole. ``reference=False``
    keeps the reference lists the database has (they are those of the same fingerprint).
    A model named in ``keep`` (its inputs are those it was built on) is left as it is, if it
    exists as what its file makes."""
    if not own_transaction:
        return _build_models(con, sql_dir, changed, reference, keep)
    con.execute("begin transaction")
    try:
        built = _build_models(con, sql_dir, changed, reference, keep)
        con.execute("commit")
    except Exception:
        rollback_quietly(con)
        raise
    return built


def _build_models(con: duckdb.DuckDBPyConnection, sql_dir: Path,
                  changed: list[Partition] | None, reference: bool,
                  keep: set[str]) -> list[str]:
    built = []
    if reference:
        load_reference(con)
    for layer, _ in MODEL_LAYERS:
        con.execute(f"create schema if not exists {layer}")
    existing = _model_kinds(con)
    for model in discover_models(sql_dir):
        body = model.path.read_text(encoding="utf-8").strip().rstrip(";")
        kind = "view" if model.materialized == "view" else "table"
        if model.qualified in keep and existing.get(model.qualified) == kind:
            continue
        # Object names come from file names in sql/, never from user input.
        if existing.get(model.qualified, kind) != kind:  # a table became a view or back
            con.execute(f"drop {existing[model.qualified]} {model.qualified}")
        elif (changed is not None and model.incremental and kind == "table"
              and model.qualified in existing):
            _refresh(con, model, body, changed)
            built.append(model.qualified)
            continue
        con.execute(f"create or replace {kind} {model.qualified} as\n{body}")
        built.append(model.qualified)
    return built


def _refresh(con: duckdb.DuckDBPyConnection, model: Model, body: str,
             changed: list[Partition]) -> None:
    """Replace an incremental model's rows of the changed datasets by their rows recomputed.

    The datasets are bound as parameters (their values come from delivered files); a filter of
    constants reaches the scan of raw.crime_incident, so only the changed files are read."""
    positions = [PARTITION_COLUMNS.index(c) for c in model.incremental]
    keys = sorted({tuple(p[i] for i in positions) for p in changed},
                  key=lambda k: tuple((v is None, v) for v in k))
    if not keys:
        return
    # Column names come from PARTITION_COLUMNS, never from input.
    one = " and ".join(f"{c} is not distinct from ?" for c in model.incremental)
    where = " or ".join(f"({one})" for _ in keys)
    values = [v for key in keys for v in key]
    con.execute(f"delete from {model.qualified} where {where}", values)
    con.execute(f"insert into {model.qualified} by name select * from (\n{body}\n) "
                f"where {where}", values)


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure without hiding it: when the commit itself failed (a full
    disk), there is no transaction left and DuckDB's "cannot rollback" would replace the cause."""
    with contextlib.suppress(duckdb.Error):
        con.execute("rollback")


def _model_kinds(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """'view' or 'table' for every object in the model layers, by qualified name."""
    layers = [layer for layer, _ in MODEL_LAYERS]
    return {
        f"{schema}.{name}": "view" if kind == "VIEW" else "table"
        for schema, name, kind in con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "where table_catalog = current_database() and list_contains(?, table_schema)",
            [layers],
        ).fetchall()
    }


def data_tests(sql_dir: Path = SQL_DIR) -> list[Path]:
    """The SQL data test files."""
    return _sql_files(sql_dir, "tests")


def data_test_rule(path: Path) -> str:
    """The rule a data test checks: its leading comment lines."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    return " ".join(lines) or path.stem


def run_data_tests(
    con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR, skip: set[str] = frozenset(),
    file_ids: list[int] | None = None,
) -> list[DataTestFailure]:
    """Run every data test but those named in ``skip`` (they passed on the same inputs); return
    the ones that returned rows (empty list when all hold). With ``file_ids``, a test that
    checks files one by one checks only those (the variable ``audit_file_ids``)."""
    con.execute("set variable audit_file_ids = ?::integer[]", [file_ids])
    try:
        return _run_data_tests(con, sql_dir, skip)
    finally:
        con.execute("reset variable audit_file_ids")


def _run_data_tests(con: duckdb.DuckDBPyConnection, sql_dir: Path,
                    skip: set[str]) -> list[DataTestFailure]:
    failures = []
    for path in data_tests(sql_dir):
        if path.stem in skip:
            continue
        query = path.read_text(encoding="utf-8").strip().rstrip(";")
        rows = con.execute(f"select * from ({query}) limit 6").fetchall()
        if rows:
            total = con.execute(f"select count(*) from ({query})").fetchone()[0]
            failures.append(DataTestFailure(path.stem, data_test_rule(path), total, rows[:5]))
    return failures


def audit(con: duckdb.DuckDBPyConnection, sql_dir: Path = SQL_DIR,
          skip: set[str] = frozenset(), file_ids: list[int] | None = None) -> int:
    """Raise AuditFailed unless every data test holds (those in ``skip`` passed on the same
    inputs and are not run again; per-file tests only over ``file_ids`` when given); return
    the number of tests that hold."""
    failures = run_data_tests(con, sql_dir, skip, file_ids)
    if failures:
        raise AuditFailed(failures)
    return len(data_tests(sql_dir))


def code_fingerprint(sql_dir: Path = SQL_DIR, reference_dir: Path = REFERENCE_DIR) -> str:
    """A hash of everything a build reads besides raw data: SQL files and reference seeds."""
    return resources.code_fingerprint(sql_dir, reference_dir)
