"""No silent shrink: a re-delivery that would remove much of its dataset is held, not loaded.

A delivery supersedes the current one of its dataset (see :mod:`warehouse.load`). When it would
remove more than ``SAIHAN_HOLD_SHRINK_SHARE`` of the dataset's rows, or any police station or
month of its data year (crime data), prefecture (programme files) or local government (plan
lists) the dataset had, :func:`shrink_of` says so and :func:`keep_held` moves the file under
``held/`` beside a report (before/after rows by station and month, or by prefecture and
government). Nothing of it is loaded until ``saihan accept`` runs it again with the hold
waived. Plain Python over the build connection; the decision to hold is taken in
:mod:`warehouse.run`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from warehouse import store
from warehouse.files import set_aside
from warehouse.ingest.contract import Parsed
from warehouse.load import SAME_DATASET, RowGroupAppender, same_dataset
from warehouse.report import FileResult
from warehouse.settings import Settings

# Per raw table, what a delivery must not lose: (label, SQL expression over the raw table,
# polars expression over the parsed frame). The SQL texts are fixed; nothing is interpolated
# from the data.
BREAKDOWN: dict[str, list[tuple[str, str, pl.Expr]]] = {
    "crime_incident": [
        ("police_station", "police_station", pl.col("police_station")),
        ("month", "strftime(occurred_on, '%Y-%m')",
         pl.col("occurred_on").dt.strftime("%Y-%m")),
    ],
    "indicator_value": [("prefecture", "pref_code", pl.col("pref_code"))],
    "subsidy_record": [("prefecture", "pref_code", pl.col("pref_code"))],
    "local_plan": [("prefecture", "pref_code", pl.col("pref_code")),
                   ("local_government", "lg_code", pl.col("lg_code"))],
}
REPORT_SUFFIX = ".held.json"
TEXT_SUFFIX = ".held.txt"


@dataclass
class Shrink:
    """How a delivery would shrink its dataset, and why that holds it."""

    dataset_key: str
    source_kind: str
    rows_before: int
    rows_after: int
    reasons: list[str] = field(default_factory=list)
    # One row per breakdown group whose rows change: {labels..., "before": n, "after": m}.
    changes: list[dict] = field(default_factory=list)
    # What to do, when the file is held for another reason than shrinking (a data test).
    action: str | None = None

    @property
    def reason(self) -> str:
        """The reasons as one line."""
        return "; ".join(self.reasons)


def current_file_ids(con: duckdb.DuckDBPyConnection, parsed: Parsed) -> list[tuple[int, str]]:
    """The loaded deliveries (file id, run id) of the parsed delivery's dataset."""
    return con.execute(
        f"select file_id, run_id from raw.file where {SAME_DATASET} and status = 'loaded'",
        same_dataset(parsed, is_sample=parsed.is_sample),
    ).fetchall()


def shrink_of(con: duckdb.DuckDBPyConnection, parsed: Parsed, file_ids: list[int],
              max_share: float, rows_con: duckdb.DuckDBPyConnection | None = None
              ) -> Shrink | None:
    """How the delivery would shrink the dataset now made of ``file_ids``; None when it may
    supersede it without a person looking. The rows are read on ``rows_con`` (the crime
    store's transaction, which sees this run's rows not yet committed) where given."""
    if not file_ids:
        return None
    marks = ", ".join("?" for _ in file_ids)
    before = con.execute(f"select coalesce(sum(row_count), 0) from raw.file "
                         f"where file_id in ({marks})", file_ids).fetchall()[0][0]
    after = parsed.frame.height
    shrink = Shrink(parsed.dataset_key, parsed.source_kind, int(before), after)
    if before and (before - after) / before > max_share:
        shrink.reasons.append(
            f"would remove {before - after:,} of the dataset's {before:,} rows "
            f"({(before - after) / before:.0%}; more than SAIHAN_HOLD_SHRINK_SHARE "
            f"{max_share:.0%})")
    breakdown = BREAKDOWN.get(parsed.raw_table, [])
    if breakdown:
        _lost_groups(rows_con or con, parsed, file_ids, breakdown, shrink)
    return shrink if shrink.reasons else None


