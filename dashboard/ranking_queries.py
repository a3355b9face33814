"""Read-only queries on the published marts for the ranking view and the one-page prefecture
report (``mart.prefecture_ranking``, ``mart.region_indicator``, ``mart.crime_by_prefecture_month``).
Plain functions, as in :mod:`dashboard.queries`: connection in, frame out, values bound."""

from __future__ import annotations

import duckdb
import polars as pl

from dashboard.queries import frame

# --- ranking -------------------------------------------------------------------------------------

def ranking_measures(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The measures prefectures can be ranked on: fixed ones first, then indicator series."""
    return frame(
        con,
        "select r.measure_key, any_value(r.measure_group) as measure_group, "
        "any_value(r.indicator_name) as indicator_name, any_value(r.unit) as unit, "
        "any_value(i.indicator_number) as indicator_number, any_value(i.edition) as edition, "
        "count(r.value) as prefectures_ranked, bool_or(r.is_sample) as is_sample "
        "from mart.prefecture_ranking as r left join mart.region_indicator as i "
        "on r.measure_key = 'indicator|' || i.series_key and r.pref_code = i.pref_code "
        "group by r.measure_key order by "
        "list_position(['plans', 'subsidy', 'indicators', 'crime'], "
        "any_value(r.measure_group)), any_value(i.edition), any_value(i.indicator_number), "
        "r.measure_key",
    )


def prefecture_ranking(con: duckdb.DuckDBPyConnection, measure_key: str) -> pl.DataFrame:
    """One measure for all 47 prefectures: value, rank, region, national value."""
    return frame(
        con,
        "select pref_code, name_ja, short_name_ja, name_en, region_ja, region_en, unit, period, "
        "value, national_value, national_basis, rank, prefectures_ranked, region_rank, "
        "region_prefectures_ranked, region_mean_value, as_of_on, is_sample "
        "from mart.prefecture_ranking where measure_key = ? order by rank nulls last, pref_code",
        [measure_key],
    )


def region_ranking(con: duckdb.DuckDBPyConnection, pref_code: str) -> pl.DataFrame:
    """Every measure for the prefectures of ``pref_code``'s region, with what names a measure
    (group, indicator number and name), in the order of ``ranking_measures``: one query for
    the regional comparison."""
    return frame(
        con,
        "with numbers as (select series_key, any_value(indicator_number) as indicator_number, "
        "any_value(edition) as edition from mart.region_indicator group by series_key) "
        "select r.measure_key, r.measure_group, r.indicator_name, n.indicator_number, "
        "r.pref_code, r.unit, r.period, r.value, r.national_value, r.national_basis, "
        "r.region_rank, r.region_prefectures_ranked, r.region_mean_value, r.is_sample "
        "from mart.prefecture_ranking as r "
        "left join numbers as n on r.measure_key = 'indicator|' || n.series_key "
        "where r.region_ja = (select region_ja from mart.prefecture where pref_code = ?) "
        "order by list_position(['plans', 'subsidy', 'indicators', 'crime'], r.measure_group), "
        "n.edition, n.indicator_number, r.measure_key, r.pref_code",
        [pref_code],
    )


# --- one-page prefecture report ------------------------------------------------------------------

def prefecture_indicators(con: duckdb.DuckDBPyConnection, pref_code: str) -> pl.DataFrame:
    """One prefecture's latest value of each indicator beside the national value."""
    return frame(
        con,
        "select indicator_number, indicator_name, period, value, unit, national_value, "
        "difference_from_national, source, is_sample from mart.region_indicator "
        "where pref_code = ? order by edition, indicator_number, indicator_name",
        [pref_code],
    )


def prefecture_crime_by_month(con: duckdb.DuckDBPyConnection, pref_code: str) -> pl.DataFrame:
    """One prefecture's incidents per month of occurrence within its data years (all modus)."""
    return frame(
        con,
        "select year_month, sum(incidents)::bigint as incidents, bool_or(is_sample) as is_sample "
        "from mart.crime_by_prefecture_month where pref_code = ? and year_month is not null "
        "and year(year_month) = data_year group by year_month order by year_month",
        [pref_code],
    )
