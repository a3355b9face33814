-- What each prefecture has delivered of each source that arrives per prefecture and period:
-- the latest period, its label, when it arrived and whether it is sample data. One row per
-- prefecture x source (47 x 4), also where nothing arrived (latest_period null). What is
-- expected and whether it is late depend on the day they are read: warehouse.expected works
-- them out from these rows and the cadences (SAIHAN_LATE_AFTER_DAYS), for the data page and
-- the late-source notifications. Periods: police open data by data year (calendar year),
-- plan status by the 1 April it is as of (a status as of 2024-10-01 is the 2024 one),
-- subsidy records by fiscal year, prefecture indicators by the year of their period.
with

sources (source_kind, source_order) as (
    values ('crime_open_data', 1), ('local_plans', 2), ('subsidy_records', 3), ('indicators', 4)
),

files as (
    select file_id, loaded_at from raw.file where status = 'loaded'
),

arrivals as (
    select 'crime_open_data' as source_kind, pref_code, data_year as period,
        data_year::varchar as period_label, loaded_at, is_sample
    from raw.file
    where source_kind = 'crime_open_data' and status = 'loaded' and pref_code is not null
        and data_year is not null
    union all
    select 'local_plans', plans.pref_code,
        year(plans.as_of_on) - case when month(plans.as_of_on) < 4 then 1 else 0 end,
        strftime(plans.as_of_on, '%Y-%m-%d'), files.loaded_at, plans.is_sample
    from core.fact_local_plan as plans
    join files using (file_id)
    union all
    select 'subsidy_records', subsidy.pref_code, subsidy.fiscal_year,
        'FY' || subsidy.fiscal_year, files.loaded_at, subsidy.is_sample
    from core.fact_subsidy_record as subsidy
    join files using (file_id)
    union all
    select 'indicators', indicators.pref_code, indicators.period_year,
        indicators.period_year::varchar, files.loaded_at, indicators.is_sample
    from core.fact_indicator_value as indicators
    join files using (file_id)
    where indicators.pref_code <> '00' and indicators.period_year is not null
),

latest as (
    select
        source_kind,
        pref_code,
        max(period) as latest_period,
        arg_max(period_label, period) as latest_period_label,
        max(loaded_at) filter (where period = latest_period_seen) as received_at,
        bool_and(is_sample) filter (where period = latest_period_seen) as is_sample
    from (
        select *, max(period) over (partition by source_kind, pref_code) as latest_period_seen
        from arrivals
    )
    group by source_kind, pref_code
),

final as (
    select
        prefecture.pref_code,
        prefecture.name_ja as pref_name_ja,
        prefecture.name_en as pref_name_en,
        sources.source_kind,
        sources.source_order,
        latest.latest_period,
        latest.latest_period_label,
        latest.received_at,
        coalesce(latest.is_sample, false) as is_sample
    from core.dim_prefecture as prefecture
    cross join sources
    left join latest
        on latest.source_kind = sources.source_kind and latest.pref_code = prefecture.pref_code
)

select * from final
order by pref_code, source_order
