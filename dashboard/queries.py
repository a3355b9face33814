"""Read-only queries on the published marts. Plain functions: connection in, frame out.

The dashboard never reads raw, stg or core tables; everything here selects from ``mart.*``
(and ``meta.build_info`` for freshness). Values are bound as parameters.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse."""
    return duckdb.connect(str(path), read_only=True)


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> pl.DataFrame:
    return con.sql(sql, params=params or None).pl()


def published_at(con: duckdb.DuckDBPyConnection) -> str | None:
    """When the published warehouse was built (ISO timestamp)."""
    row = con.execute("select value from meta.build_info where key = 'built_at'").fetchone()
    return row[0] if row else None


def prefectures(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The 47 prefectures with names and groupings."""
    return _frame(con, "select * from mart.prefecture order by pref_code")


def subsidy_fiscal_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Fiscal years with subsidy participation data, newest first."""
    rows = con.execute(
        "select distinct fiscal_year from mart.subsidy_uptake order by fiscal_year desc"
    ).fetchall()
    return [r[0] for r in rows]


def subsidy_uptake(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> pl.DataFrame:
    """Participation per prefecture in one fiscal year, with names for labels."""
    return _frame(
        con,
        "select u.pref_code, p.name_ja, p.short_name_ja, p.name_en, p.region_ja, p.region_en, "
        "u.fiscal_year, u.is_participating, u.as_of_on, u.source, u.section, u.is_sample "
        "from mart.subsidy_uptake as u join mart.prefecture as p using (pref_code) "
        "where u.fiscal_year = ? order by u.pref_code",
        [fiscal_year],
    )


def published_totals(con: duckdb.DuckDBPyConnection, topic: str | None = None) -> pl.DataFrame:
    """Published national totals, optionally of one topic."""
    if topic is None:
        return _frame(con, "select * from mart.published_total order by topic, fact_id")
    return _frame(
        con, "select * from mart.published_total where topic = ? order by fact_id", [topic]
    )


def municipality_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Number of governments per plan level (prefecture, designated_city, municipality)."""
    row = con.execute(
        "select count(*) filter (where kind = 'prefecture'), "
        "count(*) filter (where kind = 'designated_city'), "
        "count(*) filter (where is_municipality and kind <> 'designated_city') "
        "from mart.local_government"
    ).fetchone()
    return {"prefecture": row[0], "designated_city": row[1], "municipality": row[2]}


def crime_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Incidents per prefecture, data year and modus."""
    return _frame(
        con,
        "select c.pref_code, p.name_ja, p.name_en, c.data_year, c.modus, "
        "sum(c.incidents)::bigint as incidents "
        "from mart.crime_by_station_month as c join mart.prefecture as p using (pref_code) "
        "group by all order by c.pref_code, c.data_year, incidents desc",
    )


def crime_by_month(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Incidents per month of occurrence and modus, nationally (known months only)."""
    return _frame(
        con,
        "select year_month, modus, sum(incidents)::bigint as incidents "
        "from mart.crime_by_station_month where year_month is not null "
        "group by all order by year_month, modus",
    )
