-- Indicator values from the templates and from e-Stat, national ('00') and per prefecture, in
-- one shape. A series is one indicator in one unit from one source; per series, prefecture and
-- period, real data wins over sample data, then the later delivery.
with template_rows as (
    select
        'template' as source_kind,
        'template|' || coalesce(cast(edition as varchar), '') || '|' || indicator_key || '|'
            || unit as series_key,
        pref_code,
        indicator_name,
        edition,
        indicator_number,
        period,
        period_kind,
        period_year,
        value,
        value_note,
        unit,
        numerator,
        denominator,
        source,
        source_file,
        file_id,
        line_number,
        is_sample
    from stg.indicator_value
),

estat_rows as (
    select
        'estat' as source_kind,
        'estat|' || stats_data_id || '|' || coalesce(tab_code, '') || '|' || category_codes
            as series_key,
        pref_code,
        indicator_name,
        cast(null as integer) as edition,
        cast(null as varchar) as indicator_number,
        period,
        period_kind,
        period_year,
        value,
        special_meaning as value_note,
        unit,
        cast(null as double) as numerator,
        cast(null as double) as denominator,
        'e-Stat ' || stats_data_id || coalesce(' ' || stat_name, '')
            || coalesce(' 「' || table_title || '」', '') as source,
        source_file,
        file_id,
        line_number,
        is_sample
    from stg.estat_value
    where area_level in ('national', 'prefecture', 'none')
),

both_sources as (
    select * from template_rows
    union all
    select * from estat_rows
),

ranked as (
    select
        both_sources.*,
        row_number() over (
            partition by series_key, pref_code, period
            order by is_sample, file_id desc, line_number desc
        ) as delivery_rank
    from both_sources
)

select * exclude (delivery_rank) from ranked
where delivery_rank = 1
