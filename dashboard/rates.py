"""Counts per 100,000 residents, for areas whose population is known (the census population
from ``mart.prefecture_population`` and ``mart.municipality_population``). No Streamlit here."""

from __future__ import annotations

import polars as pl

PER = 100_000


def per_100k(count: float | None, population: float | None) -> float | None:
    """``count`` per 100,000 of ``population``, one decimal; None without a population."""
    if count is None or not population:
        return None
    return round(count * PER / population, 1)


def with_per_100k(frame: pl.DataFrame, count: str, population: str, name: str) -> pl.DataFrame:
    """``frame`` with column ``name``: ``count`` per 100,000 of ``population`` (one decimal;
    null where the population is unknown)."""
    return frame.with_columns(
        (pl.col(count) * PER / pl.when(pl.col(population) > 0).then(pl.col(population)))
        .round(1).alias(name))