def _lost_groups(con: duckdb.DuckDBPyConnection, parsed: Parsed, file_ids: list[int],
                 breakdown: list[tuple[str, str, pl.Expr]], shrink: Shrink) -> None:
    """Add the stations/months (prefectures, governments) the delivery would lose, and the
    before/after rows per group."""
    labels = [label for label, _, _ in breakdown]
    marks = ", ".join("?" for _ in file_ids)
    table = parsed.raw_table  # one of BREAKDOWN's keys, a fixed allowlist
    select = ", ".join(f"{sql} as {label}" for label, sql, _ in breakdown)
    rows = con.execute(
        f"select {select}, count(*) from {store.rows_table(table)} "
        f"where file_id in ({marks}) group by all",
        file_ids).fetchall()
    before = {tuple(row[:-1]): row[-1] for row in rows}
    frame = parsed.frame.select([expr.alias(label) for label, _, expr in breakdown])
    after = {tuple(row[:-1]): row[-1] for row in
             frame.group_by(labels).len().iter_rows()}
    for position, label in enumerate(labels):
        had = {key[position] for key in before if key[position] is not None}
        has = {key[position] for key in after if key[position] is not None}
        lost = sorted(had - has)
        if label == "month" and parsed.identity.data_year is not None:
            # Only the months of the year the file reports: a 2018 file also holds a few
            # incidents that began years before, one or two a month, and losing one of those
            # is a change of rows, not of coverage.
            lost = [month for month in lost if month.startswith(f"{parsed.identity.data_year}-")]
        if lost:
            shown = ", ".join(str(value) for value in lost[:10])
            more = f" and {len(lost) - 10} more" if len(lost) > 10 else ""
            shrink.reasons.append(
                f"{len(lost)} {label.replace('_', ' ')}(s) the dataset had would be gone: "
                f"{shown}{more}")
    for key in sorted(set(before) | set(after), key=lambda k: tuple(str(v) for v in k)):
        if before.get(key, 0) != after.get(key, 0):
            shrink.changes.append(dict(zip(labels, key, strict=True))
                                  | {"before": before.get(key, 0), "after": after.get(key, 0)})


def keep_held(settings: Settings, path: Path, shrink: Shrink, *, move: bool) -> Path:
    """Move (inbox) or copy (elsewhere) a held delivery under held/ beside its report."""
    target, stamp = set_aside(settings.held, path, move=move)
    report = asdict(shrink) | {"file": str(path), "held_as": str(target), "held_at": stamp}
    Path(f"{target}{REPORT_SUFFIX}").write_text(
        json.dumps(report, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    Path(f"{target}{TEXT_SUFFIX}").write_text(report_text(path, target, shrink),
                                              encoding="utf-8")
    return target


def report_text(path: Path, target: Path, shrink: Shrink) -> str:
    """The held report as plain text for a person opening the folder."""
    lines = [
        f"File:     {path}",
        f"Held as:  {target}",
        f"Dataset:  {shrink.dataset_key}",
        f"Rows:     {shrink.rows_before:,} now published, {shrink.rows_after:,} in this file",
        *(f"Held:     {reason}" for reason in shrink.reasons),
        "Nothing from this file was loaded; the published dataset is unchanged.",
        f"To do:    {shrink.action}" if shrink.action else
        f"To do:    if the smaller delivery is right, `saihan accept {target}` loads it; "
        "otherwise ask the sender for the full file and drop it into the inbox.",
    ]
    if shrink.changes:
        labels = [k for k in shrink.changes[0] if k not in ("before", "after")]
        lines += ["", "  ".join(f"{label:<16}" for label in labels) + f"  {'before':>8}"
                  f"  {'after':>8}"]
        for change in shrink.changes:
            lines.append("  ".join(f"{str(change[label] or '-'):<16}" for label in labels)
                         + f"  {change['before']:>8,}  {change['after']:>8,}")
    return "\n".join(lines) + "\n"


def hold_if_shrinking(con: duckdb.DuckDBPyConnection, settings: Settings, path: Path,
                      parsed: Parsed, result: FileResult, run_id: str,
                      appender: RowGroupAppender | None, *, move: bool) -> bool:
    """Hold a delivery that would shrink its dataset: keep it under held/ with its report and
    record it in raw.held_file; nothing of it is loaded. Return whether it was held."""
    current = current_file_ids(con, parsed)
    if appender is not None and any(rid == run_id for _, rid in current):
        appender.flush()  # an earlier delivery of this run: its rows must be countable
    shrink = shrink_of(con, parsed, [file_id for file_id, _ in current],
                       settings.hold_shrink_share,
                       appender.con if appender is not None
                       and appender.table == parsed.raw_table else con)
    if shrink is None:
        return False
    target = keep_held(settings, path, shrink, move=move)
    result.status = "held"
    result.source_kind = parsed.source_kind
    result.dataset_key = parsed.dataset_key
    result.held_as = str(target)
    result.hold = {"reasons": shrink.reasons, "rows_before": shrink.rows_before,
                   "rows_after": shrink.rows_after}
    con.execute(
        "insert into raw.held_file (sha256, file_name, source_path, held_path, held_at, run_id, "
        "source_kind, dataset_key, rows_before, rows_after, reason) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [result.sha256, path.name, str(path), str(target), datetime.now(UTC),
         run_id, parsed.source_kind, parsed.dataset_key, shrink.rows_before,
         shrink.rows_after, shrink.reason],
    )
    return True


def mark_still_held(result: FileResult, held_as: str) -> None:
    """A file an earlier run held, seen again (not copied or recorded again)."""
    result.status = "held"
    result.held_as = held_as
    result.hold = {"reasons": ["held by an earlier run; see its report"]}


def record_acceptance(con: duckdb.DuckDBPyConnection, result: FileResult,
                      accepted_by: str | None, run_id: str) -> None:
    """Record who accepted a held delivery, and when (it is then loaded like any other)."""
    result.accepted_by = accepted_by
    con.execute(
        "update raw.held_file set accepted_at = ?, accepted_by = ?, accepted_run_id = ? "
        "where sha256 = ? and accepted_at is null",
        [datetime.now(UTC), accepted_by, run_id, result.sha256],
    )
