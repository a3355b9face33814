-- Indicator values from the templates and from e-Stat: pref_code '00' is the national figure.
-- indicator_name is as written in the source; edition and indicator_number where known.
with values_ as (
    select * from core.fact_indicator_value
),

prefectures as (
    select pref_code, name_ja as pref_name_ja from core.dim_prefecture
),

named as (
    select
        values_.pref_code,
        case when values_.pref_code = '00' then '全国' else prefectures.pref_name_ja end
            as pref_name_ja,
        values_.pref_code = '00' as is_national,
        values_.series_key,
        values_.indicator_name,
        values_.edition,
        values_.indicator_number,
        values_.period,
        values_.period_kind,
        values_.period_year,
        values_.value,
        values_.value_note,
        values_.unit,
        values_.numerator,
        values_.denominator,
        values_.source,
        values_.source_kind,
        values_.source_file,
        values_.is_sample
    from values_
    left join prefectures using (pref_code)
)

select * from named
order by series_key, pref_code, period_year, period
