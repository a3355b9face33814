"""Which models a build recomputes: everything, or the crime datasets whose files changed.

The crime models (``-- incremental:`` in their SQL) hold one row group per crime dataset
(prefecture, modus, data year). ``meta.crime_build_state`` records, per dataset, the current
files the models were last built from; a build compares it with ``raw.file`` and has only the
datasets that differ recomputed (:func:`warehouse.db.build_models`), whatever made them differ:
a delivery, a supersession, a file held or taken out of the build again.

Every other model is a deterministic function of the tables it reads in raw, ref and meta
(through the models it reads): ``meta.model_input_state`` records a hash of those inputs per
model, and an incremental build leaves a model whose inputs hash the same as they are (the
45 small models cost more in number than in rows). The audit does the same for a data test
that passed on the same inputs. A full rebuild is done when the caller says so (the SQL, the
reference data or the schema changed, or ``--full-refresh``) and when so many datasets changed
that recomputing them one by one would cost more than rebuilding.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from warehouse import db, store

# Beyond this many changed datasets a full rebuild of the crime models is as cheap (the filter
# that confines the recomputation to them grows with their number).
MAX_INCREMENTAL_DATASETS = 24


@dataclass(frozen=True)
class BuildOutcome:
    """How a build went: ``full`` or ``incremental`` (then how many crime datasets were
    recomputed), and the models built."""

    mode: str
    changed_datasets: int | None
    models: list[str]
    kept: list[str] = field(default_factory=list)  # models left as built: inputs unchanged
    # Data tests that passed on the same inputs (not run again), and every test's inputs now.
    tests_passed_before: set[str] = field(default_factory=set)
    test_states: dict[str, str] = field(default_factory=dict)


CURRENT_DATASETS = (
    "select pref_code, modus, data_year, list(file_id order by file_id) as file_ids "
    "from raw.file where source_kind = 'crime_open_data' and status = 'loaded' group by all")


def current_datasets(con: duckdb.DuckDBPyConnection) -> dict[db.Partition, list[int]]:
    """Each crime dataset with current files, and those files (ascending ids)."""
    return {(pref_code, modus, data_year): list(file_ids)
            for pref_code, modus, data_year, file_ids in con.execute(CURRENT_DATASETS).fetchall()}


def _recorded_datasets(con: duckdb.DuckDBPyConnection) -> dict[db.Partition, list[int]]:
    return {
        (pref_code, modus, data_year): list(file_ids)
        for pref_code, modus, data_year, file_ids in con.execute(
            "select pref_code, modus, data_year, file_ids from meta.crime_build_state"
        ).fetchall()
    }


def changed_datasets(con: duckdb.DuckDBPyConnection) -> list[db.Partition]:
    """The crime datasets whose current files differ from those the models were built from."""
    now, before = current_datasets(con), _recorded_datasets(con)
    return [key for key in {*now, *before} if now.get(key) != before.get(key)]


# What a model or data test reads outside the model layers: tables of raw, ref and meta.
LEAF = re.compile(r"\b((?:raw|ref|meta)\.[a-z_][a-z0-9_]*)\b")
MODEL_REF = re.compile(r"\b((?:stg|core|mart)\.[a-z_][a-z0-9_]*)\b")
RAW_FILE = re.compile(r"\braw\.file\b")
# raw.file read only for one source kind's current files (the stg models' `current_files`): the
# model then depends on those rows of raw.file alone, not on every delivery of another kind.
ONE_KIND = re.compile(r"from raw\.file\s+where source_kind = '([a-z_]+)'"
                      r"(?: and status = 'loaded')?\s*\)")
TEST_PREFIX = "test:"


def _leaves(text: str) -> set[str]:
    """The raw/ref/meta tables an SQL text names; ``raw.file:<kind>`` where every mention of
    raw.file is a read of one kind's rows (a mention anywhere else, comments included, counts
    as a read of all of raw.file)."""
    leaves = set(LEAF.findall(text))
    kinds = ONE_KIND.findall(text)
    if "raw.file" in leaves and kinds and len(kinds) == len(RAW_FILE.findall(text)):
        leaves = (leaves - {"raw.file"}) | {f"raw.file:{kind}" for kind in kinds}
    return leaves


def input_leaves(sql_dir: Path = db.SQL_DIR) -> dict[str, frozenset[str]]:
    """Every model's and data test's (``test:<name>``) leaves, through the models it reads."""
    texts = {m.qualified: m.path.read_text(encoding="utf-8") for m in db.discover_models(sql_dir)}
    found: dict[str, frozenset[str]] = {}
    for name in texts:  # discover_models' order: each model after the models it reads
        found[name] = frozenset(_leaves(texts[name]).union(
            *(found[r] for r in set(MODEL_REF.findall(texts[name])) - {name})))
    for path in db.data_tests(sql_dir):
        text = path.read_text(encoding="utf-8")
        found[TEST_PREFIX + path.stem] = frozenset(_leaves(text).union(
            *(found[r] for r in set(MODEL_REF.findall(text)) if r in found)))
    return found


def _leaf_hashes(con: duckdb.DuckDBPyConnection, leaves: set[str]) -> dict[str, str]:
    """A hash of each leaf table's rows (one query): row count and the sum of row hashes
    (order does not matter; a repeated row still counts). raw.crime_incident, by far the
    largest, by its rows' files: a crime file's rows are written once and only ever removed
    with the file (its raw.file row, which the crime kind's hash covers)."""
    existing = {f"{schema}.{name}" for schema, name in con.execute(
        "select table_schema, table_name from information_schema.tables "
        "where table_catalog = current_database() "
        "and table_schema in ('raw', 'ref', 'meta')").fetchall()}
    parts, params = [], []
    for leaf in sorted(leaves):
        table, _, kind = leaf.partition(":")
        if table not in existing:
            continue  # named but absent (a comment, a migration not applied): hashed as such
        # Table names come from sql/ and the catalog, never from input; kinds are bound.
        if kind:
            parts.append("select ?, count(*)::varchar || '/' || coalesce(sum(hash(t)), 0) "
                         f"from {table} as t where source_kind = ?")
            params += [leaf, kind]
        elif table == "raw.crime_incident":  # its count(*) and sum(file_id), from the store's
            # record of its files (no scan of the incidents): the view's files are raw.file's
            parts.append("select ?, coalesce(sum(row_count), 0)::varchar || '/' || "
                         "coalesce(sum(file_id * row_count), 0) "
                         f"from {store.FILES} where file_id in (select file_id from raw.file)")
            params.append(leaf)
        else:
            parts.append("select ?, count(*)::varchar || '/' || coalesce(sum(hash(t)), 0) "
                         f"from {table} as t")
            params.append(leaf)
    found = dict.fromkeys(leaves, "absent")
    if parts:
        found.update(con.execute(" union all ".join(parts), params).fetchall())
    return found


def input_states(con: duckdb.DuckDBPyConnection,
                 sql_dir: Path = db.SQL_DIR) -> dict[str, str]:
    """Every model's and data test's inputs as they are now, as one hash each."""
    leaves = input_leaves(sql_dir)
    hashes = _leaf_hashes(con, set().union(*leaves.values()))
    return {name: hashlib.sha256("\n".join(f"{leaf}={hashes[leaf]}" for leaf in sorted(used))
                                 .encode()).hexdigest()
            for name, used in leaves.items()}


def recorded_states(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The inputs each model was last built on and each data test last passed on."""
    return dict(con.execute("select name, inputs from meta.model_input_state").fetchall())


def record_states(con: duckdb.DuckDBPyConnection, states: dict[str, str]) -> None:
    """Record (replace) the input hashes of the given models or data tests."""
    if states:
        con.execute("insert or replace into meta.model_input_state "
                    "select unnest(?), unnest(?)", [list(states), list(states.values())])


def record_passed_tests(con: duckdb.DuckDBPyConnection, outcome: BuildOutcome) -> None:
    """After the audit passed: the data tests passed on these inputs."""
    record_states(con, outcome.test_states)


def audit(con: duckdb.DuckDBPyConnection, sql_dir: Path, outcome: BuildOutcome,
          run_id: str) -> None:
    """Run the data tests after ``outcome``'s build (raises AuditFailed) and record that they
    passed: those that passed on the same inputs are not run again, and after an incremental
    build the per-file rules check this run's files only (the others passed, and a file's rows
    do not change); after a full one, every file."""
    new_files = None if outcome.mode == "full" else [row[0] for row in con.execute(
        "select file_id from raw.file where run_id = ?", [run_id]).fetchall()]
    db.audit(con, sql_dir, outcome.tests_passed_before, new_files)
    record_passed_tests(con, outcome)


def _record(con: duckdb.DuckDBPyConnection) -> None:
    """Record the current files of every crime dataset (one statement: row by row from Python
    it took 1.8 s for 376 datasets on the busy machine)."""
    con.execute("delete from meta.crime_build_state")
    con.execute(f"insert into meta.crime_build_state {CURRENT_DATASETS}")


def build(con: duckdb.DuckDBPyConnection, sql_dir: Path = db.SQL_DIR, *, full: bool,
          own_transaction: bool = True, reference: bool = True) -> BuildOutcome:
    """Rebuild the models (in one transaction, the caller's unless ``own_transaction``): every
    one when ``full``, else the crime models only for the datasets that changed and the other
    models whose inputs changed; then record what they were built from. A full build reloads
    the reference lists unless ``reference`` is false (the caller loaded those of this code)."""
    if own_transaction:
        con.execute("begin transaction")
    try:
        changed = None if full else changed_datasets(con)
        if changed is not None and len(changed) > MAX_INCREMENTAL_DATASETS:
            changed = None
        before = {} if changed is None else recorded_states(con)
        if changed is None and reference:  # loaded before their hashes are taken
            db.load_reference(con)
        states = input_states(con, sql_dir)
        same = {name for name, state in states.items() if before.get(name) == state}
        # An incremental build has the reference lists of its fingerprint already.
        built = db.build_models(con, sql_dir, own_transaction=False, changed=changed,
                                reference=False, keep=same)
        _record(con)
        con.execute("delete from meta.model_input_state")
        record_states(con, {n: s for n, s in states.items() if not n.startswith(TEST_PREFIX)}
                      | {n: before[n] for n in same if n.startswith(TEST_PREFIX)})
        if own_transaction:
            con.execute("commit")
    except Exception:
        if own_transaction:
            db.rollback_quietly(con)
        raise
    return BuildOutcome("full" if changed is None else "incremental",
                        None if changed is None else len(changed), built,
                        [m for m in states if m in same and not m.startswith(TEST_PREFIX)],
                        {n.removeprefix(TEST_PREFIX) for n in same if n.startswith(TEST_PREFIX)},
                        {n: s for n, s in states.items() if n.startswith(TEST_PREFIX)})
