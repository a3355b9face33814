"""The findings of a crime file worth showing: unreadable dates and hours, repaired and invalid
codes, identical rows ... counted in one pass over the frame."""

from __future__ import annotations

import polars as pl

from warehouse.errors import Finding
from warehouse.ingest.crime.format import DERIVED, FRAME_SCHEMA, UNKNOWN


def count_findings(frame: pl.DataFrame, findings: list[Finding], data_year: int) -> None:
    # Every check is counted in one pass over the frame; rows are filtered only for a check
    # that has hits and shows examples.
    checks: list[tuple[str, pl.Expr, str, str | None, str, str | None]] = []

    def add(
        code: str,
        mask: pl.Expr,
        message: str,
        column: str | None,
        severity: str = "warning",
        example: str | None = None,
    ) -> None:
        checks.append((code, mask, message, column, severity, example))

    raw_date, raw_hour = pl.col("occurred_on_raw"), pl.col("occurred_hour_raw")
    add(
        "unparsed_date",
        raw_date.is_not_null() & (raw_date != UNKNOWN) & pl.col("occurred_on").is_null(),
        "{n} line(s) with an unreadable 発生年月日; left empty",
        "発生年月日（始期）",
        example="occurred_on_raw",
    )
    add(
        "unknown_date",
        raw_date.is_null() | (raw_date == UNKNOWN),
        "{n} line(s) with 発生年月日 不明 (unknown) or blank",
        "発生年月日（始期）",
        severity="info",
    )
    add(
        "date_after_data_year",
        pl.col("occurred_on").dt.year() > data_year,
        f"{{n}} line(s) with an occurrence date after the data year {data_year}",
        "発生年月日（始期）",
        example="occurred_on_raw",
    )
    add(
        "date_before_data_year",
        pl.col("occurred_on").dt.year() < data_year,
        f"{{n}} line(s) with an occurrence date before the data year {data_year} (normal: "
        "incidents are recorded when reported)",
        "発生年月日（始期）",
        severity="info",
    )
    add(
        "hour_out_of_range",
        pl.col("_hour_int").is_not_null() & ~pl.col("_hour_int").is_between(0, 23),
        "{n} line(s) with 発生時 outside 0-23; left empty",
        "発生時（始期）",
        example="occurred_hour_raw",
    )
    add(
        "unparsed_hour",
        raw_hour.is_not_null() & (raw_hour != UNKNOWN) & pl.col("_hour_int").is_null(),
        "{n} line(s) with an unreadable 発生時; left empty",
        "発生時（始期）",
        example="occurred_hour_raw",
    )
    add(
        "lg_code_repaired",
        pl.col("lg_code_status") == "repaired",
        "{n} line(s) with a 市区町村コード that lost its leading zero; repaired (the check "
        "digit confirms)",
        "市区町村コード（発生地）",
        severity="info",
        example="lg_code_raw",
    )
    add(
        "lg_code_invalid",
        pl.col("lg_code_status") == "invalid",
        "{n} line(s) with a 市区町村コード that is not a valid 6-digit code; kept as written",
        "市区町村コード（発生地）",
        example="lg_code_raw",
    )
    add(
        "lg_code_blank",
        pl.col("lg_code_status") == "blank",
        "{n} line(s) without 市区町村コード",
        "市区町村コード（発生地）",
        severity="info",
    )
    line = pl.col("line_number")
    stats = frame.select(
        *(mask.sum().alias(f"n{i}") for i, (_, mask, *_) in enumerate(checks)),
        *(line.filter(mask).first().alias(f"l{i}") for i, (_, mask, *_) in enumerate(checks)),
    ).row(0, named=True)
    for i, (code, mask, message, column, severity, example) in enumerate(checks):
        count = stats[f"n{i}"]
        if not count:
            continue
        text = message.format(n=count)
        if example:
            hit = frame.filter(mask)
            samples = hit[example].drop_nulls().unique(maintain_order=True).head(3).to_list()
            text += " (e.g. " + ", ".join(repr(v) for v in samples) + ")"
        findings.append(
            Finding(
                code,
                text,
                line=int(stats[f"l{i}"]),
                column=column,
                count=count,
                severity=severity,
            )
        )

    repeated = frame.height - _distinct_rows(frame)
    if repeated:
        findings.append(
            Finding(
                "identical_rows",
                f"{repeated} line(s) identical to an earlier one; kept (identical rows are "
                "distinct incidents)",
                count=repeated,
                severity="info",
            )
        )


def _distinct_rows(frame: pl.DataFrame) -> int:
    """Number of distinct incidents (all FRAME_SCHEMA columns but ``line_number``), exactly.

    Rows are grouped by a hash of the source columns (the derived columns are functions of
    them); when every row equals the first row of its hash group, the number of hashes is the
    answer, else (a hash collision) the rows are compared in full.
    """
    data_cols = [c for c in FRAME_SCHEMA if c != "line_number" and c in frame.columns]
    source = [c for c in data_cols if c not in DERIVED]
    hashes = frame.select(source).hash_rows()
    first = hashes.is_first_distinct()
    distinct = int(first.sum())
    if distinct == frame.height:
        return distinct
    rows = frame.select(source).with_columns(hashes.alias("_hash"))
    paired = rows.join(rows.filter(first), on="_hash", how="left", suffix="_first")
    same = paired.select(
        pl.all_horizontal(pl.col(c).eq_missing(pl.col(f"{c}_first")).all() for c in source)
    ).item()
    return distinct if same else frame.select(data_cols).n_unique()
