-- The prefecture extract's table 指標: each prefecture's indicator values per period beside the
-- national value of the same series and period (the national value of a real source before a
-- sample one). row_order is the row's place in its prefecture's file.
-- A view: an extract reads the marts as they are published, one prefecture at a time.
-- materialized: view
with values_ as (
    select * from mart.indicator_value
),

prefectures as (
    select pref_code, name_ja as pref_name_ja from mart.prefecture
),

national as (
    select series_key, period, value as national_value, is_sample as national_is_sample
    from values_
    where is_national
    qualify row_number() over (partition by series_key, period order by is_sample, source) = 1
),

compared as (
    select
        p.pref_code,
        prefectures.pref_name_ja,
        p.edition,
        p.indicator_number,
        p.indicator_name,
        p.period,
        p.period_kind,
        p.value,
        p.value_note,
        p.unit,
        p.numerator,
        p.denominator,
        n.national_value,
        round(p.value - n.national_value, 6) as difference_from_national,
        round(p.value / nullif(n.national_value, 0), 4) as ratio_to_national,
        p.source,
        p.source_file,
        p.is_sample or coalesce(n.national_is_sample, false) as is_sample,
        row_number() over (
            partition by p.pref_code
            order by p.edition nulls last, p.indicator_number nulls last, p.indicator_name,
                p.series_key, p.period_year, p.period
        ) as row_order
    from values_ as p
    inner join prefectures using (pref_code)
    left join national as n using (series_key, period)
)

select * from compared
