"""Small-count suppression (秘匿): one rule for the dashboard and the extracts.

A count from 1 up to (not including) a source's threshold is blanked, together with the figures
of the same row that would give it away (a rate next to its denominator); the row is flagged in
``is_suppressed``. Zero is shown. Thresholds are set per source kind (``raw.file.source_kind``)
with ``SAIHAN_SUPPRESS_BELOW``, read by ``warehouse.settings.parse_thresholds``. By default
nothing is suppressed, because every source the product reads today is published (the white
paper) or already public row by row (police crime open data publishes each incident, so a
count of them discloses nothing new).

This is primary suppression only: a blanked cell can sometimes be recovered from totals that
are shown elsewhere. Extracts publish no totals next to suppressed tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import polars as pl

from warehouse.settings import ALL_SOURCES, SUPPRESSIBLE_SOURCES

# What a suppressed cell shows in CSV and XLSX (Parquet leaves it empty, i.e. null).
SUPPRESSED_MARK = "X"

Thresholds = Mapping[str, int] | Iterable[tuple[str, int]]


def threshold_for(thresholds: Thresholds, source: str) -> int:
    """The threshold of one source: its own entry, else the all-sources entry, else 0 (none)."""
    table = dict(thresholds.items() if isinstance(thresholds, Mapping) else thresholds)
    return table.get(source, table.get(ALL_SOURCES, 0))


def describe_thresholds(thresholds: Thresholds) -> dict[str, int]:
    """The threshold in force for every source that has counts (for metadata and manifests)."""
    return {source: threshold_for(thresholds, source) for source in sorted(SUPPRESSIBLE_SOURCES)}


def suppress_small_counts(frame: pl.DataFrame, counts: Sequence[str], threshold: int, *,
                          dependents: Sequence[str] = ()) -> pl.DataFrame:
    """Blank every count in ``counts`` (and ``dependents``) on rows where a count is 1..threshold-1.

    Adds a boolean ``is_suppressed`` (false on every row when the threshold is 0 or 1). Counts
    that are null stay null and do not trigger suppression.
    """
    if threshold > 1 and counts:
        small = pl.any_horizontal(
            pl.col(c).is_between(1, threshold - 1, closed="both").fill_null(False)
            for c in counts
        )
    else:
        small = pl.lit(False)
    flagged = frame.with_columns(small.alias("is_suppressed"))
    return flagged.with_columns(
        pl.when(pl.col("is_suppressed")).then(None).otherwise(pl.col(c)).alias(c)
        for c in (*counts, *dependents)
    )


def mark_suppressed(frame: pl.DataFrame, columns: Sequence[str],
                    mark: str = SUPPRESSED_MARK) -> pl.DataFrame:
    """For tables people read: suppressed cells of ``columns`` as ``mark`` (columns become text).

    Leaves the frame unchanged when no row is suppressed, so numbers stay numbers.
    """
    if "is_suppressed" not in frame.columns or not frame["is_suppressed"].any():
        return frame
    return frame.with_columns(
        pl.when(pl.col("is_suppressed")).then(pl.lit(mark))
        .otherwise(pl.col(c).cast(pl.String)).alias(c)
        for c in columns
    )
