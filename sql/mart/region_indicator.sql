-- Per prefecture and indicator series: the latest period with a value, beside the national
-- value of the same series and period.
with values_ as (
    select * from mart.indicator_value
),

latest as (
    select * from values_
    where not is_national and value is not null
    qualify row_number() over (
        partition by pref_code, series_key order by period_year desc, period desc
    ) = 1
),

national as (
    select series_key, period, value as national_value, is_sample as national_is_sample
    from values_
    where is_national
),

compared as (
    select
        latest.pref_code,
        latest.pref_name_ja,
        latest.series_key,
        latest.indicator_name,
        latest.edition,
        latest.indicator_number,
        latest.period,
        latest.value,
        latest.unit,
        national.national_value,
        latest.value - national.national_value as difference_from_national,
        latest.value / nullif(national.national_value, 0) as ratio_to_national,
        latest.source,
        latest.is_sample or coalesce(national.national_is_sample, false) as is_sample
    from latest
    left join national using (series_key, period)
)

select * from compared
order by pref_code, edition, indicator_number, indicator_name
