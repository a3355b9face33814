"""Read-only queries on the published marts. Plain functions: connection in, frame out.

The dashboard never reads raw, meta, stg, core or ref tables; everything here selects from
``mart.*``. Values are bound as parameters.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from warehouse import db


def open_warehouse(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published warehouse as it is now."""
    return db.open_published(path)


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None
          ) -> pl.DataFrame:
    """The rows of a query on the marts, with its values bound as parameters."""
    return con.sql(sql, params=params or None).pl()


def published_at(con: duckdb.DuckDBPyConnection) -> str | None:
    """When the published warehouse was built (ISO timestamp); None if it does not say (one
    built before ``mart.build_info`` existed, until the next run rebuilds it)."""
    try:
        rows = con.sql("select built_at from mart.build_info").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None


def prefectures(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The 47 prefectures with names and groupings."""
    return frame(con, "select * from mart.prefecture order by pref_code")


def fiscal_year_labels(con: duckdb.DuckDBPyConnection) -> dict[str, dict[int, str]]:
    """Language -> fiscal year -> its label (令和6年度, FY2024), from ``mart.fiscal_year``."""
    rows = con.sql("select fiscal_year, label_ja, label_en from mart.fiscal_year").fetchall()
    return {"ja": {fy: ja for fy, ja, _ in rows}, "en": {fy: en for fy, _, en in rows}}


def subsidy_fiscal_years(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Fiscal years with subsidy participation data, newest first."""
    rows = con.sql(
        "select distinct fiscal_year from mart.subsidy_uptake order by fiscal_year desc"
    ).fetchall()
    return [r[0] for r in rows]


def subsidy_uptake(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> pl.DataFrame:
    """Participation per prefecture in one fiscal year, with names for labels."""
    return frame(
        con,
        "select u.pref_code, p.name_ja, p.short_name_ja, p.name_en, p.region_ja, p.region_en, "
        "u.fiscal_year, u.is_participating, u.as_of_on, u.source, u.section, u.is_sample, "
        "u.is_participation_sample "
        "from mart.subsidy_uptake as u join mart.prefecture as p using (pref_code) "
        "where u.fiscal_year = ? order by u.pref_code",
        [fiscal_year],
    )


def published_totals(con: duckdb.DuckDBPyConnection, topic: str | None = None) -> pl.DataFrame:
    """Published national totals, optionally of one topic."""
    if topic is None:
        return frame(con, "select * from mart.published_total order by topic, fact_id")
    return frame(
        con, "select * from mart.published_total where topic = ? order by fact_id", [topic]
    )


def municipality_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Number of governments per plan level (prefecture, designated_city, municipality)."""
    row = con.sql(
        "select count(*) filter (where level = 'prefecture'), "
        "count(*) filter (where level = 'designated_city'), "
        "count(*) filter (where level = 'municipality') "
        "from mart.local_government"
    ).fetchall()[0]
    return {"prefecture": row[0], "designated_city": row[1], "municipality": row[2]}


def crime_summary(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Incidents per prefecture, data year and modus, and whether any is sample data."""
    return frame(
        con,
        "select c.pref_code, p.name_ja, p.name_en, c.data_year, c.modus, "
        "sum(c.incidents)::bigint as incidents, bool_or(c.is_sample) as is_sample "
        "from mart.crime_by_prefecture_month as c join mart.prefecture as p using (pref_code) "
        "group by all order by c.pref_code, c.data_year, incidents desc, c.modus",
    )


def crime_by_month(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Incidents per month of occurrence and modus, nationally (known months only)."""
    return frame(
        con,
        "select year_month, modus, sum(incidents)::bigint as incidents "
        "from mart.crime_by_prefecture_month where year_month is not null "
        "group by all order by year_month, modus",
    )


# --- police-district crime ---------------------------------------------------------------------

def crime_prefectures(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Prefectures that have crime open data, with their years."""
    return frame(
        con,
        "select p.pref_code, p.name_ja, p.name_en, list(distinct c.data_year order by "
        "c.data_year) as data_years, sum(c.incidents)::bigint as incidents "
        "from mart.crime_by_prefecture_month as c join mart.prefecture as p using (pref_code) "
        "group by all order by p.pref_code",
    )


def crime_options(con: duckdb.DuckDBPyConnection, pref_code: str) -> dict[str, list]:
    """The modus and police stations of one prefecture (for the filters)."""
    modi = [r[0] for r in con.sql(
        "select modus from mart.crime_by_prefecture_month where pref_code = ? "
        "group by modus order by sum(incidents) desc, modus", params=[pref_code]).fetchall()]
    stations = [r[0] for r in con.sql(
        "select police_station from mart.police_station where pref_code = ? "
        "order by incidents desc, police_station", params=[pref_code]).fetchall()]
    return {"modi": modi, "stations": stations}


_CRIME_FILTER = (
    "pref_code = $pref and list_contains($years, data_year) and list_contains($modi, modus) "
    "and (len($stations) = 0 or list_contains($stations, police_station))"
)


def _crime_params(pref_code: str, years: tuple[int, ...], modi: tuple[str, ...],
                  stations: tuple[str, ...], **more: object) -> dict:
    """The bound values of ``_CRIME_FILTER`` (stations: empty means all)."""
    return {"pref": pref_code, "years": list(years), "modi": list(modi),
            "stations": list(stations), **more}


def crime_monthly(con: duckdb.DuckDBPyConnection, pref_code: str, years: tuple[int, ...],
                  modi: tuple[str, ...], stations: tuple[str, ...]) -> pl.DataFrame:
    """Incidents per month and modus (stations: empty means all), unknown months excluded."""
    return frame(
        con,
        "select year_month, modus, sum(incidents)::bigint as incidents "
        f"from mart.crime_by_station_month where {_CRIME_FILTER} and year_month is not null "
        "group by all order by year_month, modus",
        _crime_params(pref_code, years, modi, stations),
    )


def crime_totals(con: duckdb.DuckDBPyConnection, pref_code: str, years: tuple[int, ...],
                 modi: tuple[str, ...], stations: tuple[str, ...]) -> dict[str, int | bool]:
    """Total incidents, those with an unknown month, stations and whether any count is sample
    data, for the current filters."""
    row = con.sql(
        "select coalesce(sum(incidents), 0)::bigint, "
        "coalesce(sum(incidents) filter (where year_month is null), 0)::bigint, "
        "count(distinct police_station), coalesce(bool_or(is_sample), false) "
        f"from mart.crime_by_station_month where {_CRIME_FILTER}",
        params=_crime_params(pref_code, years, modi, stations),
    ).fetchall()[0]
    return {"incidents": row[0], "unknown_month": row[1], "stations": row[2],
            "is_sample": row[3]}


def crime_top_stations(con: duckdb.DuckDBPyConnection, pref_code: str, years: tuple[int, ...],
                       modi: tuple[str, ...], stations: tuple[str, ...],
                       limit: int = 20) -> pl.DataFrame:
    """The police stations (of those chosen; none chosen = all) with most incidents, split by
    modus."""
    return frame(
        con,
        "with totals as (select police_station, sum(incidents) as total "
        f"from mart.crime_by_station_month where {_CRIME_FILTER} group by all "
        "order by total desc, police_station limit $limit) "
        "select c.police_station, c.modus, sum(c.incidents)::bigint as incidents, "
        "any_value(t.total)::bigint as station_total "
        "from mart.crime_by_station_month as c join totals as t using (police_station) "
        f"where {_CRIME_FILTER.replace('pref_code', 'c.pref_code')} "
        "group by all order by station_total desc, c.police_station, incidents desc, c.modus",
        _crime_params(pref_code, years, modi, stations, limit=limit),
    )


def crime_hour_weekday(con: duckdb.DuckDBPyConnection, pref_code: str, years: tuple[int, ...],
                       modi: tuple[str, ...], stations: tuple[str, ...]) -> pl.DataFrame:
    """Incidents per ISO weekday and hour (known ones)."""
    return frame(
        con,
        "select weekday, hour, sum(incidents)::bigint as incidents "
        f"from mart.crime_by_hour_weekday where {_CRIME_FILTER} "
        "and weekday is not null and hour is not null group by all order by weekday, hour",
        _crime_params(pref_code, years, modi, stations),
    )


def crime_place_types(con: duckdb.DuckDBPyConnection, pref_code: str, years: tuple[int, ...],
                      modi: tuple[str, ...], stations: tuple[str, ...]) -> pl.DataFrame:
    """Incidents per place type."""
    return frame(
        con,
        "select place_type, sum(incidents)::bigint as incidents "
        f"from mart.crime_by_place_type where {_CRIME_FILTER} "
        "group by all order by incidents desc, place_type",
        _crime_params(pref_code, years, modi, stations),
    )


def crime_by_municipality(con: duckdb.DuckDBPyConnection, pref_code: str,
                          years: tuple[int, ...], modi: tuple[str, ...],
                          stations: tuple[str, ...]) -> pl.DataFrame:
    """Incidents per municipality (code and name) and modus."""
    return frame(
        con,
        "select lg_code, municipality_name, modus, sum(incidents)::bigint as incidents "
        f"from mart.crime_by_municipality where {_CRIME_FILTER} "
        "group by all order by incidents desc, lg_code, modus",
        _crime_params(pref_code, years, modi, stations),
    )



def police_station_area(con: duckdb.DuckDBPyConnection, pref_code: str) -> pl.DataFrame:
    """Each police station's municipalities with their share of its incidents, and whether the
    municipality is in its estimated area (mart.police_station_area, every data year)."""
    return frame(
        con,
        "select police_station, lg_code, municipality_name, incidents, station_incidents, "
        "share_of_station, is_main_station, first_data_year, last_data_year "
        "from mart.police_station_area where pref_code = ? "
        "order by station_incidents desc, police_station, incidents desc, lg_code",
        [pref_code],
    )

# --- data status -------------------------------------------------------------------------------

def source_freshness(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per kind of source: current files, rows, newest load, whether any is sample."""
    return frame(
        con,
        "select source_kind, count(*) filter (where status = 'loaded') as current_files, "
        "count(*) filter (where status = 'superseded') as superseded_files, "
        "sum(rows) filter (where status = 'loaded')::bigint as rows, "
        "max(loaded_at) as last_loaded_at, bool_or(is_sample) as has_sample "
        "from mart.source_file group by source_kind order by source_kind",
    )


def delivery_coverage(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """What arrived per prefecture x source (lateness: warehouse.expected.assess)."""
    return frame(
        con,
        "select pref_code, pref_name_ja, pref_name_en, source_kind, latest_period, "
        "latest_period_label, received_at, is_sample from mart.delivery_coverage "
        "order by pref_code, source_order",
    )


def source_files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every accepted file, newest first."""
    return frame(
        con,
        "select file_name, source_kind, dataset_key, status, rows, encoding, is_sample, "
        "findings, loaded_at, sha256, pref_code from mart.source_file",
    )


def file_findings(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Findings per file."""
    return frame(
        con,
        "select file_name, severity, code, message, line, column_name, lines, pref_code "
        "from mart.file_finding",
    )


def rejected_files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Rejected files and their reports: what was found and what to do in English (reason,
    action) and Japanese (reason_ja, action_ja; null for rejections recorded before the
    Japanese texts were kept)."""
    return frame(
        con,
        "select rejected_at, file_name, line, column_name, reason, action, reason_ja, action_ja, "
        "quarantined_path from mart.rejected_file",
    )


def held_files(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Re-deliveries held because they would shrink their dataset, not yet accepted."""
    return frame(
        con,
        "select held_at, file_name, dataset_key, rows_before, rows_after, reason, held_path "
        "from mart.held_file where not is_accepted",
    )


def runs(con: duckdb.DuckDBPyConnection, limit: int = 20) -> pl.DataFrame:
    """The last publishing runs."""
    return frame(con, "select * from mart.run limit ?", [limit])


# --- subsidy programme ---------------------------------------------------------------------------

def subsidy_by_year(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Per fiscal year: participating prefectures, cost and national share, sample or not."""
    return frame(
        con,
        "select fiscal_year, participating_prefectures as participating, project_cost_yen, "
        "national_share_yen, is_participation_sample, is_sample, participation_source "
        "from mart.subsidy_participation_by_fiscal_year order by fiscal_year",
    )


def subsidy_detail(con: duckdb.DuckDBPyConnection, fiscal_year: int) -> pl.DataFrame:
    """One fiscal year per prefecture with menus and amounts."""
    return frame(
        con,
        "select u.pref_code, p.name_ja, p.short_name_ja, p.name_en, p.region_ja, "
        "u.is_participating, u.participation_source, u.runs_coordination_meetings, "
        "u.runs_staff_training, u.runs_employment_housing_support, u.runs_specialised_support, "
        "u.runs_consultation_support, u.direct_support_menus, u.project_cost_yen, "
        "u.national_share_yen, u.as_of_on, u.source, u.record_file, u.is_sample, "
        "u.is_participation_sample "
        "from mart.subsidy_uptake as u join mart.prefecture as p using (pref_code) "
        "where u.fiscal_year = ? order by u.pref_code",
        [fiscal_year],
    )


# --- local plans ---------------------------------------------------------------------------------

def plan_coverage_national(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Latest plan coverage summed over prefectures, per level."""
    return frame(
        con,
        "select level, any_value(as_of_on) as as_of_on, sum(governments)::bigint as governments, "
        "sum(reported)::bigint as reported, sum(with_plan)::bigint as with_plan, "
        "sum(standalone)::bigint as standalone, "
        "sum(included_in_other)::bigint as included_in_other, "
        "sum(in_preparation)::bigint as in_preparation, bool_or(is_sample) as is_sample "
        "from mart.plan_coverage where is_latest group by level",
    )


def plan_coverage_reconciliation(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The white paper's plan counts beside the warehouse's, as `saihan check` compares them."""
    return frame(
        con,
        "select fact_id, level, method, as_of_on, published, warehouse, status, explanation "
        "from mart.plan_coverage_reconciliation where is_compared order by fact_id",
    )


def plan_coverage_by_prefecture(con: duckdb.DuckDBPyConnection, level: str) -> pl.DataFrame:
    """Latest coverage of one level per prefecture, with names."""
    return frame(
        con,
        "select c.pref_code, p.name_ja, p.short_name_ja, p.name_en, c.governments, c.with_plan, "
        "c.standalone, c.included_in_other, c.in_preparation, c.coverage_ratio, c.as_of_on, "
        "c.is_sample from mart.plan_coverage as c join mart.prefecture as p using (pref_code) "
        "where c.is_latest and c.level = ? order by c.pref_code",
        [level],
    )


def plan_status_list(con: duckdb.DuckDBPyConnection, pref_codes: tuple[str, ...],
                     levels: tuple[str, ...], statuses: tuple[str, ...]) -> pl.DataFrame:
    """Every government's plan status, filtered (empty tuple = no filter)."""
    return frame(
        con,
        "select s.pref_code, s.lg_code, p.name_ja as pref_name_ja, p.name_en as pref_name_en, "
        "s.full_name_ja, s.level, s.status, "
        "s.method, s.included_in, s.plan_name, s.adopted_on, s.period_start_on, "
        "s.period_end_on, s.as_of_on, s.is_sample "
        "from mart.plan_status as s join mart.prefecture as p using (pref_code) "
        "where (len($prefs) = 0 or list_contains($prefs, s.pref_code)) "
        "and (len($levels) = 0 or list_contains($levels, s.level)) "
        "and (len($statuses) = 0 or list_contains($statuses, s.status)) "
        "order by s.lg_code",
        {"prefs": list(pref_codes), "levels": list(levels), "statuses": list(statuses)},
    )



def municipal_plan_status(con: duckdb.DuckDBPyConnection, pref_code: str | None
                          ) -> pl.DataFrame:
    """Every municipality's latest plan status (of one prefecture, or all with None)."""
    return frame(
        con,
        "select lg_code, pref_code, full_name_ja, status, as_of_on, is_sample "
        "from mart.plan_status where level in ('designated_city', 'municipality') "
        "and ($pref is null or pref_code = $pref) order by lg_code",
        {"pref": pref_code},
    )

# --- indicators ----------------------------------------------------------------------------------

def indicator_series(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Indicator series with their names, numbers and units, national ones first."""
    return frame(
        con,
        "select series_key, any_value(indicator_name) as indicator_name, "
        "any_value(indicator_number) as indicator_number, any_value(edition) as edition, "
        "any_value(unit) as unit, count(distinct pref_code) filter (where not is_national) "
        "as prefectures, bool_or(is_national) as has_national "
        "from mart.indicator_value group by series_key "
        "order by has_national desc, prefectures desc, indicator_number, indicator_name",
    )


def indicator_values(con: duckdb.DuckDBPyConnection, series_key: str) -> pl.DataFrame:
    """All values of one series, every prefecture and national ('00', without names)."""
    return frame(
        con,
        "select v.pref_code, p.name_ja, p.short_name_ja, p.name_en, "
        "v.is_national, v.period, v.period_year, "
        "v.value, v.value_note, v.unit, v.numerator, v.denominator, v.source, v.is_sample "
        "from mart.indicator_value as v left join mart.prefecture as p using (pref_code) "
        "where v.series_key = ? order by v.period_year, v.period, v.pref_code",
        [series_key],
    )


# --- per-region progress -------------------------------------------------------------------------

def region_progress(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The per-prefecture scorecard (without the nested indicator list), with the English
    name, so a page needs no second query for names."""
    return frame(con, "select r.* exclude (latest_indicators), p.name_en "
                       "from mart.region_progress as r join mart.prefecture as p using (pref_code) "
                       "order by pref_code")


def region_indicator_history(con: duckdb.DuckDBPyConnection, pref_code: str) -> pl.DataFrame:
    """Every period of every series for one prefecture and for the nation."""
    return frame(
        con,
        "select series_key, indicator_name, unit, period, period_year, pref_code, is_national, "
        "value, is_sample from mart.indicator_value "
        "where (pref_code = ? or is_national) and value is not null "
        "and series_key in (select series_key from mart.indicator_value where pref_code = ?) "
        "order by series_key, period_year, period",
        [pref_code, pref_code],
    )


def region_subsidy_history(con: duckdb.DuckDBPyConnection, pref_code: str) -> pl.DataFrame:
    """One prefecture's subsidy record per fiscal year."""
    return frame(
        con,
        "select fiscal_year, is_participating, participation_source, menus, "
        "direct_support_menus, project_cost_yen, national_share_yen, is_sample "
        "from mart.subsidy_uptake where pref_code = ? order by fiscal_year",
        [pref_code],
    )


def national_series(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The white papers' national series (local plans by level, council members) by date."""
    return frame(con, "select * from mart.national_series order by series_id, as_of_on")


def prefecture_population(con: duckdb.DuckDBPyConnection, pref_code: str) -> dict | None:
    """A prefecture's census population with its source and date, or None where unknown."""
    rows = frame(con, "select population, census_year, as_of_on, source, source_url "
                 "from mart.prefecture_population where pref_code = ?", [pref_code])
    return rows.row(0, named=True) if rows.height else None


def municipality_population(con: duckdb.DuckDBPyConnection, pref_code: str) -> pl.DataFrame:
    """The census population of a prefecture's municipalities and wards (where loaded)."""
    return frame(con, "select lg_code, population, census_year, source "
                 "from mart.municipality_population where pref_code = ? order by lg_code",
                 [pref_code])


def indicator_real_prefectures(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Per indicator series, the prefectures (codes) that have real (not sample) values."""
    rows = con.sql(
        "select series_key, list(distinct pref_code order by pref_code) "
        "filter (where not is_sample and pref_code <> '00') "
        "from mart.indicator_value group by series_key").fetchall()
    return {key: list(codes or []) for key, codes in rows}
