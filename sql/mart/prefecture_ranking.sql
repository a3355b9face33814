-- One row per measure x prefecture (all 47, a null value where the prefecture has none): the
-- measures the ranking page orders prefectures on, each with its national value, its rank
-- among the 47 (1 = the largest value) and among the prefectures of the same region.
--   municipal_plan_coverage   share of municipalities (designated cities excluded) with a
--                             plan, as mart.region_progress counts it; national: the nation's
--   subsidy_direct_support_menus, subsidy_project_cost_yen, subsidy_national_share_yen
--                             the latest fiscal year of mart.subsidy_uptake; national: the
--                             mean of the prefectures with a value
--   indicator|<series_key>    each indicator series' latest period (mart.region_indicator);
--                             national: the nation's value of the same period
--   crime_incidents           police open data incidents in the latest data year; national:
--                             the mean of the prefectures with data (not every prefecture's
--                             files may be loaded)
--   crime_incidents_per_100k  the same incidents per 100,000 residents, for the prefectures
--                             whose census population is known (mart.prefecture_population:
--                             令和2年国勢調査); national: the mean of their rates
with prefectures as (
    select pref_code, name_ja, short_name_ja, name_en, region_ja, region_en
    from core.dim_prefecture
),

progress as (
    select * from mart.region_progress
),

plan_measure as (
    select
        pref_code,
        'municipal_plan_coverage' as measure_key,
        'plans' as measure_group,
        cast(null as varchar) as indicator_name,
        'ratio' as unit,
        cast(null as varchar) as period,
        municipal_coverage_ratio as value,
        national_municipal_coverage_ratio as national_value,
        'national' as national_basis,
        plan_as_of_on as as_of_on,
        is_sample
    from progress
),

subsidy_year as (
    select max(fiscal_year) as fiscal_year from mart.subsidy_uptake
),

subsidy as (
    select uptake.*
    from mart.subsidy_uptake as uptake
    join subsidy_year using (fiscal_year)
),

subsidy_long as (
    unpivot (
        select
            pref_code,
            fiscal_year,
            as_of_on,
            is_sample,
            cast(direct_support_menus as double) as subsidy_direct_support_menus,
            cast(project_cost_yen as double) as subsidy_project_cost_yen,
            cast(national_share_yen as double) as subsidy_national_share_yen
        from subsidy
    )
    on subsidy_direct_support_menus, subsidy_project_cost_yen, subsidy_national_share_yen
    into name measure_key value value
),

subsidy_measure as (
    select
        pref_code,
        measure_key,
        'subsidy' as measure_group,
        cast(null as varchar) as indicator_name,
        case measure_key when 'subsidy_direct_support_menus' then 'menus' else 'yen' end as unit,
        cast(fiscal_year as varchar) as period,
        value,
        avg(value) over (partition by measure_key) as national_value,
        'mean' as national_basis,
        as_of_on,
        is_sample
    from subsidy_long
),

indicator_measure as (
    select
        pref_code,
        'indicator|' || series_key as measure_key,
        'indicators' as measure_group,
        indicator_name,
        unit,
        period,
        value,
        national_value,
        'national' as national_basis,
        cast(null as date) as as_of_on,
        is_sample
    from mart.region_indicator
),

crime_year as (
    select max(data_year) as data_year from mart.crime_by_station_month
),

crime as (
    select
        crime.pref_code,
        crime.data_year,
        sum(crime.incidents)::double as incidents,
        bool_or(crime.is_sample) as is_sample
    from mart.crime_by_station_month as crime
    join crime_year using (data_year)
    group by all
),

crime_measure as (
    select
        pref_code,
        'crime_incidents' as measure_key,
        'crime' as measure_group,
        cast(null as varchar) as indicator_name,
        'incidents' as unit,
        cast(data_year as varchar) as period,
        incidents as value,
        avg(incidents) over () as national_value,
        'mean' as national_basis,
        cast(null as date) as as_of_on,
        is_sample
    from crime
),

population as (
    select pref_code, population from mart.prefecture_population
),

crime_rate_measure as (
    select
        crime.pref_code,
        'crime_incidents_per_100k' as measure_key,
        'crime' as measure_group,
        cast(null as varchar) as indicator_name,
        'per_100k' as unit,
        cast(crime.data_year as varchar) as period,
        crime.incidents * 100000.0 / population.population as value,
        avg(crime.incidents * 100000.0 / population.population) over () as national_value,
        'mean' as national_basis,
        cast(null as date) as as_of_on,
        crime.is_sample
    from crime
    inner join population using (pref_code)
),

measured as (
    select * from plan_measure
    union all by name select * from subsidy_measure
    union all by name select * from indicator_measure
    union all by name select * from crime_measure
    union all by name select * from crime_rate_measure
),

measures as (
    select
        measure_key,
        any_value(measure_group) as measure_group,
        any_value(indicator_name) as indicator_name,
        any_value(unit) as unit,
        max(national_value) filter (where national_basis = 'mean') as mean_value,
        bool_or(is_sample) as measure_is_sample
    from measured
    group by measure_key
),

every_prefecture as (
    -- each measure for all 47 prefectures, those without a value too
    select
        prefectures.*,
        measures.measure_key,
        measures.measure_group,
        coalesce(measured.indicator_name, measures.indicator_name) as indicator_name,
        coalesce(measured.unit, measures.unit) as unit,
        measured.period,
        measured.value,
        case
            when measured.national_basis = 'national' then measured.national_value
            when measures.mean_value is not null then measures.mean_value
        end as national_value,
        coalesce(
            measured.national_basis,
            case when measures.mean_value is not null then 'mean' else 'national' end
        ) as national_basis,
        measured.as_of_on,
        coalesce(measured.is_sample, measures.measure_is_sample) as is_sample
    from prefectures
    cross join measures
    left join measured using (pref_code, measure_key)
),

ranked as (
    select
        *,
        case when value is not null then
            rank() over (partition by measure_key order by value desc nulls last)
        end as rank,
        count(value) over (partition by measure_key) as prefectures_ranked,
        case when value is not null then
            rank() over (partition by measure_key, region_ja order by value desc nulls last)
        end as region_rank,
        count(value) over (partition by measure_key, region_ja) as region_prefectures_ranked,
        avg(value) over (partition by measure_key, region_ja) as region_mean_value
    from every_prefecture
)

select * from ranked
order by measure_key, rank nulls last, pref_code
